"""Indonesian number and date formats: ``1.234``, ``12,5%``, ``22 Nov 2026``."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
_MONTHS_LONG = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember"]


def _swap(text: str) -> str:
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_int(value: float | int | None) -> str:
    """``1234567`` -> ``1.234.567``; missing -> ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _swap(f"{round(value):,}")


def floats(values: Iterable) -> np.ndarray:
    """Numbers (array, Series or list) as a float array, a missing one (None, NaN, pd.NA) as
    NaN."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return values.astype(float, copy=False)
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return pd.array(list(values), dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


def fmt_num(value: float | None, decimals: int = 1) -> str:
    """``1234.56`` -> ``1.234,6``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _swap(f"{value:,.{decimals}f}")


def fmt_pct(value: float | None, decimals: int = 1) -> str:
    """A percentage (already scaled to 0..100): ``12.34`` -> ``12,3%``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt_num(value, decimals)}%"


_SWAP = str.maketrans(",.", ".,")


def fmt_ints(values: Iterable) -> list[str]:
    """:func:`fmt_int` of each value (missing -> ``–``), formatted in one pass: a province's
    tables and tooltips hold tens of thousands of numbers."""
    arr = floats(values)
    missing = np.isnan(arr)
    whole = np.rint(np.where(missing, 0.0, arr)).astype(np.int64)  # half to even, as round()
    small = (whole >= 0) & (whole < SMALL_INTS)
    texts = _small_int_texts()[np.where(small, whole, 0)]
    other = np.flatnonzero(~small)
    if len(other):
        texts[other] = _missing_as_dash("{:,}", whole[other], np.zeros(len(other), bool))
    texts[missing] = "–"
    return texts.tolist()


SMALL_INTS = 100_000
"""Whole numbers below this are looked up, not formatted: an area's counts nearly always are."""


@functools.cache
def _small_int_texts() -> np.ndarray:
    """``0`` … ``99.999`` as texts, made once (6 MB): a province's map formats tens of thousands
    of counts on every filter change."""
    return np.array(_missing_as_dash("{:,}", np.arange(SMALL_INTS), np.zeros(SMALL_INTS, bool)),
                    dtype=object)


def fmt_pcts(values: Iterable, decimals: int = 1) -> list[str]:
    """:func:`fmt_pct` of each value (missing -> ``–``), formatted in one pass."""
    arr = floats(values)
    return _missing_as_dash(f"{{:,.{decimals}f}}%", arr, np.isnan(arr))


def _missing_as_dash(pattern: str, values: np.ndarray, missing: np.ndarray) -> list[str]:
    """Each value through ``pattern`` with Indonesian separators, ``–`` where ``missing``."""
    if not len(values):
        return []
    texts = "\n".join(map(pattern.format, values.tolist())).translate(_SWAP).split("\n")
    for i in np.flatnonzero(missing).tolist():
        texts[i] = "–"
    return texts


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def fmt_period(period: str | None) -> str:
    """``2026-09`` -> ``September 2026``."""
    if not period:
        return "–"
    year, month = period.split("-")
    return f"{_MONTHS_LONG[int(month) - 1]} {year}"


def fmt_period_short(period: str) -> str:
    """``2026-09`` -> ``Sep 2026``."""
    year, month = period.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


_MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:=&\"'")


def plain(text: object) -> str:
    """A name or value from the data (region name, file name, column header, cell value)
    made safe to put in text Streamlit renders as Markdown: every Markdown and HTML mark
    escaped with a backslash and line breaks made spaces, so it shows as the plain text it is
    (no image, link, heading or colour). ``![b](http://x/b.png)`` -> ``\\!\\[b\\]\\(http\\:…``."""
    flat = " ".join(str(text).split()) if text is not None else ""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in flat)
