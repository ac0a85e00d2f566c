"""The column names of an area table (:func:`geo.indicators.area_counts`), in one place.

For an indicator ``id`` an area table holds ``id`` (households counted), ``id_jiwa`` (their
members), ``id_penyebut`` (households in the rate's denominator whose value is known),
``id_semesta`` (households the indicator is about, known or not), ``id_diketahui`` (share
known, 0–1) and ``id_persen`` (the rate, empty where too little is known). Pages and exports
name them through :func:`columns` (``columns("rtlh").rate == "rtlh_persen"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.fmt import fmt_ints

HOUSEHOLDS = "rumah_tangga"  # every household of the area (in the filters)
PERSONS = "jiwa"  # their members


class Columns(NamedTuple):
    count: str
    persons: str
    denominator: str
    population: str
    known: str
    rate: str


def columns(ind_id: str) -> Columns:
    """The area-table columns of one indicator."""
    return Columns(ind_id, f"{ind_id}_jiwa", f"{ind_id}_penyebut", f"{ind_id}_semesta",
                   f"{ind_id}_diketahui", f"{ind_id}_persen")


def known_of_texts(table: pd.DataFrame, ind_id: str) -> list[str]:
    """"18.203 dari 19.751" (households whose value is known, of all) for every row of an area
    table."""
    c = columns(ind_id)
    return [known_of(d, b)
            for d, b in zip(fmt_ints(table[c.denominator]), fmt_ints(table[c.population]))]


def known_of(known: str, population: str) -> str:
    """"18.203 dari 19.751" of two numbers already as text (shown, or hidden for a forum)."""
    return f"{known} dari {population}"


def known_phrase(text: str) -> str:
    """"diketahui untuk 18.203 dari 19.751 rumah tangga" of a :func:`known_of` text."""
    return f"diketahui untuk {text} rumah tangga"


def known_texts(table: pd.DataFrame, ind_id: str) -> list[str]:
    """"diketahui untuk 18.203 dari 19.751 rumah tangga" for every row of an area table."""
    return [known_phrase(text) for text in known_of_texts(table, ind_id)]


def known_text(row: pd.Series, ind_id: str) -> str:
    """:func:`known_texts` of one area or total row."""
    return known_texts(row.to_frame().T, ind_id)[0]


def rates_of(counts: Mapping[str, np.ndarray], ids: Iterable[str], min_known_share: float
           ) -> dict[str, np.ndarray]:
    """``<id>_diketahui`` (share known, 0–1) and ``<id>_persen`` (the rate; empty where less
    than ``min_known_share`` of the population is known, never 0 for an unknown) of each id,
    from its count columns: the one rate definition every area table uses."""
    added: dict[str, np.ndarray] = {}
    for ind_id in ids:
        c = columns(ind_id)
        den = np.asarray(counts[c.denominator], dtype=float)
        base = np.asarray(counts[c.population], dtype=float)
        num = np.asarray(counts[ind_id], dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(base > 0, den / base, np.nan)
            enough = (den > 0) & (share >= min_known_share - 1e-12)
            added[c.known] = share
            added[c.rate] = np.where(enough, 100 * num / den, np.nan)
    return added
