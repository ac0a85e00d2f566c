"""What a forum sees of an indicator per area: one suppression that every page reads.

Small counts (1–4) are hidden for a forum, and one more count ("–") wherever a total shown
somewhere (the city's, a kecamatan's at its level) minus the shown counts would give a small one
back (:mod:`geo.disclosure`). A count hidden on one page and shown on another is not hidden at
all, so the pages do not each decide: for the areas of a level and the filters in force, an
indicator's counts (households, those counted, the denominator, the population) are suppressed
here, column by column (they do not add up along a row) in code order, and the map, its export,
the Cakupan, Lintas OPD and Prioritas tables and the kartu show these texts, hide the rate of
a hidden count or denominator, and take a subset of areas (a top list) from the whole level's
suppression, never from their own rows.

The sidebar's area filter is such a subset too: a forum may choose a kecamatan or a kelurahan,
so the cells of the chosen areas come from the suppression over every area of the period
(:func:`whole_cells`), and a total over the chosen areas, which is one area's count or a sum of
them, is hidden where any of them is (:func:`totals_hidden`, :class:`Totals`): filtering to an
area never shows what the whole map hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import indicators
from geo.codes import parent_codes
from geo.columns import HOUSEHOLDS, columns
from geo.filters import Filters, chosen_areas
from geo.fmt import fmt_int, fmt_ints
from geo.suppression import (
    HIDDEN_TOO,
    count_text,
    hidden_cells,
    is_small,
    people_text,
    protected_texts,
    rate_text,
)


def cells(table: pd.DataFrame, ind_id: str, share: float, hide: bool = True) -> pd.DataFrame:
    """Per area (``table``: an area table of a whole level in scope): households, the
    indicator's count (unknown where too little is known), its denominator and its population,
    as text; with ``hide`` suppressed for a forum."""
    c = columns(ind_id)
    counts = pd.DataFrame({
        HOUSEHOLDS: table[HOUSEHOLDS].to_numpy(dtype=float),
        c.count: indicators.known_count(table, c.count, ind_id, share).to_numpy(dtype=float),
        c.denominator: table[c.denominator].to_numpy(dtype=float),
        c.population: table[c.population].to_numpy(dtype=float),
    }, index=pd.Index(table.index, dtype=object))
    return pd.concat([column_texts(counts[column], hide) for column in counts], axis=1)


def column_texts(counts: pd.Series, hide: bool = True) -> pd.Series:
    """One column of counts per area (indexed by code) as text, suppressed alone (within each
    kecamatan too; ties broken in code order, :func:`geo.suppression.protected_texts`). Areas
    with 0 or no count change nothing, so any page holding the same non-zero counts of a level
    hides the same cells."""
    values = pd.Series(counts.to_numpy(dtype=float), index=pd.Index(counts.index, dtype=object),
                       name="n" if counts.name is None else counts.name)
    return protected_texts(values.to_frame(), hide)[values.name]


def column_hidden(counts: pd.Series) -> pd.Series:
    """Per area (indexed by code): :func:`column_texts` hides the count for a forum."""
    return pd.Series(hidden_cells(column_texts(counts)), index=counts.index)


def need_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per kelurahan (``table``: an indicator table of every kelurahan, with ``kode``): the
    forum's map hides the indicator's count there (what Usulan calls the need)."""
    return _hidden_by_code(table, ind_id)


def denominator_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per kelurahan, as :func:`need_hidden`: the forum's map hides the rate's denominator
    (so the rate too: count ÷ rate would give the denominator back)."""
    return _hidden_by_code(table, columns(ind_id).denominator)


def _hidden_by_code(table: pd.DataFrame, column: str) -> pd.Series:
    return column_hidden(pd.Series(table[column].to_numpy(dtype=float), index=table["kode"]))


def hidden(texts: pd.DataFrame) -> pd.DataFrame:
    """Which of :func:`cells`' texts are hidden (``< 5`` or ``–``), same shape."""
    return pd.DataFrame(hidden_cells(texts), index=texts.index, columns=texts.columns)


def rate_hidden(texts: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per area: the rate is hidden (its count or its denominator is: rate × denominator is
    the count)."""
    c, secret = columns(ind_id), hidden(texts)
    return secret[c.count] | secret[c.denominator]


def hidden_rates(table: pd.DataFrame, ind_ids: Sequence[str], share: float) -> pd.DataFrame:
    """Per area and indicator: whether a forum sees its rate hidden; column ``rumah_tangga``:
    whether it sees the households hidden (the kartu's whole-level reading)."""
    def secret(values: pd.Series) -> np.ndarray:  # one column, as cells() suppresses it
        return column_hidden(values).to_numpy()

    out = {HOUSEHOLDS: secret(table[HOUSEHOLDS])}
    for ind_id in ind_ids:  # the count and the denominator decide the rate
        c = columns(ind_id)
        out[ind_id] = secret(indicators.known_count(table, c.count, ind_id, share)) | secret(
            table[c.denominator])
    return pd.DataFrame(out, index=table.index)[[*ind_ids, HOUSEHOLDS]]


def persons_texts(persons: pd.Series, texts: pd.DataFrame, of: str) -> list[str]:
    """People of a household count: hidden with it (the people of 1–4 households tell as
    much as their number)."""
    out = np.array(fmt_ints(persons), dtype=object)
    out[hidden(texts[[of]])[of].to_numpy()] = HIDDEN_TOO
    return out.tolist()


def whole_cells(table: pd.DataFrame, whole: pd.DataFrame | None, ind_id: str, share: float,
                hide: bool = True) -> pd.DataFrame:
    """:func:`cells` of ``table``'s areas as the suppression over ``whole`` (every area of the
    same level, whatever the area filter; None: ``table`` is whole) decides them."""
    if whole is None:
        return cells(table, ind_id, share, hide)
    extra = table.index.difference(whole.index)  # areas without households: zeros
    frame = pd.concat([whole, table.loc[extra]]) if len(extra) else whole
    return cells(frame, ind_id, share, hide).reindex(table.index)


def chosen_level(filters: Filters) -> str | None:
    """The level of the areas the area filter chose (the finest one given); None: none."""
    for level, codes in (("kelurahan", filters.kelurahan), ("kecamatan", filters.kecamatan),
                         ("kota", filters.kota)):
        if codes:
            return level
    return None


def totals_hidden(whole: pd.DataFrame, ind_id: str, share: float, filters: Filters
                  ) -> frozenset[str]:
    """The counts of :func:`cells` (households, the indicator's count, its denominator and
    population) whose total over the areas the area filter chose a forum sees hidden. Such a
    total is one area's count or a sum of counts of one level (the filter's finest), so it is
    hidden where any chosen area's count is hidden in that level's suppression over every area
    (``whole``: every kelurahan, as :func:`geo.indicators.area_counts` gives them)."""
    level = chosen_level(filters)
    if level is None:
        return frozenset()
    table = indicators.roll_up(whole, level, share)
    chosen = chosen_areas(pd.DataFrame({"kode": table.index.astype(str)}), filters, level)
    secret = hidden(cells(table, ind_id, share))[chosen.to_numpy()]
    return frozenset(secret.columns[secret.any(axis=0).to_numpy()])


def selection_hidden(counts: pd.Series, filters: Filters) -> bool:
    """Whether a forum sees hidden the total of one count (``counts``: per kelurahan of every
    area, by code) over the areas the area filter chose: summed to the filter's level, the
    count of a chosen area is hidden there (by :func:`column_texts`, as a table of that level
    shows it). A kelurahan's total is its own cell; a kecamatan's is hidden where a table of
    kecamatan would hide it."""
    level = chosen_level(filters)
    if level is None:
        return False
    values = pd.Series(counts.to_numpy(dtype=float), index=pd.Index(counts.index, dtype=object))
    if level != "kelurahan":
        values = values.groupby(np.asarray(parent_codes(values.index, level))).sum()
    chosen = chosen_areas(pd.DataFrame({"kode": values.index.astype(str)}), filters, level)
    return bool(column_hidden(values)[chosen.to_numpy()].any())


@dataclass(frozen=True)
class Totals:
    """An indicator's totals over the areas in scope (:func:`geo.indicators.totals`) as a page
    shows them: with ``hide`` small ones as "< 5", and "–" where they would give back an
    area's count the whole map hides (``hidden``: :func:`totals_hidden`)."""

    values: pd.Series
    ind_id: str
    hide: bool
    hidden: frozenset[str] = frozenset()

    def is_hidden(self, column: str) -> bool:
        return self.hide and column in self.hidden and self.values[column] > 0

    def count(self, column: str) -> str:
        """A count of :func:`cells` (or of households) as text ("< 5" before "–")."""
        if self.is_hidden(column) and not is_small(self.values[column]):
            return HIDDEN_TOO
        return count_text(self.values[column], self.hide) if self.hide else fmt_int(
            self.values[column])

    def persons(self) -> str:
        """The people of the households counted: hidden with their count."""
        c = columns(self.ind_id)
        if self.is_hidden(c.count):
            return HIDDEN_TOO
        v = self.values
        return people_text(v[c.persons], v[c.count]) if self.hide else fmt_int(v[c.persons])

    def rate(self) -> str:
        """The rate: hidden where its count or its denominator is (their quotient)."""
        c = columns(self.ind_id)
        if self.is_hidden(c.count) or self.is_hidden(c.denominator):
            return HIDDEN_TOO
        return rate_text(self.values[c.rate], self.values[c.denominator], self.hide)
