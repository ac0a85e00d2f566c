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

The levels are suppressed together, from the counts of every kelurahan: the kecamatan and
kabupaten/kota a map draws at its coarser levels are their sums, so a kecamatan hidden there
must not be the sum of kelurahan shown here (:func:`geo.suppression.level_texts`). Pages that
read an indicator table rather than the counts behind it take the flags :func:`hidden_counts`
wrote into it (``<column>_disembunyikan``).

The sidebar's area filter is such a subset too: a forum may choose a kecamatan or a kelurahan,
so the cells of the chosen areas come from the suppression over every area of the period
(:func:`whole_cells`), and a total over the chosen areas, which is one area's count or a sum of
them, is hidden where any of them is (:func:`totals_hidden`, :class:`Totals`): filtering to an
area never shows what the whole map hides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import indicators
from geo.codes import parent_codes
from geo.columns import HOUSEHOLDS, columns, known_of, known_phrase, rates_of
from geo.filters import Filters, chosen_areas
from geo.fmt import fmt_int, fmt_ints
from geo.suppression import (
    HIDDEN_TOO,
    LEVEL_OF_DOTS,
    count_text,
    hidden_cells,
    hierarchy_texts,
    is_small,
    level_of,
    level_sums,
    people_text,
    rate_text,
    remembered,
)


def cells(table: pd.DataFrame, ind_id: str, share: float, hide: bool = True,
          level: str | None = None) -> pd.DataFrame:
    """Per area of ``level`` (default ``table``'s own; ``table``: an area table of every
    kelurahan in scope, or of a whole level): households, the indicator's count (unknown where
    too little is known), its denominator and its population, as text; with ``hide``
    suppressed for a forum, each count at every level above ``table``'s together
    (:func:`geo.suppression.level_texts`: a kecamatan's "–" is no sum of shown
    kelurahan)."""
    own = level_of(table.index)
    level = level or own
    if not hide and level != own:
        return cells(indicators.roll_up(table, level, share), ind_id, share, hide)
    return level_cells(table, ind_id, share, hide)[level]


def level_cells(table: pd.DataFrame, ind_id: str, share: float, hide: bool = True
                ) -> dict[str, pd.DataFrame]:
    """:func:`cells` at ``table``'s level and each level above, by level, from one
    suppression (a page reading two levels counts them once)."""
    c = columns(ind_id)
    per_column = {column: _texts(table, column, ind_id, share, hide)
                  for column in (HOUSEHOLDS, c.count, c.denominator, c.population)}
    return {lv: pd.DataFrame({column: texts[lv] for column, texts in per_column.items()})
            for lv in per_column[HOUSEHOLDS]}


def level_texts(table: pd.DataFrame, column: str, ind_id: str | None, share: float,
                level: str | None = None) -> pd.Series:
    """One count column of ``table`` (as :func:`cells` takes it; an indicator's count when
    ``ind_id`` names its indicator) as a forum sees it per area of ``level``."""
    return _texts(table, column, ind_id, share, True)[level or level_of(table.index)]


def _texts(table: pd.DataFrame, column: str, ind_id: str | None, share: float, hide: bool,
           forced: dict[str, pd.Series] | None = None) -> dict[str, pd.Series]:
    """One count column of ``table`` as text at its level and each level above. An
    indicator's count is unknown at a level where too little is known (its sums recomputed
    there, as :func:`geo.indicators.roll_up` does), and where it is, a reader knows only that
    it is at most its denominator. An indicator's count that another one's can be subtracted
    from (:data:`geo.indicators.NESTED`, :data:`~geo.indicators.COMPLEMENTS`) hides what the
    difference would give back (:func:`_related_forced`); ``forced``: cells to hide at each
    level (then no such rule is applied here)."""
    if ind_id is None or column != columns(ind_id).count:
        if hide and forced is None:
            forced = _denominator_forced(table, column, share)
        texts = hierarchy_texts(table[column].astype(float), hide, forced=forced)
    else:
        if hide and forced is None:
            forced = _related_forced(table, ind_id, share)
        counts = _level_counts(table, ind_id, share) if hide else {}
        own = level_of(table.index)
        texts = hierarchy_texts(indicators.known_count(table, column, ind_id, share), hide,
                                {lv: v for lv, v in counts.items() if lv != own},
                                table[columns(ind_id).denominator], forced)
    return {lv: t.rename(column) for lv, t in texts.items()}


def _level_counts(table: pd.DataFrame, ind_id: str, share: float) -> dict[str, pd.Series]:
    """An indicator's count at ``table``'s level and each level above, missing where too
    little is known there (the sums recomputed as :func:`geo.indicators.roll_up` does)."""
    c = columns(ind_id)
    above = level_sums(table[[c.count, c.denominator, c.population]])
    out = {level_of(table.index): indicators.known_count(table, c.count, ind_id, share)}
    for lv, t in above.items():
        out[lv] = indicators.known_count(
            t.assign(**rates_of({k: t[k].to_numpy() for k in t}, [ind_id], share)),
            c.count, ind_id, share)
    return out


def _related_forced(table: pd.DataFrame, ind_id: str, share: float
                    ) -> dict[str, pd.Series] | None:
    """Cells of ``ind_id``'s count a forum must not see because another count shown beside it
    gives back a small one (None: no such rule, or ``table`` lacks the other's columns):

    - a part within a whole (desil 1 within desil 1–4): where the whole is shown and the whole
      minus the part is 1–4, the part is hidden;
    - two counts that add up to their denominator: each is hidden where the other is, so the
      denominator minus the shown one never gives a hidden one back (both suppressed again
      until neither hides more)."""
    forced: dict[str, pd.Series] = {}

    def add(more: dict[str, pd.Series]) -> None:
        for lv, flags in more.items():
            forced[lv] = flags if lv not in forced else forced[lv] | flags.reindex(
                forced[lv].index, fill_value=False)

    for whole, part in indicators.NESTED:
        if part == ind_id and whole in table:
            shown = {lv: ~pd.Series(hidden_cells(t), index=t.index)
                     for lv, t in _texts(table, whole, whole, share, True).items()}
            mine, theirs = _level_counts(table, part, share), _level_counts(table, whole, share)
            add({lv: (shown[lv] & pd.Series(is_small(theirs[lv] - mine[lv]),
                                            index=mine[lv].index)) for lv in mine})
    for pair in indicators.COMPLEMENTS:
        if ind_id in pair and all(i in table for i in pair):
            add(_complement_forced(table, pair, share).forced[ind_id])
    return forced or None


def _denominator_forced(table: pd.DataFrame, column: str, share: float
                        ) -> dict[str, pd.Series] | None:
    """Cells of the denominator two complements share (``column``) that a forum must not
    see: where one count is hidden and the other is 0, the denominator is the hidden one."""
    for pair in indicators.COMPLEMENTS:
        if column not in {columns(i).denominator for i in pair} or not all(
                i in table for i in pair):
            continue
        secret = _complement_forced(table, pair, share).hidden  # the counts as shown
        value = {i: _level_counts(table, i, share) for i in pair}
        a, b = pair
        return {lv: (secret[a][lv] & (value[b][lv].reindex(secret[a][lv].index) == 0))
                | (secret[b][lv] & (value[a][lv].reindex(secret[b][lv].index) == 0))
                for lv in secret[a]}
    return None


@dataclass(frozen=True)
class _Complements:
    """Two complements suppressed together: per indicator and level, the cells forced hidden
    because the other's are, and the cells hidden in the end (the counts as shown)."""

    forced: dict[str, dict[str, pd.Series]]
    hidden: dict[str, dict[str, pd.Series]]


_COMPLEMENTS_DONE: dict[bytes, _Complements] = {}  # by the counts' content


def _complement_forced(table: pd.DataFrame, pair: tuple[str, str], share: float
                       ) -> _Complements:
    """The pair's joint suppression (see :func:`_related_forced`), at every level. Worked out
    once per content of the two indicators' counts (a page asks for both counts and their
    denominator)."""
    used = table[[c for i in pair for c in (columns(i).count, columns(i).denominator,
                                            columns(i).population)]]
    key = hashlib.blake2b(repr((pair, share)).encode() + used.to_numpy(dtype=float).tobytes()
                          + "\x00".join(map(str, used.index)).encode(),
                          digest_size=16).digest()
    return remembered(_COMPLEMENTS_DONE, key,
                      lambda: _complement_suppression(table, pair, share))


def _complement_suppression(table: pd.DataFrame, pair: tuple[str, str], share: float
                            ) -> _Complements:
    forced: dict[str, dict[str, pd.Series]] = {i: {} for i in pair}
    while True:
        hidden = {i: {lv: pd.Series(hidden_cells(t), index=t.index) for lv, t in _texts(
            table, i, i, share, True, forced[i] or {}).items()} for i in pair}
        grown = False
        for i, other in (pair, pair[::-1]):
            for lv, flags in hidden[other].items():
                before = forced[i].get(lv, pd.Series(False, index=flags.index))
                after = before | flags
                if bool((after & ~before).any()):
                    grown = True
                forced[i][lv] = after
        if not grown:  # ``hidden`` was made with the final ``forced``
            return _Complements(forced, hidden)


def column_texts(counts: pd.Series, hide: bool = True) -> pd.Series:
    """One column of counts per area (indexed by code) as text, suppressed alone (within each
    kecamatan too, and together with its sums at the levels above:
    :func:`geo.suppression.hierarchy_texts`; ties broken in code order). Areas with 0 or no
    count change nothing, so any page holding the same non-zero counts of a level hides the
    same cells."""
    values = pd.Series(counts.to_numpy(dtype=float), index=pd.Index(counts.index, dtype=object),
                       name="n" if counts.name is None else counts.name)
    return next(iter(hierarchy_texts(values, hide).values())).rename(values.name)


FLAG = "_disembunyikan"  # column suffix: a forum's map hides this count (forum flags)


def hidden_counts(table: pd.DataFrame, ind_ids: Sequence[str], share: float,
                  level: str | None = None, population: bool = False) -> pd.DataFrame:
    """Per area of ``level`` (default ``table``'s own; ``table`` as :func:`cells` takes it):
    whether a forum's map hides each indicator's count (``<id>``) and its denominator
    (``<id>_penyebut``), and the households (``rumah_tangga``); with ``population`` also the
    population (``<id>_semesta``: the share known, denominator ÷ population, would give a
    hidden one back). The forum flags an indicator table carries
    (:func:`geo.indicator_table.tables_from` with ``forum``), so that pages reading that table
    hide what the map hides without its counts behind it."""
    level = level or level_of(table.index)
    return hidden_counts_levels(table, ind_ids, share, (level,), population)[level]


def hidden_counts_levels(table: pd.DataFrame, ind_ids: Sequence[str], share: float,
                         levels: Sequence[str], population: bool = False
                         ) -> dict[str, pd.DataFrame]:
    """:func:`hidden_counts` at each of ``levels``, from one suppression of each column (it
    decides every level at once)."""
    done: dict[str, dict[str, pd.Series]] = {}

    def secret(column: str, ind_id: str | None = None) -> dict[str, pd.Series]:
        if column not in done:
            texts = _texts(table, column, ind_id, share, True)
            done[column] = {lv: pd.Series(hidden_cells(texts[lv]), index=texts[lv].index)
                            for lv in levels}
        return done[column]

    out = {HOUSEHOLDS: secret(HOUSEHOLDS)}
    for ind_id in ind_ids:
        c = columns(ind_id)
        out[c.count] = secret(c.count, ind_id)
        out[c.denominator] = secret(c.denominator)
        if population:  # most populations are the households themselves: counted once
            same = np.array_equal(table[c.population].to_numpy(dtype=float),
                                  table[HOUSEHOLDS].to_numpy(dtype=float))
            out[c.population] = secret(HOUSEHOLDS if same else c.population)
    order = hidden_counts_columns(ind_ids, population)
    return {lv: pd.DataFrame({k: v[lv] for k, v in out.items()})[order] for lv in levels}


def hidden_counts_columns(ind_ids: Sequence[str], population: bool = False) -> list[str]:
    """The columns of :func:`hidden_counts`, in order."""
    per = (lambda c: (c.count, c.denominator, c.population)) if population else (
        lambda c: (c.count, c.denominator))
    return [HOUSEHOLDS, *(name for i in ind_ids for name in per(columns(i)))]


def need_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per kelurahan (``table``: an indicator table of every kelurahan, with ``kode``, made
    with its forum flags): the forum's map hides the indicator's count there (what Usulan
    calls the need)."""
    return _flag(table, ind_id, ind_id)


def denominator_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per kelurahan, as :func:`need_hidden`: the forum's map hides the rate's denominator
    (so the rate too: count ÷ rate would give the denominator back)."""
    return _flag(table, columns(ind_id).denominator, None)


def table_rate_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per area of an indicator table (by ``kode``): the forum's map hides the rate (its
    count or its denominator is hidden)."""
    return need_hidden(table, ind_id) | denominator_hidden(table, ind_id)


def known_share_hidden(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per area of an indicator table (by ``kode``): a forum sees no share known, because its
    denominator or its population is hidden (denominator ÷ population gives either back)."""
    return denominator_hidden(table, ind_id) | _flag(table, columns(ind_id).population, None)


def households_hidden(table: pd.DataFrame) -> pd.Series:
    """Per area of an indicator table (by ``kode``): the forum's map hides the households."""
    return _flag(table, HOUSEHOLDS, None)


def _flag(table: pd.DataFrame, column: str, ind_id: str | None) -> pd.Series:
    """The forum flag of ``column`` by code. A table without its flags (made by hand) is
    suppressed as it stands: each count with its plain sums above, an unknown one open where
    its denominator is not 0 (the counts above it are not in such a table)."""
    codes = pd.Index(table["kode"], dtype=object)
    if f"{column}{FLAG}" in table:
        return pd.Series(table[f"{column}{FLAG}"].to_numpy(dtype=bool), index=codes)
    return next(iter(_own_suppression(table, column, ind_id).values()))


def _own_suppression(table: pd.DataFrame, column: str, ind_id: str | None
                     ) -> dict[str, pd.Series]:
    """What :func:`_flag` decides for a table without flags, at its level and each above."""
    codes = pd.Index(table["kode"], dtype=object)
    values = pd.Series(table[column].to_numpy(dtype=float), index=codes)
    bound = (None if ind_id is None else
             pd.Series(table[columns(ind_id).denominator].to_numpy(dtype=float), index=codes))
    return {lv: pd.Series(hidden_cells(texts), index=texts.index)
            for lv, texts in hierarchy_texts(values, raw=bound).items()}


def above_column(column: str, level: str) -> str:
    """The forum-flag column that carries, on each row, whether the map of ``level`` (above
    the table's) hides ``column`` in that row's area there (:func:`flag_levels`)."""
    return f"{column}_{level}{FLAG}"


def flag_levels(table: pd.DataFrame, column: str, ind_id: str | None) -> dict[str, pd.Series]:
    """:func:`_flag` at ``table``'s level and every level above (level -> bools by code):
    above from the rows' :func:`above_column` flags where the table carries them, else from
    the table's own counts as :func:`_flag` suppresses them."""
    flagged = {lv: above_column(column, lv) for lv in LEVEL_OF_DOTS.values()
               if above_column(column, lv) in table}
    if not flagged:
        return _own_suppression(table, column, ind_id) | (
            {} if f"{column}{FLAG}" not in table else
            {level_of(table["kode"]): _flag(table, column, ind_id)})
    out = {level_of(table["kode"]): _flag(table, column, ind_id)}
    for lv, name in flagged.items():
        parents = parent_codes(table["kode"], lv)
        out[lv] = pd.Series(table[name].to_numpy(dtype=bool), index=parents).groupby(
            level=0).any()
    return out


def hidden(texts: pd.DataFrame) -> pd.DataFrame:
    """Which of :func:`cells`' texts are hidden (``< 5`` or ``–``), same shape."""
    return pd.DataFrame(hidden_cells(texts), index=texts.index, columns=texts.columns)


def rate_hidden(texts: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per area: the rate is hidden (its count or its denominator is: rate × denominator is
    the count)."""
    c, secret = columns(ind_id), hidden(texts)
    return secret[c.count] | secret[c.denominator]


def hidden_rates(table: pd.DataFrame, ind_ids: Sequence[str], share: float,
                 level: str | None = None, known: bool = False) -> pd.DataFrame:
    """Per area of ``level`` (default ``table``'s own) and indicator: whether a forum sees its
    rate hidden (its count or its denominator is: :func:`hidden_counts`); column
    ``rumah_tangga``: whether it sees the households hidden (the kartu's whole-level
    reading); with ``known`` also ``<id>_diketahui``: whether it sees no share known (its
    denominator or its population is hidden). ``table`` as :func:`cells` takes it."""
    counts = hidden_counts(table, ind_ids, share, level, population=known)
    out = {i: counts[columns(i).count] | counts[columns(i).denominator] for i in ind_ids}
    if known:
        out |= {columns(i).known: counts[columns(i).denominator] | counts[columns(i).population]
                for i in ind_ids}
    return pd.DataFrame({**out, HOUSEHOLDS: counts[HOUSEHOLDS]})


def persons_texts(persons: pd.Series, texts: pd.DataFrame, of: str) -> list[str]:
    """People of a household count: hidden with it (the people of 1–4 households tell as
    much as their number)."""
    out = np.array(fmt_ints(persons), dtype=object)
    out[hidden(texts[[of]])[of].to_numpy()] = HIDDEN_TOO
    return out.tolist()


def whole_cells(table: pd.DataFrame, whole: pd.DataFrame | None, ind_id: str, share: float,
                hide: bool = True, levels: dict[str, pd.DataFrame] | None = None
                ) -> pd.DataFrame:
    """:func:`cells` of ``table``'s areas (of any level) as the suppression over ``whole``
    (every kelurahan, whatever the area filter; None: ``table`` is every kelurahan) decides
    them; ``levels``: :func:`level_cells` of ``whole``, when the page has them already."""
    if whole is None:
        return cells(table, ind_id, share, hide)
    out = (cells(whole, ind_id, share, hide, level_of(table.index)) if levels is None
           else levels[level_of(table.index)])
    extra = table.index.difference(out.index)  # areas without households: zeros
    if len(extra):
        out = pd.concat([out, cells(table.loc[extra], ind_id, share, hide)])
    return out.reindex(table.index)


def chosen_level(filters: Filters) -> str | None:
    """The level of the areas the area filter chose (the finest one given); None: none."""
    for level, codes in (("kelurahan", filters.kelurahan), ("kecamatan", filters.kecamatan),
                         ("kota", filters.kota)):
        if codes:
            return level
    return None


def totals_hidden(whole: pd.DataFrame, ind_id: str, share: float, filters: Filters,
                  levels: dict[str, pd.DataFrame] | None = None) -> frozenset[str]:
    """The counts of :func:`cells` (households, the indicator's count, its denominator and
    population) whose total over the areas the area filter chose a forum sees hidden. Such a
    total is one area's count or a sum of counts of one level (the filter's finest), so it is
    hidden where any chosen area's count is hidden in that level's suppression over every area
    (``whole``: every kelurahan, as :func:`geo.indicators.area_counts` gives them;
    ``levels``: its :func:`level_cells`, when the page has them already)."""
    level = chosen_level(filters)
    if level is None:
        return frozenset()
    table = cells(whole, ind_id, share, level=level) if levels is None else levels[level]
    chosen = chosen_areas(pd.DataFrame({"kode": table.index.astype(str)}), filters, level)
    secret = hidden(table)[chosen.to_numpy()]
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
    return chosen_hidden(hierarchy_texts(values), filters)


def chosen_hidden(texts: dict[str, pd.Series], filters: Filters) -> bool:
    """Whether a forum sees hidden the total of the areas the area filter chose: one of them
    is hidden at the filter's level (``texts``: a count's texts per level, by code, as
    :func:`geo.suppression.level_texts` gives them over every kelurahan)."""
    level = chosen_level(filters)
    if level is None or level not in texts:  # codes of another scheme: no level above
        return False
    chosen = chosen_areas(pd.DataFrame({"kode": texts[level].index.astype(str)}), filters,
                          level)
    return bool(hidden_cells(texts[level])[chosen.to_numpy()].any())


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

    def known(self) -> str:
        """"diketahui untuk 18.203 dari 19.751 rumah tangga" (:func:`geo.columns.known_texts`)
        with the denominator and the population as :meth:`count` shows them: a hidden one
        stays hidden here too."""
        c = columns(self.ind_id)
        return known_phrase(known_of(self.count(c.denominator), self.count(c.population)))

    def rate(self) -> str:
        """The rate: hidden where its count or its denominator is (their quotient)."""
        c = columns(self.ind_id)
        if self.is_hidden(c.count) or self.is_hidden(c.denominator):
            return HIDDEN_TOO
        return rate_text(self.values[c.rate], self.values[c.denominator], self.hide)
