"""What a forum reads on the Rujukan SLRT page (:mod:`geo.views.referral_view`): no count it
sees hidden there, or on the main map, can be worked back out from another figure of the page:
a rate beside it, a total, a row or column of the table by need or OPD, the backlog."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.disclosure import derivable
from geo.views.referral_view import (
    AreaView,
    access_display,
    access_values,
    backlog_display,
    gap_display,
    need_display,
)

HIDDEN = ("< 5", "–")


def area_table(**columns: list) -> pd.DataFrame:
    """An area table as :func:`geo.referrals.measures.area_table` gives it, five kelurahan of
    one kecamatan by default; ``columns`` replace the defaults."""
    n = len(next(iter(columns.values()))) if columns else 5
    table = pd.DataFrame({
        "kode": [f"99.71.01.{1001 + i}" for i in range(n)],
        "nama": [chr(ord("A") + i) for i in range(n)], "rumah_tangga": [300] * n,
        "rujukan": [20] * n, "terbuka": [10] * n, "median_hari_terbuka": [5.0] * n,
        "dari_luar_register": [6] * n, "eksklusi": [30] * n, "eksklusi_dirujuk": [10] * n,
        "eksklusi_tanpa_rujukan": [20] * n, "eksklusi_penyebut": [300] * n,
        "eksklusi_persen": [10.0] * n, "eksklusi_diketahui": [1.0] * n})
    for name, values in columns.items():
        table[name] = values
    for name in ("eksklusi", "eksklusi_dirujuk", "eksklusi_tanpa_rujukan"):
        table[name] = pd.array(table[name], dtype="Int64")
    table["rujukan_per_1000"] = (1000 * table["rujukan"] / table["rumah_tangga"]).round(2)
    return table


def test_a_referral_rate_is_hidden_wherever_its_count_is():
    """3 referrals is small; 12, the smallest other, is hidden with it ("–") so that the
    total minus the shown ones does not give 3 back. Its rate per 1.000 households beside
    the count would give 12 back (rate × 300 ÷ 1.000), so it is hidden, and not coloured."""
    table = area_table(rujukan=[3, 20, 12, 40, 30])
    forum = AreaView(table, hide=True)
    shown = forum.display()
    assert list(shown["Rujukan"]) == ["< 5", "20", "–", "40", "30"]
    assert list(shown["Per 1.000 RT"]) == ["–", "66,7", "–", "133,3", "100,0"]
    assert forum.map_values("rujukan_per_1000").isna().tolist() == [True, False, True, False,
                                                                    False]
    assert forum.map_values("rujukan").isna().tolist() == [True, False, True, False, False]
    # what a reader knows of each count: shown, or its rate over the shown households
    known = (~shown["Rujukan"].isin(HIDDEN) | ~shown["Per 1.000 RT"].isin(HIDDEN)).to_numpy()
    assert derivable(table["rujukan"].to_numpy(), ~known) == []
    planner = AreaView(table, hide=False).display()
    assert list(planner["Per 1.000 RT"]) == ["10,0", "66,7", "40,0", "133,3", "100,0"]


def test_the_households_are_hidden_as_on_the_main_map_and_their_rate_with_them():
    """A kelurahan of 2 households: the main map hides that count (and one more in the
    kecamatan); so does this page, and the rate that would give either back."""
    table = area_table(rumah_tangga=[300, 2, 250, 400, 500], rujukan=[20, 1, 10, 30, 25])
    forum = AreaView(table, hide=True).display()
    assert list(forum["Rumah tangga"]) == ["300", "< 5", "–", "400", "500"]
    assert forum["Per 1.000 RT"].isin(HIDDEN).tolist() == [False, True, True, False, False]


def test_the_outreach_gap_for_a_forum_neither_shows_nor_ranks_a_small_count():
    table = area_table(nama=["Cibeber", "Sukamaju", "Astana", "Duri"],
                       eksklusi_tanpa_rujukan=[40, 3, 2, 30], eksklusi=[60, 30, 4, 8],
                       eksklusi_persen=[20.0, 15.0, 12.5, 3.0], rujukan=[10, 6, 2, 12],
                       terbuka=[0] * 4, dari_luar_register=[0] * 4)
    gap = table.iloc[:3]
    forum = gap_display(gap, AreaView(table, hide=True))
    assert list(forum["Kelurahan"]) == ["Cibeber", "Astana", "Sukamaju"]  # hidden: by name
    assert list(forum["Eksklusi tanpa rujukan"]) == ["40", "< 5", "< 5"]
    assert list(forum["Kesalahan eksklusi"]) == ["20,0%", "–", "15,0%"]  # Astana: 4 households
    # Astana's 2 referrals are small, and Sukamaju's 6 the smallest other in the column
    assert list(forum["Rujukan per 1.000 RT"]) == ["33,3", "–", "–"]
    planner = gap_display(gap, AreaView(table, hide=False))
    assert list(planner["Kelurahan"]) == ["Cibeber", "Sukamaju", "Astana"]
    assert list(planner["Kesalahan eksklusi"]) == ["20,0%", "15,0%", "12,5%"]


def test_the_outreach_gap_takes_its_hidden_counts_from_the_whole_area_table():
    """Astana's 7 excluded households without a referral are hidden in the area table to
    protect Duri's 2; the gap list, which leaves Duri out, hides them all the same."""
    table = area_table(nama=["Cibeber", "Astana", "Sukamaju", "Duri"],
                       eksklusi_tanpa_rujukan=[40, 7, 30, 2], eksklusi=[60, 20, 45, 9],
                       eksklusi_dirujuk=[20, 13, 15, 7])
    area = AreaView(table, hide=True)
    assert area.count_texts()["eksklusi_tanpa_rujukan"].tolist() == ["40", "–", "30", "< 5"]
    forum = gap_display(table.iloc[:3], area)
    assert forum.set_index("Kelurahan").loc["Astana", "Eksklusi tanpa rujukan"] == "–"


def test_the_exclusion_rate_is_hidden_where_the_map_hides_its_denominator():
    """3 households in the rate's denominator (and 250, hidden beside it): the exclusion
    count over them is 0 and shown, but the rate would give the denominator back."""
    table = area_table(eksklusi_penyebut=[300, 3, 250, 400, 500], eksklusi=[30, 0, 25, 40, 50],
                       eksklusi_dirujuk=[10, 0, 5, 20, 30],
                       eksklusi_tanpa_rujukan=[20, 0, 20, 20, 20])
    area = AreaView(table, hide=True)
    assert not area.exclusion_hidden.any()
    forum = gap_display(table, area).set_index("Kelurahan").loc[list("ABCDE")]
    assert forum["Kesalahan eksklusi"].isin(HIDDEN).tolist() == [False, True, True, False,
                                                                  False]


def test_the_backlog_for_a_forum_does_not_rank_a_hidden_count():
    backlog = pd.DataFrame({"dirujuk_ke": ["Dinsos", "Puskesmas", "Dinkes", "Disdik"],
                            "rujukan": [30, 6, 5, 12], "terbuka": [20, 4, 7, 2],  # 2 small
                            "median_hari_terbuka": [12.0, 30.0, 8.0, 3.0],
                            "terlama_hari": [40.0, 60.0, 9.0, 4.0],
                            "lebih_30_hari": [5, 2, 0, 0]})
    forum = backlog_display(backlog, hide=True)
    assert list(forum["OPD / lembaga tujuan"]) == ["Dinsos", "Dinkes", "Disdik", "Puskesmas"]
    assert list(forum["Terbuka"]) == ["20", "7", "< 5", "< 5"]
    assert list(forum["Median hari terbuka"]) == ["12", "8", "–", "–"]
    assert list(backlog_display(backlog, hide=False)["OPD / lembaga tujuan"]) == [
        "Dinsos", "Puskesmas", "Dinkes", "Disdik"]


def test_no_backlog_count_is_the_total_minus_the_shown_ones():
    backlog = pd.DataFrame({"dirujuk_ke": ["Dinsos", "Puskesmas", "Dinkes"],
                            "rujukan": [30, 3, 9], "terbuka": [20, 6, 7],
                            "median_hari_terbuka": [12.0, 30.0, 8.0],
                            "terlama_hari": [40.0, 60.0, 9.0], "lebih_30_hari": [9, 2, 6]})
    forum = backlog_display(backlog, hide=True).set_index("OPD / lembaga tujuan")
    for column, label in (("rujukan", "Rujukan"), ("terbuka", "Terbuka"),
                          ("lebih_30_hari", "Terbuka > 30 hari")):
        counts = backlog.set_index("dirujuk_ke")[column]
        hidden = forum.loc[counts.index, label].isin(HIDDEN).to_numpy()
        assert derivable(counts.to_numpy(), hidden) == [], column
    assert forum.loc["Dinkes", "Rujukan"] == "–"  # 9: the smallest beside Puskesmas's 3


def test_no_count_by_need_or_opd_is_given_back_by_its_row_or_column():
    """Referrals by need per kelurahan, shown per 1.000 households: a row adds up to the
    kelurahan's referrals (shown on the same page) and a column to the need's or the OPD's.
    For a forum no hidden count is a row or column total minus the shown ones, a row whose
    referral count the area table hides is hidden whole, and an OPD the backlog hides is
    hidden whole."""
    rng = np.random.default_rng(5)
    n = 12
    counts = pd.DataFrame(rng.choice([0, 1, 2, 3, 6, 9, 14], size=(n, 4)),
                          columns=["anak", "bansos", "kesehatan", "tidak_diketahui"],
                          index=[f"99.71.0{1 + i // 6}.{1001 + i}" for i in range(n)])
    table = area_table(kode=list(counts.index), rujukan=list(counts.sum(axis=1)))
    area = AreaView(table, hide=True)
    names = table.set_index("kode")["nama"]
    shown = need_display(counts, names, area)
    hidden = shown.drop(columns="Kelurahan").isin(HIDDEN).to_numpy()
    row_hidden = area.rate_hidden.reindex(counts.index).to_numpy()
    assert hidden[row_hidden].all()
    assert derivable(counts.to_numpy(), hidden, row_totals_hidden=row_hidden) == []
    assert not (counts.to_numpy()[~hidden] % 1).any()  # sanity: whole counts
    small = (counts.to_numpy() > 0) & (counts.to_numpy() < 5)
    assert hidden[small].all()

    by_opd = counts.set_axis(["Dinsos", "Dinkes", "Disdik", "tidak_diketahui"], axis=1)
    backlog = pd.DataFrame({"dirujuk_ke": ["Dinsos", "Dinkes", "Disdik", "(tidak disebut)"],
                            "rujukan": [*by_opd.sum().iloc[:3], 2], "terbuka": [10] * 4,
                            "median_hari_terbuka": [5.0] * 4, "terlama_hari": [9.0] * 4,
                            "lebih_30_hari": [0] * 4})
    opd = need_display(by_opd, names, area, backlog)
    # the backlog hides its 2 referrals: each of its counts here is hidden (a 0 tells nothing)
    assert opd["(tidak disebut)"].isin(HIDDEN).to_numpy()[by_opd["tidak_diketahui"] > 0].all()
    planner = need_display(counts, names, AreaView(table, hide=False))
    assert not planner.drop(columns="Kelurahan").isin(HIDDEN).any().any()


def test_where_the_forums_map_hides_an_exclusion_count_its_two_parts_are_hidden_too():
    """Referred + not referred = the exclusion-error count, which the forum's map shows as
    "–" where it protects a small one: both parts are hidden there, its rate in the outreach
    gap too, and the map of the parts does not colour it."""
    excluded = [3, 40, 12, 60, 30]  # 3: small; 12 its partner in the column
    table = area_table(eksklusi=excluded, eksklusi_dirujuk=[1, 10, 5, 20, 10],
                       eksklusi_tanpa_rujukan=[2, 30, 7, 40, 20],
                       eksklusi_persen=[1.0, 13.3, 4.0, 20.0, 10.0])
    forum = AreaView(table, hide=True)
    assert forum.exclusion_hidden.tolist() == [True, False, True, False, False]
    texts = forum.count_texts()
    assert texts.loc["99.71.01.1003", ["eksklusi_dirujuk", "eksklusi_tanpa_rujukan"]].tolist(
        ) == ["–", "–"]
    assert np.isnan(forum.map_values("eksklusi_tanpa_rujukan")["99.71.01.1003"])
    gap = gap_display(table, forum)
    row = gap[gap["Kelurahan"] == "C"].iloc[0]
    assert row["Kesalahan eksklusi"] == "–" and row["Eksklusi tanpa rujukan"] == "–"
    planner = AreaView(table, hide=False)
    assert planner.count_texts().loc["99.71.01.1003", "eksklusi_dirujuk"] == "5"


def test_the_access_table_counts_households_as_the_main_map_and_hides_few_distances():
    """A kelurahan where 3 households have a location: their number is hidden as the main
    map hides a household count (and one more beside it), and their median distance to a
    puskesmas is not shown or coloured: it tells where those few live."""
    access = pd.DataFrame({"rumah_tangga_bertitik": [300, 3, 250, 0],
                           "jarak_puskesmas": [800.0, 1200.0, 400.0, np.nan]},
                          index=[f"99.71.01.{1001 + i}" for i in range(4)])
    names = pd.Series(list("ABCD"), index=access.index)
    forum = access_display(access, names, ("puskesmas",), hide=True)
    assert list(forum["RT dengan titik"]) == ["300", "< 5", "–", "0"]
    distances = forum.iloc[:, -1].tolist()
    assert distances[:3] == ["800", "–", "400"] and distances[3] == "tidak ada data"
    assert access_values(access, "puskesmas", True).isna().tolist() == [False, True, False,
                                                                        True]
    planner = access_display(access, names, ("puskesmas",))
    assert list(planner["RT dengan titik"]) == ["300", "3", "250", "0"]


def test_a_forum_that_chooses_a_kelurahan_sees_what_the_whole_table_shows_of_it():
    """12 referrals are hidden ("–") beside a small 3 over every kelurahan. A forum that
    chooses that kelurahan alone sees it hidden all the same, its rate too, and the page's
    total, which is that count, hidden."""
    from geo.filters import Filters

    table = area_table(rujukan=[3, 20, 12, 40, 30])
    code = "99.71.01.1003"
    one = table[table["kode"] == code].reset_index(drop=True)
    chosen = Filters(kelurahan=(code,))
    forum = AreaView(one, hide=True, whole=table, filters=chosen)
    shown = forum.display()
    assert shown["Rujukan"].tolist() == ["–"] and shown["Per 1.000 RT"].tolist() == ["–"]
    assert forum.totals()["rujukan"] == "–"
    assert np.isnan(forum.map_values("rujukan_per_1000")[code])
    alone = AreaView(one, hide=True)  # suppressed over its own row, it showed the 12
    assert alone.display()["Rujukan"].tolist() == ["12"]
    planner = AreaView(one, hide=False, whole=None, filters=chosen)
    assert planner.totals()["rujukan"] == "12"


def test_the_maps_exclusion_count_minus_one_shown_part_gives_no_hidden_part_back():
    """Referred + not referred = the exclusion-error count, which the forum's map shows
    (30 in every kelurahan here). 2 referred is small; suppressed as plain columns, the row
    hid 6 "from outside the register" beside it and showed 28 not referred: 30 − 28 = 2.
    Now the other part is hidden with it, in the table and in the kecamatan's totals."""
    table = area_table(eksklusi=[30] * 5, eksklusi_dirujuk=[2, 10, 10, 10, 10],
                       eksklusi_tanpa_rujukan=[28, 20, 20, 20, 20])
    forum = AreaView(table, hide=True)
    assert not forum.exclusion_hidden.any()
    texts = forum.count_texts()
    parts = texts[["eksklusi_dirujuk", "eksklusi_tanpa_rujukan"]].isin(HIDDEN).to_numpy()
    assert parts[0].tolist() == [True, True]
    assert set(parts.sum(axis=1)) <= {0, 2}  # never one part alone beside the map's count
    for level, shown in forum._frame_levels.items():
        hidden = shown[["eksklusi_dirujuk", "eksklusi_tanpa_rujukan"]].isin(HIDDEN)
        assert set(hidden.sum(axis=1)) <= {0, 2}, level


def test_all_referrals_minus_the_open_ones_or_those_from_outside_is_never_small():
    """20 referrals, 18 open: 2 closed is a count of referrals a forum must not work out
    either; 17 from outside the register leaves 3 of register households. The part is
    hidden where the difference is 1–4 and both are shown."""
    table = area_table(terbuka=[18, 10, 10, 10, 10], dari_luar_register=[17, 6, 6, 6, 6])
    texts = AreaView(table, hide=True).count_texts()
    shown = ~texts.isin(HIDDEN)
    values = table.set_index("kode")
    for part in ("terbuka", "dari_luar_register"):
        both = (shown["rujukan"] & shown[part]).to_numpy()
        difference = (values["rujukan"] - values[part]).to_numpy()[both]
        assert not ((difference > 0) & (difference < 5)).any(), part
    assert texts.loc["99.71.01.1001", "terbuka"] in HIDDEN
    assert AreaView(table, hide=False).count_texts().loc["99.71.01.1001", "terbuka"] == "18"
