"""geo.views.opd_view without Streamlit: the agency matrix, one agency's ranking and the
overlapping needs as the Lintas OPD page shows them."""

from __future__ import annotations

import numpy as np

from geo import indicators, planning
from geo.fmt import fmt_int
from geo.views import opd_view as ov
from tests.view_fixtures import city, scope


def page(as_pct: bool = False, hide: bool = True, blank: tuple[str, ...] = ()):  # noqa: ANN201
    c = city(blank=blank)
    return ov.opd_view(scope(c), c.names, as_pct, hide)


def test_matrix_counts_households_per_agency_most_multi_need_first():
    p = page(hide=False)
    display, shade = p.matrix_table()
    assert list(display.columns) == ["Kecamatan", "Kelurahan", "Rumah tangga", *ov.AGENCIES,
                                     "≥ 2 OPD"]
    multi = shade["≥ 2 OPD"].fillna(-1).to_numpy()
    assert list(multi) == sorted(multi, reverse=True)
    top = display.index[0]
    assert display.loc[top, "Dinsos"] == planning.count_text(p.counts.loc[top, "Dinsos"])
    assert p.matrix["rumah_tangga"].sum() == len(city().households)
    assert p.multi_total == int(p.matrix[ov.MULTI].sum())


def test_percentages_are_over_the_households_whose_need_is_known():
    p = page(as_pct=True, hide=False)
    known = p.matrix["Dinkes_diketahui"]
    rate = 100 * p.matrix["Dinkes"] / known
    ok = p.pct["Dinkes"].notna()
    assert np.allclose(p.pct.loc[ok, "Dinkes"], rate[ok])
    display, _ = p.matrix_table()
    assert display["Dinkes"].str.endswith("%").any()


def test_agency_ranking_and_total():
    p = page(hide=False)
    rank = p.agency_ranking("Perkim/PUPR")
    counts = [int(v.replace(".", "")) for v in rank["Perlu Perkim/PUPR"]]
    assert counts == sorted(counts, reverse=True)
    places = [int(v.replace(".", "")) for v in rank["Peringkat"]]
    assert places == sorted(places)
    labels = [indicators.get(i).label for i in planning.AGENCIES["Perkim/PUPR"]]
    assert list(rank.columns[-len(labels):]) == labels
    total = p.agency_total("Perkim/PUPR")
    assert total.startswith(f"Total {fmt_int(p.matrix['Perkim/PUPR'].sum())} rumah tangga "
                            "perlu tindakan Perkim/PUPR")
    values, tooltip = p.agency_map("Perkim/PUPR")
    assert list(tooltip.index) == list(p.matrix.index) and len(values) == len(tooltip)


def test_a_forum_ranks_shown_counts_above_0_only_and_lists_the_rest_by_name():
    """A rank counted over a hidden "–" would tell whether it is above; a ranked 0 would
    stand above a "< 5" (1-4 households)."""
    c = city(n=400)
    p = ov.opd_view(scope(c), c.names, False, True)
    seen_zero = seen_hidden = False
    for agency in planning.AGENCIES:
        rank = p.agency_ranking(agency)
        counts = rank[f"Perlu {agency}"]
        shown = (counts.str.fullmatch(r"[\d.]+") & (counts != "0")).to_numpy()
        seen_zero |= bool((counts == "0").any())
        seen_hidden |= bool((~counts.str.fullmatch(r"[\d.]+")).any())
        assert shown[:shown.sum()].all()  # ranked rows first
        values = counts[shown].str.replace(".", "").astype(int)
        expected = values.rank(method="min", ascending=False).astype(int)
        assert list(rank["Peringkat"][shown]) == [fmt_int(r) for r in expected]
        assert set(rank["Peringkat"][~shown]) <= {"–"}
        rest = list(rank[p.kel_word][~shown])
        assert rest == sorted(rest)
    assert seen_zero and seen_hidden
    assert "0 tidak diperingkat" in p.agency_total("Dinsos")


def test_an_agency_without_data_is_no_data_not_zero():
    p = page(blank=("jumlah_anak_tidak_sekolah",))
    display, _ = p.matrix_table()
    assert set(display["Disdik"]) == {indicators.NO_DATA}
    kinds = dict((text.split(":")[0].split(" ")[0], kind) for kind, text in p.availability())
    assert kinds == {"Disdik": "warning"}
    assert p.agency_ranking("Disdik").empty


def test_overlap_and_pairs():
    p = page(hide=False)
    table = p.overlap_table()
    multi = [int(v.replace(".", "")) for v in table["Perlu ≥ 2 OPD"]]
    assert multi == sorted(multi, reverse=True)
    pairs = p.pairs_table()
    assert list(pairs.columns) == ov.AGENCIES
    assert pairs.loc["Dinsos", "Dinsos"] == fmt_int(p.matrix["Dinsos"].sum())


def test_multi_agency_need_is_no_data_where_no_agency_need_is_known():
    columns = ("desil", "sumber_air_minum", "fasilitas_bab", "jenis_kloset", "pembuangan_tinja",
               "luas_lantai", "jenis_lantai", "jenis_dinding", "jenis_atap",
               "sumber_penerangan", "jumlah_anak_tidak_sekolah", "krt_bekerja",
               "penerima_pbi_jkn")
    p = page(hide=False, blank=columns)
    assert p.counts[ov.MULTI].isna().all() and p.pct[ov.MULTI].isna().all()
    display, _ = p.matrix_table()
    assert (display["≥ 2 OPD"] == indicators.NO_DATA).all()


def test_the_pairs_of_a_chosen_area_count_its_households_only():
    """"Seluruh wilayah terpilih": with one kecamatan chosen, its households (the matrix's),
    not the whole city's (the pairs once ignored the area filter)."""
    from geo.filters import Filters

    c = city()
    kec = sorted(c.kelurahan["kode_induk"].unique())[0]
    for filters in (Filters(kecamatan=(kec,)), Filters(kecamatan=(kec,), desil_min=1,
                                                       desil_max=4), Filters()):
        p = ov.opd_view(scope(c, filters), c.names, hide=False)
        for agency in ov.AGENCIES:
            assert p.pairs.loc[agency, agency] == p.matrix[agency].sum(), (filters, agency)
    whole = ov.opd_view(scope(c), c.names, hide=False).pairs
    assert (p.pairs == whole).all().all()
    chosen = ov.opd_view(scope(c, Filters(kecamatan=(kec,))), c.names, hide=False).pairs
    assert (chosen.to_numpy() < whole.to_numpy()).any()
