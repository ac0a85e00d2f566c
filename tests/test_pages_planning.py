"""AppTest of the planning pages (Cakupan, Lintas OPD, Prioritas) on a small fictional city
written straight into the store (no importer needed)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo import store
from geo.demo import build_city, generate_households
from geo.snapshot_writer import write_snapshot

PERIOD = "2026-09"
PROJECT = Path(__file__).resolve().parent.parent


def build_db(path: Path | str, n: int = 1500, seed: int = 7, empty_kelurahan: int = 1,
             blank: tuple[str, ...] = ()) -> dict:
    """Regions (kelurahan, kecamatan, kota) and one snapshot of ``n`` households linked to
    their true kelurahan; the last ``empty_kelurahan`` kelurahan get no households; the
    ``blank`` columns are left empty (a register exported without them). ``path``: a SQLite
    file, or a database URL."""
    engine = store.get_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    kel, river = build_city(seed)
    hh = generate_households(kel, river, n, seed)
    empty = list(kel["kode_kel"].iloc[len(kel) - empty_kelurahan:]) if empty_kelurahan else []
    hh = hh[~hh["kode_benar"].isin(empty)].reset_index(drop=True)
    hh["region_code"] = hh["kode_benar"]
    hh["link_method"] = "kode"
    hh["link_conflict"] = 0
    hh["row_number"] = np.arange(len(hh)) + 2
    for column in blank:
        hh[column] = None
    kelurahan = gpd.GeoDataFrame({"kode": kel["kode_kel"], "nama": kel["nama_kel"],
                                  "level": "kelurahan", "kode_induk": kel["kode_kec"]},
                                 geometry=kel.geometry, crs=4326)
    kec = kel.dissolve(by="kode_kec", as_index=False)
    kecamatan = gpd.GeoDataFrame({"kode": kec["kode_kec"], "nama": kec["nama_kec"],
                                  "level": "kecamatan", "kode_induk": kec["kode_kab"]},
                                 geometry=kec.geometry, crs=4326)
    kota = gpd.GeoDataFrame({"kode": [kel["kode_kab"].iat[0]], "nama": [kel["nama_kab"].iat[0]],
                             "level": ["kota"], "kode_induk": [None]},
                            geometry=[kel.geometry.union_all()], crs=4326)
    store.replace_regions(engine, pd.concat([kelurahan, kecamatan, kota], ignore_index=True))
    columns = [c for c in store.HOUSEHOLD_TABLE_COLUMNS if c in hh]
    rejected = pd.DataFrame(columns=["row_number", "values_json", "reasons"])
    write_snapshot(engine, PERIOD, "uji.csv", hh[columns], rejected,
                   {"rows_read": len(hh), "accepted": len(hh),
                    "linked_by_code": len(hh)}, is_demo=True)
    engine.dispose()
    return {"households": hh, "kelurahan": kel, "empty": empty}


@pytest.fixture(scope="module")
def planning_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("planning") / "planning.sqlite"
    return path, build_db(path)


@pytest.fixture
def app(planning_db, monkeypatch):  # noqa: ANN001, ANN201
    """An AppTest factory pointed at the planning database, with fresh Streamlit caches."""
    from tests.apptest import fresh_caches, open_app_page

    path, _ = planning_db
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{path}")
    with fresh_caches():
        yield open_app_page


def sidebar_and_page() -> None:
    """The app's frame around a page, without st.navigation (AppTest drops the entry
    script's sidebar after ``switch_page``, so the shared filters need this to be tested)."""
    import os

    from ui.frame import run_frame

    run_frame(os.environ["PETA_TEST_PAGE"])


@pytest.fixture
def app_with_filters(planning_db, monkeypatch):  # noqa: ANN001, ANN201
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path, _ = planning_db
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{path}")
    monkeypatch.chdir(PROJECT)
    st.cache_data.clear()
    st.cache_resource.clear()

    def open_page(page: str) -> AppTest:
        monkeypatch.setenv("PETA_TEST_PAGE", str(PROJECT / page))
        at = AppTest.from_function(sidebar_and_page, default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield open_page
    st.cache_data.clear()
    st.cache_resource.clear()


def frame_with(at, column: str) -> pd.DataFrame:  # noqa: ANN001
    """The largest dataframe on the page that has ``column``."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with column {column!r}"
    return max(frames, key=len)


def expected_ranking(info: dict, weights: dict[str, float],
                     kecamatan: str | None = None, hide: bool = True) -> pd.DataFrame:
    """The ranking computed straight from the stored households with geo/ (no Streamlit);
    ``hide`` (the page's default): scored as a forum sees it, hidden rates at the middle of
    "< 5" (geo.views.priority_view.forum_rates)."""
    from geo import indicators, planning
    from geo.views.priority_view import forum_rates

    hh = info["households"]
    kel = info["kelurahan"]
    codes = kel["kode_kel"] if kecamatan is None else kel.loc[kel["kode_kec"] == kecamatan,
                                                                "kode_kel"]
    if kecamatan is not None:
        hh = hh[hh["region_code"].isin(set(codes))]
    flags = indicators.evaluate(hh)
    # with the indicators a forum's suppression of these reads, as the page counts them
    table = indicators.aggregate(hh, flags, "region_code",
                                 ids=indicators.related(tuple(weights)))
    table = table.reindex(codes)
    table["rumah_tangga"] = table["rumah_tangga"].fillna(0)
    ranked = planning.ranking(forum_rates(table, weights) if hide else table, weights)
    ranked["nama"] = kel.set_index("kode_kel").loc[ranked.index, "nama_kel"]
    return ranked


def shown_names(ranked: pd.DataFrame) -> list[str]:
    """The scored areas' names in the order the page's table lists them."""
    scored = ranked[ranked["skor"].notna()]
    return list(scored.sort_values(["peringkat", "skor_sama"], ascending=[True, False])["nama"])


@pytest.mark.parametrize("page", ["pages/cakupan.py", "pages/lintas_opd.py",
                                  "pages/prioritas.py"])
def test_planning_pages_run_and_state_the_period(app, page):
    at = app(page)
    assert at.title and at.title[0].value
    assert any("Periode data September 2026" in c.value for c in at.caption)
    assert any("Cara menghitung" in e.label for e in at.expander)


DEFAULT_IDS = ["miskin", "miskin_ekstrem", "air_minum_tidak_layak", "sanitasi_tidak_layak",
               "rtlh", "belum_jkn", "anak_tidak_sekolah", "krt_tidak_bekerja"]


def test_priority_ranking_reacts_to_weights(app, planning_db):
    _, info = planning_db
    at = app("pages/prioritas.py")
    table = frame_with(at, "Peringkat (bobot sama)")
    equal = expected_ranking(info, dict.fromkeys(DEFAULT_IDS, 1.0))
    scored = equal[equal["skor"].notna()]
    assert len(table) == len(scored)
    assert (table["Perubahan"] == "=").all()
    assert table["Kelurahan"].iat[0] == scored.sort_values("peringkat")["nama"].iat[0]
    assert list(table["Peringkat"]) == sorted(table["Peringkat"])

    at.number_input(key="prio_w_rtlh").set_value(5)
    at.run()
    assert not at.exception
    moved = frame_with(at, "Peringkat (bobot sama)")
    weighted = expected_ranking(info, {**dict.fromkeys(DEFAULT_IDS, 1.0), "rtlh": 5.0})
    assert list(moved["Kelurahan"]) == shown_names(weighted)
    assert (moved["Perubahan"] != "=").any()
    assert moved["Perubahan"].str.match(r"^(=|▲ \d+|▼ \d+)$").all()
    # the change column says how far each area moved from its equal-weight rank
    row = moved.iloc[0]
    delta = int(row["Peringkat (bobot sama)"]) - int(row["Peringkat"])
    assert row["Perubahan"] == planning_movement(delta)

    # dropping every indicator but one ranks by that indicator alone
    at.multiselect(key="prio_ids").set_value(["miskin"])
    at.run()
    only = frame_with(at, "Peringkat (bobot sama)")
    by_poverty = expected_ranking(info, {"miskin": 1.0}).sort_values("peringkat")
    assert only["Kelurahan"].iat[0] == by_poverty["nama"].iat[0]


def planning_movement(delta: int) -> str:
    from geo.planning import movement

    return movement(delta)


def test_priority_lists_areas_without_households_apart(app, planning_db):
    _, info = planning_db
    at = app("pages/prioritas.py")
    apart = frame_with(at, "Alasan")
    empty_names = set(info["kelurahan"].set_index("kode_kel").loc[info["empty"], "nama_kel"])
    assert set(apart["Kelurahan"]) == empty_names
    assert not set(frame_with(at, "Peringkat (bobot sama)")["Kelurahan"]) & empty_names


def test_priority_follows_the_sidebar_filters(app_with_filters, planning_db):
    _, info = planning_db
    at = app_with_filters("pages/prioritas.py")
    kec = "99.71.02"
    at.multiselect(key="f_kec").set_value([kec])
    at.run()
    assert not at.exception
    table = frame_with(at, "Peringkat (bobot sama)")
    want = expected_ranking(info, dict.fromkeys(DEFAULT_IDS, 1.0), kecamatan=kec)
    assert list(table["Kelurahan"]) == shown_names(want)
    assert table["Peringkat"].min() == 1
    assert any("Filter aktif" in c.value and "Kecamatan" in c.value for c in at.caption)
    # a desil filter changes the rates the ranking is built on
    at.slider(key="f_desil").set_range(1, 4)
    at.run()
    assert not at.exception
    poor_only = frame_with(at, "Peringkat (bobot sama)")
    assert poor_only["Rumah tangga miskin (desil 1–4)"].eq("100,0%").all()


def test_coverage_page_sections_and_verification_list(app, planning_db):
    _, info = planning_db
    at = app("pages/cakupan.py")
    wide = frame_with(at, "PBI-JKN")
    assert len(wide) == len(info["kelurahan"])
    at.radio(key="cak_view").set_value("Kesalahan sasaran")
    at.run()
    assert not at.exception
    errors = frame_with(at, "Persentase")
    assert "Kecamatan" in errors.columns
    at.radio(key="cak_view").set_value("Daftar verifikasi")
    at.run()
    assert not at.exception
    listing = frame_with(at, "NIK KRT (disamarkan)")
    from geo import indicators

    hh = info["households"]
    flags = indicators.evaluate(hh)
    flagged = flags["eksklusi"] | flags["inklusi"]
    assert len(listing) == int(flagged.sum())
    assert listing["NIK KRT (disamarkan)"].str.match(r"^\d{4}\*{8}\d{4}$").all()
    full = set(hh.loc[flagged, "nik_krt"])
    assert not set(listing["NIK KRT (disamarkan)"]) & full
    assert "Nama" not in " ".join(listing.columns)
    at.selectbox(key="cak_kind").set_value("Inklusi")
    at.run()
    inclusion = frame_with(at, "NIK KRT (disamarkan)")
    assert len(inclusion) == int(flags["inklusi"].sum())


def test_coverage_setting_widens_pbi_eligibility(app):
    at = app("pages/cakupan.py")
    before = [m.value for m in at.metric if m.label == "PBI-JKN"][0]
    at.selectbox(key="ps_pbi").set_value(5)
    at.run()
    assert not at.exception
    after = [m.value for m in at.metric if m.label == "PBI-JKN"][0]
    assert before != after
    assert any("desil 1–5" in md.value for md in at.markdown)


def test_cross_opd_matrix_agency_choice_and_overlap(app, planning_db):
    from geo import indicators, planning

    _, info = planning_db
    at = app("pages/lintas_opd.py")
    matrix = frame_with(at, "≥ 2 OPD")
    hh = info["households"]
    needs = planning.agency_needs(indicators.evaluate(hh))
    want = planning.gap_matrix(needs, hh["region_code"], info["kelurahan"]["kode_kel"])
    names = info["kelurahan"].set_index("kode_kel")["nama_kel"]
    top = want.sort_values("dua_opd_atau_lebih", ascending=False, kind="stable").index[0]
    assert matrix["Kelurahan"].iat[0] == names[top]
    assert matrix["Dinsos"].iat[0] == planning.count_text(want.loc[top, "Dinsos"])
    at.selectbox(key="opd_agency").set_value("Disdik")
    at.run()
    assert not at.exception
    ranked = frame_with(at, "Perlu Disdik")
    best = want["Disdik"].idxmax()
    assert ranked["Kelurahan"].iat[0] == names[best]
    assert "Ada anak tidak sekolah" in ranked.columns
    at.radio(key="opd_measure").set_value("Persentase rumah tangga")
    at.run()
    assert not at.exception
    pct = frame_with(at, "≥ 2 OPD")
    assert pct["Dinsos"].str.endswith("%").any()
    overlap = frame_with(at, "Perlu ≥ 2 OPD")
    assert overlap["Pasangan OPD terbanyak"].str.contains(r" \+ ").any()


def test_coverage_and_cross_opd_follow_the_sidebar_filters(app_with_filters, planning_db):
    _, info = planning_db
    kel = info["kelurahan"]
    kec = "99.71.03"
    inside = set(kel.loc[kel["kode_kec"] == kec, "nama_kel"])
    at = app_with_filters("pages/cakupan.py")
    at.multiselect(key="f_kec").set_value([kec])
    at.run()
    assert not at.exception
    assert set(frame_with(at, "PBI-JKN")["Kelurahan"]) == inside

    at = app_with_filters("pages/lintas_opd.py")
    before = frame_with(at, "≥ 2 OPD")
    at.multiselect(key="f_kec").set_value([kec])
    at.run()
    assert not at.exception
    matrix = frame_with(at, "≥ 2 OPD")
    assert set(matrix["Kelurahan"]) == inside
    # the same kelurahan keeps the same numbers when only its kecamatan is selected
    name = matrix["Kelurahan"].iat[0]
    assert (matrix.set_index("Kelurahan").loc[name, "Dinsos"]
            == before.set_index("Kelurahan").loc[name, "Dinsos"])
    # a desil filter (households) lowers the counts
    at.slider(key="f_desil").set_range(5, 10)
    at.run()
    assert not at.exception
    rich = frame_with(at, "≥ 2 OPD").set_index("Kelurahan")
    assert (rich["Dinsos"] == "0").all()  # no extreme poor or excluded households above desil 4


def test_definition_settings_follow_the_user_across_planning_pages(app):
    at = app("pages/cakupan.py")
    at.selectbox(key="ps_pbi").set_value(5)
    at.run()
    at.switch_page("pages/prioritas.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="ps_pbi").value == 5


def test_priority_ranks_kecamatan_for_the_city_forum(app, planning_db):
    from geo import indicators, planning

    _, info = planning_db
    at = app("pages/prioritas.py")
    at.radio(key="prio_level").set_value("kecamatan")
    at.run()
    assert not at.exception
    table = frame_with(at, "Peringkat (bobot sama)")
    kel = info["kelurahan"]
    assert len(table) == kel["kode_kec"].nunique()
    hh = info["households"]
    hh = hh.assign(kec=hh["region_code"].str[:8])
    weights = dict.fromkeys(DEFAULT_IDS, 1.0)
    agg = indicators.aggregate(hh, indicators.evaluate(hh), "kec", ids=tuple(weights))
    want = planning.ranking(agg, weights).sort_values("peringkat")
    kec_names = kel.drop_duplicates("kode_kec").set_index("kode_kec")["nama_kec"]
    assert table["Kecamatan"].iat[0] == kec_names[want.index[0]]
    assert "Kelurahan" not in table.columns


def test_cross_opd_matrix_shows_its_first_rows_and_all_on_request(app, planning_db,
                                                                  monkeypatch):
    import ui.planning
    from geo import indicators
    from geo.maps import NO_DATA_COLOR
    from tests.apptest import cell_styles

    monkeypatch.setattr(ui.planning, "SHOWN_ROWS", 10)  # the city has fewer than 100 kelurahan
    at = app("pages/lintas_opd.py")
    first = frame_with(at, "≥ 2 OPD")
    assert len(first) == 10
    assert any("10 kelurahan teratas dari" in c.value for c in at.caption)
    at.toggle(key="opd_matrix_semua").set_value(True)
    at.run()
    assert not at.exception
    element = next(d for d in at.dataframe if "≥ 2 OPD" in d.value.columns)
    full, styles = element.value, cell_styles(element)
    assert len(full) > 10
    pd.testing.assert_frame_equal(full.head(10), first)  # the same rows, in the same order
    # a hidden count is grey (a shade would tell it from another), as is an unknown one; a
    # shown count is not
    grey = ("< 5", "–", indicators.NO_DATA)
    for column in ["Dinsos", "Dinkes", "Disdik", "Disnaker", "Perkim/PUPR", "≥ 2 OPD"]:
        j = full.columns.get_loc(column)
        for i, text in enumerate(full[column]):
            assert (NO_DATA_COLOR in styles[i, j]) == (text in grey), (column, text)


def test_priority_table_shows_its_first_ranks_and_all_on_request(app, monkeypatch):
    import ui.planning

    monkeypatch.setattr(ui.planning, "SHOWN_ROWS", 10)
    at = app("pages/prioritas.py")
    first = frame_with(at, "Peringkat (bobot sama)")
    assert len(first) == 10
    at.toggle(key="prio_tabel_semua").set_value(True)
    at.run()
    assert not at.exception
    full = frame_with(at, "Peringkat (bobot sama)")
    assert len(full) > 10
    pd.testing.assert_frame_equal(full.head(10), first)
    assert full["Peringkat"].is_monotonic_increasing


def test_cross_opd_matrix_follows_the_small_count_switch_and_keeps_it_per_agency(app):
    """The matrix is reused between reruns (ui.planning.per_scope): the switch that hides
    small counts must still change it, and choosing an agency must not."""
    at = app("pages/lintas_opd.py")
    hidden = frame_with(at, "≥ 2 OPD")
    assert hidden.isin(["< 5"]).any().any()
    at.toggle(key="opd_hide").set_value(False)
    at.run()
    assert not at.exception
    shown = frame_with(at, "≥ 2 OPD")
    assert not shown.isin(["< 5", "–"]).any().any()
    at.selectbox(key="opd_agency").set_value("Disnaker")
    at.run()
    pd.testing.assert_frame_equal(frame_with(at, "≥ 2 OPD"), shown)
    at.toggle(key="opd_hide").set_value(True)
    at.run()
    pd.testing.assert_frame_equal(frame_with(at, "≥ 2 OPD"), hidden)


def test_the_priority_ranking_without_hiding_uses_the_true_rates(app, planning_db):
    """The forum's ranking scores a hidden rate at the middle of "< 5"; with small counts
    shown (a planner at the desk) the ranking is the true rates', and the method says which."""
    from geo.views.priority_view import FORUM_SCORE_NOTE

    _, info = planning_db
    at = app("pages/prioritas.py")
    assert any(FORUM_SCORE_NOTE in m.value for m in at.markdown)
    at.toggle(key="prio_hide").set_value(False).run()
    assert not at.exception
    table = frame_with(at, "Peringkat (bobot sama)")
    want = expected_ranking(info, dict.fromkeys(DEFAULT_IDS, 1.0), hide=False)
    assert list(table["Kelurahan"]) == shown_names(want)
    assert not any(FORUM_SCORE_NOTE in m.value for m in at.markdown)
