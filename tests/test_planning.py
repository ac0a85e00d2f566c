"""geo.planning on small known data: coverage, targeting errors and their reasons, the gap
matrix, overlapping needs, the composite index (ties, areas without households), exports."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine

from geo import exports, indicators, planning, store
from geo.indicators import Settings
from geo.snapshot_writer import write_snapshot

A, B, C = "99.71.01.1001", "99.71.01.1002", "99.71.02.1001"


def household(**values) -> dict:
    """A household that flags nothing (well-off, served, housed, working), with overrides."""
    base = {
        "region_code": A, "desil": 6, "jumlah_art": 4, "sumber_air_minum": "ledeng",
        "fasilitas_bab": "sendiri", "jenis_kloset": "leher_angsa",
        "pembuangan_tinja": "tangki_septik", "sumber_penerangan": "listrik_pln_meteran",
        "luas_lantai": 60.0, "jenis_lantai": "keramik", "jenis_dinding": "tembok",
        "jenis_atap": "genteng_tanah_liat", "punya_mobil": 0, "penerima_bpnt": 0,
        "penerima_pkh": 0, "penerima_pbi_jkn": 0, "penerima_kip": 0, "penerima_blt": 0,
        "penerima_rtlh": 0, "jumlah_anak_tidak_sekolah": 0, "krt_bekerja": 1,
    }
    base.update(values)
    return base


@pytest.fixture
def small() -> pd.DataFrame:
    rows = [
        # area A: 4 households
        household(desil=2, penerima_bpnt=1, penerima_pbi_jkn=1),  # eligible, covered
        household(desil=3),  # eligible, nothing: exclusion; belum_jkn (Dinkes) -> 2 agencies
        household(desil=7, penerima_bpnt=1),  # inclusion (desil >= 5)
        household(desil=8, penerima_pkh=1, punya_mobil=1),  # inclusion: desil and car
        # area B: 2 households
        household(region_code=B, desil=1, penerima_pkh=1, penerima_pbi_jkn=1,
                  punya_mobil=1, fasilitas_bab="tidak_ada", jenis_kloset="tidak_pakai"),
        household(region_code=B, desil=5, krt_bekerja=0, jumlah_anak_tidak_sekolah=1),
    ]
    frame = pd.DataFrame(rows)
    frame["row_number"] = np.arange(len(frame)) + 2
    frame["id_keluarga"] = [f"ID{i}" for i in range(len(frame))]
    frame["rt"], frame["rw"] = "001", "002"
    return frame


def test_coverage_among_eligible_households(small):
    flags = indicators.evaluate(small)
    table = indicators.aggregate(small, flags, "region_code")
    cov = planning.coverage_long(table).set_index(["kode", "program"])
    # BPNT in A: eligible (desil 1-4) are desil 2 and 3; one receives
    assert cov.loc[(A, "BPNT/Sembako"), "layak"] == 2
    assert cov.loc[(A, "BPNT/Sembako"), "menerima"] == 1
    assert cov.loc[(A, "BPNT/Sembako"), "cakupan_persen"] == pytest.approx(50.0)
    # the desil-7 BPNT receiver is not counted as coverage
    assert cov.loc[(B, "PKH"), "cakupan_persen"] == pytest.approx(100.0)
    # a wider PBI-JKN range changes the denominator (setting, not a new rule)
    wide = Settings(eligible_desil=tuple((n, lo, 5 if n == "penerima_pbi_jkn" else hi)
                                         for n, lo, hi in Settings().eligible_desil))
    table5 = indicators.aggregate(small, indicators.evaluate(small, wide), "region_code")
    assert table5.loc[B, "cakupan_pbi_jkn_penyebut"] == 2
    assert table5.loc[B, "cakupan_pbi_jkn_persen"] == pytest.approx(50.0)


def test_exclusion_and_inclusion_errors_and_reasons(small):
    flags = indicators.evaluate(small)
    table = indicators.aggregate(small, flags, "region_code")
    assert table.loc[A, "eksklusi"] == 1 and table.loc[A, "eksklusi_penyebut"] == 2
    assert table.loc[A, "inklusi"] == 2
    assert table.loc[B, "inklusi"] == 1  # desil 1 PKH receiver owning a car
    reasons = planning.verification_reasons(small, flags, Settings())
    assert list(reasons.index) == [1, 2, 3, 4]
    assert reasons.loc[1, "jenis"] == "Eksklusi"
    assert "desil 3" in reasons.loc[1, "alasan"]
    assert reasons.loc[2, "alasan"] == "Menerima BPNT/Sembako pada desil 7 (layak desil 1–4)"
    assert "PKH pada desil 8" in reasons.loc[3, "alasan"]
    assert "memiliki mobil" in reasons.loc[3, "alasan"]
    assert reasons.loc[4, "alasan"] == "Menerima BPNT/PKH dan memiliki mobil"
    totals = indicators.totals(table)
    assert totals["inklusi"] == 3
    assert totals["inklusi_persen"] == pytest.approx(100 * 3 / 4)


def test_verification_list_masks_ids_and_reads_only_flagged_rows(small, tmp_path):
    engine = store.get_engine(f"sqlite:///{tmp_path / 'v.sqlite'}")
    frame = small.copy()
    frame["nik_krt"] = [f"99710{i:011d}" for i in range(len(frame))]
    frame["no_kk"] = [f"99710{i + 50:011d}" for i in range(len(frame))]
    frame["nama_krt"] = "Nama Rahasia"
    frame["alamat"] = [f"Jl. Uji No. {i}" for i in range(len(frame))]
    rejected = pd.DataFrame(columns=["row_number", "values_json", "reasons"])
    sid = write_snapshot(engine, "2026-09", "t.csv", frame, rejected, {})
    flags = indicators.evaluate(small)
    reasons = planning.verification_reasons(small, flags, Settings())
    identity = planning.load_identity(engine, sid, small.loc[reasons.index, "row_number"])
    assert len(identity) == 4  # only the flagged households were read
    names = pd.DataFrame({"kode": [A, B, "99.71.01"], "nama": ["Satu", "Dua", "Kec Satu"],
                          "kode_induk": ["99.71.01", "99.71.01", "99.71"]})
    listing = planning.verification_list(small, reasons, identity, names)
    assert list(listing.columns) == planning.VERIFICATION_COLUMNS
    assert len(listing) == 4
    nik = listing["NIK KRT (disamarkan)"]
    assert all(v.startswith("9971") and "********" in v for v in nik)
    assert not listing.astype(str).apply(lambda c: c.str.contains("Rahasia")).any().any()
    assert set(listing["Kelurahan"]) == {"Satu", "Dua"}
    assert set(listing["Kecamatan"]) == {"Kec Satu"}
    data = exports.xlsx([exports.Table(listing, "Daftar verifikasi", formats={})],
                        pd.DataFrame([("Periode data", "September 2026")],
                                     columns=["Keterangan", "Isi"]))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Daftar verifikasi"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "9971000000000001" not in cells and "9971000000000001" not in str(cells)
    engine.dispose()


def test_gap_matrix_and_overlapping_needs(small):
    flags = indicators.evaluate(small)
    needs = planning.agency_needs(flags)
    assert list(needs.columns) == list(planning.AGENCIES)
    # household 1 (desil 3, nothing received): Dinsos (exclusion) and Dinkes (belum JKN)
    assert needs.loc[1, "Dinsos"] and needs.loc[1, "Dinkes"]
    matrix = planning.gap_matrix(needs, small["region_code"], [A, B, C])
    assert matrix.loc[A, "Dinsos"] == 1 and matrix.loc[A, "Dinkes"] == 1
    assert matrix.loc[A, "dua_opd_atau_lebih"] == 1
    # B: desil-1 household (Dinsos: extreme poor; Dinkes + Perkim: no toilet -> sanitation)
    assert matrix.loc[B, "Dinsos"] == 1 and matrix.loc[B, "Dinkes"] == 1
    assert matrix.loc[B, "Perkim/PUPR"] == 1
    # desil-5 household: Disdik and Disnaker
    assert matrix.loc[B, "Disdik"] == 1 and matrix.loc[B, "Disnaker"] == 1
    assert matrix.loc[B, "dua_opd_atau_lebih"] == 2
    assert matrix.loc[C].sum() == 0  # an area without households: zeros, still listed
    over = planning.overlapping_needs(needs, small["region_code"], [A, B, C])
    assert over.loc[B, "persen"] == pytest.approx(100.0)
    assert over.loc[A, "persen"] == pytest.approx(25.0)
    assert np.isnan(over.loc[C, "persen"])
    assert over.loc[A, "pasangan_terbanyak"] == "Dinsos + Dinkes"
    pairs = planning.overlap_pairs(needs)
    assert pairs.loc["Disdik", "Disnaker"] == 1 and pairs.loc["Dinsos", "Dinsos"] == 2
    assert (pairs.to_numpy() == pairs.to_numpy().T).all()


def test_every_agency_indicator_is_in_the_registry():
    for ids in planning.AGENCIES.values():
        for ind_id in ids:
            assert ind_id in indicators.BY_ID
    assert set(planning.agency_table()["OPD"]) == set(planning.AGENCIES)


def rates(**columns) -> pd.DataFrame:
    """An aggregate-like table: ``rumah_tangga`` and ``<id>_persen`` per area."""
    frame = pd.DataFrame(columns)
    for col in list(frame.columns):
        if col != "rumah_tangga":
            frame[f"{col}_persen"] = frame.pop(col)
    return frame


def test_composite_index_min_max_direction_and_no_households():
    table = rates(rumah_tangga=[10, 10, 10, 0], miskin=[10.0, 30.0, 20.0, np.nan],
                  cakupan_bpnt=[90.0, 50.0, 70.0, np.nan],
                  ).set_axis(["a", "b", "c", "d"])
    out = planning.composite_index(table, {"miskin": 1, "cakupan_bpnt": 1})
    # miskin: a 0, b 1, c .5; coverage is better when higher, so reversed: a 0, b 1, c .5
    assert out.loc["a", "skor"] == pytest.approx(0.0)
    assert out.loc["b", "skor"] == pytest.approx(100.0)
    assert out.loc["c", "skor"] == pytest.approx(50.0)
    assert list(out.loc[["b", "c", "a"], "peringkat"]) == [1, 2, 3]
    assert np.isnan(out.loc["d", "skor"]) and pd.isna(out.loc["d", "peringkat"])
    assert out.loc["d", "tanpa_skor"] == "Tidak ada rumah tangga dalam data"


def test_composite_index_ties_share_the_min_rank():
    table = rates(rumah_tangga=[5, 5, 5, 5], miskin=[40.0, 40.0, 10.0, 20.0],
                  rtlh=[10.0, 10.0, 0.0, 20.0]).set_axis(list("wxyz"))
    out = planning.composite_index(table, {"miskin": 1, "rtlh": 1})
    assert out.loc["w", "skor"] == out.loc["x", "skor"]
    assert list(out["peringkat"]) == [1, 1, 4, 3]  # w, x tie at 1; next rank is 3


def test_composite_index_weights_change_the_ranking_and_movement():
    table = rates(rumah_tangga=[5, 5, 5], miskin=[100.0, 0.0, 50.0],
                  rtlh=[0.0, 100.0, 40.0]).set_axis(list("pqr"))
    equal = planning.ranking(table, {"miskin": 1, "rtlh": 1})
    assert equal.loc["p", "peringkat"] == equal.loc["q", "peringkat"] == 1
    assert (equal["perubahan"] == 0).all()
    ranked = planning.ranking(table, {"miskin": 1, "rtlh": 3})
    assert list(ranked.loc[["q", "r", "p"], "peringkat"]) == [1, 2, 3]
    assert ranked.loc["p", "perubahan"] == 1 - 3  # moved down two places
    assert ranked.loc["r", "perubahan"] == 3 - 2  # moved up one place
    assert planning.movement(ranked.loc["p", "perubahan"]) == "▼ 2"
    assert planning.movement(ranked.loc["r", "perubahan"]) == "▲ 1"
    assert planning.movement(0) == "=" and planning.movement(pd.NA) == "–"
    # weight 0 drops an indicator: only miskin counts
    only = planning.ranking(table, {"miskin": 1, "rtlh": 0})
    assert list(only.loc[["p", "r", "q"], "peringkat"]) == [1, 2, 3]
    assert "norm_rtlh" not in only


def test_composite_index_constant_and_missing_rates():
    table = rates(rumah_tangga=[5, 5, 5], miskin=[20.0, 20.0, 20.0],
                  belum_jkn=[50.0, np.nan, 10.0]).set_axis(list("ijk"))
    out = planning.composite_index(table, {"miskin": 1, "belum_jkn": 1})
    # constant indicator contributes 0 everywhere; j has no JKN denominator: its weight moves
    assert out.loc["i", "skor"] == pytest.approx(50.0)
    assert out.loc["j", "skor"] == pytest.approx(0.0)
    assert out.loc["k", "skor"] == pytest.approx(0.0)
    none = planning.composite_index(rates(rumah_tangga=[3], belum_jkn=[np.nan]), {"belum_jkn": 1})
    assert np.isnan(none["skor"].iat[0])
    assert none["tanpa_skor"].iat[0] == "Tidak ada penyebut indikator"


def test_small_counts_hidden_for_forums():
    assert planning.count_text(3) == "< 5"
    assert planning.count_text(0) == "0"
    assert planning.count_text(1234) == "1.234"
    assert planning.count_text(3, hide_small=False) == "3"
    assert planning.rate_text(50.0, 2) == "–"
    assert planning.rate_text(12.345, 20) == "12,3%"


def test_priority_workbook_holds_ranking_and_minutes():
    ranked = pd.DataFrame({"Peringkat": [1, 2], "Kelurahan": ["Satu", "Dua"],
                           "Skor (0-100)": [80.5, 10.0]})
    weights = {"miskin": 2.0, "rtlh": 1.0}
    notes = planning.priority_notes(weights, "Periode data September 2026", Settings(),
                                    "Kecamatan Satu")
    data = exports.xlsx([exports.Table(ranked, "Peringkat",
                                       formats={"Skor (0-100)": "0.0"})], notes)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Peringkat", "Catatan"]
    sheet = book["Peringkat"]
    assert [c.value for c in sheet[1]] == ["Peringkat", "Kelurahan", "Skor (0-100)"]
    assert sheet["C2"].value == pytest.approx(80.5)
    minutes = [[c.value for c in row] for row in book["Catatan"].iter_rows()]
    flat = [v for row in minutes for v in row if v is not None]
    assert "Periode data September 2026" in flat
    assert planning.NORMALISATION_METHOD in flat
    header = next(row for row in minutes if row[0] == "Indikator")
    assert header[:3] == ["Indikator", "Kode indikator", "Bobot"]
    rows = {row[1]: row for row in minutes if row[1] in weights}
    assert rows["miskin"][2] == 2 and rows["rtlh"][2] == 1
    assert rows["miskin"][4] == indicators.get("miskin").definition


def test_load_identity_on_an_empty_selection():
    engine = create_engine("sqlite://")
    store.metadata.create_all(engine)
    frame = planning.load_identity(engine, 1, [])
    assert frame.empty and list(frame.columns) == list(planning.IDENTITY_COLUMNS)


def test_priority_export_sheet_from_a_real_aggregate(small):
    flags = indicators.evaluate(small)
    ids = ("miskin", "rtlh")
    table = indicators.aggregate(small, flags, "region_code", ids=ids).reindex([A, B, C])
    table["rumah_tangga"] = table["rumah_tangga"].fillna(0)
    ranked = planning.ranking(table, {"miskin": 2, "rtlh": 1})
    labels = pd.DataFrame({"nama": ["Satu", "Dua", "Tiga"], "induk": ["K1", "K1", "K2"]},
                          index=[A, B, C])
    export = planning.priority_export(table, ranked, labels, hide_small=True)
    assert list(export.columns) == [
        "Peringkat", "Peringkat (bobot sama)", "Perubahan", "Kode", "Kelurahan", "Kecamatan",
        "Skor (0-100)", "Rumah tangga", "Rumah tangga miskin (desil 1–4), %",
        "Rumah tidak layak huni (RTLH), %"]
    # Tiga has no households: not ranked; Satu and Dua both have 50% poor, no RTLH: a tie
    assert list(export["Kelurahan"]) == ["Satu", "Dua"]
    assert list(export["Peringkat"]) == [1, 1]
    assert list(export["Rumah tangga"]) == ["< 5", "< 5"]  # 4 and 2 households
    assert export["Rumah tangga miskin (desil 1–4), %"].isna().all()  # denominators < 5
    shown = planning.priority_export(table, ranked, labels, hide_small=False)
    assert list(shown["Rumah tangga"]) == [4, 2]
    assert shown["Rumah tangga miskin (desil 1–4), %"].tolist() == [50.0, 50.0]
    notes = planning.priority_notes({"miskin": 2, "rtlh": 1}, "Periode data September 2026",
                                    Settings())
    book = load_workbook(io.BytesIO(planning.priority_workbook(shown, notes)))
    assert book.sheetnames == ["Peringkat", "Catatan"]
    header = [c.value for c in book["Peringkat"][1]]
    assert header == list(shown.columns)
    assert book["Peringkat"].max_row == 3
    assert book["Peringkat"]["G2"].number_format == "0.0"
    assert book["Catatan"]["A1"].value == "Keterangan"


def test_scores_equal_as_shown_share_a_rank():
    # 70.84 and 70.81 both show as 70,8: the forum sees a tie, so they share rank 2
    table = rates(rumah_tangga=[5, 5, 5, 5], miskin=[100.0, 70.84, 70.81, 0.0]
                  ).set_axis(list("abcd"))
    out = planning.composite_index(table, {"miskin": 1})
    assert list(out["skor"]) == [100.0, 70.8, 70.8, 0.0]
    assert list(out["peringkat"]) == [1, 2, 2, 4]


def test_gap_matrix_with_integer_area_positions_matches_codes(small):
    needs = planning.agency_needs(indicators.evaluate(small))
    labels = np.array([A, B], dtype=object)
    positions = np.array([0 if c == A else 1 for c in small["region_code"]])
    positions[0] = 2  # "not linked": dropped
    by_pos = planning.gap_matrix(needs, positions, [A, B, C], labels)
    codes = small["region_code"].astype(object).copy()
    codes.iat[0] = None
    by_code = planning.gap_matrix(needs, codes, [A, B, C])
    pd.testing.assert_frame_equal(by_pos, by_code)
    pd.testing.assert_frame_equal(
        planning.overlapping_needs(needs, positions, [A, B, C], labels),
        planning.overlapping_needs(needs, codes, [A, B, C]))


def test_priority_export_at_kecamatan_level_has_no_parent_column(small):
    table = indicators.aggregate(small, indicators.evaluate(small), "region_code",
                                 ids=("miskin",))
    ranked = planning.ranking(table, {"miskin": 1})
    labels = pd.DataFrame({"nama": ["Satu", "Dua"]}, index=[A, B])
    export = planning.priority_export(table, ranked, labels, False, "Kecamatan", None)
    assert "Kecamatan" in export.columns and "Kelurahan" not in export.columns
    assert list(export.columns[:6]) == ["Peringkat", "Peringkat (bobot sama)", "Perubahan",
                                        "Kode", "Kecamatan", "Skor (0-100)"]
