"""Values of a proposal as written in SIPD-like exports: money, volume, source, status.

Each parser returns the value or raises :class:`ValueError` with an Indonesian reason (the
importer adds file, row and column).
"""

from __future__ import annotations

import math
import re

import pandas as pd

# status -> label; the flow of musrenbang.md (ditolak needs a reason)
STATUSES: dict[str, str] = {
    "diusulkan": "diusulkan",
    "diverifikasi": "diverifikasi",
    "diterima_opd": "diterima OPD",
    "masuk_renja": "masuk Renja",
    "ditolak": "ditolak",
}
ACCEPTED = ("diterima_opd", "masuk_renja")
REJECTED = "ditolak"

# source -> label
SOURCES: dict[str, str] = {
    "musrenbang_kelurahan": "Musrenbang kelurahan",
    "musrenbang_kecamatan": "Musrenbang kecamatan",
    "pokir": "Pokir DPRD",
    "opd": "OPD",
}

_STATUS_WORDS = (
    (("tolak", "batal", "ditolak"), "ditolak"),
    (("renja", "rkpd"), "masuk_renja"),
    (("terima", "diterima", "setuju", "disetujui"), "diterima_opd"),
    (("verif", "diverifikasi", "terverifikasi", "1", "true", "ya"), "diverifikasi"),
    (("usul", "diusulkan", "baru", "0", "false", "tidak", "belum"), "diusulkan"),
)


BLANK_TEXTS = ("", "-", "nan", "None", "<NA>")  # a cell holding one of these is empty


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        str(value).strip() in BLANK_TEXTS


def blank_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`blank` of every cell at once (a sheet formatted down to row 1.048.576 reads as
    that many blank rows)."""
    return frame.isna() | frame.astype(str).apply(lambda c: c.str.strip()).isin(BLANK_TEXTS)


def parse_rupiah(value: object) -> float:
    """Indonesian money: ``Rp 1.250.000``, ``1.250.000,00``, ``Rp1,250,000.00``, ``1250000``,
    ``1.5 jt`` is refused (not a sum). Dots group thousands unless the text is a plain decimal
    number from a spreadsheet (``1250000.0``)."""
    if blank(value):
        raise ValueError("anggaran kosong")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        body = re.sub(r"^(rp\.?|idr)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
        body = body.removesuffix(",-").removesuffix(".-")
        if re.fullmatch(r"\d+(\.\d+)?", body) and not re.fullmatch(r"\d{1,3}(\.\d{3})+", body):
            number = float(body)  # 1250000 or 1250000.0 (a spreadsheet number)
        elif re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d{1,2})?", body):
            number = float(body.replace(".", "").replace(",", "."))  # 1.250.000,00
        elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", body):
            number = float(body.replace(",", ""))  # 1,250,000.00 (English style)
        else:
            raise ValueError(f"anggaran {text!r} bukan jumlah rupiah (contoh: Rp 1.250.000)")
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"anggaran {value!r} harus lebih dari 0")
    return number


def parse_volume(value: object) -> float:
    """A positive quantity: ``12``, ``2,5``, ``1.000`` (thousands)."""
    if blank(value):
        raise ValueError("volume kosong")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"volume {str(value).strip()!r} bukan angka") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"volume {value!r} harus lebih dari 0")
    return number


def parse_source(value: object) -> str:
    """ASMAS (musrenbang kelurahan/kecamatan), POKIR (DPRD) or OPD; unknown -> ValueError."""
    if blank(value):
        return "musrenbang_kelurahan"
    key = re.sub(r"[^a-z]", "", str(value).lower())
    if "pokir" in key or "dprd" in key or "pokokpikiran" in key:
        return "pokir"
    if "kecamatan" in key or key == "kec":
        return "musrenbang_kecamatan"
    if "asmas" in key or "musrenbang" in key or "kelurahan" in key or "desa" in key \
            or "aspirasi" in key or "masyarakat" in key:
        return "musrenbang_kelurahan"
    if key in ("opd", "skpd", "perangkatdaerah", "renja") or key.startswith("dinas"):
        return "opd"
    raise ValueError(f"sumber {str(value).strip()!r} tidak dikenal (ASMAS/musrenbang, POKIR, "
                     "OPD)")


def parse_status(value: object) -> str:
    """SIPD's ``is_verif`` (0/1) or a status word; blank is ``diusulkan``."""
    if blank(value):
        return "diusulkan"
    key = re.sub(r"[^a-z0-9]", "", str(value).lower())
    if key in STATUSES:
        return key
    for words, status in _STATUS_WORDS:
        if key in words or any(len(w) > 2 and w in key for w in words):
            return status
    raise ValueError(f"status {str(value).strip()!r} tidak dikenal ("
                     f"{', '.join(STATUSES.values())})")


def parse_year(value: object) -> int | None:
    if blank(value):
        return None
    text = str(value).strip().removesuffix(".0")
    if not re.fullmatch(r"20\d\d", text):
        raise ValueError(f"tahun {str(value).strip()!r} bukan tahun (contoh: 2027)")
    return int(text)


def parse_coordinate(value: object, low: float, high: float, what: str) -> float | None:
    if blank(value):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{what} {str(value).strip()!r} bukan angka") from None
    if not low <= number <= high:
        raise ValueError(f"{what} {number} di luar rentang {low}..{high}")
    return number
