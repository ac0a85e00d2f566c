"""Each indicator rule of household-data.md on small known households, and the counting by area
(the slow reference ``aggregate`` and the map's fast ``area_counts`` must agree)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import indicators
from geo.indicators import (
    DEFAULT_SETTINGS,
    Settings,
    area_counts,
    evaluate,
    prepare,
    roll_up,
    totals,
)

KEL_A = "99.71.01.1001"
KEL_B = "99.71.01.1002"
KEL_C = "99.71.02.1001"
DESA = "99.71.02.2001"

# A household that counts for nothing (desil 6, improved everything, receives nothing).
GOOD = dict(region_code=KEL_A, jumlah_art=4, desil=6, sumber_air_minum="ledeng",
            fasilitas_bab="sendiri", jenis_kloset="leher_angsa", pembuangan_tinja="tangki_septik",
            sumber_penerangan="listrik_pln_meteran", luas_lantai=60.0, jenis_lantai="keramik",
            jenis_dinding="tembok", jenis_atap="genteng_tanah_liat", punya_mobil=0,
            penerima_bpnt=0, penerima_pkh=0, penerima_pbi_jkn=0, penerima_kip=0, penerima_blt=0,
            penerima_rtlh=0, jumlah_lansia=0, jumlah_balita=0, jumlah_disabilitas=0,
            jumlah_anak_tidak_sekolah=0, krt_bekerja=1)


def households(*changes: dict) -> pd.DataFrame:
    return pd.DataFrame([{**GOOD, **c} for c in changes])


def flags_of(ind_id: str, *changes: dict, settings: Settings = DEFAULT_SETTINGS) -> list[bool]:
    hh = households(*changes)
    return evaluate(hh, settings, ids=(ind_id,))[ind_id].tolist()


def dens_of(ind_id: str, *changes: dict, settings: Settings = DEFAULT_SETTINGS) -> list[bool]:
    hh = households(*changes)
    return evaluate(hh, settings, ids=(ind_id,))[f"{ind_id}__den"].tolist()


def test_the_good_household_counts_for_no_need_indicator():
    flags = evaluate(households({}))
    assert not any(flags[i].iat[0] for i in indicators.NEED_INDICATORS)


@pytest.mark.parametrize("desil, poor, extreme", [
    (1, True, True), (2, True, False), (4, True, False), (5, False, False), (10, False, False),
    (None, False, False),
])
def test_poverty_is_desil_1_to_4_and_extreme_is_desil_1(desil, poor, extreme):
    assert flags_of("miskin", {"desil": desil}) == [poor]
    assert flags_of("miskin_ekstrem", {"desil": desil}) == [extreme]


def test_unimproved_water_and_the_bottled_water_setting():
    sources = ["sumur_tak_terlindung", "mata_air_tak_terlindung", "air_permukaan", "lainnya",
               "ledeng", "sumur_bor_pompa", "sumur_terlindung", "mata_air_terlindung",
               "air_hujan", "air_kemasan", "isi_ulang", None]
    rows = [{"sumber_air_minum": s} for s in sources]
    assert flags_of("air_minum_tidak_layak", *rows) == [True] * 4 + [False] * 8
    strict = Settings(bottled_water_improved=False)
    assert flags_of("air_minum_tidak_layak", *rows, settings=strict) == (
        [True] * 4 + [False] * 5 + [True, True, False])


def test_sanitation_rule_and_the_pit_in_a_desa():
    rows = [
        {},  # own toilet, gooseneck, septic tank: improved
        {"fasilitas_bab": "tidak_ada", "jenis_kloset": "tidak_pakai"},
        {"fasilitas_bab": "umum"},
        {"fasilitas_bab": "bersama"},  # shared with a proper closet and tank: improved
        {"jenis_kloset": "cemplung"},
        {"pembuangan_tinja": "ipal"},
        {"pembuangan_tinja": "sungai"},
        {"pembuangan_tinja": "lubang_tanah"},  # kelurahan: not improved
        {"pembuangan_tinja": "lubang_tanah", "region_code": DESA},  # desa: improved
        {"jenis_kloset": None, "pembuangan_tinja": None},  # unknown answers do not count
    ]
    assert flags_of("sanitasi_tidak_layak", *rows) == [
        False, True, True, False, True, False, True, True, False, False]


def test_no_toilet_is_only_fasilitas_bab_tidak_ada():
    rows = [{"fasilitas_bab": v} for v in ("tidak_ada", "umum", "bersama", "sendiri", None)]
    assert flags_of("tanpa_jamban", *rows) == [True, False, False, False, False]


def test_rtlh_floor_area_materials_and_the_threshold_setting():
    rows = [
        {"luas_lantai": 28.0, "jumlah_art": 4},  # 7,0 m² per person
        {"luas_lantai": 30.0, "jumlah_art": 4},  # 7,5 m² per person
        {"jenis_lantai": "tanah"},
        {"jenis_dinding": "anyaman_bambu"}, {"jenis_dinding": "bambu"},
        {"jenis_dinding": "batang_kayu"}, {"jenis_dinding": "kayu"},
        {"jenis_atap": "jerami_ijuk_rumbia"}, {"jenis_atap": "seng"},
        {"luas_lantai": None},
    ]
    assert flags_of("rtlh", *rows) == [True, False, True, True, True, True, False, True, False,
                                       False]
    pupr = Settings(rtlh_floor_per_person=9.0)
    assert flags_of("rtlh", *rows[:2], settings=pupr) == [True, True]


def test_no_pln_electricity():
    rows = [{"sumber_penerangan": v} for v in (
        "listrik_non_pln", "bukan_listrik", "listrik_pln_meteran", "listrik_pln_tanpa_meteran",
        None)]
    assert flags_of("tanpa_listrik_pln", *rows) == [True, True, False, False, False]


def test_belum_jkn_is_eligible_without_pbi_and_its_denominator_the_eligible():
    rows = [{"desil": 2}, {"desil": 2, "penerima_pbi_jkn": 1}, {"desil": 5}, {"desil": None}]
    assert flags_of("belum_jkn", *rows) == [True, False, False, False]
    assert dens_of("belum_jkn", *rows) == [True, True, False, False]
    extended = Settings(eligible_desil=(("penerima_pbi_jkn", 1, 5),))
    assert flags_of("belum_jkn", *rows, settings=extended) == [True, False, True, False]


def test_children_out_of_school_and_head_not_working():
    assert flags_of("anak_tidak_sekolah", {"jumlah_anak_tidak_sekolah": 2},
                    {"jumlah_anak_tidak_sekolah": 0}, {"jumlah_anak_tidak_sekolah": None}) == [
        True, False, False]
    assert flags_of("krt_tidak_bekerja", {"krt_bekerja": 0}, {"krt_bekerja": 1},
                    {"krt_bekerja": None}) == [True, False, False]


def test_exclusion_error_eligible_and_receiving_none_of_bpnt_pkh_pbi():
    rows = [{"desil": 3}, {"desil": 3, "penerima_pkh": 1}, {"desil": 3, "penerima_kip": 1},
            {"desil": 7}]
    assert flags_of("eksklusi", *rows) == [True, False, True, False]
    assert dens_of("eksklusi", *rows) == [True, True, True, False]


def test_inclusion_error_high_desil_or_a_car_among_bpnt_pkh_recipients():
    rows = [{"desil": 6, "penerima_bpnt": 1}, {"desil": 3, "penerima_pkh": 1},
            {"desil": 3, "penerima_pkh": 1, "punya_mobil": 1}, {"desil": 8, "punya_mobil": 1},
            {"desil": 9, "penerima_pbi_jkn": 1}]
    assert flags_of("inklusi", *rows) == [True, False, True, False, False]
    assert dens_of("inklusi", *rows) == [True, True, True, False, False]


def test_program_coverage_among_the_eligible():
    rows = [{"desil": 1, "penerima_pkh": 1}, {"desil": 2}, {"desil": 6, "penerima_pkh": 1}]
    assert flags_of("cakupan_pkh", *rows) == [True, False, False]
    assert dens_of("cakupan_pkh", *rows) == [True, True, False]
    assert not indicators.get("cakupan_pkh").higher_is_worse


def test_registry_has_every_need_indicator_with_label_unit_and_owner():
    for ind_id in indicators.NEED_INDICATORS:
        ind = indicators.get(ind_id)
        assert ind.label and ind.unit and ind.opd and ind.definition and ind.denominator_label


# ------------------------------------------------------------------ counting by area

def small_register() -> pd.DataFrame:
    return households(
        {"region_code": KEL_A, "desil": 1, "jumlah_art": 5},
        {"region_code": KEL_A, "desil": 3, "jumlah_art": 2, "penerima_pkh": 1},
        {"region_code": KEL_A, "desil": 7, "jumlah_art": 3},
        {"region_code": KEL_B, "desil": 2, "jumlah_art": 4, "jumlah_lansia": 1},
        {"region_code": KEL_C, "desil": 9, "jumlah_art": 1},
        {"region_code": None, "desil": 1, "jumlah_art": 6},  # not linked
    )


def test_aggregate_counts_households_persons_and_rates_per_area():
    hh = small_register()
    table = indicators.aggregate(hh, evaluate(hh), "region_code", ids=("miskin",))
    assert table.loc[KEL_A, ["rumah_tangga", "jiwa", "miskin", "miskin_jiwa",
                             "miskin_penyebut"]].tolist() == [3, 10, 2, 7, 3]
    assert table.loc[KEL_A, "miskin_persen"] == pytest.approx(200 / 3)
    assert table.loc[KEL_C, "miskin_persen"] == 0


def test_fast_counts_match_the_reference_and_keep_unlinked_apart():
    hh = small_register()
    reference = indicators.aggregate(hh, evaluate(hh), "region_code")
    fast, unlinked = area_counts(prepare(hh))
    pd.testing.assert_frame_equal(fast[reference.columns].sort_index(), reference.sort_index(),
                                  check_dtype=False, check_index_type=False)  # codes as str
    assert unlinked["rumah_tangga"] == 1 and unlinked["miskin"] == 1 and unlinked["jiwa"] == 6


def test_fast_counts_on_a_mask_equal_counts_of_the_subset():
    rng = np.random.default_rng(3)
    hh = households(*[{"region_code": rng.choice([KEL_A, KEL_B, KEL_C]),
                       "desil": int(rng.integers(1, 11)), "jumlah_art": int(rng.integers(1, 7)),
                       "penerima_pkh": int(rng.integers(0, 2))} for _ in range(300)])
    keep = hh["penerima_pkh"].to_numpy() == 1
    fast, _ = area_counts(prepare(hh), keep)
    sub = hh[keep]
    reference = indicators.aggregate(sub, evaluate(sub), "region_code")
    pd.testing.assert_frame_equal(fast[reference.columns].sort_index(), reference.sort_index(),
                                  check_dtype=False, check_index_type=False)  # codes as str


def test_roll_up_sums_kelurahan_to_kecamatan_and_kota_and_recomputes_rates():
    fast, _ = area_counts(prepare(small_register()), ids=("miskin",))
    kec = roll_up(fast, "kecamatan")
    assert kec.loc["99.71.01", ["rumah_tangga", "miskin", "miskin_penyebut"]].tolist() == [4, 3, 4]
    assert kec.loc["99.71.01", "miskin_persen"] == 75
    kota = roll_up(fast, "kota")
    assert kota.loc["99.71", "rumah_tangga"] == 5 and kota.loc["99.71", "miskin"] == 3
    assert totals(fast)["miskin_persen"] == 60


# ------------------------------------------------------------------ unknown is never zero

def known_of(ind_id: str, *changes: dict) -> list[bool]:
    hh = households(*changes)
    return evaluate(hh, ids=(ind_id,))[f"{ind_id}__den"].tolist()


def test_an_empty_or_unmapped_answer_is_unknown_not_no():
    assert known_of("air_minum_tidak_layak", {"sumber_air_minum": None}, {}) == [False, True]
    assert known_of("miskin", {"desil": None}, {"desil": 7}) == [False, True]
    assert known_of("krt_tidak_bekerja", {"krt_bekerja": None}) == [False]


def test_sanitation_is_decided_by_one_bad_answer_but_no_needs_all_three():
    rows = [{"fasilitas_bab": "tidak_ada", "jenis_kloset": None, "pembuangan_tinja": None},
            {"jenis_kloset": "leher_angsa", "fasilitas_bab": None},
            {"jenis_kloset": "leher_angsa", "pembuangan_tinja": None},
            {"jenis_kloset": "cemplung", "pembuangan_tinja": None},
            {}]
    assert flags_of("sanitasi_tidak_layak", *rows) == [True, False, False, True, False]
    assert known_of("sanitasi_tidak_layak", *rows) == [True, False, False, True, True]


def test_rtlh_is_unknown_when_its_columns_are_absent_unless_one_answer_decides():
    hh = households({}, {"jenis_lantai": "tanah"}).drop(columns=["luas_lantai", "jenis_atap"])
    flags = evaluate(hh, ids=("rtlh",))
    assert flags["rtlh"].tolist() == [False, True]
    assert flags["rtlh__den"].tolist() == [False, True]


def test_a_missing_column_leaves_the_indicator_unknown_in_every_area():
    hh = small_register().drop(columns=["luas_lantai", "jenis_lantai", "jenis_dinding",
                                        "jenis_atap"])
    table, _ = area_counts(prepare(hh), ids=("rtlh", "miskin"))
    assert table["rtlh_penyebut"].eq(0).all() and table["rtlh_persen"].isna().all()
    assert table["rtlh_diketahui"].eq(0).all()
    assert not indicators.is_known(table, "rtlh").any()
    assert totals(table)["rtlh_persen"] != totals(table)["rtlh_persen"]  # NaN, not 0
    assert table["miskin_persen"].notna().all()
    p = prepare(hh)
    assert not p.available("rtlh") and p.available("miskin")
    assert p.missing_inputs("rtlh") == ["luas_lantai", "jenis_lantai", "jenis_dinding",
                                        "jenis_atap"]


def test_rates_are_over_the_known_and_hidden_below_the_known_share():
    hh = households(*[{"region_code": KEL_A, "sumber_air_minum": "air_permukaan"}] * 2,
                    *[{"region_code": KEL_A, "sumber_air_minum": None}] * 2,
                    *[{"region_code": KEL_B, "sumber_air_minum": "air_permukaan"}],
                    *[{"region_code": KEL_B, "sumber_air_minum": None}] * 3)
    table, _ = area_counts(prepare(hh), ids=("air_minum_tidak_layak",))
    a, b = table.loc[KEL_A], table.loc[KEL_B]
    assert a["air_minum_tidak_layak_penyebut"] == 2 and a["air_minum_tidak_layak_semesta"] == 4
    assert a["air_minum_tidak_layak_persen"] == 100  # 2 of the 2 known, not 2 of 4
    assert a["air_minum_tidak_layak_diketahui"] == 0.5
    assert np.isnan(b["air_minum_tidak_layak_persen"])  # 1 of 4 known: tidak ada data
    assert (indicators.known_text(a, "air_minum_tidak_layak")
            == "diketahui untuk 2 dari 4 rumah tangga")
    strict = prepare(hh, Settings(min_known_share=0.75))
    assert area_counts(strict, ids=("air_minum_tidak_layak",))[0][
        "air_minum_tidak_layak_persen"].isna().all()


def test_an_unknown_desil_is_neither_eligible_nor_outside_the_population():
    rows = [{"desil": None, "penerima_pkh": 1}, {"desil": 2, "penerima_pkh": None},
            {"desil": 8}]
    flags = evaluate(households(*rows), ids=("cakupan_pkh",))
    assert flags["cakupan_pkh__den"].tolist() == [False, False, False]
    assert flags["cakupan_pkh__base"].tolist() == [True, True, False]
