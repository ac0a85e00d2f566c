"""geo.register_columns: which header of a register file is which canonical column."""

from __future__ import annotations

import pytest

from geo.register_columns import (
    TARGET_COLUMNS,
    canonical_column,
    check_overrides,
    detect_mapping,
    header_key,
    personal_header,
)
from geo.register_errors import ImportFailed


def test_headers_compare_without_case_spaces_and_punctuation():
    assert header_key(" Nomor K.K. ") == "nomorkk"
    assert canonical_column("id dtks") == "id_keluarga"
    assert canonical_column("Kode-Desa") == "kode_kelurahan"
    assert canonical_column("CATATAN") is None
    assert "daya" in TARGET_COLUMNS and "id_keluarga" in TARGET_COLUMNS


def test_first_header_takes_a_column_and_overrides_win():
    headers = ["IDDTKS", "ID_BDT", "NIK", "CATATAN", "DESIL"]
    assert detect_mapping(headers) == {"IDDTKS": "id_keluarga", "NIK": "nik_krt",
                                       "DESIL": "desil"}
    assert detect_mapping(headers, {"id_bdt": "id_keluarga", "DESIL": ""}) == {
        "ID_BDT": "id_keluarga", "NIK": "nik_krt"}


def test_kddesa_is_the_whole_code_alone_and_the_last_part_beside_the_others():
    assert detect_mapping(["KDDESA"]) == {"KDDESA": "kode_kelurahan"}
    assert detect_mapping(["KDPROV", "KDKAB", "KDKEC", "KDDESA"]) == {
        "KDPROV": "kdprov", "KDKAB": "kdkab", "KDKEC": "kdkec", "KDDESA": "kddesa"}


@pytest.mark.parametrize("header, personal", [
    ("NIK", True), ("No. KK", True), ("NIK_ISTRI", True), ("NOMOR_KARTU_KELUARGA", True),
    ("NAMA_KRT", False), ("DESIL", False)])
def test_personal_headers(header, personal):
    assert personal_header(header) is personal


def test_overrides_are_checked_against_columns_and_headers():
    check_overrides({"id dtks": "id_keluarga", "CATATAN": ""}, ["ID_DTKS", "CATATAN"], "a.csv")
    with pytest.raises(ImportFailed, match="bukan kolom tabel"):
        check_overrides({"ID_DTKS": "nomor"}, ["ID_DTKS"], "a.csv")
    with pytest.raises(ImportFailed, match="tidak ada di berkas"):
        check_overrides({"IDX": "id_keluarga"}, ["ID_DTKS"], "a.csv")
