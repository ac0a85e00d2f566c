"""Which column of a register file is which: the canonical columns a header can map to, the
header spellings seen in exports (aliases), the user's corrections, personal-data headers.

Reading the file itself is :mod:`geo.register_files`' work.
"""

from __future__ import annotations

import re

from geo.privacy import personal_key
from geo.register_errors import ImportFailed
from geo.schema import HOUSEHOLD_COLUMNS, PERSONAL_COLUMNS

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


def canonical_column(header: object) -> str | None:
    """The canonical column a header is an alias of, if any."""
    return _ALIAS_INDEX.get(header_key(header))


def personal_header(header: object) -> bool:
    """A header whose values are personal data (NIK, No. KK, phone): a known alias of such a
    column, or a header that names a NIK, KTP, KK or phone number in another spelling
    (``NO_KTP``, ``NOMOR_INDUK_KEPENDUDUKAN``, ``NO_KARTU_KELUARGA_LAMA``, ``NO_HP``)."""
    return canonical_column(header) in PERSONAL_COLUMNS or personal_key(header_key(header))


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
