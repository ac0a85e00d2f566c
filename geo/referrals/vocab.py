"""The words of a referral log: its columns and their header spellings, need categories,
statuses and service-point types with the wording met in SLRT/Puskesos exports, and the one
function that reads a date. The one place the importer learns a new spelling."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from geo.register_columns import HEADER_ALIASES, header_key

# canonical column -> (label a person reads, headers seen in exports)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id_rujukan": ("ID rujukan", ("ID_RUJUKAN", "NO_RUJUKAN", "NOMOR_RUJUKAN", "ID_KASUS",
                                  "NO_KASUS", "NO_REGISTRASI", "ID_LAYANAN", "NO_TIKET",
                                  "ID_PENGADUAN")),
    "tanggal": ("tanggal rujukan", ("TANGGAL", "TGL", "TANGGAL_RUJUKAN", "TGL_RUJUKAN",
                                    "TANGGAL_PENGADUAN", "TGL_PENGADUAN", "TANGGAL_LAYANAN",
                                    "TGL_LAYANAN", "TANGGAL_MASUK", "TGL_MASUK")),
    "id_keluarga": ("ID DTKS", ("ID_DTKS", "IDDTKS", "ID_KELUARGA", "ID_DTSEN", "IDSEMESTA")),
    "no_kk": ("No. KK", HEADER_ALIASES["no_kk"]),
    "nik": ("NIK", ("NIK", "NIK_PEMOHON", "NIK_KRT", "NIK_KEPALA_KELUARGA", "NIK_PENERIMA")),
    "kode_kelurahan": ("kode kelurahan", HEADER_ALIASES["kode_kelurahan"]),
    "nama_kelurahan": ("kelurahan", HEADER_ALIASES["nama_kelurahan"]),
    "nama_kecamatan": ("kecamatan", HEADER_ALIASES["nama_kecamatan"]),
    "lintang": ("lintang", HEADER_ALIASES["lintang"]),
    "bujur": ("bujur", HEADER_ALIASES["bujur"]),
    "kebutuhan": ("kebutuhan", ("KEBUTUHAN", "KATEGORI", "KATEGORI_KEBUTUHAN", "JENIS_LAYANAN",
                                "JENIS_MASALAH", "MASALAH", "PERMASALAHAN", "JENIS_KEBUTUHAN",
                                "LAYANAN")),
    "dirujuk_ke": ("dirujuk ke", ("DIRUJUK_KE", "RUJUKAN_KE", "DIRUJUK", "OPD_TUJUAN",
                                  "INSTANSI_TUJUAN", "OPD", "TUJUAN_RUJUKAN", "LEMBAGA_TUJUAN",
                                  "INSTANSI")),
    "status": ("status", ("STATUS", "STATUS_RUJUKAN", "STATUS_LAYANAN", "STATUS_KASUS")),
    "tanggal_status": ("tanggal status", ("TANGGAL_STATUS", "TGL_STATUS", "TANGGAL_UPDATE",
                                          "TGL_UPDATE", "TANGGAL_TINDAK_LANJUT",
                                          "TGL_TINDAK_LANJUT", "TANGGAL_SELESAI",
                                          "TGL_SELESAI")),
    "petugas": ("fasilitator/pos", ("FASILITATOR", "PETUGAS", "PENDAMPING", "POS", "PUSKESOS",
                                    "POS_LAYANAN", "NAMA_FASILITATOR")),
}
IDENTITY = ("id_keluarga", "no_kk", "nik")  # at least one per row
LOCATION = ("kode_kelurahan", "nama_kelurahan", "lintang", "bujur")  # at least one column
REQUIRED = ("id_rujukan", "tanggal", "status")

_HEADER_INDEX = {header_key(alias): col for col, (_, aliases) in COLUMNS.items()
                 for alias in (col, *aliases)}


def column_for(header: object) -> str | None:
    """The canonical column a file's header names, or None."""
    return _HEADER_INDEX.get(header_key(header))


def alias_overrides() -> dict[str, str]:
    """Every alias -> its column: lets the register reader find a referral log's header row."""
    return {alias: col for col, (_, aliases) in COLUMNS.items() for alias in (col, *aliases)}


def _word(value: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(value).lower()).strip()


# need category -> wording seen in logs (compared lower-case, punctuation as spaces)
NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kesehatan": ("Kesehatan / BPJS", ("kesehatan", "bpjs", "bpjs kesehatan", "jkn", "pbi",
                                       "pbi jkn", "kis", "berobat", "rumah sakit", "puskesmas",
                                       "jaminan kesehatan", "kesehatan bpjs")),
    "pendidikan": ("Pendidikan", ("pendidikan", "sekolah", "kip", "pip", "beasiswa",
                                  "putus sekolah", "biaya sekolah")),
    "bantuan_sosial": ("Bantuan sosial", ("bantuan sosial", "bansos", "pkh", "bpnt",
                                          "sembako", "blt", "rastra", "bantuan", "dtks",
                                          "usulan dtks", "pendaftaran dtks")),
    "rumah": ("Rumah", ("rumah", "rtlh", "bedah rumah", "perumahan", "rumah tidak layak huni",
                        "bsps", "rehab rumah")),
    "pekerjaan": ("Pekerjaan", ("pekerjaan", "kerja", "pelatihan kerja", "lapangan kerja",
                                "usaha", "modal usaha", "ketenagakerjaan", "ekonomi produktif")),
    "disabilitas": ("Disabilitas", ("disabilitas", "difabel", "penyandang disabilitas",
                                    "alat bantu")),
    "lansia": ("Lansia", ("lansia", "lanjut usia", "lansia telantar", "lansia terlantar")),
    "anak": ("Anak", ("anak", "anak telantar", "anak terlantar", "perlindungan anak",
                      "stunting", "balita")),
    "lainnya": ("Lainnya", ("lainnya", "lain lain", "lain")),
}
STATUSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "baru": ("Baru", ("baru", "diterima", "masuk", "pengaduan", "registrasi", "new")),
    "dirujuk": ("Dirujuk", ("dirujuk", "rujuk", "dalam rujukan", "proses rujukan",
                            "diteruskan", "referred")),
    "ditangani": ("Ditangani", ("ditangani", "proses", "diproses", "dalam proses",
                                "sedang ditangani", "tindak lanjut", "ditindaklanjuti")),
    "selesai": ("Selesai", ("selesai", "tuntas", "terlayani", "sudah ditangani", "closed",
                            "done")),
    "ditolak": ("Ditolak", ("ditolak", "tolak", "tidak memenuhi syarat", "tms", "batal",
                            "rejected")),
}
OPEN_STATUSES = ("baru", "dirujuk", "ditangani")  # a referral still waiting for an outcome

# service-point type -> (label, wording)
POINT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "puskesos": ("Puskesos", ("puskesos", "pusat kesejahteraan sosial")),
    "slrt": ("Pos SLRT", ("slrt", "pos slrt", "sekretariat slrt", "layanan rujukan terpadu")),
    "panti": ("Panti sosial", ("panti", "panti sosial", "panti asuhan", "panti werdha",
                               "panti jompo", "lks")),
    "puskesmas": ("Puskesmas", ("puskesmas", "pustu", "puskesmas pembantu")),
    "sekolah": ("Sekolah", ("sekolah", "sd", "smp", "sma", "smk", "mi", "mts", "ma")),
    "kantor_kelurahan": ("Kantor kelurahan", ("kantor kelurahan", "kelurahan", "kantor desa",
                                              "balai desa", "kantor lurah")),
}


def _index(vocab: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    out = {}
    for code, (label, words) in vocab.items():
        for w in (code, label, *words):
            out[_word(w)] = code
    return out


_NEED_INDEX, _STATUS_INDEX, _POINT_INDEX = _index(NEEDS), _index(STATUSES), _index(POINT_TYPES)


def need_code(value: object) -> str | None:
    """The need category a log's wording names (``BPJS`` -> ``kesehatan``), or None."""
    return _NEED_INDEX.get(_word(value))


def status_code(value: object) -> str | None:
    """The status a log's wording names (``Tuntas`` -> ``selesai``), or None."""
    return _STATUS_INDEX.get(_word(value))


def point_type(value: object) -> str | None:
    """The service-point type a file's wording names (``Pustu`` -> ``puskesmas``), or None."""
    return _POINT_INDEX.get(_word(value))


def listing(vocab: dict[str, tuple[str, tuple[str, ...]]]) -> str:
    return ", ".join(vocab)


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
EARLIEST = date(2000, 1, 1)  # SLRT began in 2016; older dates are typing errors


def parse_date(value: object) -> date | None:
    """A date as a log writes it: ``2025-03-14``, ``14/03/2025``, ``14-03-2025``, ``14.03.2025``
    (Indonesian order: day first), an Excel date cell; None if it is none of these or before
    :data:`EARLIEST`. The one date reader of the referral import."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if value >= EARLIEST else None
    text = str(value).strip()
    m = _ISO.match(text)
    try:
        if m:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            m = _DAY_FIRST.match(text)
            if not m:
                return None
            d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return d if d >= EARLIEST else None
