"""The label registry: column id (snake_case, as in the machine CSV and ``python -m geo
indicators``) → Indonesian header with its unit, for every export and the screen tables.

Indicator columns take their label from the indicator registry (:mod:`geo.indicators`), so a
renamed indicator is renamed everywhere; only the few fixed columns are named here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from geo import indicators
from geo.columns import HOUSEHOLDS, PERSONS

FIXED = {
    "kode": "Kode wilayah",
    "nama": "Nama wilayah",
    "kecamatan": "Kecamatan",
    HOUSEHOLDS: "Rumah tangga",
    PERSONS: "Jiwa",
}

# kinds of column, by the Excel display format they get
COUNT, PERCENT, TEXT = "count", "percent", "text"
FORMATS = {COUNT: "#,##0", PERCENT: "0.0"}

_SUFFIXES = ("_jiwa", "_penyebut", "_semesta", "_diketahui", "_persen")


def split(column: str) -> tuple[str, str] | None:
    """(indicator id, suffix) of an indicator column (``rtlh_persen`` → ``("rtlh",
    "_persen")``, ``rtlh`` → ``("rtlh", "")``), None for any other column."""
    if column in indicators.BY_ID:
        return column, ""
    for suffix in _SUFFIXES:
        if column.endswith(suffix) and column.removesuffix(suffix) in indicators.BY_ID:
            return column.removesuffix(suffix), suffix
    return None


def label(column: str, level_label: str | None = None, single: str | None = None) -> str:
    """The Indonesian header of ``column``: ``nama`` is named by the level when given;
    ``single`` is the one indicator of a one-indicator table (its share known is then just
    "Data diketahui, %"). Unknown columns keep their id."""
    if column == "nama" and level_label:
        return level_label
    if column in FIXED:
        return FIXED[column]
    parts = split(column)
    if parts is None:
        return column
    ind_id, suffix = parts
    ind = indicators.get(ind_id)
    return {
        "": f"{ind.label}, rumah tangga",
        "_jiwa": f"{ind.label}, jiwa",
        "_penyebut": f"Penyebut: {ind.denominator_label}, nilai diketahui"
                     + ("" if single == ind_id else f" ({ind.label})"),
        "_semesta": f"Semua {ind.denominator_label}"
                    + ("" if single == ind_id else f" ({ind.label})"),
        "_persen": f"{ind.label}, %",
        "_diketahui": "Data diketahui, %" if single == ind_id
                      else f"{ind.label}: data diketahui, %",
    }[suffix]


def kind(column: str) -> str:
    """COUNT, PERCENT or TEXT: the display format a numeric column gets."""
    parts = split(column)
    if parts is not None:
        return PERCENT if parts[1] in ("_persen", "_diketahui") else COUNT
    if column in (HOUSEHOLDS, PERSONS):
        return COUNT
    return PERCENT if column.endswith(("_bagian", "(%)", ", %")) else TEXT


def labels(columns: Iterable[str], level_label: str | None = None, single: str | None = None,
           extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{column: label}`` for a table's columns (``extra`` names the table's own columns)."""
    extra = extra or {}
    return {c: extra.get(c) or label(c, level_label, single) for c in columns}


def number_formats(columns: Iterable[str], percent: Iterable[str] = ()) -> dict[str, str]:
    """Excel display formats by column id (``percent``: more columns shown as ``0.0``)."""
    more = set(percent)
    out = {}
    for column in columns:
        k = PERCENT if column in more else kind(column)
        if k in FORMATS:
            out[column] = FORMATS[k]
    return out
