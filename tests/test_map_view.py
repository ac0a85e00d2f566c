"""geo.views.map_view without Streamlit: what the map page shows for indicator, level,
measure and filters (the same numbers the AppTest of the page reads)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import indicators
from geo.filters import Filters
from geo.fmt import fmt_int, fmt_pct
from geo.views import map_view as mv
from tests.view_fixtures import city, prepared

SETTINGS = indicators.DEFAULT_SETTINGS


def view(ind_id: str = "miskin", level: str = "kelurahan", measure: str = "persen",
         filters: Filters | None = None, c=None):  # noqa: ANN001
    c = c or city()
    filters = filters or Filters()
    shown = mv.shown_level(filters, level)
    return mv.map_view(prepared(c), filters, ind_id, level, measure, c.areas(shown), c.name_of,
                       SETTINGS, kelurahan=c.kelurahan)


def expected_totals(filters: Filters, ind_id: str = "miskin") -> list[tuple[str, str]]:
    hh = city().households
    keep = filters.mask(hh)
    flags = indicators.evaluate(hh[keep], ids=(ind_id,))
    hits, den = flags[ind_id].to_numpy(), flags[f"{ind_id}__den"].to_numpy()
    return [("Rumah tangga terhitung", fmt_int(int(hits.sum()))),
            ("Jiwa dalam rumah tangga itu",
             fmt_int(int(hh.loc[keep, "jumlah_art"][hits].sum()))),
            ("Persentase", fmt_pct(100 * hits.sum() / den.sum()))]


@pytest.mark.parametrize("filters", [Filters(), Filters(desil_min=1, desil_max=4),
                                     Filters(programs=("penerima_pkh",))])
def test_totals_count_the_households_the_rules_and_filters_select(filters):
    assert view(filters=filters).metrics() == expected_totals(filters)


@pytest.mark.parametrize("level", ["kelurahan", "kecamatan"])
def test_the_export_counts_every_need_indicator_the_map_counts_only_its_own(level):
    c = city()
    filters = Filters(desil_min=1, desil_max=4)
    v = view("rtlh", level=level, filters=filters)
    assert "sanitasi_tidak_layak" not in v.table.columns  # a filter change counts one
    keep = filters.mask(c.households)
    full, _ = indicators.area_counts(prepared(c), keep)
    full = indicators.for_areas(indicators.roll_up(full, level), v.areas["kode"])
    for other in ("sanitasi_tidak_layak", "miskin_ekstrem", "belum_jkn"):
        want = indicators.known_count(full, other, other).to_numpy()
        np.testing.assert_array_equal(v.export[other].to_numpy(dtype=float), want)


def test_kelurahan_table_tooltip_and_export_per_area():
    c = city()
    v = view()
    assert list(v.table.index) == list(c.kelurahan["kode"]) == list(v.tooltip.index)
    assert list(v.export["kode"]) == list(c.kelurahan["kode"])
    empty = list(v.table.index).index(c.empty)
    # the kelurahan without households: grey, counted 0 households, no rate (never 0 %)
    assert not v.has_data[empty] and np.isnan(v.values.iat[empty])
    assert v.export["rumah_tangga"].iat[empty] == 0
    assert v.notes[0] == ("Wilayah abu-abu (1): tidak ada rumah tangga dalam register yang "
                          "tertaut ke wilayah itu dan lolos filter.")
    row = v.tooltip.loc[c.kelurahan["kode"].iat[0]]
    assert row["Persentase"] == fmt_pct(v.table["miskin_persen"].iat[0])
    assert row["Rumah tangga terhitung"] == fmt_int(v.table["miskin"].iat[0])
    assert v.labels["miskin_persen"] == "Rumah tangga miskin (desil 1–4), %"
    assert v.palette == "YlOrRd" and v.decimals == 1


def test_worst_ten_are_ranked_by_rate():
    v = view()
    assert v.worst_title == "**10 kelurahan dengan kondisi terburuk**"
    assert len(v.worst) == 10
    rates = v.table.sort_values(["miskin_persen", "miskin"], ascending=False)
    assert list(v.worst["%"]) == [fmt_pct(r) for r in rates["miskin_persen"].head(10)]
    cover = view("cakupan_pkh")
    assert cover.worst_title == "**10 kelurahan dengan cakupan terendah**"
    assert cover.palette == "Blues"


def test_kecamatan_level_sums_kelurahan_and_says_it_can_be_clicked():
    c = city()
    v = view(level="kecamatan", measure="rumah_tangga")
    assert v.level == "kecamatan" and list(v.table.index) == list(c.kecamatan["kode"])
    assert v.table["miskin"].sum() == view().table["miskin"].sum()
    assert "Klik sebuah kecamatan untuk melihat kelurahannya." in v.notes
    assert v.unit == "rumah tangga" and v.decimals == 0
    assert len(v.worst) == 10  # the top-10 stays a kelurahan list


def test_an_area_filter_shows_kelurahan_of_that_area_only():
    c = city()
    kec = c.kecamatan["kode"].iat[0]
    v = view(level="kota", filters=Filters(kecamatan=(kec,)))
    assert v.level == "kelurahan"
    assert set(v.areas["kode"].str[:8]) == {kec}
    kel = c.kelurahan["kode"].iat[0]
    one = view(filters=Filters(kelurahan=(kel,)))
    assert list(one.areas["kode"]) == [kel]
    assert one.notes[-1].startswith("Lingkaran: rumah tangga dikelompokkan")
    inside = mv.households_in(prepared(c), one.keep, kel)
    assert inside.sum() == (c.households["region_code"] == kel).sum()


def test_no_matching_area_gives_none():
    assert view(filters=Filters(kelurahan=("99.99.99.9999",))) is None


def test_an_indicator_the_register_lacks_is_no_data_never_zero():
    c = city(blank=indicators.RTLH_INPUTS)
    v = view("rtlh", c=c)
    assert indicators.NOT_IN_REGISTER in v.warning and "luas_lantai" in v.warning
    assert v.values.isna().all() and not v.known.any()
    assert set(v.tooltip["Persentase"]) == {indicators.NO_DATA}
    for counted in ("Rumah tangga terhitung", "Jiwa terhitung"):  # never 0
        assert set(v.tooltip[counted]) == {indicators.NO_DATA}
    assert v.export["rtlh"].isna().all()
    assert v.worst.empty
    assert [value for _, value in v.metrics()] == [indicators.NO_DATA] * 3
    on_screen, ints, rates = v.on_screen()
    assert set(on_screen["rtlh"]) == {indicators.NO_DATA} and "rtlh" not in ints
    assert "rtlh_persen" not in rates
    assert v.notes[1] == ("Wilayah abu-abu (13): tidak ada data, nilai indikator ini "
                          "diketahui untuk kurang dari 50% rumah tangganya (bukan 0).")


def test_unlinked_households_are_said_not_shown():
    c = city()
    hh = c.households.copy()
    hh.loc[hh.index[:5], "region_code"] = None
    p = indicators.prepare(hh)
    v = mv.map_view(p, Filters(), "miskin", "kelurahan", "persen", c.kelurahan, c.name_of,
                    SETTINGS)
    assert ("5 rumah tangga belum tertaut ke kelurahan mana pun dan tidak tampil di peta "
            "(lihat halaman Data).") in v.notes


def test_export_notes_name_the_indicator_filters_period_and_source():
    v = view()
    snapshot = {"source_file": "dtks.csv", "imported_at": pd.Timestamp("2026-09-30")}
    notes = v.export_notes("semua rumah tangga", "Periode data September 2026", SETTINGS,
                           snapshot).frame().set_index("Keterangan")["Isi"]
    assert notes["Indikator"] == "Rumah tangga miskin (desil 1–4) (Dinsos)"
    assert notes["Rumah tangga miskin (desil 1–4)"].startswith("Desil kesejahteraan 1 sampai 4.")
    assert notes["Filter"] == "semua rumah tangga"
    assert notes["Periode data"] == "September 2026"
    assert notes["Sumber data"] == "dtks.csv" and notes["Tanggal impor"] == "30 Sep 2026"
    assert notes["Angka kecil"].startswith("Tidak disembunyikan")
    assert indicators.NO_DATA in notes["Sel kosong"] and "bukan 0" in notes["Sel kosong"]
    assert list(notes["Pengaturan definisi"]) == SETTINGS.describe()


def test_hidden_small_counts_on_the_map_for_a_forum():
    """With ``hide`` every count the map page shows (tooltip, top-10, export) hides 1–4, and
    the export hides one more per row and column so none is a total minus the others."""
    from geo.disclosure import derivable
    from geo.suppression import hidden_cells

    c, narrow = city(), Filters(desil_min=1, desil_max=1)
    shown = mv.shown_level(narrow, "kelurahan")
    page = mv.map_view(prepared(c), narrow, "miskin_ekstrem", "kelurahan", "rumah_tangga",
                       c.areas(shown), c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True)
    plain = view("miskin_ekstrem", measure="rumah_tangga", filters=narrow)
    small = plain.table["miskin_ekstrem"].between(1, 4).to_numpy()
    assert small.any()
    assert page.values[small].isna().all()  # no colour for a small count
    tips = page.tooltip["Rumah tangga terhitung"].to_numpy()
    assert (tips[small] == "< 5").all()
    counts = [col for col in page.export.columns if col in plain.export.columns
              and col not in ("kode", "nama", *page.rate_columns)]
    texts = page.export[counts]
    assert (texts.to_numpy() == "< 5").any()
    numbers = plain.export[counts].to_numpy(dtype=float)
    assert derivable(numbers, hidden_cells(texts)) == []
    assert "Lingkaran" not in " ".join(page.notes)


def test_a_forum_map_hides_a_count_where_its_export_does_and_no_total_gives_one_back():
    """The colours, the tooltips and the export read one suppression (forum_cells): a count
    hidden in the export is hidden in the tooltip and uncoloured too, and no hidden count is
    a total (the city's, shown beside the map; a kecamatan's, shown at its level) minus the
    shown ones."""
    from geo.disclosure import derivable
    from geo.suppression import hidden_cells

    c, narrow = city(), Filters(desil_min=1, desil_max=1)
    page = mv.map_view(prepared(c), narrow, "miskin_ekstrem", "kelurahan", "persen",
                       c.areas("kelurahan"), c.name_of, SETTINGS, kelurahan=c.kelurahan,
                       hide=True)
    plain = view("miskin_ekstrem", filters=narrow)
    count = plain.table["miskin_ekstrem"].to_numpy(dtype=float)
    tips = page.tooltip["Rumah tangga terhitung"].to_numpy()
    hidden = np.isin(tips, ["< 5", "–"])
    assert (tips == "–").any()  # complementary cells, not only the small ones
    assert (page.export["miskin_ekstrem"].isin(["< 5", "–"]).to_numpy() == hidden).all()
    assert page.values[hidden].isna().all() and page.values[~hidden].notna().any()
    kecamatan = [k.rsplit(".", 1)[0] for k in plain.table.index]
    assert derivable(count, hidden, groups=kecamatan) == []
    assert hidden_cells(page.cells[["miskin_ekstrem"]])[:, 0].tolist() == hidden.tolist()
    names = page.tooltip[page.level_label].to_numpy()
    assert not set(page.worst[page.kel_word]) & set(names[hidden])  # nor in the worst ten
    upper = mv.map_view(prepared(c), narrow, "miskin_ekstrem", "kecamatan", "persen",
                        c.areas("kecamatan"), c.name_of, SETTINGS, kelurahan=c.kelurahan,
                        hide=True)  # the same ten, hidden alike, at the kecamatan level
    assert upper.worst.equals(page.worst)
    # grey says why: hidden, not only "no data" (the legend and a note under the map)
    from geo.maps import HIDDEN_OR_NO_DATA_LABEL, NO_DATA_LABEL, legend_html

    assert page.grey_label == HIDDEN_OR_NO_DATA_LABEL and plain.grey_label == NO_DATA_LABEL
    assert any("disembunyikan untuk forum terbuka" in n for n in page.notes)
    assert HIDDEN_OR_NO_DATA_LABEL in legend_html("", "", mv_classes(page), True,
                                                  grey_label=page.grey_label)


def mv_classes(page):  # noqa: ANN001, ANN201
    from geo.maps import classify

    return classify(page.values.to_numpy(dtype=float))


def few_households() -> tuple[Filters, int]:
    """A filter that selects 1–4 households in one kelurahan (a narrow one, as in
    ``/?kel=…&desil=1-1&program=pkh``), and how many it selects."""
    c = city()
    hh = c.households
    for kel in c.kelurahan["kode"]:
        for f in (Filters(kelurahan=(kel,), desil_min=1, desil_max=1,
                          programs=("penerima_pkh",)),
                  Filters(kelurahan=(kel,), desil_min=1, desil_max=1),
                  Filters(kelurahan=(kel,), desil_min=2, desil_max=2,
                          programs=("penerima_pkh",))):
            n = int(f.mask(hh).sum())
            if 1 <= n <= 4:
                return f, n
    raise AssertionError("no filter selects 1–4 households")


def test_one_to_four_households_in_a_kelurahan_show_no_count_people_or_position():
    """Acceptance 2 of issue 20: with the default k, the map, its totals, tooltip, top-10 and
    export (CSV and Excel) say "< 5" and hide the people; no point cluster is drawn."""
    from geo import exports

    c = city()
    f, n = few_households()
    hh = c.households[f.mask(c.households)]
    people = int(hh["jumlah_art"].sum())
    shown = mv.shown_level(f, "kelurahan")
    v = mv.map_view(prepared(c), f, "miskin", "kelurahan", "rumah_tangga", c.areas(shown),
                    c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True,
                    lon=hh.reindex(c.households.index)["bujur"].to_numpy(dtype=float),
                    lat=hh.reindex(c.households.index)["lintang"].to_numpy(dtype=float))
    assert v.points is not None and v.points.empty  # no marker for fewer than k households
    metrics = dict(v.metrics())
    assert metrics["Rumah tangga terhitung"] in ("< 5", "0", indicators.NO_DATA)
    assert metrics["Jiwa dalam rumah tangga itu"] in ("–", "0", indicators.NO_DATA)
    row = v.tooltip.iloc[0]
    assert row["Rumah tangga terhitung"] in ("< 5", "0", indicators.NO_DATA)
    assert row["Jiwa terhitung"] in ("–", "0", indicators.NO_DATA)
    assert not any(str(n) in line or str(people) in line for line in v.total_captions()[1:])
    export = v.export
    assert export["rumah_tangga"].iat[0] == "< 5"
    assert export["jiwa"].iat[0] == "–"
    for column in export.columns.drop(["kode", "nama", "miskin_persen", "miskin_diketahui"]):
        assert export[column].iat[0] in ("< 5", "–", 0) or export[column].isna().iat[0], column
    csv = exports.csv_machine(export).decode("utf-8")
    assert f",{n}," not in csv and f",{people}," not in csv
    csv = exports.csv_excel(v.export_table()).decode("utf-8-sig")
    assert f";{n};" not in csv and f";{people};" not in csv
    assert exports.xlsx([v.export_table()])  # the same table


def test_point_clusters_sit_at_cell_centres_and_never_under_k_households():
    """Clusters of a kelurahan: whatever the small-count switch, no circle for fewer than k
    households, and every circle at its grid cell's centre (never a household's position)."""
    c = city()
    kel = c.households["region_code"].value_counts().index[0]
    f = Filters(kelurahan=(kel,))
    hh = c.households
    for hide in (False, True):
        v = mv.map_view(prepared(c), f, "miskin", "kelurahan", "persen", c.areas("kelurahan"),
                        c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=hide,
                        lon=hh["bujur"].to_numpy(dtype=float),
                        lat=hh["lintang"].to_numpy(dtype=float))
        points = v.points
        assert len(points) and (points["n"] >= 5).all()
        minx, miny, maxx, maxy = v.areas.total_bounds
        dx, dy = (maxx - minx) / mv.CLUSTER_CELLS, (maxy - miny) / mv.CLUSTER_CELLS
        fx = (points["lon"] - minx) / dx - 0.5
        fy = (points["lat"] - miny) / dy - 0.5
        assert np.allclose(fx, fx.round()) and np.allclose(fy, fy.round())
        positions = set(zip(hh["bujur"].round(6), hh["lintang"].round(6)))
        assert not positions & set(zip(points["lon"].round(6), points["lat"].round(6)))


def test_the_small_count_is_a_setting(monkeypatch):
    from geo.maps import grid_clusters
    from geo.suppression import count_text

    lon = np.array([106.61] * 6 + [106.69] * 3)
    lat = np.array([-6.29] * 6 + [-6.21] * 3)
    bounds = (106.6, -6.3, 106.7, -6.2)
    assert list(grid_clusters(lon, lat, np.ones(9, bool), bounds, cells=4)["n"]) == [6]
    monkeypatch.setenv("PETA_SMALL_COUNT", "3")
    assert sorted(grid_clusters(lon, lat, np.ones(9, bool), bounds, cells=4)["n"]) == [3, 6]
    assert count_text(2) == "< 3" and count_text(3) == "3"
    monkeypatch.setenv("PETA_SMALL_COUNT", "10")
    assert grid_clusters(lon, lat, np.ones(9, bool), bounds, cells=4).empty
