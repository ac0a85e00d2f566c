"""The canonical household table (``../shared/docs/household-data.md``): columns, types, codes.

One definition per column; the importer maps whatever arrives onto these names, the store
creates its table from them, the indicators read them.
"""

from __future__ import annotations

# Coded values each categorical column may take after mapping.
CODES: dict[str, tuple[str, ...]] = {
    "sumber_air_minum": (
        "ledeng", "air_kemasan", "isi_ulang", "sumur_bor_pompa", "sumur_terlindung",
        "sumur_tak_terlindung", "mata_air_terlindung", "mata_air_tak_terlindung",
        "air_permukaan", "air_hujan", "lainnya",
    ),
    "fasilitas_bab": ("sendiri", "bersama", "umum", "tidak_ada"),
    "jenis_kloset": ("leher_angsa", "plengsengan", "cemplung", "tidak_pakai"),
    "pembuangan_tinja": (
        "tangki_septik", "ipal", "lubang_tanah", "kolam_sawah", "sungai", "lainnya",
    ),
    "sumber_penerangan": (
        "listrik_pln_meteran", "listrik_pln_tanpa_meteran", "listrik_non_pln", "bukan_listrik",
    ),
    "jenis_lantai": (
        "marmer_granit", "keramik", "parket_vinil", "ubin_tegel", "kayu_kualitas_tinggi",
        "semen_bata", "bambu", "kayu_kualitas_rendah", "tanah", "lainnya",
    ),
    "jenis_dinding": (
        "tembok", "plesteran_anyaman_bambu", "kayu", "anyaman_bambu", "batang_kayu", "bambu",
        "lainnya",
    ),
    "jenis_atap": (
        "beton", "genteng_keramik", "genteng_metal", "genteng_tanah_liat", "asbes", "seng",
        "sirap", "bambu", "jerami_ijuk_rumbia", "lainnya",
    ),
}

PROGRAMS: dict[str, str] = {
    "penerima_bpnt": "BPNT/Sembako",
    "penerima_pkh": "PKH",
    "penerima_pbi_jkn": "PBI-JKN",
    "penerima_kip": "KIP/PIP",
    "penerima_blt": "BLT",
    "penerima_rtlh": "Bedah rumah (RTLH)",
}

VULNERABLE: dict[str, str] = {
    "jumlah_lansia": "Lansia",
    "jumlah_balita": "Balita",
    "jumlah_disabilitas": "Disabilitas",
}

# column -> kind: text, code (categorical text), int, float, flag (0/1), date
HOUSEHOLD_COLUMNS: dict[str, str] = {
    "id_keluarga": "text",
    "no_kk": "text",
    "nik_krt": "text",
    "nama_krt": "text",
    "alamat": "text",
    "rt": "text",
    "rw": "text",
    "kode_kelurahan": "text",
    "nama_kelurahan": "text",
    "nama_kecamatan": "text",
    "lintang": "float",
    "bujur": "float",
    "jumlah_art": "int",
    "desil": "int",
    "sumber_air_minum": "code",
    "fasilitas_bab": "code",
    "jenis_kloset": "code",
    "pembuangan_tinja": "code",
    "sumber_penerangan": "code",
    "luas_lantai": "float",
    "jenis_lantai": "code",
    "jenis_dinding": "code",
    "jenis_atap": "code",
    "punya_mobil": "flag",
    **{name: "flag" for name in PROGRAMS},
    **{name: "int" for name in VULNERABLE},
    "jumlah_anak_tidak_sekolah": "int",
    "krt_bekerja": "flag",
    "tanggal_verifikasi": "date",
}

# Set by linking, stored beside the canonical columns.
LINK_COLUMNS: dict[str, str] = {
    "region_code": "text",  # the kelurahan the row was linked to (dotted Kemendagri code)
    "link_method": "text",  # kode | nama | titik | None (unlinked)
    "link_conflict": "flag",  # the point lies > 200 m outside the coded kelurahan
    "link_note": "text",  # candidates of an ambiguous name, distance of a conflict, ...
}

PERSONAL_COLUMNS = ("no_kk", "nik_krt")

PRIVATE_COLUMNS = (*PERSONAL_COLUMNS, "nama_krt", "alamat")
"""Personal columns kept out of every analytic copy of the households (the view cache, the
analytic Parquet dataset): NIK, No. KK, name and address."""

STORAGES = ("database", "dataset")
"""Where a period's households are: the database's households table, or a partitioned Parquet
dataset (:mod:`geo.household_dataset`, ``import-households --storage dataset``)."""
