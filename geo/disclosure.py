"""Forum-safe numbers: small counts hidden so that no household can be recognised, and hidden
so that they cannot be worked back out from what is shown.

Primary suppression hides every count from 1 to k − 1 (k = 5 by default). That alone is not
enough: a column of kelurahan counts with one hidden cell and its total shown gives the hidden
cell away as total − the shown cells. Complementary suppression therefore also hides, in every
row and column that has exactly one hidden cell, the smallest other count, until every row and
column has none or at least two (the usual rule of statistical offices). A hidden cell's row or
column whose other counts are all 0 cannot be protected that way: its total is hidden instead
(``hidden_row_totals`` / ``hidden_column_totals``).

Totals shown elsewhere count too. A table of kelurahan is summed per kecamatan on the map's
kecamatan level (and kecamatan per kabupaten/kota in a province): one hidden kelurahan in a
kecamatan would be that kecamatan's count minus its other kelurahan. With ``groups`` (a label
per row: the area one level up) each group's part of a column is a line as well. A group whose
other counts are all 0 needs nothing more: its total is then the small count itself, hidden
where it is shown.

Those group totals are a level of their own, suppressed as a column of their own (a kecamatan
hidden on the kecamatan map). A hidden kecamatan is no secret where its kelurahan are all shown
(it is their sum), and a kecamatan shown beside one hidden kelurahan and otherwise 0 gives that
one back. :func:`suppress_levels` therefore suppresses a count at every level of a hierarchy
together: a hidden area has a hidden part below it, and a part hidden alone has its area hidden
above it (hierarchical suppression).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SMALL_COUNT = 5  # k: counts 1..k-1 are hidden


@dataclass(frozen=True)
class Suppression:
    hidden: np.ndarray  # bool, the cells to show as "< k" (primary) or "–" (complementary)
    primary: np.ndarray  # bool, the small counts themselves
    hidden_row_totals: np.ndarray  # bool per row
    hidden_column_totals: np.ndarray  # bool per column


def suppress(counts: np.ndarray, k: int = SMALL_COUNT, groups: object = None,
             rows_add_up: bool = True, forced: np.ndarray | None = None,
             unknown: np.ndarray | None = None, known: np.ndarray | None = None
             ) -> Suppression:
    """Which cells of a 2-D table of counts (rows × columns; NaN = not a number, adds nothing
    to a total) to hide. A 1-D array is treated as one column. ``groups``: a label per row
    whose group totals are shown elsewhere (see the module note). ``rows_add_up`` False: the
    columns are separate counts of the same areas (households, those in need, those known…)
    whose sum along a row is no total anyone reads, so each column is protected alone; then
    a column hides the same cells in every table that shows it for the same areas.
    ``forced`` (bool, same shape): cells hidden from the start although not small, because
    another table hides what they would give back (e.g. a row whose total is hidden there);
    they count as hidden for the rule like any other. ``unknown`` (bool, same shape): cells
    shown as unknown (NaN) whose true count a total holds all the same; a reader does not see
    them, so they count as hidden too (a line with one of them alone would give it back).
    ``known`` (bool, same shape): cells a reader knows from another page whatever is hidden
    here (a part equal to a count shown elsewhere): never hidden unless small, never chosen
    to protect another."""
    values = np.asarray(counts, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    shown = np.nan_to_num(values, nan=0.0)
    primary = (shown > 0) & (shown < k)
    hidden = primary.copy()
    given = (np.zeros(hidden.shape, dtype=bool) if known is None
             else np.asarray(known, dtype=bool).reshape(hidden.shape))
    if forced is not None:
        hidden |= np.asarray(forced, dtype=bool).reshape(hidden.shape) & (shown > 0) & ~given
    if unknown is not None:
        hidden |= np.asarray(unknown, dtype=bool).reshape(hidden.shape)
    row_totals = np.zeros(values.shape[0], dtype=bool)
    col_totals = np.zeros(values.shape[1], dtype=bool)
    group_of = _group_ids(groups, values.shape[0])
    changed = True
    while changed:
        changed = _protect_groups(hidden, shown, group_of, given)
        for axis in ((1, 0) if values.shape[1] > 1 and rows_add_up else (0,)):  # rows, columns
            lines = hidden.sum(axis=axis)
            for line in np.flatnonzero(lines == 1):
                cells = hidden[line] if axis == 1 else hidden[:, line]
                vals = shown[line] if axis == 1 else shown[:, line]
                free = ~given[line] if axis == 1 else ~given[:, line]
                candidates = np.flatnonzero(~cells & (vals > 0) & free)
                if len(candidates) == 0:
                    (row_totals if axis == 1 else col_totals)[line] = True
                    continue
                pick = candidates[np.argmin(vals[candidates])]
                if axis == 1:
                    hidden[line, pick] = True
                else:
                    hidden[pick, line] = True
                changed = True
    if np.asarray(counts).ndim == 1:
        return Suppression(hidden[:, 0], primary[:, 0], row_totals, col_totals)
    return Suppression(hidden, primary, row_totals, col_totals)


def _group_ids(groups: object, rows: int) -> np.ndarray | None:
    """A group number per row (None: no groups, or a single group: the column rule covers
    it)."""
    if groups is None:
        return None
    if isinstance(groups, np.ndarray) and groups.dtype.kind in "iu":  # positions already
        if len(groups) != rows:
            raise ValueError(f"groups: {len(groups)} labels for {rows} rows")
        ids = groups.astype(np.int64)
        return ids if len(np.unique(ids[ids >= 0])) > 1 else None
    ids, uniques = pd.factorize(pd.Series(list(groups), dtype=object), use_na_sentinel=True)
    if len(ids) != rows:
        raise ValueError(f"groups: {len(ids)} labels for {rows} rows")
    return ids if len(uniques) > 1 else None


def _protect_groups(hidden: np.ndarray, shown: np.ndarray, group_of: np.ndarray | None,
                    given: np.ndarray) -> bool:
    """One pass of the group rule (in place): in every group's part of a column with exactly
    one hidden cell, hide the smallest other positive count of that part. True if it hid
    any."""
    if group_of is None:
        return False
    member = group_of >= 0
    n_groups = int(group_of.max()) + 1
    per_group = np.zeros((n_groups, hidden.shape[1]), dtype=int)
    np.add.at(per_group, group_of[member], hidden[member].astype(int))
    changed = False
    for g, j in zip(*np.nonzero(per_group == 1)):
        rows = np.flatnonzero(group_of == g)
        candidates = rows[~hidden[rows, j] & (shown[rows, j] > 0) & ~given[rows, j]]
        if len(candidates):
            hidden[candidates[np.argmin(shown[candidates, j])], j] = True
            changed = True
    return changed


def derivable(counts: np.ndarray, hidden: np.ndarray, row_totals_hidden: np.ndarray | None = None,
              column_totals_hidden: np.ndarray | None = None, groups: object = None,
              rows_add_up: bool = True) -> list[tuple[int, int]]:
    """Hidden cells that a reader could work out as a (shown) row, column or group total
    minus the shown cells of that row, column or group: the cells for which :func:`suppress`
    failed. Empty is safe."""
    values = np.nan_to_num(np.asarray(counts, dtype=float), nan=0.0)
    hidden = np.asarray(hidden, dtype=bool)
    if values.ndim == 1:
        values, hidden = values[:, None], hidden[:, None]
        row_totals_hidden = None
    rows_hidden = (np.zeros(values.shape[0], bool) if row_totals_hidden is None
                   else np.asarray(row_totals_hidden))
    cols_hidden = (np.zeros(values.shape[1], bool) if column_totals_hidden is None
                   else np.asarray(column_totals_hidden))
    group_of = _group_ids(groups, values.shape[0])
    out = []
    for i, j in zip(*np.nonzero(hidden)):
        if values[i, j] == 0:
            continue
        alone_in_row = (rows_add_up and hidden[i].sum() == 1 and not rows_hidden[i]
                        and values.shape[1] > 1)
        alone_in_col = hidden[:, j].sum() == 1 and not cols_hidden[j]
        alone_in_group = False
        if group_of is not None and group_of[i] >= 0:
            mates = group_of == group_of[i]
            alone_in_group = hidden[mates, j].sum() == 1 and (values[mates, j] > 0).sum() > 1
        if alone_in_row or alone_in_col or alone_in_group:
            out.append((int(i), int(j)))
    return out


def suppress_levels(levels: list[np.ndarray], parents: list[np.ndarray], k: int = SMALL_COUNT,
                    raw: list[np.ndarray] | None = None, groups: list[object] | None = None,
                    rows_add_up: bool = True,
                    forced: np.ndarray | list[np.ndarray | None] | None = None,
                    known: list[np.ndarray | None] | None = None) -> list[Suppression]:
    """:func:`suppress` of a table of counts at each level of a hierarchy of areas, fine to
    coarse (kelurahan, kecamatan, …), so that no level gives back what another hides.

    ``levels[i]``: the counts of each area of level ``i`` (rows; a 1-D array is one column)
    as they are shown (NaN: unknown, "tidak ada data"); ``parents[i]`` (for every level but
    the last): the position of each area's area in level ``i + 1`` (-1: none), whose counts
    are the sums of theirs. ``raw[i]``: where a count is unknown, what it could be at most
    (e.g. the households whose value is known; default 0): the sums above hold it, so an
    unknown count that could be positive is a cell the reader does not see, and is protected
    as a hidden one. ``groups[i]``: the labels :func:`suppress` protects each level within
    (default: the parents). ``rows_add_up`` as :func:`suppress`; ``forced``: cells of the
    first level to hide from the start, or a list of such cells per level (None: none);
    ``known``: per level (None: none), cells a reader knows from elsewhere (:func:`suppress`).

    Two rules join each pair of levels, column by column, and the levels are suppressed again
    until neither adds a cell: an area hidden above, whose parts below are all shown, hides
    its smallest part (the group rule then hides a second); an area shown above with one
    hidden part and no other part to hide beside it is hidden itself."""
    n = len(levels)
    flat = np.asarray(levels[0]).ndim == 1
    values = [np.asarray(v, dtype=float) for v in levels]
    values = [v[:, None] if v.ndim == 1 else v for v in values]  # one column, also empty
    bound = [np.zeros(v.shape) if raw is None else np.nan_to_num(
        np.asarray(raw[i], dtype=float).reshape(v.shape), nan=0.0) for i, v in enumerate(values)]
    unknown = [np.isnan(v) & (b > 0) for v, b in zip(values, bound)]
    force = [np.zeros(v.shape, dtype=bool) for v in values]
    if isinstance(forced, list):  # per level
        for f, given in zip(force, forced):
            if given is not None:
                f |= np.asarray(given, dtype=bool).reshape(f.shape)
    elif forced is not None:
        force[0] |= np.asarray(forced, dtype=bool).reshape(values[0].shape)
    given = [np.zeros(v.shape, dtype=bool) if known is None or known[i] is None
             else np.asarray(known[i], dtype=bool).reshape(v.shape)
             for i, v in enumerate(values)]
    while True:
        cuts = [suppress(v, k, parents[i] if groups is None and i < n - 1
                         else (None if groups is None else groups[i]), rows_add_up,
                         force[i], unknown[i], given[i])
                for i, v in enumerate(values)]
        changed = False
        for i in range(n - 1):
            for j in range(values[i].shape[1]):
                area = values[i + 1][:, j]
                could_count = np.where(np.isnan(area), unknown[i + 1][:, j], area > 0)
                changed |= _join_levels(values[i][:, j], np.asarray(parents[i]),
                                        cuts[i].hidden[:, j], could_count,
                                        cuts[i + 1].hidden[:, j], force[i][:, j],
                                        force[i + 1][:, j], given[i][:, j],
                                        given[i + 1][:, j])
        if not changed:
            break
    if flat:
        return [Suppression(c.hidden[:, 0], c.primary[:, 0], c.hidden_row_totals,
                            c.hidden_column_totals) for c in cuts]
    return cuts


def _join_levels(part: np.ndarray, parent: np.ndarray, part_hidden: np.ndarray,
                 area_counts: np.ndarray, area_hidden: np.ndarray, part_forced: np.ndarray,
                 area_forced: np.ndarray, part_given: np.ndarray, area_given: np.ndarray
                 ) -> bool:
    """One pass of :func:`suppress_levels`' two rules over a column of a pair of levels
    (``area_counts``: the areas above whose count is, or may be, positive; ``forced`` grown in
    place, through views; a hidden cell here includes an unknown one). True if it forced any
    cell."""
    shown = np.nan_to_num(part, nan=0.0)
    linked = parent >= 0
    size = len(area_counts)
    hidden_parts = np.bincount(parent[linked], weights=part_hidden[linked], minlength=size)
    candidate = np.flatnonzero(~part_hidden & (shown > 0) & linked & ~part_given)
    # each area's smallest candidate part (the first in code order among equals)
    ranked = candidate[np.lexsort((candidate, shown[candidate], parent[candidate]))]
    areas, first = np.unique(parent[ranked], return_index=True)
    smallest = np.full(size, -1)
    smallest[areas] = ranked[first]
    has = smallest >= 0
    up = area_counts & area_hidden & (hidden_parts == 0) & has  # hidden above, all shown below
    down = (area_counts & ~area_hidden & (hidden_parts == 1) & ~has  # one part hidden alone
            & ~area_given)  # (an area known from elsewhere cannot be hidden: left)
    part_forced[smallest[up]] = True
    area_forced[down] = True
    return bool(up.any() or down.any())
