"""Kartu kelurahan (``python -m geo kartu``, geo.sheets.kartu): one A4 page per kelurahan whose
numbers are those of ``python -m geo indicators``."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

import pandas as pd
import pytest

from geo import indicators, store
from geo.cli import exit_codes, main
from geo.demo import build_city, generate_households
from geo.fmt import fmt_int, fmt_pct
from geo.snapshot_writer import write_snapshot
from tests import pdf_tools
from tests.map_fixtures import write_city, write_province

SHOWN = ("miskin", "sanitasi_tidak_layak", "rtlh", "eksklusi", "cakupan_pkh")


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory) -> str:
    """A city of 12 kelurahan with households in 2026-06 and 2026-09."""
    url = f"sqlite:///{tmp_path_factory.mktemp('kartu') / 'kartu.sqlite'}"
    engine = store.get_engine(url)
    write_city(engine, n=1200, n_kelurahan=12, n_kecamatan=3)
    kel, river = build_city(7, n_kelurahan=12, n_kecamatan=3)
    hh = generate_households(kel, river, 1100, 11)
    hh["region_code"], hh["link_method"] = hh["kode_benar"], "kode"
    hh = hh.reset_index(drop=True)
    hh["row_number"] = range(2, len(hh) + 2)
    write_snapshot(engine, "2026-06", "juni.csv", hh,
                   pd.DataFrame(columns=["row_number", "values_json", "reasons"]),
                   {"rows_read": len(hh), "accepted": len(hh), "linked_by_code": len(hh)},
                   is_demo=True)
    engine.dispose()
    return url


@pytest.fixture
def city_db(two_periods, monkeypatch) -> str:
    monkeypatch.setenv("PETA_DB_URL", two_periods)
    return two_periods


def indicators_table(*argv: str) -> pd.DataFrame:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["indicators", *argv]) == 0
    return pd.read_csv(io.StringIO(out.getvalue()), dtype={"kode": str}).set_index("kode")


def page_row(page_text: str, label: str) -> list[str]:
    """The cells of the table row of ``label`` on a page (pdftotext -layout)."""
    for line in page_text.splitlines():
        if line.strip().startswith(label):
            return re.split(r"\s{2,}", line.strip()[len(label):].strip())
    raise AssertionError(f"no row {label!r}")


def test_one_page_per_kelurahan_with_the_numbers_of_geo_indicators(city_db, tmp_path, capsys):
    out = tmp_path / "kartu.pdf"
    assert main(["kartu", "--out", str(out)]) == 0
    assert "12 kartu kelurahan" in capsys.readouterr().out
    info = pdf_tools.info(out)
    assert info["Pages"] == "12" and info["Page size"].startswith("595.276 x 841.89")
    assert all(emb == "yes" for _, emb in pdf_tools.fonts(out))
    table = indicators_table()
    kec = indicators_table("--level", "kecamatan")
    kota = indicators_table("--level", "kota").iloc[0]
    for page in (1, 5, 12):
        text = pdf_tools.text(out, page)
        code = re.search(r"kode (\d\d\.\d\d\.\d\d\.\d{4})", text).group(1)
        row = table.loc[code]
        assert f"Kartu Kelurahan {row['nama']}" in text
        assert f"{fmt_int(row['rumah_tangga'])} rumah tangga" in text
        assert f"{fmt_int(row['jiwa'])} jiwa" in text
        for ind_id in SHOWN:
            cells = page_row(text, indicators.get(ind_id).label)
            count, rate = row[ind_id], row[f"{ind_id}_persen"]
            assert cells[0] == fmt_int(count), (ind_id, cells)
            assert cells[1] == fmt_pct(rate), (ind_id, cells)
            assert cells[2] == fmt_pct(100 * row[f"{ind_id}_diketahui"], 0)
            assert cells[3] == fmt_pct(kec.loc[code[:8], f"{ind_id}_persen"])
            assert cells[4] == fmt_pct(kota[f"{ind_id}_persen"])
            assert re.fullmatch(r"\d+ dari 12", cells[5]), cells
            assert re.fullmatch(r"[+-]?\d+,\d", cells[7]), cells  # change since 2026-06
        assert "OPD dengan kebutuhan terbesar" in text
        assert "Perubahan: selisih persentase (poin) sejak Juni 2026" in " ".join(text.split())
        assert f"Halaman {page} dari 12" in text


def test_kartu_of_one_kecamatan_and_its_rank_order(city_db, tmp_path):
    table = indicators_table()
    kec = sorted({k[:8] for k in table.index})[0]
    out = tmp_path / "kec.pdf"
    assert main(["kartu", "--kecamatan", kec, "--period", "2026-09", "--out", str(out)]) == 0
    in_kec = table[[k.startswith(kec + ".") for k in table.index]]
    assert pdf_tools.info(out)["Pages"] == str(len(in_kec))
    worst = table["miskin_persen"].idxmax()  # rank 1 in the city: the highest rate
    if worst in in_kec.index:
        page = list(in_kec.index).index(worst) + 1
        assert page_row(pdf_tools.text(out, page), indicators.get("miskin").label)[5] == (
            "1 dari 12")


def test_the_first_period_has_no_change_column_and_says_why(city_db, tmp_path):
    out = tmp_path / "juni.pdf"
    assert main(["kartu", "--period", "2026-06", "--out", str(out)]) == 0
    text = " ".join(pdf_tools.text(out, 1, layout=False).split())
    assert "belum ada periode sebelumnya" in text and "Perubahan (poin)" not in text


def test_unknown_kecamatan_fails_with_a_message(city_db, tmp_path, capsys):
    assert main(["kartu", "--kecamatan", "99.99.99", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "99.99.99" in capsys.readouterr().err


def test_change_in_points_is_signed_and_never_minus_zero():
    from geo.sheets.kartu import _change_text

    assert [_change_text(v) for v in (1.26, -3.0, -0.04, 0.04)] == ["+1,3", "-3,0", "0,0",
                                                                   "0,0"]
    assert _change_text(float("nan")) == indicators.NO_DATA


def test_users_get_their_area_and_their_roles_suppression(two_periods, tmp_path, monkeypatch,
                                                          capsys):
    import shutil

    from geo import accounts

    copy = tmp_path / "users.sqlite"
    shutil.copyfile(two_periods.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("PETA_DB_URL", url)
    table = indicators_table()
    kec = sorted({k[:8] for k in table.index})[1]
    in_kec = table[[k.startswith(kec + ".") for k in table.index]]
    engine = store.get_engine(url)
    accounts.add_user(engine, "camat", "perencana", "sandi-camat-123", areas=[kec])
    accounts.add_user(engine, "wali", "pimpinan", "sandi-wali-1234")

    out = tmp_path / "camat.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO("sandi-camat-123\n"))
    assert main(["kartu", "--user", "camat", "--out", str(out)]) == 0
    assert pdf_tools.info(out)["Pages"] == str(len(in_kec))
    cells = page_row(pdf_tools.text(out, 1), indicators.get("miskin").label)
    assert cells[4] == "–" and cells[5] == "–"  # no city value or city rank for an area user
    assert "Dicetak oleh camat" in pdf_tools.text(out, 1)

    small = [(code, ind) for code in in_kec.index for ind in SHOWN
             if 0 < (in_kec.at[code, ind] or 0) < 5]
    assert small  # the fixture has small counts to hide
    out = tmp_path / "wali.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO("sandi-wali-1234\n"))
    assert main(["kartu", "--user", "wali", "--kecamatan", kec, "--out", str(out)]) == 0
    text = pdf_tools.text(out)
    assert "ditampilkan sebagai" in " ".join(text.split())  # the small-count note
    for code, ind in small:
        page = list(in_kec.index).index(code) + 1
        cells = page_row(pdf_tools.text(out, page), indicators.get(ind).label)
        assert cells[0].replace(" ", "") == "<5"  # "< 5" (pdftotext's layout may eat the space)
        # its rate, both ranks and its change are "–": each would place or give the count
        assert cells[1] == "–" and cells[-3:] == ["–", "–", "–"], cells
    capsys.readouterr()


def test_a_kelurahan_without_households_gets_a_page_saying_so(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    kel, river = build_city(7, n_kelurahan=12, n_kecamatan=3)
    hh = generate_households(kel, river, 800, 7)
    hh["region_code"], hh["link_method"] = hh["kode_benar"], "kode"
    gone = sorted(hh["region_code"].unique())[2]
    write_city(store.get_engine(url), n_kelurahan=12, n_kecamatan=3,
               households=hh[hh["region_code"] != gone])
    out = tmp_path / "kartu.pdf"
    assert main(["kartu", "--out", str(out)]) == 0
    assert pdf_tools.info(out)["Pages"] == "12"
    text = " ".join(pdf_tools.text(out, 3, layout=False).split())
    assert f"kode {gone}" in text and "0 rumah tangga" in text
    assert "Tidak ada rumah tangga dalam register periode ini" in text
    cells = page_row(pdf_tools.text(out, 3), indicators.get("miskin").label)
    # count, rate and share known: unknown, never 0 (small type: pdftotext joins the cells)
    assert " ".join(cells).startswith(" ".join([indicators.NO_DATA] * 3))


def test_each_page_shows_the_trend_of_poverty_over_the_stored_periods(city_db, tmp_path):
    out = tmp_path / "tren.pdf"
    assert main(["kartu", "--out", str(out)]) == 0
    june = indicators_table("--period", "2026-06")
    september = indicators_table("--period", "2026-09")
    for page in (1, 7):
        text = " ".join(pdf_tools.text(out, page, layout=False).split())
        code = re.search(r"kode (\d\d\.\d\d\.\d\d\.\d{4})", text).group(1)
        assert "Tren Rumah tangga miskin" in text
        assert (f"Jun 2026 {fmt_pct(june.loc[code, 'miskin_persen'])} · "
                f"Sep 2026 {fmt_pct(september.loc[code, 'miskin_persen'])}") in text


@pytest.fixture(scope="module")
def province_db(tmp_path_factory) -> str:
    return write_province(tmp_path_factory.mktemp("province"))


def test_in_a_province_each_page_compares_with_its_own_kabupaten_or_kota(
        province_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETA_DB_URL", province_db)
    table = indicators_table()
    by_area = indicators_table("--level", "kota")
    assert sorted(by_area.index) == ["99.01", "99.71"]
    out = tmp_path / "kab.pdf"
    assert main(["kartu", "--kecamatan", "99.01.02", "--out", str(out)]) == 0
    text = pdf_tools.text(out, 1)
    code = re.search(r"kode (\d\d\.\d\d\.\d\d\.\d{4})", text).group(1)
    assert code.startswith("99.01.02.2")
    assert f"Kartu Desa {table.loc[code, 'nama']}" in text
    assert "Kabupaten" in text.split() and "kabupaten" in text.split()  # "Peringkat di kabupaten"
    in_kab = table[[k.startswith("99.01.") for k in table.index]]
    for ind_id in SHOWN:
        cells = page_row(text, indicators.get(ind_id).label)
        assert cells[4] == fmt_pct(by_area.loc["99.01", f"{ind_id}_persen"]), (ind_id, cells)
        ranked = int(in_kab[f"{ind_id}_persen"].notna().sum())
        assert re.fullmatch(rf"\d+ dari {ranked}", cells[5]), cells  # among its own 12
    out = tmp_path / "kota.pdf"
    assert main(["kartu", "--kecamatan", "99.71.01", "--out", str(out)]) == 0
    text = pdf_tools.text(out, 1)
    assert "Kartu Kelurahan" in text and {"Kota", "kota"} <= set(text.split())
    cells = page_row(text, indicators.get("miskin").label)
    assert cells[4] == fmt_pct(by_area.loc["99.71", "miskin_persen"])


def test_a_province_asks_for_a_kabupaten_or_kecamatan_before_printing_kartu(province_db,
                                                                          monkeypatch):
    """One page per kelurahan/desa of a whole province (1.552 in Banten) is not offered: the
    map page's button waits for a kabupaten/kota or a kecamatan; a chosen one prints."""
    from tests.apptest import fresh_caches, open_app_page

    monkeypatch.setenv("PETA_DB_URL", province_db)

    def kartu_button(**query: str):  # noqa: ANN202
        at = open_app_page("pages/peta.py", **query)
        return next(b.proto for b in at.get("download_button")
                    if b.proto.label == "Unduh kartu kelurahan/desa (PDF)")

    with fresh_caches():
        whole = kartu_button()
        assert whole.disabled and "Pilih dulu satu kabupaten/kota" in whole.help
    with fresh_caches():
        one = kartu_button(kab="99.01")
        assert not one.disabled and "Kabupaten Contoh" in one.help


def test_kartu_of_one_kabupaten_from_the_command_line(province_db, tmp_path, monkeypatch,
                                                      capsys):
    monkeypatch.setenv("PETA_DB_URL", province_db)
    out = tmp_path / "lebak.pdf"
    assert main(["kartu", "--kabupaten", "99.01", "--out", str(out)]) == 0
    assert "12 kartu kelurahan ditulis" in capsys.readouterr().out
    assert pdf_tools.info(out)["Pages"] == "12"
    assert all(re.search(r"kode 99\.01\.\d\d\.2\d{3}", pdf_tools.text(out, i))
               for i in range(1, 13))
    assert main(["kartu", "--kota", "99.09", "--out", str(out)]) == exit_codes.FAILED
    assert "Kabupaten/kota 99.09 tidak ada" in capsys.readouterr().err


def test_a_forums_kartu_hides_what_the_forums_map_hides(two_periods):
    """A count the map page hides for a forum (small, or "–" so that the city's or a
    kecamatan's total cannot give a small one back) is hidden on the kartu too, with its rate;
    so is a kecamatan's rate the map's kecamatan level hides. Else the kartu would show what
    the map hid, and the map's totals would give the small count back."""
    from geo import indicators as ind_mod
    from geo.filters import Filters
    from geo.sheets.kartu import indicator_rows, kartu_data
    from geo.sheets.sources import load_period
    from geo.views import map_view as mv

    engine = store.get_engine(two_periods)
    data = kartu_data(engine, hide=True)
    _, prepared = load_period(engine, None, ind_mod.DEFAULT_SETTINGS)
    regions = store.load_regions(engine, display=True)
    names = regions.set_index("kode")["nama"]
    dashes = 0
    for ind_id in SHOWN:
        label = indicators.get(ind_id).label
        maps = {level: mv.map_view(prepared, Filters(), ind_id, level, "persen",
                                   regions[regions["level"] == level], names,
                                   ind_mod.DEFAULT_SETTINGS, hide=True)
                for level in ("kelurahan", "kecamatan")}
        kel_tips = maps["kelurahan"].tooltip["Rumah tangga terhitung"]
        kec_tips = maps["kecamatan"].tooltip["Rumah tangga terhitung"]
        dashes += int((kel_tips == "–").sum())
        for code in data.codes:
            rows, _ = indicator_rows(data, code)
            cells = next(r for r in rows if r[0] == label)
            if kel_tips[code] in ("< 5", "–"):
                assert cells[1] in ("< 5", "–") and cells[2] == "–", (code, ind_id, cells)
            if kec_tips[code.rsplit(".", 1)[0]] in ("< 5", "–"):
                assert cells[4] == "–", (code, ind_id, cells)
    assert dashes  # the city has counts hidden only to protect others


def test_a_forums_kartu_ranks_only_the_rates_its_map_shows():
    """A rank counted over a rate the map hides would place it between two shown ones: for
    a forum the kartu ranks the shown rates only (1, 2, 3 … with no gap)."""
    from geo.sheets.kartu import all_ranks

    codes = [f"99.71.01.{1001 + i}" for i in range(5)]
    kel = pd.DataFrame({f"{i.id}_persen": float("nan") for i in indicators.INDICATORS},
                       index=codes)
    kel["miskin_persen"] = [50.0, 40.0, 30.0, 20.0, 10.0]
    hidden = pd.DataFrame({"miskin": [False, True, False, True, False]}, index=codes)
    forum = all_ranks(kel, hidden)
    assert forum.city["miskin"].tolist()[::2] == [1.0, 2.0, 3.0]
    assert forum.city["miskin"].isna().tolist() == [False, True, False, True, False]
    assert int(forum.city_of.at["99.71", "miskin"]) == 3
    assert all_ranks(kel).city["miskin"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_a_forums_kartu_names_no_largest_need_beside_a_hidden_count(two_periods):
    """Naming the OPD with the largest need would place a hidden count among the shown ones
    (above the largest shown, or every one below 5): for a forum the kartu names none where
    an OPD's count there is hidden, and names it everywhere else and for a planner."""
    from geo.sheets.kartu import ORDER_HIDDEN, kartu_data, largest_need, opd_texts
    from geo.suppression import hidden_cells
    from geo.views import overview_view as ov

    engine = store.get_engine(two_periods)
    forum, planner = kartu_data(engine, hide=True), kartu_data(engine, hide=False)
    kinds = set()
    for code in forum.codes:
        texts = pd.Series([opd_texts(forum, code, a)[0] for a in ov.AGENCIES])
        need = largest_need(forum, code)
        if need is None:
            continue
        hidden = bool(hidden_cells(texts).any())
        assert (need == ORDER_HIDDEN) == hidden, code
        assert isinstance(largest_need(planner, code), tuple)
        kinds.add(hidden)
    assert kinds == {True, False}, "the city has kelurahan of both kinds"


def test_a_forums_kartu_shows_no_share_known_the_map_would_not(tmp_path):
    """The "Diketahui" column is denominator ÷ population: for a forum it is "–" where the
    map's tooltip hides either ("… dari …" with "< 5" or "–"), and a number elsewhere."""
    from geo import indicators as ind_mod
    from geo.filters import Filters
    from geo.sheets.kartu import indicator_rows, kartu_data
    from geo.sheets.sources import load_period
    from geo.views import map_view as mv
    from tests.access_fixtures import real_city

    real_city(tmp_path / "real.sqlite")  # a city with small counts: some denominators hidden
    engine = store.get_engine(f"sqlite:///{tmp_path / 'real.sqlite'}")
    data = kartu_data(engine, hide=True)
    _, prepared = load_period(engine, None, ind_mod.DEFAULT_SETTINGS)
    regions = store.load_regions(engine, display=True)
    names = regions.set_index("kode")["nama"]
    kinds = set()
    for ind in indicators.INDICATORS:
        ind_id, label = ind.id, ind.label
        view = mv.map_view(prepared, Filters(), ind_id, "kelurahan", "persen",
                           regions[regions["level"] == "kelurahan"], names,
                           ind_mod.DEFAULT_SETTINGS, hide=True)
        tips = view.tooltip["Rumah tangga diketahui"]
        for code in data.codes:
            cells = next(r for r in indicator_rows(data, code)[0] if r[0] == label)
            hidden = any(part.strip() in ("< 5", "–") for part in tips[code].split(" dari "))
            assert (cells[3] == "–") == hidden, (code, ind_id, tips[code], cells[3])
            kinds.add(hidden)
    assert kinds == {True, False}, "the city hides some denominators and shows others"
