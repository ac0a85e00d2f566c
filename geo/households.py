"""Household register import: any real export in, every row accounted for.

file (CSV / XLSX / Parquet, path or file-like) -> format, encoding, delimiter, sheet and header row
detected -> column mapping (aliases; user corrections) -> value mapping (flags, coded answers) ->
row validation (reasons in Indonesian) -> duplicates across the whole file -> linking
(:mod:`geo.link`) -> one transaction into a snapshot (period ``YYYY-MM``) with its quarantine.

Rows are read in chunks of :data:`CHUNK_ROWS` as text, so a 3-million-row register fits in
memory: only the typed canonical columns of accepted rows are kept, and the original values of
rejected rows. accepted + quarantined = rows read, always.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import store
from geo.codes import join_split_code, normalize_codes
from geo.fmt import fmt_int
from geo.link import RegionIndex, link_counts, link_frame
from geo.privacy import mask_id
from geo.schema import CODES, HOUSEHOLD_COLUMNS, LINK_COLUMNS, PERSONAL_COLUMNS
from geo.snapshot_writer import SnapshotWriter, open_snapshot
from geo.sqlite_writer import WriterBusy, wait_for_checkpoints

MAX_FILE_BYTES = 2 * 1024**3  # larger files are refused before reading (state it in the UI)
CHUNK_ROWS = 100_000
SAMPLE_ROWS = 5_000  # rows read for the preview and to choose flag schemes
REPORT_VALUES = 200  # distinct values per column listed in a snapshot's report
HEADER_SCAN_ROWS = 30  # title rows above the header are looked for in this many rows
EXTRA_FIELDS = 8  # a data row may carry this many fields beyond the header (then quarantined)
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

Progress = Callable[[float, str], None]


class ImportFailed(Exception):
    """The file cannot be used at all; nothing was written. The message is Indonesian."""


# ====================================================================== column mapping

# Parts of the kelurahan code in split columns, and the PBDT electricity power column: mapped
# like canonical columns, used to build canonical values, not stored.
EXTRA_COLUMNS: dict[str, str] = {
    "kdprov": "bagian kode: provinsi", "kdkab": "bagian kode: kab/kota",
    "kdkec": "bagian kode: kecamatan", "kddesa": "bagian kode: kelurahan/desa",
    "daya": "daya listrik PLN (status meteran)",
}
TARGET_COLUMNS = (*HOUSEHOLD_COLUMNS, *EXTRA_COLUMNS)
SPLIT_CODE = ("kdprov", "kdkab", "kdkec", "kddesa")

# Canonical column -> headers seen in exports (compared without case, spaces and punctuation).
# The one place the importer learns a new header spelling.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id_keluarga": ("ID_KELUARGA", "IDDTKS", "ID_DTKS", "IDSEMESTA", "ID_SEMESTA", "ID_RT",
                    "ID_DTSEN", "ID_BDT", "IDBDT", "ID_RUMAH_TANGGA", "ID_KEL"),
    "no_kk": ("NO_KK", "NOKK", "NOMOR_KK", "NO_KARTU_KELUARGA", "NOMOR_KARTU_KELUARGA", "NKK"),
    "nik_krt": ("NIK_KRT", "NIK", "NIK_KK", "NIK_KEPALA_KELUARGA", "NIK_KEPALA_RUMAH_TANGGA"),
    "nama_krt": ("NAMA_KRT", "NAMA", "NAMA_KEPALA_KELUARGA", "NAMA_KEPALA_RUMAH_TANGGA",
                 "NAMA_KK"),
    "alamat": ("ALAMAT", "ALAMAT_RUMAH", "ALAMAT_LENGKAP"),
    "rt": ("RT", "NO_RT"),
    "rw": ("RW", "NO_RW"),
    "kode_kelurahan": ("KODE_KELURAHAN", "KODE_DESA", "KD_DESA", "KODE_KEL", "KODE_WILAYAH",
                       "KD_KEL", "KODE_DESA_KEL", "KODEWILAYAH", "KD_WILAYAH", "KODE_KEMENDAGRI"),
    "nama_kelurahan": ("NAMA_KELURAHAN", "KELURAHAN", "DESA", "NAMA_DESA", "DESA_KELURAHAN",
                       "NAMA_KEL", "NM_DESA", "NMDESA", "KEL_DESA"),
    "nama_kecamatan": ("NAMA_KECAMATAN", "KECAMATAN", "NAMA_KEC", "NM_KEC", "NMKEC"),
    "lintang": ("LINTANG", "LATITUDE", "LAT", "Y", "KOORDINAT_Y"),
    "bujur": ("BUJUR", "LONGITUDE", "LON", "LNG", "LONG", "X", "KOORDINAT_X"),
    "jumlah_art": ("JUMLAH_ART", "JML_ART", "JUMLAH_ANGGOTA", "JML_ANGGOTA",
                   "JUMLAH_ANGGOTA_KELUARGA", "JUMLAH_ANGGOTA_RUMAH_TANGGA"),
    "desil": ("DESIL", "DESIL_NASIONAL", "DESIL_NASIONAL_KELUARGA", "STATUS_KESEJAHTERAAN",
              "PERINGKAT", "DESIL_KESEJAHTERAAN"),
    "sumber_air_minum": ("SUMBER_AIR_MINUM", "SUMBER_AIR", "AIR_MINUM", "SUMBER_AIRMINUM",
                         "ID_SUMBER_AIRMINUM", "ID_SUMBER_AIR_MINUM"),
    "fasilitas_bab": ("FASILITAS_BAB", "KEPEMILIKAN_JAMBAN", "FASBAB", "ID_FASILITAS_BAB"),
    "jenis_kloset": ("JENIS_KLOSET", "KLOSET", "ID_JENIS_KLOSET"),
    "pembuangan_tinja": ("PEMBUANGAN_TINJA", "TPA_TINJA", "BUANG_TINJA",
                         "ID_PEMBUANGAN_TINJA", "PEMBUANGAN_AKHIR_TINJA"),
    "sumber_penerangan": ("SUMBER_PENERANGAN", "PENERANGAN", "ID_SUMBER_PENERANGAN"),
    "luas_lantai": ("LUAS_LANTAI", "LUAS_LANTAI_BANGUNAN"),
    "jenis_lantai": ("JENIS_LANTAI", "LANTAI", "ID_JENIS_LANTAI"),
    "jenis_dinding": ("JENIS_DINDING", "DINDING", "ID_JENIS_DINDING"),
    "jenis_atap": ("JENIS_ATAP", "ATAP", "ID_JENIS_ATAP"),
    "punya_mobil": ("PUNYA_MOBIL", "ASET_MOBIL", "MOBIL"),
    "penerima_bpnt": ("PENERIMA_BPNT", "BPNT", "SEMBAKO", "BPNT_SEMBAKO"),
    "penerima_pkh": ("PENERIMA_PKH", "PKH"),
    "penerima_pbi_jkn": ("PENERIMA_PBI_JKN", "PBI_JKN", "PBI", "KIS", "PBI_KIS"),
    "penerima_kip": ("PENERIMA_KIP", "KIP", "PIP", "KIP_PIP"),
    "penerima_blt": ("PENERIMA_BLT", "BLT", "BLT_DD", "BLT_DESA"),
    "penerima_rtlh": ("PENERIMA_RTLH", "BEDAH_RUMAH", "RTLH", "BSPS"),
    "jumlah_lansia": ("JUMLAH_LANSIA", "JML_LANSIA"),
    "jumlah_balita": ("JUMLAH_BALITA", "JML_BALITA"),
    "jumlah_disabilitas": ("JUMLAH_DISABILITAS", "JML_DISABILITAS"),
    "jumlah_anak_tidak_sekolah": ("JUMLAH_ANAK_TIDAK_SEKOLAH", "JML_ANAK_TDK_SEKOLAH",
                                  "JML_ANAK_TIDAK_SEKOLAH", "ANAK_TIDAK_SEKOLAH"),
    "krt_bekerja": ("KRT_BEKERJA", "STATUS_BEKERJA_KRT", "STATUS_BEKERJA"),
    "tanggal_verifikasi": ("TANGGAL_VERIFIKASI", "TGL_VERVAL", "TANGGAL_UPDATE",
                           "TANGGAL_VERVAL", "TGL_UPDATE", "TGL_VERIFIKASI"),
    "kdprov": ("KDPROV", "KD_PROV", "KODE_PROV", "KODE_PROVINSI"),
    "kdkab": ("KDKAB", "KD_KAB", "KODE_KAB", "KODE_KABUPATEN", "KODE_KOTA", "KDKOTA"),
    "kdkec": ("KDKEC", "KD_KEC", "KODE_KEC", "KODE_KECAMATAN"),
    "kddesa": ("KDDESA",),
    "daya": ("DAYA", "DAYA_LISTRIK", "ID_DAYA"),
}


def header_key(header: object) -> str:
    """How headers are compared: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(header).lower())


_ALIAS_INDEX: dict[str, str] = {}
for _col, _aliases in HEADER_ALIASES.items():
    for _alias in (_col, *_aliases):
        _ALIAS_INDEX.setdefault(header_key(_alias), _col)


def detect_mapping(headers: list[str], overrides: dict[str, str] | None = None
                   ) -> dict[str, str]:
    """header -> canonical column for every header recognised; ``overrides`` (header -> column,
    or "" to ignore a header) win. Each column is taken by at most one header (the first)."""
    overrides = {_match_header(h, headers): c for h, c in (overrides or {}).items()}
    mapping: dict[str, str] = {}
    taken = {c for c in overrides.values() if c}
    for h in headers:
        if h in overrides:
            if overrides[h]:
                mapping[h] = overrides[h]
            continue
        col = _ALIAS_INDEX.get(header_key(h))
        if col and col not in taken:
            mapping[h] = col
            taken.add(col)
    # KDDESA / KD_DESA is the whole code alone, but the last part beside KDPROV/KDKAB/KDKEC
    if {"kdprov", "kdkab", "kdkec"} <= taken and "kddesa" not in taken:
        for h, c in mapping.items():
            if c == "kode_kelurahan" and header_key(h) == "kddesa" and h not in overrides:
                mapping[h] = "kddesa"
    return mapping


def _match_header(name: str, headers: list[str]) -> str:
    if name in headers:
        return name
    for h in headers:
        if header_key(h) == header_key(name):
            return h
    return name


def check_overrides(overrides: dict[str, str], headers: list[str], source: str) -> None:
    for h, c in overrides.items():
        if c and c not in TARGET_COLUMNS:
            raise ImportFailed(
                f"{source}: pemetaan {h}={c} tidak dikenal: {c!r} bukan kolom tabel rumah "
                f"tangga. Kolom yang ada: {', '.join(TARGET_COLUMNS)}.")
        if _match_header(h, headers) not in headers:
            raise ImportFailed(
                f"{source}: pemetaan {h}={c}: kolom {h!r} tidak ada di berkas. Kolom berkas: "
                f"{', '.join(headers[:40])}.")


# ====================================================================== value mapping

def value_key(value: object) -> str:
    """How coded values are compared: lower case, words of letters/digits, ``01``/``1.0`` -> 1."""
    text = " ".join(re.sub(r"[^0-9a-z]+", " ", str(value).lower()).split())
    if re.fullmatch(r"\d+(\.0+)?", str(value).strip()):
        text = str(int(float(str(value).strip())))
    return text


# Flags (0/1). Numbers are read per column: 1/0, or the questionnaire's 1 = ya / 2 = tidak, or
# 3 = ya / 4 = tidak in some blocks; the scheme is chosen from the column's values, never
# globally (household-data.md).
FLAG_WORDS: dict[str, int] = {
    "ya": 1, "y": 1, "iya": 1, "yes": 1, "true": 1, "benar": 1, "ada": 1, "penerima": 1,
    "v": 1, "tidak": 0, "t": 0, "tdk": 0, "no": 0, "n": 0, "false": 0, "salah": 0,
    "tidak ada": 0, "bukan penerima": 0, "bukan": 0,
}
FLAG_NUMBER_SCHEMES: dict[str, dict[str, int]] = {
    "1=ya, 0=tidak": {"1": 1, "0": 0},
    "1=ya, 2=tidak": {"1": 1, "2": 0},
    "3=ya, 4=tidak": {"3": 1, "4": 0},
}

PLN_UNKNOWN_METER = "?listrik_pln"  # PLN, meter status from the ``daya`` column
DAYA_METERED = {"1", "2", "3", "4", "5", "450", "900", "1300", "2200", "450 watt", "900 watt",
                "1300 watt", "2200 watt", "meteran"}
DAYA_UNMETERED = {"6", "tanpa meteran", "tanpa meter"}

# Numeric answer codes per code list (household-data.md). PBDT 2015 / DTKS questionnaire.
CODE_LISTS: dict[str, dict[str, dict[str, str]]] = {
    "pbdt2015": {
        "sumber_air_minum": {
            "1": "air_kemasan", "2": "isi_ulang", "3": "ledeng", "4": "ledeng",
            "5": "sumur_bor_pompa", "6": "sumur_terlindung", "7": "sumur_tak_terlindung",
            "8": "mata_air_terlindung", "9": "mata_air_tak_terlindung", "10": "air_permukaan",
            "11": "air_hujan", "12": "lainnya"},
        "fasilitas_bab": {"1": "sendiri", "2": "bersama", "3": "umum", "4": "tidak_ada"},
        "jenis_kloset": {"1": "leher_angsa", "2": "plengsengan", "3": "cemplung",
                         "4": "tidak_pakai"},
        # 4 (kolom/sawah/sungai/danau/laut) and 5 (pantai/tanah lapang/kebun) are both
        # unimproved; the canonical list has no exact match for either.
        "pembuangan_tinja": {"1": "tangki_septik", "2": "ipal", "3": "lubang_tanah",
                             "4": "kolam_sawah", "5": "lainnya", "6": "lainnya"},
        "sumber_penerangan": {"1": PLN_UNKNOWN_METER, "2": "listrik_non_pln",
                              "3": "bukan_listrik"},
        "jenis_lantai": {"1": "marmer_granit", "2": "keramik", "3": "parket_vinil",
                         "4": "ubin_tegel", "5": "kayu_kualitas_tinggi", "6": "semen_bata",
                         "7": "bambu", "8": "kayu_kualitas_rendah", "9": "tanah",
                         "10": "lainnya"},
        "jenis_dinding": {"1": "tembok", "2": "plesteran_anyaman_bambu", "3": "kayu",
                          "4": "anyaman_bambu", "5": "batang_kayu", "6": "bambu",
                          "7": "lainnya"},
        "jenis_atap": {"1": "beton", "2": "genteng_keramik", "3": "genteng_metal",
                       "4": "genteng_tanah_liat", "5": "asbes", "6": "seng", "7": "sirap",
                       "8": "bambu", "9": "jerami_ijuk_rumbia", "10": "lainnya"},
    },
    # DTSEN numbers the answers differently and no verified codebook is at hand: its numbers
    # are reported as unmapped (with counts) rather than guessed. Add the office's codebook here.
    "dtsen": {},
}
DEFAULT_CODE_LIST = "pbdt2015"
DTSEN_HEADER_HINTS = ("idsumberairminum", "idfasilitasbab", "idjeniskloset",
                      "idpembuangantinja", "desilnasional", "luaslantaibangunan")

# Indonesian phrases -> codes (compared by value_key). Canonical codes map to themselves.
PHRASES: dict[str, dict[str, str]] = {
    "sumber_air_minum": {
        "air kemasan bermerk": "air_kemasan", "air kemasan": "air_kemasan",
        "air mineral": "air_kemasan", "air isi ulang": "isi_ulang", "isi ulang": "isi_ulang",
        "leding meteran": "ledeng", "leding eceran": "ledeng", "ledeng meteran": "ledeng",
        "ledeng eceran": "ledeng", "leding": "ledeng", "air ledeng": "ledeng", "pam": "ledeng",
        "pdam": "ledeng", "sumur bor pompa": "sumur_bor_pompa", "sumur bor": "sumur_bor_pompa",
        "sumur pompa": "sumur_bor_pompa", "sumur tidak terlindung": "sumur_tak_terlindung",
        "mata air tidak terlindung": "mata_air_tak_terlindung",
        "sungai danau waduk": "air_permukaan", "sungai": "air_permukaan",
        "danau": "air_permukaan", "waduk": "air_permukaan", "air sungai": "air_permukaan",
        "air hujan": "air_hujan", "lain lain": "lainnya", "lainnya": "lainnya",
    },
    "fasilitas_bab": {
        "milik sendiri": "sendiri", "jamban sendiri": "sendiri", "milik bersama": "bersama",
        "jamban bersama": "bersama", "mck umum": "umum", "jamban umum": "umum",
        "tidak ada": "tidak_ada", "tidak punya": "tidak_ada", "tidak ada fasilitas": "tidak_ada",
    },
    "jenis_kloset": {
        "leher angsa": "leher_angsa", "cubluk": "cemplung", "cemplung cubluk": "cemplung",
        "tidak memakai": "tidak_pakai", "tidak pakai": "tidak_pakai",
    },
    "pembuangan_tinja": {
        "tangki septik": "tangki_septik", "tangki septic": "tangki_septik",
        "septic tank": "tangki_septik", "septik tank": "tangki_septik", "spal": "ipal",
        "spal ipal": "ipal", "lubang tanah": "lubang_tanah", "kolam sawah": "kolam_sawah",
        "kolam": "kolam_sawah", "sawah": "kolam_sawah",
        "kolam sawah sungai danau laut": "kolam_sawah", "sungai danau laut": "sungai",
        "pantai tanah lapang kebun": "lainnya", "lain lain": "lainnya",
    },
    "sumber_penerangan": {
        "listrik pln": PLN_UNKNOWN_METER, "pln": PLN_UNKNOWN_METER,
        "listrik pln meteran": "listrik_pln_meteran", "pln meteran": "listrik_pln_meteran",
        "listrik pln dengan meteran": "listrik_pln_meteran",
        "listrik pln tanpa meteran": "listrik_pln_tanpa_meteran",
        "pln tanpa meteran": "listrik_pln_tanpa_meteran", "listrik non pln": "listrik_non_pln",
        "non pln": "listrik_non_pln", "bukan listrik": "bukan_listrik",
        "lampu minyak": "bukan_listrik", "pelita": "bukan_listrik",
    },
    "jenis_lantai": {
        "marmer granit": "marmer_granit", "marmer": "marmer_granit", "granit": "marmer_granit",
        "parket vinil permadani": "parket_vinil", "parket": "parket_vinil",
        "vinil": "parket_vinil", "permadani": "parket_vinil",
        "ubin tegel teraso": "ubin_tegel", "ubin": "ubin_tegel", "tegel": "ubin_tegel",
        "teraso": "ubin_tegel", "kayu papan kualitas tinggi": "kayu_kualitas_tinggi",
        "semen bata merah": "semen_bata", "semen": "semen_bata", "bata merah": "semen_bata",
        "kayu papan kualitas rendah": "kayu_kualitas_rendah", "papan": "kayu_kualitas_rendah",
    },
    "jenis_dinding": {
        "tembok": "tembok", "plesteran anyaman bambu kawat": "plesteran_anyaman_bambu",
        "anyaman bambu": "anyaman_bambu", "bilik": "anyaman_bambu", "gedek": "anyaman_bambu",
        "batang kayu": "batang_kayu",
    },
    "jenis_atap": {
        "genteng beton": "beton", "beton genteng beton": "beton",
        "jerami ijuk daun daunan rumbia": "jerami_ijuk_rumbia", "jerami": "jerami_ijuk_rumbia",
        "ijuk": "jerami_ijuk_rumbia", "rumbia": "jerami_ijuk_rumbia",
        "daun daunan": "jerami_ijuk_rumbia",
    },
}
for _col, _codes in CODES.items():
    for _code in _codes:
        PHRASES[_col].setdefault(value_key(_code), _code)


def code_list_for(headers: list[str]) -> str:
    """DTSEN-era headers choose the DTSEN list; otherwise PBDT 2015."""
    keys = {header_key(h) for h in headers}
    return "dtsen" if keys & set(DTSEN_HEADER_HINTS) else DEFAULT_CODE_LIST


def flag_scheme(values: pd.Series) -> str:
    """Which numeric flag scheme a column's (sample) values follow."""
    keys = {value_key(v) for v in values.dropna().unique()}
    if keys & {"3", "4"} and not keys & {"0", "2"}:
        return "3=ya, 4=tidak"
    if "2" in keys and "0" not in keys:
        return "1=ya, 2=tidak"
    return "1=ya, 0=tidak"


def value_table(column: str, values: pd.Series, code_list: str, scheme: str | None = None
                ) -> dict[str, object]:
    """value_key -> canonical value for the distinct values of ``values`` (None: unmapped)."""
    kind = TARGET_KIND[column]
    out: dict[str, object] = {}
    for v in values.dropna().unique():
        key = value_key(v)
        if kind == "flag":
            out[key] = FLAG_WORDS.get(key, FLAG_NUMBER_SCHEMES[scheme or "1=ya, 0=tidak"].get(key))
        else:
            numbers = CODE_LISTS.get(code_list, {}).get(column, {})
            out[key] = numbers.get(key) if key.isdigit() else PHRASES[column].get(key)
    return out


TARGET_KIND = {**HOUSEHOLD_COLUMNS, **{c: "text" for c in EXTRA_COLUMNS}}


# ====================================================================== validation rules

NIK_DIGITS = 16
DESIL_RANGE = (1, 10)
# Indonesia's extent with a margin (Sabang .. Merauke, Rote .. Miangas).
INDONESIA_LAT = (-11.5, 6.5)
INDONESIA_LON = (94.5, 141.5)
TEXT_CHECKED = ("id_keluarga", "nama_krt", "alamat", "nama_kelurahan", "nama_kecamatan", "rt",
                "rw")
FORMULA_SIGN_RE = r"^[ \t]*[=+@]"  # a spreadsheet formula: = + @ first ...
FORMULA_MINUS_RE = r"^[ \t]*-[ \t]*[A-Za-z(]"  # ... or a minus before a name or bracket
FORMULA_RE = f"{FORMULA_SIGN_RE}|{FORMULA_MINUS_RE}"
HTML_RE = r"<[ \t]*/?[ \t]*[A-Za-z!][^>]*>"
NOT_DATA_CHARS = b"=+@<"  # without any of these in a column, only FORMULA_MINUS_RE can match
TOTALS_RE = r"^[ \t]*(?:grand[ \t]*)?(?:sub[ \t]*)?(?:total|jumlah|jml)(?:[^A-Za-z]|$)"

# Reasons a person reads: one template per rule, {h} is the file's header of the column.
REASONS: dict[str, str] = {
    "id_kosong": "{h}: ID keluarga kosong. Isi ID keluarga di berkas sumber.",
    "id_ganda": "{h}: ID keluarga {v} muncul lebih dari sekali (baris {rows}). Periksa apakah "
                "rumah tangga tercatat dua kali; semua baris dengan ID ini dikarantina.",
    "nik_ilmiah": "{h}: {label} rusak oleh Excel (tertulis {v}): digit terakhir hilang dan tidak "
                  "bisa ditebak. Ekspor ulang dengan kolom {h} berformat Teks.",
    "nik_panjang": "{h}: {label} harus {n} angka, tertulis {k} angka ({v}). Bila angka 0 di "
                   "depan atau di belakang hilang karena Excel, ekspor ulang sebagai Teks.",
    "nik_bukan_angka": "{h}: {label} hanya boleh berisi angka, tertulis {v}.",
    "nik_ganda": "{h}: NIK kepala keluarga yang sama dipakai rumah tangga lain (baris {rows}). "
                 "Periksa kedua rumah tangga.",
    "desil_kosong": "{h}: desil kosong. Isi desil 1–10.",
    "desil_teks": "{h}: desil harus angka 1–10, tertulis {v!r}.",
    "desil_luar": "{h}: desil harus 1–10, tertulis {v}.",
    "art_kosong": "{h}: jumlah anggota rumah tangga kosong. Isi minimal 1.",
    "art_salah": "{h}: jumlah anggota rumah tangga harus bilangan bulat ≥ 1, tertulis {v!r}.",
    "angka_salah": "{h}: harus bilangan bulat ≥ 0, tertulis {v!r}.",
    "luas_salah": "{h}: luas lantai harus angka ≥ 0 (m²), tertulis {v!r}.",
    "koordinat_teks": "{h}: koordinat bukan angka ({v!r}). Tulis derajat desimal, mis. -6,2871.",
    "rumus": "{h}: berisi rumus Excel ({v}), bukan data. Hapus rumusnya dan tulis nilainya.",
    "html": "{h}: berisi kode HTML ({v}). Tulis teks biasa tanpa tanda < >.",
    "baris_total": "Baris jumlah/total ({v}), bukan rumah tangga. Hapus baris ini dari berkas.",
    "kolom_lebih": "Baris berisi lebih banyak kolom daripada kepala kolom (mungkin tanda "
                   "pemisah di dalam teks tanpa tanda kutip): {v}. Perbaiki baris ini.",
}
# Not rejections: the row is kept and the note says what was done.
NOTES: dict[str, str] = {
    # (no "; " inside: notes of a row are joined with it)
    "koordinat_tertukar": "lintang dan bujur tertukar di berkas, dibalik otomatis",
    "koordinat_luar": "koordinat ({lat}, {lon}) di luar Indonesia, koordinat diabaikan",
    "koordinat_sebagian": "hanya satu dari lintang/bujur terisi, koordinat diabaikan",
}


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ====================================================================== reading

@dataclass
class Source:
    """A file to read again from the start: a path or the bytes of an upload."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    # CSV blocks of the last full read: (byte offset, byte length, first row number, rows);
    # lets the original text of a few rows be read again without parsing the whole file
    blocks: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, source: object, name: str | None = None) -> Source:
        if isinstance(source, (str, Path)):
            path = Path(source)
            if not path.is_file():
                raise ImportFailed(f"Berkas {path.name} tidak ditemukan ({path}).")
            return cls(name or path.name, path=path)
        if hasattr(source, "getvalue"):
            data = source.getvalue()
        elif hasattr(source, "read"):
            if hasattr(source, "seek"):
                source.seek(0)
            data = source.read()
        else:
            raise ImportFailed("Berkas tidak bisa dibaca: berikan jalur berkas atau unggahan.")
        return cls(name or Path(getattr(source, "name", "unggahan")).name, data=bytes(data))

    def size(self) -> int:
        return self.path.stat().st_size if self.path else len(self.data or b"")

    def open(self) -> io.BufferedIOBase:
        return open(self.path, "rb") if self.path else io.BytesIO(self.data or b"")

    def head(self, n: int = 1 << 20) -> bytes:
        with self.open() as f:
            return f.read(n)


@dataclass
class FileFormat:
    kind: str  # csv | xlsx | parquet
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1  # 1-based line/row of the header
    headers: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


def _sniff_kind(src: Source, head: bytes) -> str:
    suffix = Path(src.name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            f"{src.name}: berkas Excel lama (.xls) belum didukung. Buka di Excel/LibreOffice "
            "dan simpan sebagai .xlsx atau CSV, lalu impor lagi.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"
    if b"\x00" in head[:8192]:
        raise ImportFailed(
            f"{src.name}: bukan berkas teks/CSV yang bisa dibaca (berisi data biner). "
            "Pastikan berkasnya ekspor CSV, XLSX atau Parquet dari register.")
    if suffix in (".xlsx", ".xlsm") and head:
        raise ImportFailed(f"{src.name}: bernama .xlsx tetapi isinya bukan berkas Excel.")
    return "csv"


def _detect_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
        return "cp1252"


def _decode(head: bytes, encoding: str) -> str:
    return head.decode(encoding, errors="replace")


def _header_score(cells: list[object], overrides: dict[str, str]) -> int:
    keys = {header_key(o) for o in overrides}
    return sum(1 for c in cells if c is not None and str(c).strip() and (
        header_key(c) in _ALIAS_INDEX or header_key(c) in keys))


def _find_header(rows: list[list[object]], overrides: dict[str, str]) -> tuple[int, int]:
    """(index of the header among ``rows``, its score)."""
    best, best_score = 0, -1
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _header_score(cells, overrides)
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _header_names(rows: list[list[object]], at: int) -> list[str]:
    """Header cells, filled from the row above where a merged cell left them empty."""
    cells = list(rows[at])
    above = rows[at - 1] if at > 0 else []
    names: list[str] = []
    seen: Counter = Counter()
    for i, c in enumerate(cells):
        text = "" if c is None else " ".join(str(c).split())
        if not text and i < len(above) and above[i] is not None and str(above[i]).strip():
            text = " ".join(str(above[i]).split())
        if not text:
            text = f"KOLOM_{i + 1}"
        seen[text] += 1
        names.append(text if seen[text] == 1 else f"{text}_{seen[text]}")
    while names and names[-1].startswith("KOLOM_") and all(
            len(r) <= len(names) - 1 or r[len(names) - 1] in (None, "") for r in rows[at:]):
        names.pop()
    return names


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    lines = text.splitlines()[: HEADER_SCAN_ROWS + 5]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    return [row for row in csv.reader(lines, delimiter=delimiter)]


def _detect_delimiter(text: str) -> str:
    lines = [x for x in text.splitlines()[: HEADER_SCAN_ROWS + 20] if x.strip()]
    best, best_score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([x], delimiter=d))) - 1 for x in lines[:60]]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        score = sum(1 for c in counts if c == top) * top
        if score > best_score:
            best, best_score = d, score
    return best


def _size(n: int) -> str:
    """Bytes as a person reads them, Indonesian style: ``1,5 MB``."""
    from geo.fmt import fmt_num

    return f"{fmt_num(n / 1024**2, 1)} MB" if n >= 1024**2 else f"{fmt_num(n / 1024, 1)} KB"


def detect_format(src: Source, overrides: dict[str, str] | None = None,
                  sheet: str | None = None) -> FileFormat:
    """Kind, encoding, delimiter, sheet and header row of a file; ImportFailed if unusable."""
    overrides = overrides or {}
    size = src.size()
    if size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"{src.name}: berkas {_size(size)} melebihi batas {_size(MAX_FILE_BYTES)}. Pecah "
            "berkasnya (mis. per kecamatan) atau simpan sebagai Parquet (lebih ringkas).")
    head = src.head()
    if not head.strip(b" \r\n\t\xef\xbb\xbf"):
        raise ImportFailed(f"{src.name}: berkas kosong. Pilih berkas ekspor register yang berisi "
                           "data.")
    kind = _sniff_kind(src, head)
    if kind == "xlsx":
        return _detect_xlsx(src, overrides, sheet)
    if kind == "parquet":
        return _detect_parquet(src)
    encoding = _detect_encoding(head)
    text = _decode(head, encoding)
    delimiter = _detect_delimiter(text)
    rows = _csv_rows(text, delimiter)
    at, score = _find_header(rows, overrides)
    if score < 2:
        raise ImportFailed(
            f"{src.name}: kepala kolom register tidak dikenali di {HEADER_SCAN_ROWS} baris "
            "pertama (dicari mis. ID_DTKS, NIK, KODE_DESA, DESIL). Pastikan baris kepala kolom "
            "ada, atau petakan kolom secara manual (--map KOLOM=kolom).")
    # csv.reader yields one row per physical line (blank lines too), so row = line
    return FileFormat("csv", encoding=encoding, delimiter=delimiter, header_row=at + 1,
                      headers=_header_names(rows, at))


def _open_workbook(src: Source):  # noqa: ANN202
    import openpyxl

    try:
        return openpyxl.load_workbook(src.open(), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001
        raise ImportFailed(f"{src.name}: berkas Excel tidak bisa dibuka ({type(err).__name__}). "
                           "Simpan ulang sebagai .xlsx atau CSV.") from err


EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number


def _xlsx_text(value: object) -> object:
    """A cell as the text a CSV export would carry. A number of 16+ digits with no more than
    Excel's 15 significant digits (a NIK typed as a number) is written as Excel shows it,
    ``3.67401230485E+15``: its last digit may be lost, and the NIK check rejects it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)) and abs(value) >= 1e15 and float(value).is_integer():
        digits = str(int(value))
        if len(digits.rstrip("0")) <= EXCEL_DIGITS:
            return f"{float(value):.{EXCEL_DIGITS - 1}E}".replace("E+", "E+")
        return digits
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return f"{value:.1f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value)
    return text if text.strip() else None


def _detect_xlsx(src: Source, overrides: dict[str, str], sheet: str | None) -> FileFormat:
    wb = _open_workbook(src)
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise ImportFailed(f"{src.name}: lembar {sheet!r} tidak ada. Lembar yang ada: "
                               f"{', '.join(names)}.")
        best = None
        for name in [sheet] if sheet else names:
            ws = wb[name]
            rows = [[_xlsx_text(v) for v in r] for r in
                    ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS + 2, values_only=True)]
            at, score = _find_header(rows, overrides) if rows else (0, 0)
            if best is None or score > best[2]:
                best = (name, at, score, rows)
        if best is None or best[2] < 2:
            raise ImportFailed(
                f"{src.name}: tidak ada lembar berisi kepala kolom register (lembar: "
                f"{', '.join(names)}). Pilih lembar yang berisi data rumah tangga.")
        name, at, _, rows = best
        return FileFormat("xlsx", sheet=name, header_row=at + 1,
                          headers=_header_names(rows, at), sheets=names)
    finally:
        wb.close()


def _detect_parquet(src: Source) -> FileFormat:
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(src.open()).schema_arrow
    except Exception as err:  # noqa: BLE001
        raise ImportFailed(f"{src.name}: berkas Parquet rusak ({type(err).__name__}).") from err
    return FileFormat("parquet", headers=list(schema.names))


def read_chunks(src: Source, fmt: FileFormat, chunk_rows: int = CHUNK_ROWS
                ) -> Iterator[pd.DataFrame]:
    """Chunks of text columns (the file's headers) with ``_row`` = the row number a person sees
    in the file. Blank rows come through as all-missing rows (dropped by the caller)."""
    if fmt.kind == "csv":
        yield from _csv_chunks(src, fmt, chunk_rows)
    elif fmt.kind == "xlsx":
        yield from _xlsx_chunks(src, fmt, chunk_rows)
    else:
        yield from _parquet_chunks(src, fmt, chunk_rows)


def _csv_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Blocks of whole lines parsed by pyarrow (fast, multi-threaded); a block holding blank
    lines or rows pyarrow refuses (a field too many or too few) is parsed by pandas instead,
    which keeps blank lines as rows so row numbers stay those of the file."""
    if fmt.encoding == "utf-16":
        yield from _csv_chunks_pandas(src.open(), fmt, chunk_rows, fmt.header_row + 1,
                                      skip=fmt.header_row)
        return
    try:
        yield from _csv_block_chunks(src, fmt, chunk_rows)
    except ImportFailed as err:
        raise ImportFailed(f"{src.name}: {err}") from err


def _csv_block_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    parts: list[pd.DataFrame] = []
    size = 0
    for frame in _csv_block_frames(src, fmt, chunk_rows):
        parts.append(frame if isinstance(frame, pd.DataFrame) else _arrow_to_pandas(frame))
        size += len(frame)
        if size >= chunk_rows:
            yield pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            parts, size = [], 0
    if parts:
        yield pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _csv_block_frames(src: Source, fmt: FileFormat, chunk_rows: int, rows_only: bool = False
                      ) -> Iterator[object]:
    """Per block: a pyarrow Table (with ``_row``) or, where pyarrow could not parse it, a pandas
    frame from the tolerant parser."""
    import pyarrow as pa

    start = fmt.header_row + 1
    src.blocks = []
    for offset, block in _csv_blocks(src, fmt, max(1 << 16, min(16 << 20, chunk_rows * 300))):
        table = _arrow_block(block, fmt)
        if table is None:
            frames = list(_csv_chunks_pandas(io.BytesIO(block), fmt, 1 << 30, start, skip=0))
            if not frames:
                continue
            frame = pd.concat(frames, ignore_index=True)
            src.blocks.append((offset, len(block), start, len(frame)))
            start += len(frame)
            yield frame
            continue
        table = table.append_column("_row", pa.array(np.arange(start, start + len(table))))
        src.blocks.append((offset, len(block), start, len(table)))
        start += len(table)
        yield table


def _arrow_to_pandas(table) -> pd.DataFrame:  # noqa: ANN001
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)


def _csv_blocks(src: Source, fmt: FileFormat, block_bytes: int
                ) -> Iterator[tuple[int, memoryview]]:
    """(byte offset, bytes) after the header, in blocks that end at a line end (views of one
    read each: a line cut by the block's end is read again with the next block)."""
    with src.open() as f:
        for _ in range(fmt.header_row):
            f.readline()
        pos = f.tell()
        while True:
            data = f.read(block_bytes)
            if not data:
                return
            cut = data.rfind(b"\n")
            if len(data) < block_bytes:  # the last block; a last line without its line end
                if data[cut + 1:].strip():
                    yield pos, memoryview(data + b"\n")
                elif cut >= 0:
                    yield pos, memoryview(data)[: cut + 1]
                return
            if cut < 0:  # a line longer than a block: a bigger block
                block_bytes *= 2
                f.seek(pos)
                continue
            yield pos, memoryview(data)[: cut + 1]
            pos += cut + 1
            f.seek(pos)


_ARROW_ENCODING = {"utf-8": "utf8", "utf-8-sig": "utf8", "cp1252": "cp1252"}


def _arrow_block(block: memoryview, fmt: FileFormat):  # noqa: ANN202
    """The block as a pyarrow Table of strings, or None if pyarrow cannot parse it exactly."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(block)),
            read_options=pcsv.ReadOptions(column_names=fmt.headers,
                                          encoding=_ARROW_ENCODING.get(fmt.encoding, "utf8")),
            # a blank line is a row of nulls, as in the pandas parser: row numbers stay right
            parse_options=pcsv.ParseOptions(delimiter=fmt.delimiter, quote_char='"',
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(  # large_string: pandas' own storage, no cast
                column_types={h: pa.large_string() for h in fmt.headers}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True))
    except pa.ArrowInvalid:
        return None
    return table


def _csv_chunks_pandas(handle: io.BufferedIOBase, fmt: FileFormat, chunk_rows: int,
                       start: int, skip: int) -> Iterator[pd.DataFrame]:
    names = [*fmt.headers, *[f"_lebih_{i}" for i in range(EXTRA_FIELDS)]]
    first = start
    with handle:
        reader = pd.read_csv(
            handle, sep=fmt.delimiter, encoding=fmt.encoding, header=None, names=names,
            skiprows=skip, dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=False, chunksize=chunk_rows, quotechar='"', index_col=False,
            engine="c", low_memory=True)
        try:
            for chunk in reader:
                chunk["_row"] = np.arange(start, start + len(chunk))
                start += len(chunk)
                yield chunk
        except pd.errors.ParserError as err:
            raise ImportFailed(
                f"berkas CSV rusak sekitar baris {_parser_line(err, first - 1)}: jumlah "
                "kolom tidak sesuai (tanda pemisah di dalam teks tanpa tanda kutip?). Perbaiki "
                "baris itu lalu impor lagi.") from err


def _parser_line(err: Exception, offset: int) -> str:
    m = re.search(r"line (\d+)", str(err))
    return str(int(m.group(1)) + offset) if m else "?"


def _xlsx_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    wb = _open_workbook(src)
    try:
        ws = wb[fmt.sheet]
        width = len(fmt.headers)
        names = [*fmt.headers, *[f"_lebih_{i}" for i in range(EXTRA_FIELDS)]]
        buf: list[list[object]] = []
        rows: list[int] = []
        row_no = fmt.header_row
        for values in ws.iter_rows(min_row=fmt.header_row + 1, values_only=True):
            row_no += 1
            cells = [_xlsx_text(v) for v in values[: width + EXTRA_FIELDS]]
            cells += [None] * (len(names) - len(cells))
            buf.append(cells)
            rows.append(row_no)
            if len(buf) >= chunk_rows:
                yield _frame(buf, names, rows)
                buf, rows = [], []
        if buf:
            yield _frame(buf, names, rows)
    finally:
        wb.close()


def _frame(buf: list[list[object]], names: list[str], rows: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(buf, columns=names, dtype=object).astype("str")
    frame = frame.where(pd.DataFrame(buf, columns=names).notna())
    frame["_row"] = rows
    return frame


def _parquet_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    start = 2
    with src.open() as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=chunk_rows):
            frame = batch.to_pandas()
            out = pd.DataFrame(index=frame.index)
            for c in frame.columns:
                s = frame[c]
                if pd.api.types.is_float_dtype(s):
                    text = s.map(lambda v: None if pd.isna(v) else repr(float(v)))
                elif pd.api.types.is_datetime64_any_dtype(s):
                    text = s.dt.strftime("%Y-%m-%d")
                else:
                    text = s.astype(object).where(s.notna(), None).map(
                        lambda v: v if v is None else str(v))
                out[str(c)] = text.astype("str").where(s.notna())
            out["_row"] = np.arange(start, start + len(out))
            start += len(out)
            yield out


# ====================================================================== the import plan

@dataclass
class ImportPlan:
    """What a file is and how it will be read: shown to the user before importing."""

    source: str
    format: FileFormat
    mapping: dict[str, str]  # header -> column
    code_list: str
    flag_schemes: dict[str, str]  # column -> numeric flag scheme
    value_maps: dict[str, dict[str, object]]  # column -> value_key -> code (None: unmapped)
    sample: pd.DataFrame  # first rows, personal numbers masked

    @property
    def unmapped_headers(self) -> list[str]:
        return [h for h in self.format.headers if h not in self.mapping]

    @property
    def missing_columns(self) -> list[str]:
        taken = set(self.mapping.values())
        return [c for c in HOUSEHOLD_COLUMNS if c not in taken]

    def header_of(self, column: str) -> str | None:
        for h, c in self.mapping.items():
            if c == column:
                return h
        return None

    def to_dict(self) -> dict:
        return {
            "source": self.source, "format": asdict(self.format), "mapping": self.mapping,
            "unmapped_headers": self.unmapped_headers, "missing_columns": self.missing_columns,
            "code_list": self.code_list, "flag_schemes": self.flag_schemes,
            "value_maps": self.value_maps,
        }


def plan_import(source: object, mapping: dict[str, str] | None = None, *,
                source_name: str | None = None, sheet: str | None = None,
                code_list: str | None = None) -> ImportPlan:
    """Read the head of a file and decide how to map it (for the preview and the import)."""
    src = source if isinstance(source, Source) else Source.of(source, source_name)
    overrides = dict(mapping or {})
    fmt = detect_format(src, overrides, sheet)
    check_overrides(overrides, fmt.headers, src.name)
    cols = detect_mapping(fmt.headers, overrides)
    sample = None
    try:
        sample = next(read_chunks(src, fmt, chunk_rows=SAMPLE_ROWS), None)
    except UnicodeDecodeError:
        fmt.encoding = "cp1252"
        sample = next(read_chunks(src, fmt, chunk_rows=SAMPLE_ROWS), None)
    if sample is not None:
        sample = sample[~_blank_rows(sample, fmt.headers)]
    if sample is None or sample.empty:
        raise ImportFailed(f"{src.name}: hanya ada kepala kolom, tidak ada baris data. Ekspor "
                           "ulang register beserta datanya.")
    if "id_keluarga" not in cols.values():
        raise ImportFailed(
            f"{src.name}: kolom ID keluarga tidak ditemukan (dicari: "
            f"{', '.join(HEADER_ALIASES['id_keluarga'][:5])}, …). Petakan kolomnya, mis. "
            "--map \"ID RUMAH TANGGA=id_keluarga\".")
    has_place = {"kode_kelurahan", "nama_kelurahan", "kddesa"} | {"lintang"}
    if not has_place & set(cols.values()):
        raise ImportFailed(
            f"{src.name}: tidak ada kolom kode kelurahan, nama kelurahan atau koordinat, jadi "
            "rumah tangga tidak bisa ditautkan ke wilayah. Petakan kolomnya dengan --map.")
    chosen = code_list or code_list_for(fmt.headers)
    if chosen not in CODE_LISTS:
        raise ImportFailed(f"Daftar kode {chosen!r} tidak dikenal; pilih salah satu: "
                           f"{', '.join(CODE_LISTS)}.")
    schemes, value_maps = {}, {}
    for h, c in cols.items():
        kind = TARGET_KIND[c]
        if kind == "flag":
            schemes[c] = flag_scheme(sample[h])
        if kind in ("flag", "code"):
            value_maps[c] = value_table(c, sample[h], chosen, schemes.get(c))
    shown = sample.head(20).drop(columns=[c for c in sample.columns if c.startswith("_lebih")])
    for h, c in cols.items():
        if c in PERSONAL_COLUMNS:
            shown[h] = shown[h].map(mask_id)
    return ImportPlan(src.name, fmt, cols, chosen, schemes, value_maps, shown)


def _blank_rows(chunk: pd.DataFrame, headers: list[str]) -> np.ndarray:
    data = chunk.drop(columns=["_row"])
    return data.isna().all(axis=1).to_numpy()


# ====================================================================== converting a chunk

NUMBER_RE = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"


def _arrow(text: pd.Series):  # noqa: ANN202
    import pyarrow as pa

    if isinstance(text.array, pd.arrays.ArrowStringArray):
        return pa.array(text.array)
    return pa.array(text.astype(object).where(text.notna(), None).tolist(), type=pa.string())


def _matches(text: pd.Series, pattern: str, ignore_case: bool = False) -> np.ndarray:
    """Boolean array: the RE2 ``pattern`` matches (False for missing), in pyarrow."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(_arrow(text), pattern, ignore_case=ignore_case)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _bytes_hold(text: pd.Series, chars: bytes) -> bool:
    """Whether any of ``chars`` occurs anywhere in the column's text: one search over the
    column's bytes, not one per value (bytes of neighbouring values may also count)."""
    import pyarrow as pa

    a = _arrow(text)
    for chunk in a.chunks if isinstance(a, pa.ChunkedArray) else [a]:
        data = chunk.buffers()[2]  # validity, offsets, then the characters of every value
        raw = data.to_pybytes() if data is not None else b""
        if any(raw.find(bytes([c])) >= 0 for c in chars):
            return True
    return False


def _to_number(text: pd.Series) -> pd.Series:
    """Decimal comma or point: ``-6,2871``, ``1.234,5`` and ``-6.2871``; NaN if not a number
    (vectorised in pyarrow: millions of rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = _arrow(text)
    for attempt in range(2):  # the usual case: every value a plain number (then trimmed)
        try:
            values = pc.cast(a, pa.float64())
            return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index,
                             dtype=float)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            if attempt == 0:
                a = pc.utf8_trim_whitespace(a)
    both = pc.and_(pc.match_substring(a, ","), pc.match_substring(a, "."))
    a = pc.if_else(both, pc.replace_substring(a, ".", ""), a)
    a = pc.replace_substring(a, ",", ".")
    ok = pc.fill_null(pc.match_substring_regex(a, NUMBER_RE), False)
    values = pc.cast(pc.if_else(ok, a, pa.scalar(None, pa.string())), pa.float64())
    return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype=float)


@dataclass
class _Issues:
    """Reasons per row position of a chunk, only for rows that have any."""

    reasons: dict[int, list[str]] = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)

    def add(self, mask: np.ndarray, kind: str, **fields: object) -> None:
        """Give every row of ``mask`` the reason ``REASONS[kind]``; a Series field is taken at
        the row (shortened), a callable field is called with the row position."""
        template = REASONS[kind.split(":")[-1]]
        for i in np.flatnonzero(mask):
            i = int(i)
            values = {k: (_short(v.iat[i]) if isinstance(v, pd.Series) else
                          v(i) if callable(v) else v) for k, v in fields.items()}
            self.reasons.setdefault(i, []).append(template.format(**values))
            self.kinds[kind.split(":")[0]] += 1


def _all_digits(text: pd.Series) -> np.ndarray:
    """Boolean array: the value is one or more ASCII digits (False for missing)."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.ascii_is_decimal(_arrow(text)), False).to_numpy(zero_copy_only=False)


def _identity(text: pd.Series, label: str, header: str, issues: _Issues, repairs: Counter,
              kind_prefix: str) -> pd.Series:
    """16-digit NIK / No. KK: kept as text; a number Excel damaged is rejected, never guessed.
    Only values that are not plain digits (few) go through the slower pattern checks."""
    s = text.str.strip()
    digits = _all_digits(s)
    present = s.notna().to_numpy()
    sci = np.zeros(len(s), dtype=bool)
    odd = np.flatnonzero(present & ~digits)
    if len(odd):
        rest = s.iloc[odd]
        sci[odd] = rest.str.fullmatch(r"[0-9.,]+[eE][+-]?[0-9]+").fillna(False).to_numpy()
        dot0 = rest.str.fullmatch(r"[0-9]+\.0+").fillna(False).to_numpy()
        if dot0.any():
            fixed = rest[dot0]
            repairs[f"{kind_prefix}_akhiran_.0_dihapus"] += int(
                (fixed.str.len() == NIK_DIGITS + 2).sum())
            s = s.astype(object)
            s.iloc[odd[dot0]] = fixed.str.replace(r"\.0+$", "", regex=True).to_numpy()
            digits[odd[dot0]] = True
    length = s.str.len().fillna(0).astype(int).to_numpy()
    issues.add(present & sci, f"{kind_prefix}_ilmiah:nik_ilmiah", h=header, label=label,
               v=text)
    issues.add(present & ~sci & ~digits, f"{kind_prefix}_bukan_angka:nik_bukan_angka",
               h=header, label=label, v=lambda i: mask_id(text.iat[i]))
    issues.add(present & digits & (length != NIK_DIGITS), f"{kind_prefix}_panjang:nik_panjang",
               h=header, label=label, n=NIK_DIGITS, k=lambda i: length[i],
               v=lambda i: mask_id(s.iat[i]))
    return s.where(pd.Series(digits & (length == NIK_DIGITS), index=s.index))


def convert_chunk(chunk: pd.DataFrame, plan: ImportPlan, issues: _Issues, unmapped: dict,
                  repairs: Counter) -> pd.DataFrame:
    """Typed canonical columns of one chunk; reasons go to ``issues``; values that could not be
    mapped to ``unmapped`` (column -> value -> count)."""
    out = pd.DataFrame(index=chunk.index)
    out["row_number"] = chunk["_row"].to_numpy()
    n = len(chunk)
    by_col = {c: h for h, c in plan.mapping.items()}

    def src(column: str) -> pd.Series | None:
        h = by_col.get(column)
        return None if h is None else chunk[h]

    for column, kind in HOUSEHOLD_COLUMNS.items():
        h = by_col.get(column)
        text = src(column)
        if text is None:
            out[column] = pd.Series([None] * n, index=chunk.index, dtype=object) \
                if kind in ("text", "code", "date") else np.nan
            continue
        present = text.notna().to_numpy()
        if column in ("nik_krt", "no_kk"):
            label = "NIK kepala keluarga" if column == "nik_krt" else "Nomor KK"
            out[column] = _identity(text, label, h, issues, repairs, column)
        elif kind == "text":
            clean = text.str.strip()
            out[column] = clean.where(clean != "")
        elif kind in ("int", "float"):
            number = _to_number(text)
            bad_text = present & number.isna().to_numpy()
            values = number.to_numpy(dtype=float)
            if column == "desil":
                lo, hi = DESIL_RANGE
                issues.add(~present, "desil_kosong", h=h)
                issues.add(bad_text, "desil_teks", h=h, v=text)
                wrong = present & ~bad_text & ((values < lo) | (values > hi)
                                               | (values != np.floor(values)))
                issues.add(wrong, "desil_luar", h=h, v=text)
            elif column == "jumlah_art":
                issues.add(~present, "art_kosong", h=h)
                wrong = present & (bad_text | (values < 1) | (values != np.floor(values)))
                issues.add(wrong, "art_salah", h=h, v=text)
            elif column in ("lintang", "bujur"):
                issues.add(bad_text, "koordinat_teks", h=h, v=text)
            elif column == "luas_lantai":
                issues.add(present & (bad_text | (values < 0)), "luas_salah", h=h, v=text)
            else:
                issues.add(present & (bad_text | (values < 0) | (values != np.floor(values))),
                           "angka_salah", h=h, v=text)
            if kind == "int":
                ok = (np.isfinite(values) & (values == np.floor(values))
                      & (np.abs(values) < 2**31))
                out[column] = pd.arrays.IntegerArray(
                    np.where(ok, values, 0).astype(np.int32), ~ok)
            else:
                out[column] = values
        elif kind in ("flag", "code"):
            out[column] = _map_values(text, column, plan, unmapped, chunk)
        elif kind == "date":
            out[column] = _to_date(text, column, unmapped)

    # the kelurahan code: one column, or four split columns
    code = out["kode_kelurahan"]
    parts = [src(p) for p in SPLIT_CODE]
    if all(p is not None for p in parts):
        joined = _join_split(parts)
        code = code.where(code.notna(), joined)
    elif parts[3] is not None:
        code = code.where(code.notna(), parts[3])
    normal = normalize_codes(code)
    out["kode_kelurahan"] = normal.where(normal.notna(), code).astype("str")

    # text that is not data: formulas, HTML; totals rows
    for column in TEXT_CHECKED:
        text = out[column]
        if text.isna().all():
            continue
        h = by_col.get(column)
        if not _bytes_hold(text, NOT_DATA_CHARS):  # the usual case
            if _bytes_hold(text, b"-"):
                issues.add(_matches(text, FORMULA_MINUS_RE), "rumus", h=h, v=text)
            continue
        suspect = _matches(text, f"{FORMULA_RE}|{HTML_RE}")  # one pass; then which one
        if not suspect.any():
            continue
        formula = suspect & _matches(text, FORMULA_RE)
        issues.add(formula, "rumus", h=h, v=text)
        issues.add(suspect & ~formula, "html", h=h, v=text)
    first = out["id_keluarga"].where(out["id_keluarga"].notna(), out["nama_krt"])
    totals = _matches(first, TOTALS_RE, ignore_case=True)
    issues.add(totals, "baris_total", v=first)
    id_h = by_col.get("id_keluarga")
    issues.add(out["id_keluarga"].isna().to_numpy() & ~totals, "id_kosong", h=id_h)
    extra = [c for c in chunk.columns if c.startswith("_lebih_")]
    if extra:
        more = chunk[extra].notna().any(axis=1).to_numpy()
        issues.add(more, "kolom_lebih",
                   v=lambda i: _short(" | ".join(chunk[extra].iloc[i].dropna().astype(str))))

    _coordinates(out, repairs)
    return out


def _join_split(parts: list[pd.Series]) -> pd.Series:
    frame = pd.DataFrame({i: p.astype(object) for i, p in enumerate(parts)})
    keys = frame.drop_duplicates()
    table = {tuple(r): join_split_code(*r) for r in keys.itertuples(index=False)}
    return pd.Series([table[tuple(r)] for r in frame.itertuples(index=False)],
                     index=parts[0].index, dtype=object)


def _map_values(text: pd.Series, column: str, plan: ImportPlan, unmapped: dict,
                chunk: pd.DataFrame) -> object:
    """Coded answers and flags through the plan's value table (extended with values first met
    in this chunk); works on the distinct values only. Unplaceable values are counted in
    ``unmapped`` and left empty."""
    table = plan.value_maps.setdefault(column, {})
    codes, uniques = pd.factorize(text)
    keys = [value_key(u) for u in uniques]
    missing = [u for u, k in zip(uniques, keys) if k not in table]
    if missing:
        table.update(value_table(column, pd.Series(missing, dtype=object), plan.code_list,
                                 plan.flag_schemes.get(column)))
    targets = [table.get(k) for k in keys]
    if column == "sumber_penerangan" and PLN_UNKNOWN_METER in targets:
        targets, codes = _pln_meter(text, codes, targets, plan, chunk, unmapped)
    lost = [u for u, t in zip(uniques, targets) if t is None]
    if lost:
        counts = np.bincount(codes[codes >= 0], minlength=len(targets))
        bucket = unmapped.setdefault(column, Counter())
        for i, (u, t) in enumerate(zip(uniques, targets)):
            if t is None and counts[i]:
                bucket[str(u)] += int(counts[i])
    if TARGET_KIND[column] == "flag":  # small types: millions of rows stay in memory
        lookup = np.array([-1 if t is None else int(t) for t in targets] + [-1], dtype=np.int8)
        values = lookup[codes]
        return pd.arrays.IntegerArray(np.maximum(values, 0), values < 0)
    categories = CODES[column]
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array([position.get(t, -1) for t in targets] + [-1], dtype=np.int8)
    return pd.Categorical.from_codes(lookup[codes], categories=categories)


def _pln_meter(text: pd.Series, codes: np.ndarray, targets: list, plan: ImportPlan,
               chunk: pd.DataFrame, unmapped: dict) -> tuple[list, np.ndarray]:
    """PBDT lighting 1 (listrik PLN): metered or not comes from the ``daya`` column; rows with
    no usable ``daya`` are reported, not guessed."""
    pln = np.isin(codes, [i for i, t in enumerate(targets) if t == PLN_UNKNOWN_METER])
    targets = [None if t == PLN_UNKNOWN_METER else t for t in targets]
    targets += ["listrik_pln_meteran", "listrik_pln_tanpa_meteran"]
    meter_code, unmetered_code = len(targets) - 2, len(targets) - 1
    codes = codes.copy()
    daya_h = plan.header_of("daya")
    if daya_h is not None:
        daya = chunk[daya_h].map(lambda v: None if pd.isna(v) else value_key(v))
        codes[pln & daya.isin(DAYA_METERED).to_numpy()] = meter_code
        codes[pln & daya.isin(DAYA_UNMETERED).to_numpy()] = unmetered_code
    still = pln & (codes < meter_code)
    if still.any():
        bucket = unmapped.setdefault("sumber_penerangan", Counter())
        for v, k in text[still].value_counts().items():
            bucket[f"{v} (listrik PLN; status meteran tidak diketahui tanpa kolom daya)"] += k
        codes[still] = -1
    return targets, codes


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def _to_date(text: pd.Series, column: str, unmapped: dict) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text; values already written so are kept as they are (no
    formatting of a million dates), other formats and Excel day numbers are converted."""
    s = text.str.strip().str.slice(0, 10)
    result = pd.to_datetime(s, format=DATE_FORMATS[0], errors="coerce")
    iso = result.notna() & (s.str.len() == 10)
    for f in DATE_FORMATS[1:]:
        todo = result.isna() & s.notna()
        if not todo.any():
            break
        result = result.where(~todo, pd.to_datetime(s.where(todo), format=f, errors="coerce"))
    todo = result.isna() & s.notna()
    if todo.any():
        serial = todo & s.str.fullmatch(r"[0-9]{5}(?:\.0+)?").fillna(False)
        if serial.any():  # Excel day numbers
            days = pd.to_numeric(s.where(serial), errors="coerce")
            result = result.where(~serial, pd.Timestamp("1899-12-30")
                                  + pd.to_timedelta(days, unit="D"))
    lost = text.notna() & result.isna()
    if lost.any():
        bucket = unmapped.setdefault(column, Counter())
        for v, k in text[lost].value_counts().items():
            bucket[str(v)] += int(k)
    out = s.where(iso)
    other = result.notna() & ~iso
    if other.any():
        out = out.where(~other, result.where(other).dt.strftime("%Y-%m-%d"))
    return out.astype("str")


def _coordinates(out: pd.DataFrame, repairs: Counter) -> None:
    """Swapped lat/lon are swapped back (Indonesia's latitude and longitude ranges do not
    overlap, so it is certain); points outside Indonesia (also 0,0) are dropped with a note."""
    lat, lon = out["lintang"].to_numpy(dtype=float), out["bujur"].to_numpy(dtype=float)
    notes = np.full(len(out), None, dtype=object)

    def inside(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ((a >= INDONESIA_LAT[0]) & (a <= INDONESIA_LAT[1])
                & (b >= INDONESIA_LON[0]) & (b <= INDONESIA_LON[1]))

    both = ~np.isnan(lat) & ~np.isnan(lon)
    ok = both & inside(lat, lon)
    swapped = both & ~ok & inside(lon, lat)
    lat2, lon2 = lat.copy(), lon.copy()
    lat2[swapped], lon2[swapped] = lon[swapped], lat[swapped]
    notes[swapped] = NOTES["koordinat_tertukar"]
    outside = both & ~ok & ~swapped
    for i in np.flatnonzero(outside):
        notes[i] = NOTES["koordinat_luar"].format(lat=lat[i], lon=lon[i])
    half = np.isnan(lat) ^ np.isnan(lon)
    notes[half] = NOTES["koordinat_sebagian"]
    lat2[outside | half], lon2[outside | half] = np.nan, np.nan
    repairs["koordinat_tertukar_dibalik"] += int(swapped.sum())
    repairs["koordinat_di_luar_indonesia_diabaikan"] += int(outside.sum())
    repairs["koordinat_sebagian_diabaikan"] += int(half.sum())
    out["lintang"], out["bujur"] = lat2, lon2
    out["_catatan"] = notes


# ====================================================================== the import

@dataclass
class ImportResult:
    counts: dict
    snapshot_id: int
    report: dict
    period: str = ""

    def to_dict(self) -> dict:
        return {"snapshot_id": self.snapshot_id, "period": self.period,
                "counts": dict(self.counts), "report": self.report}


def _step(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(max(0.0, min(1.0, fraction)), text)


def import_households(engine: Engine, path: object, period: str, *,
                      mapping: dict[str, str] | None = None, progress: Progress | None = None,
                      is_demo: bool = False, source_name: str | None = None,
                      sheet: str | None = None, code_list: str | None = None,
                      chunk_rows: int = CHUNK_ROWS) -> ImportResult:
    """Import a register file (path, or file-like with a name) into the snapshot ``period``.

    One transaction: the period is replaced whole, or, on any failure, left as it was. Raises
    :class:`ImportFailed` (Indonesian message) when the file cannot be used at all.
    """
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise ImportFailed(f"Periode {period!r} tidak sah: tulis sebagai TTTT-BB, mis. 2026-09.")
    src = Source.of(path, source_name)
    with _gc_paused():
        return _import(engine, src, period, mapping, progress, is_demo, sheet, code_list,
                       chunk_rows)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live object each time millions of row tuples are
    made; an import creates no cycles worth collecting, so it is paused meanwhile."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _import(engine: Engine, src: Source, period: str, mapping: dict[str, str] | None,
            progress: Progress | None, is_demo: bool, sheet: str | None,
            code_list: str | None, chunk_rows: int) -> ImportResult:
    _step(progress, 0.0, f"Membaca {src.name}…")
    plan = plan_import(src, mapping, sheet=sheet, code_list=code_list)
    regions = RegionIndex.from_store(engine)
    for attempt in range(2):
        try:
            with open_snapshot(engine, period, src.name, is_demo) as writer:
                return _import_into(writer, src, plan, regions, progress, chunk_rows, period)
        except WriterBusy as err:
            raise ImportFailed("Basis data sedang dipakai proses lain (mis. impor lain) lebih "
                               "dari 30 detik; data lama tidak berubah. Coba lagi sebentar "
                               "lagi.") from err
        except UnicodeDecodeError:  # the whole transaction is rolled back: read again
            if attempt or plan.format.encoding == "cp1252":
                raise ImportFailed(f"{src.name}: pengodean teks tidak dikenali. Simpan ulang "
                                   "sebagai CSV UTF-8.") from None
            plan.format.encoding = "cp1252"
    raise AssertionError("unreachable")


def _import_into(writer: SnapshotWriter, src: Source, plan: ImportPlan, regions: RegionIndex,
                 progress: Progress | None, chunk_rows: int, period: str) -> ImportResult:
    """Read, check, link and store chunk by chunk (the writer stores one part while the next is
    read); rows found bad only once the whole file is seen (duplicates) are then dropped."""
    size = max(src.size(), 1)
    keys: list[pd.DataFrame] = []  # row_number, id_keluarga, nik_krt of every row
    id_keys: list[np.ndarray | None] = []  # their digit_keys per chunk
    nik_keys: list[np.ndarray | None] = []
    links: list[pd.DataFrame] = []  # row_number and link columns of every stored row
    rejected: dict[int, str] = {}  # raw values (JSON) of rows rejected within their chunk
    reasons_all: dict[int, list[str]] = {}  # reasons by position among all rows read
    repairs: Counter = Counter()
    unmapped: dict[str, Counter] = {}
    kinds: Counter = Counter()
    rows_read = 0
    for chunk in read_chunks(src, plan.format, chunk_rows):
        blank = _blank_rows(chunk, plan.format.headers)
        if blank.any():
            repairs["baris_kosong_dilewati"] += int(blank.sum())
            chunk = chunk.loc[~blank]
        if chunk.empty:
            continue
        chunk = chunk.reset_index(drop=True)
        issues = _Issues()
        typed = convert_chunk(chunk, plan, issues, unmapped, repairs)
        kinds.update(issues.kinds)
        positions = sorted(issues.reasons)
        for i in positions:
            reasons_all[rows_read + i] = issues.reasons[i]
        rejected.update(zip(chunk["_row"].to_numpy()[positions].tolist(),
                            _rows_json(chunk, positions)))
        keys.append(typed[["row_number", "id_keluarga", "nik_krt"]])
        id_keys.append(digit_keys(typed["id_keluarga"]))
        nik_keys.append(digit_keys(typed["nik_krt"]))
        keep = np.ones(len(typed), dtype=bool)
        keep[positions] = False
        part = _linked(typed, regions)  # rejected rows too: cheaper than a copy without them
        links.append(part.loc[keep, ["row_number", "link_method", "link_conflict"]])
        writer.add(part, keep)
        rows_read += len(typed)
        _step(progress, 0.95 * (min(1.0, rows_read * 200 / size) if plan.format.kind != "csv"
                                else _approx_fraction(int(chunk["_row"].iat[-1]), rows_read,
                                                      size)),
              f"Membaca, memeriksa, menautkan dan menyimpan {fmt_int(rows_read)} baris…")
    if not rows_read:
        raise ImportFailed(f"{src.name}: tidak ada baris data. Ekspor ulang register beserta "
                           "datanya.")

    _step(progress, 0.96, "Mencari id keluarga dan NIK ganda…")
    every = pd.concat(keys, ignore_index=True)
    del keys
    first_bad = set(reasons_all)
    _duplicates(every, plan, reasons_all, kinds, id_keys, nik_keys)
    bad = np.zeros(rows_read, dtype=bool)
    if reasons_all:
        bad[list(reasons_all)] = True
    row_numbers = every["row_number"].to_numpy()
    del every
    stored = pd.concat(links, ignore_index=True)
    late = row_numbers[sorted(set(reasons_all) - first_bad)]  # stored, then found bad
    if len(late):
        writer.drop(late.tolist())  # not waited for: the writer works while we read below
        stored = stored[~stored["row_number"].isin(late)]
    # original values of rejected rows: kept from their chunk, or read again for rows rejected
    # only when the whole file was seen (duplicates)
    need = set(row_numbers[bad].tolist()) - set(rejected)
    if need:
        rejected.update(_raw_rows(src, plan, need, chunk_rows))
    quarantine = pd.DataFrame({
        "row_number": row_numbers[bad],
        "values_json": [rejected.get(int(r), "{}") for r in row_numbers[bad]],
        "reasons": ["; ".join(reasons_all[i]) for i in np.flatnonzero(bad)],
    })
    counts = {"rows_read": rows_read, "accepted": int((~bad).sum()),
              "quarantined": int(bad.sum()), **link_counts(stored)}
    report = {
        **plan.to_dict(),
        "unmapped_values": {c: dict(v.most_common(REPORT_VALUES)) for c, v in
                            unmapped.items()},
        "unmapped_value_counts": {c: int(sum(v.values())) for c, v in unmapped.items()},
        "repairs": {k: v for k, v in repairs.items() if v},
        "quarantine_reasons": dict(kinds),
        "regions_available": len(regions),
        "value_maps": {c: dict(list(m.items())[:REPORT_VALUES]) for c, m in
                       plan.value_maps.items()},
    }
    _step(progress, 0.98, "Menyimpan karantina dan ringkasan…")
    writer.finish(quarantine, counts, report)
    _step(progress, 1.0, "Selesai.")
    return ImportResult(counts=counts, snapshot_id=writer.snapshot_id, report=report,
                        period=period)


def _linked(part: pd.DataFrame, regions: RegionIndex) -> pd.DataFrame:
    """Accepted rows with their LINK_COLUMNS; the link note follows the row's own notes."""
    links = link_frame(part, regions)
    notes = part.pop("_catatan").astype(object)
    extra = links["link_note"].astype(object)
    links["link_note"] = notes.where(extra.isna(), extra).where(
        notes.isna(), notes.where(extra.isna(), notes + "; " + extra))
    return pd.concat([part, links[list(LINK_COLUMNS)]], axis=1)  # no copy of the columns


def _approx_fraction(line: int, rows: int, size: int) -> float:
    return min(1.0, rows * 250 / size)


def _rows_json(chunk: pd.DataFrame, positions: list[int]) -> list[str]:
    """The original values of some rows, as JSON objects of header -> text (blank left out)."""
    if not positions:
        return []
    sub = chunk.iloc[positions]
    names = [str(c) for c in chunk.columns if c != "_row"]
    columns = [sub[c].tolist() for c in chunk.columns if c != "_row"]
    return [json.dumps({k: str(v) for k, v in zip(names, values)
                        if v is not None and v is not pd.NA and v == v},
                       ensure_ascii=False)
            for values in zip(*columns)]


def _raw_rows(src: Source, plan: ImportPlan, wanted: set[int], chunk_rows: int
              ) -> dict[int, str]:
    found: dict[int, str] = {}
    if plan.format.kind == "csv" and src.blocks:
        found = _raw_lines(src, plan.format, wanted)
        if len(found) == len(wanted):
            return found
    if plan.format.kind == "csv" and plan.format.encoding != "utf-16":
        import pyarrow as pa
        import pyarrow.compute as pc

        keys = pa.array(sorted(wanted), type=pa.int64())
        for part in _csv_block_frames(src, plan.format, chunk_rows):
            if not isinstance(part, pd.DataFrame):  # pick the rows before converting
                part = _arrow_to_pandas(part.filter(pc.is_in(part["_row"], value_set=keys)))
            hit = np.flatnonzero(part["_row"].isin(wanted).to_numpy()).tolist()
            found.update(zip(part["_row"].to_numpy()[hit].tolist(), _rows_json(part, hit)))
            if len(found) == len(wanted):
                break
        return found
    for chunk in read_chunks(src, plan.format, chunk_rows):
        hit = np.flatnonzero(chunk["_row"].isin(wanted).to_numpy()).tolist()
        found.update(zip(chunk["_row"].to_numpy()[hit].tolist(), _rows_json(chunk, hit)))
        if len(found) == len(wanted):
            break
    return found


def _raw_lines(src: Source, fmt: FileFormat, wanted: set[int]) -> dict[int, str]:
    """Original values of rows read straight from their lines (blocks where one line is one
    row), as JSON of header -> text."""
    found: dict[int, str] = {}
    rows = np.array(sorted(wanted), dtype=np.int64)
    with src.open() as f:
        for offset, length, start, count in src.blocks:
            inside = rows[(rows >= start) & (rows < start + count)]
            if not len(inside):
                continue
            f.seek(offset)
            block = f.read(length)
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
            if len(ends) != count:  # a quoted value spans lines: not one line per row
                continue
            starts = np.concatenate([[0], ends[:-1] + 1])
            for r in inside.tolist():
                line = block[starts[r - start]:ends[r - start]]
                text = line.rstrip(b"\r").decode(fmt.encoding, errors="replace")
                values = next(csv.reader([text], delimiter=fmt.delimiter), [])
                found[r] = json.dumps({h: v for h, v in zip(fmt.headers, values) if v != ""},
                                      ensure_ascii=False)
    return found


def digit_keys(text: pd.Series) -> np.ndarray | None:
    """Integer keys of digit strings of at most 17 digits, equal exactly when the texts are
    equal (the length is part of the key: ``012`` is not ``12``); -1 for missing. None when a
    value is not such a string. Sorting integers is far cheaper than hashing a million texts,
    and keys are made chunk by chunk while the writer is busy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = _arrow(text)
    length = pc.utf8_length(a)
    fits = pc.and_(pc.ascii_is_decimal(a), pc.less_equal(length, 17))
    if not pc.all(pc.fill_null(fits, True)).as_py():
        return None
    value = pc.cast(pc.fill_null(a, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    key = pc.fill_null(length, 0).to_numpy(zero_copy_only=False).astype(np.int64) * 10**17 \
        + value
    key[pc.is_null(a).to_numpy(zero_copy_only=False)] = -1
    return key


def _row_keys(values: pd.Series, keys: list[np.ndarray | None] | None) -> np.ndarray:
    """An integer per row, equal exactly when the values are; -1 for missing: the chunks'
    digit keys when every chunk had them, else codes from hashing the texts."""
    if keys and all(k is not None for k in keys):
        return np.concatenate(keys)
    return pd.factorize(values)[0].astype(np.int64)


def _repeated(key: np.ndarray) -> np.ndarray:
    """Rows whose key (not missing) occurs more than once."""
    present = key >= 0
    ordered = np.sort(key[present])
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(twice):
        return np.zeros(len(key), dtype=bool)
    at = np.minimum(np.searchsorted(twice, key), len(twice) - 1)
    return present & (twice[at] == key)


def _duplicates(table: pd.DataFrame, plan: ImportPlan, reasons_all: dict[int, list[str]],
                kinds: Counter, id_keys: list[np.ndarray | None] | None = None,
                nik_keys: list[np.ndarray | None] | None = None) -> None:
    """The same id_keluarga twice, the same NIK in two households: every row involved.
    ``id_keys``, ``nik_keys``: :func:`digit_keys` of each chunk, if made while reading."""
    rows = table["row_number"].to_numpy()

    def others(positions: np.ndarray, i: int) -> str:
        listed = [str(rows[p]) for p in positions if p != i][:5]
        return ", ".join(listed) + (" …" if len(positions) > 6 else "")

    ids = table["id_keluarga"]
    id_key = _row_keys(ids, id_keys)
    dup = _repeated(id_key)
    if dup.any():
        h = plan.header_of("id_keluarga")
        for pos in _groups(id_key, dup):
            for i in pos:
                reasons_all.setdefault(int(i), []).append(REASONS["id_ganda"].format(
                    h=h, v=_short(ids.iat[i], 24), rows=others(pos, i)))
                kinds["id_ganda"] += 1
    nik_key = _row_keys(table["nik_krt"], nik_keys)
    shared = np.flatnonzero(_repeated(nik_key))  # a NIK on more than one row ...
    if len(shared):
        # ... of more than one household (distinct ids; a missing id counts as one)
        households = pd.Series(id_key[shared]).groupby(nik_key[shared]).transform("nunique")
        hit = np.zeros(len(nik_key), dtype=bool)
        hit[shared[households.to_numpy() > 1]] = True
        if hit.any():
            h = plan.header_of("nik_krt")
            for pos in _groups(nik_key, hit):
                for i in pos:
                    reasons_all.setdefault(int(i), []).append(REASONS["nik_ganda"].format(
                        h=h, rows=others(pos, i)))
                    kinds["nik_ganda"] += 1


def _groups(codes: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Positions of the ``mask`` rows grouped by their code, each group in file order."""
    pos = np.flatnonzero(mask)
    pos = pos[np.argsort(codes[pos], kind="stable")]
    cuts = np.flatnonzero(np.diff(codes[pos])) + 1
    return np.split(pos, cuts)


# ====================================================================== command line

def parse_map(items: list[str] | None) -> dict[str, str]:
    """``["NO RUMAH=id_keluarga", "CATATAN="]`` -> {header: column}."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ImportFailed(f"--map {item!r}: tulis sebagai KOLOM_BERKAS=kolom, mis. "
                               "--map IDDTKS=id_keluarga (kosongkan kolom untuk mengabaikan).")
        header, column = item.rsplit("=", 1)
        out[header.strip()] = column.strip()
    return out


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="berkas register: CSV, XLSX atau Parquet")
    parser.add_argument("--period", required=True, help="periode data, TTTT-BB (mis. 2026-09)")
    parser.add_argument("--map", action="append", metavar="KOLOM=kolom", default=[],
                        help="petakan kolom berkas ke kolom tabel (boleh berulang); "
                             "KOLOM= untuk mengabaikan")
    parser.add_argument("--sheet", help="nama lembar Excel (bawaan: dipilih otomatis)")
    parser.add_argument("--kode", choices=list(CODE_LISTS), help="daftar kode jawaban")
    parser.add_argument("--json", action="store_true", help="cetak satu objek JSON hitungan")


def run(args: argparse.Namespace) -> int:
    def bar(fraction: float, text: str) -> None:
        if not args.json:
            filled = int(fraction * 30)
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {text[:60]:<60}",
                  end="", file=sys.stderr, flush=True)

    try:
        result = import_households(store.get_engine(), args.file, args.period,
                                   mapping=parse_map(args.map), progress=bar,
                                   sheet=args.sheet, code_list=args.kode)
    except ImportFailed as err:
        print(f"\nGagal: {err}", file=sys.stderr)
        return 2
    # the period is committed; before the shell gets the database back (a script may copy the
    # file next), SQLite's WAL is copied into it
    wait_for_checkpoints()
    if args.json:
        print(json.dumps({k: int(result.counts[k]) for k in store.COUNT_KEYS}))
        return 0
    print(file=sys.stderr)
    labels = {"rows_read": "baris dibaca", "accepted": "diterima", "quarantined": "dikarantina",
              "linked_by_code": "tertaut lewat kode", "linked_by_name": "tertaut lewat nama",
              "linked_by_point": "tertaut lewat titik", "unlinked": "belum tertaut",
              "conflicts": "konflik kode-titik"}
    print(f"Periode {args.period} tersimpan (snapshot {result.snapshot_id}).")
    for k in store.COUNT_KEYS:
        print(f"  {labels[k]:<22} {result.counts[k]:>12,}".replace(",", "."))
    for c, values in result.report["unmapped_values"].items():
        print(f"  nilai tak terpetakan di {c}: {', '.join(list(values)[:8])}")
    return 0
