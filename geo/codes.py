"""Kemendagri area codes: the one place that knows how a code is written.

A kelurahan/desa code has 10 digits written ``PP.KK.CC.DDDD`` (province, kabupaten/kota,
kecamatan, kelurahan/desa). Files carry it dotted, undotted, spaced, as a float (``.0``), with
the leading zero lost, or split in four columns. Kelurahan codes start their last part with 1,
desa codes with 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

# Digits per segment, from the province down.
SEGMENTS = (2, 2, 2, 4)
LEVEL_DIGITS = {"provinsi": 2, "kota": 4, "kecamatan": 6, "kelurahan": 10}

_SEPARATORS = re.compile(r"[\s.\-_/]+")


def format_code(digits: str) -> str:
    """Dot a run of 2, 4, 6 or 10 digits: ``3674011001`` -> ``36.74.01.1001``."""
    parts, start = [], 0
    for width in SEGMENTS:
        if start >= len(digits):
            break
        parts.append(digits[start : start + width])
        start += width
    return ".".join(parts)


def normalize_code(value: object, level: str = "kelurahan") -> str | None:
    """Return the dotted code of ``level`` for any written form, or None if it is not one.

    Accepts ``36.74.01.1001``, ``3674011001``, ``36 74 01 1001`` and ``3674011001.0``. Province
    codes run from 11 upwards, so a numeric column cannot lose a leading zero; nothing is padded.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "null"}:
        return None
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    want = LEVEL_DIGITS[level]
    if "." in text or " " in text or "-" in text:
        pieces = [p for p in _SEPARATORS.split(text) if p]
        if not all(p.isdigit() for p in pieces):
            return None
        widths = SEGMENTS[: len(pieces)]
        if len(pieces) != len(widths):
            return None
        digits = "".join(p.zfill(w) for p, w in zip(pieces, widths))
    else:
        digits = text
    if not digits.isdigit():
        return None
    if len(digits) != want:
        return None
    return format_code(digits)


def normalize_codes(values: pd.Series, level: str = "kelurahan") -> pd.Series:
    """Vectorised :func:`normalize_code` over the distinct values of a column."""
    # factorize works on the column's own (often pyarrow) storage: no object copy of millions
    # of rows; missing values (code -1) take the last entry, None, as normalize_code gives them.
    # The result's dtype is inferred as before (Series.map over a dict)
    codes, uniques = pd.factorize(values)
    table = np.array([*(normalize_code(u, level) for u in uniques), None], dtype=object)
    return pd.Series(table[codes], index=values.index, name=values.name)


def join_split_code(prov: object, kab: object, kec: object, desa: object) -> str | None:
    """Build a kelurahan code from the four split columns (KDPROV, KDKAB, KDKEC, KDDESA)."""
    pieces = []
    for value, width in zip((prov, kab, kec, desa), SEGMENTS):
        code = normalize_piece(value, width)
        if code is None:
            return None
        pieces.append(code)
    return ".".join(pieces)


def normalize_piece(value: object, width: int) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if not text.isdigit() or len(text) > width:
        # a split column sometimes repeats its parents: 3674011001 in KDDESA
        if text.isdigit() and len(text) in (4, 6, 10) and len(text) > width:
            return text[-width:]
        return None
    return text.zfill(width)


# Characters of a dotted code per level, from the top: ``36.74.01.1001`` is in kecamatan
# ``36.74.01``, kota ``36.74`` and provinsi ``36``.
LEVELS = ("provinsi", "kota", "kecamatan", "kelurahan")
CODE_LENGTH = {"provinsi": 2, "kota": 5, "kecamatan": 8, "kelurahan": 13}


def codes_prefix_of(level: str) -> int:
    """How many characters of a dotted code name its area at ``level`` (kecamatan: 8)."""
    return CODE_LENGTH[level]


def coarser(level: str, other: str) -> str:
    """The higher of two levels (``coarser("kelurahan", "kota") == "kota"``)."""
    return min(level, other, key=LEVELS.index)


def parent_code(code: str, level: str | None = None) -> str | None:
    """The code one level up: ``36.74.01.1001`` -> ``36.74.01``; ``36.74.01`` -> ``36.74``;
    ``36.74`` -> ``36``. With ``level``: the code of the area at that level holding ``code``
    (``parent_code("36.74.01.1001", "kota") == "36.74"``; a code at or above ``level`` is
    returned as it is)."""
    if level is not None:
        return str(code)[:CODE_LENGTH[level]]
    parts = code.split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 else None


def parent_codes(codes: object, level: str) -> pd.Index:
    """:func:`parent_code` with ``level`` of every code (a Series, Index or list)."""
    return pd.Index(pd.Index(list(codes), dtype=object).astype(str).str[:CODE_LENGTH[level]])


def is_desa(code: str) -> bool:
    """Desa codes start their last segment with 2; kelurahan with 1."""
    return len(code) == 13 and code[9] == "2"


def are_desa(codes: pd.Series) -> np.ndarray:
    """:func:`is_desa` of every code (empty or missing: not a desa)."""
    code = codes.astype("string").fillna("")
    return (code.str.len().eq(CODE_LENGTH["kelurahan"]) & code.str[9:10].eq("2")).to_numpy(
        dtype=bool)


KOTA_FROM = 71  # Kemendagri: a kabupaten/kota code's 2nd segment 01–69 is a kabupaten, 71– a kota
LEVEL_WORDS = {"kota": ("Kabupaten", "Kota", "Kabupaten/Kota"),
               "kelurahan": ("Desa", "Kelurahan", "Kelurahan/Desa")}


def level_word(level: str, codes: Iterable[object]) -> str:
    """What the areas of ``level`` are called, from their codes: "Kota", "Kabupaten" or, when
    both (a province) or the codes do not say, "Kabupaten/Kota"; likewise "Kelurahan", "Desa"
    or "Kelurahan/Desa". "Kecamatan" and "Provinsi" are always that."""
    if level not in LEVEL_WORDS:
        return level.capitalize()
    code = pd.Series(list(codes), dtype=object).astype(str)
    if level == "kota":  # PP.KK: the KK segment
        digits = code.str.replace(".", "", regex=False)
        says = digits.str.len().eq(4) & digits.str.isdigit()
        yes = digits.str[2:].where(says, "0").astype(int) >= KOTA_FROM
    else:  # PP.KK.CC.DDDD: the first digit of DDDD
        first = code.str[9:10]
        says = code.str.len().eq(CODE_LENGTH["kelurahan"]) & first.isin(["1", "2"])
        yes = first.eq("1")
    no, yes_word, both = LEVEL_WORDS[level]
    if not len(code) or not says.all() or yes.nunique() != 1:
        return both
    return yes_word if yes.iat[0] else no


def area_ids(region: pd.Series, codes: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, pd.Categorical]:
    """Kelurahan codes as integer area ids: (the codes, an id per row with ``len(codes)`` for
    a row linked to none, the categorical of the rows). ``codes``: the areas to number
    (default: those present, sorted)."""
    region = region.astype("string")
    cat = pd.Categorical(region) if codes is None else pd.Categorical(region, categories=codes)
    codes = np.asarray(cat.categories.astype(str), dtype=object)
    area = np.asarray(cat.codes, dtype=np.intp).copy()
    area[area < 0] = len(codes)
    return codes, area, cat
