"""Three values per household: yes, no or unknown.

A register may lack a column, leave a cell empty or hold an answer that could not be mapped
(stored empty). Such a household is *unknown* for a rule that needs that answer, unless the
other answers decide it (no toilet at all decides "sanitasi tidak layak" without the closet
type). Unknown is never counted as "no": :mod:`geo.indicators` computes rates over the known
households only. The indicator rules are written with these building blocks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

NO_DATA = "tidak ada data"  # what every page and export says where a value is unknown


class Answer(NamedTuple):
    """A rule's answer per household: ``yes`` (the rule holds) and ``known`` (the register
    decides it). ``yes`` implies ``known``."""

    yes: np.ndarray
    known: np.ndarray


def column_of(df: pd.DataFrame, name: str) -> pd.Series:
    """The column, or all-unknown when the register does not have it."""
    return df[name] if name in df else pd.Series(np.nan, index=df.index)


def _known(df: pd.DataFrame, name: str) -> np.ndarray:
    return column_of(df, name).notna().to_numpy()


def answer_is(df: pd.DataFrame, name: str, values: tuple[str, ...]) -> Answer:
    """The coded column ``name`` holds one of ``values``; unknown where it is empty/absent."""
    known = _known(df, name)
    return Answer(column_of(df, name).isin(values).to_numpy() & known, known)


def flag(df: pd.DataFrame, name: str) -> Answer:
    """The 0/1 column ``name`` is 1; unknown where it is empty or absent."""
    values = column_of(df, name).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(values)
    return Answer(known & (np.nan_to_num(values) > 0), known)


def flag_set(df: pd.DataFrame, name: str) -> np.ndarray:
    """True where the 0/1 column ``name`` is known to be 1 (for listing reasons, not rates)."""
    return flag(df, name).yes


def not_(a: Answer) -> Answer:
    return Answer(a.known & ~a.yes, a.known)


def any_of(*answers: Answer) -> Answer:
    """Yes when one part says yes (whatever the others); no only when every part is known."""
    yes = np.logical_or.reduce([a.yes for a in answers])
    known = yes | np.logical_and.reduce([a.known for a in answers])
    return Answer(yes, known)


def all_of(*answers: Answer) -> Answer:
    """Yes only when every part says yes; no when one part is known to say no."""
    yes = np.logical_and.reduce([a.yes for a in answers])
    no = np.logical_or.reduce([a.known & ~a.yes for a in answers])
    return Answer(yes, yes | no)
