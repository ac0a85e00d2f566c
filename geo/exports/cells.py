"""One cell of an export: formula neutralisation and numbers kept as numbers.

A spreadsheet treats a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return, which some programs strip first) as a formula: a kelurahan named
``=HYPERLINK("http://evil","klik")`` becomes a live link, ``@SUM(A1)`` a calculation (CSV
injection, OWASP). Every *text* value of every export is therefore written with a leading
``'``; numbers are never touched (a negative number stays a number).
"""

from __future__ import annotations

import math
from numbers import Number

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def is_missing(value: object) -> bool:
    """An empty cell: None, NA, NaN (unknown is never written as 0)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def cell_value(value: object) -> object:
    """What a cell holds: None (empty), an int or float (a number), or neutralised text.
    Booleans become ``ya``/``tidak``; dates and everything else their text."""
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "ya" if value else "tidak"
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, Number):
        number = float(value)  # type: ignore[arg-type]
        return None if math.isinf(number) else number
    if isinstance(value, pd.Timestamp):
        value = value.isoformat(sep=" ", timespec="seconds")
    return neutralise(str(value))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell neutralised (numbers, NaN untouched), for exports that
    are written by another library."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind in "iufb":
            continue
        out[column] = [v if not isinstance(v, str) else neutralise(v) for v in out[column]]
    return out
