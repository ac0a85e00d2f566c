"""Exact audit of the forum's suppression (geo.disclosure.suppress_levels) on random tables of
counts over a hierarchy of areas (kelurahan, kecamatan, kota, provinsi): in how many tables a
reader works out a hidden cell, or a hidden small count, exactly from every sum shown, with any
linear combination of them (a hidden cell is worked out when its unit vector lies in the row
space of the sum equations; an unknown is one more variable).

    python bench/audit_suppression.py            # 300 tables per case
    python bench/audit_suppression.py --tables 1000

Three cases, each against a baseline measured in the same run (only the small counts hidden,
no complementary cell):

- ``one column``: a count per area, every level's sums shown (the map's counts; the rule the
  forum relies on, expected 0);
- ``rows add up, totals shown``: several columns whose row totals are shown as numbers at every
  level (what ``suppress`` promises: "safe to show beside its row and column totals");
- ``rows add up, total column``: the row totals are one more column suppressed with the
  others (the area's count shown in another table, hidden where it is small);
- ``parts of a count shown elsewhere``: two of four columns add up to a count another page
  shows, suppressed there as one column (Rujukan's referred and not referred exclusion
  error, whose sum is on the map): ``geo.suppression.linked_texts``; the baseline here is
  the table and that count each suppressed on its own (the rule before it).

A measurement, not a test: it prints the figures and exits 0. Where the second or third case
is not 0, a table whose rows add up can give back a hidden cell: the 0-or-≥2 rule per line
does not stop a hidden cell that is the only link between two groups of hidden cells.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from geo.disclosure import SMALL_COUNT, suppress_levels  # noqa: E402
from geo.suppression import (  # noqa: E402
    Whole,
    hidden_cells,
    hierarchy_texts,
    level_sums,
    level_texts,
    linked_texts,
)

VALUES = [0, 1, 2, 3, 4, 6, 10, 20, 60]
WEIGHTS = [.2, .1, .08, .06, .06, .15, .15, .1, .1]


def random_table(rng: np.random.Generator, columns: int) -> tuple[list, list]:
    """Counts per kelurahan (1–5 per kecamatan, 2–4 kecamatan per kota, 1–2 kota, one
    provinsi) and their sums at every level, and each area's parent position."""
    kota = int(rng.integers(1, 3))
    kec_parent = np.repeat(np.arange(kota), rng.integers(2, 5, kota))
    kel_parent = np.repeat(np.arange(len(kec_parent)), rng.integers(1, 6, len(kec_parent)))
    kel = rng.choice(VALUES, size=(len(kel_parent), columns), p=WEIGHTS).astype(float)
    levels, parents = [kel], [kel_parent, kec_parent, np.zeros(kota, dtype=int)]
    for parent, size in zip(parents, (len(kec_parent), kota, 1)):
        out = np.zeros((size, columns))
        np.add.at(out, parent, levels[-1])
        levels.append(out)
    return levels, parents


def worked_out(levels: list, parents: list, hidden: list, row_totals: str | None,
               summed: list[int] | None = None) -> list:
    """Hidden cells (level, row, column) given back exactly. ``row_totals``: None (columns
    apart), ``"shown"`` (each row's total is a shown number) or ``"column"`` (the last column
    is the row total, shown or hidden like any cell; with ``summed``, the total of those
    columns only)."""
    index = {}
    for i, h in enumerate(hidden):
        for r, c in zip(*np.nonzero(h)):
            index[(i, int(r), int(c))] = len(index)
    if not index:
        return []
    equations = []

    def add(terms: list) -> None:
        row = np.zeros(len(index))
        for cell, sign in terms:
            if cell in index:
                row[index[cell]] += sign
        if row.any():
            equations.append(row)

    columns = levels[0].shape[1]
    for i, parent in enumerate(parents):
        for a in range(len(levels[i + 1])):
            for c in range(columns):
                add([((i + 1, a, c), 1)] + [((i, int(j), c), -1)
                                            for j in np.flatnonzero(parent == a)])
    if row_totals:
        parts = summed or list(range(columns - 1 if row_totals == "column" else columns))
        for i, v in enumerate(levels):
            for a in range(len(v)):
                total = [((i, a, columns - 1), -1)] if row_totals == "column" else []
                add([((i, a, c), 1) for c in parts] + total)
    if not equations:
        return []
    matrix = np.array(equations)
    rank = np.linalg.matrix_rank(matrix)
    out = []
    for cell, j in index.items():
        unit = np.zeros(len(index))
        unit[j] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            out.append(cell)
    return out


def audit(tables: int, columns: tuple[int, int], row_totals: str | None, baseline: bool
          ) -> tuple[int, int, int]:
    """(tables with a hidden cell worked out, with a small count worked out, hidden cells)."""
    any_cell = small = hidden_cells = 0
    for seed in range(tables):
        rng = np.random.default_rng(seed)
        levels, parents = random_table(rng, int(rng.integers(*columns)))
        if row_totals == "column":
            levels = [np.hstack([v, v.sum(axis=1, keepdims=True)]) for v in levels]
        if baseline:
            hidden = [(v > 0) & (v < SMALL_COUNT) for v in levels]
        else:
            cuts = suppress_levels(levels, parents, rows_add_up=row_totals is not None)
            hidden = [np.asarray(c.hidden).reshape(v.shape) for c, v in zip(cuts, levels)]
        found = worked_out(levels, parents, hidden, row_totals)
        any_cell += bool(found)
        small += any(0 < levels[i][r, c] < SMALL_COUNT for i, r, c in found)
        hidden_cells += sum(int(h.sum()) for h in hidden)
    return any_cell, small, hidden_cells


def linked_audit(tables: int, baseline: bool) -> tuple[int, int, int]:
    """:func:`audit` of the fourth case: columns ``semua``, ``sebagian``, ``a``, ``b`` per
    kelurahan (by code, 2–4 kecamatan of 1–6), and ``a + b`` as another page shows it."""
    any_cell = small = hidden_total = 0
    for seed in range(tables):
        rng = np.random.default_rng(seed)
        codes = [f"36.71.{kc:02d}.{1000 + kl}" for kc in range(1, int(rng.integers(3, 6)))
                 for kl in range(1, int(rng.integers(2, 7)))]
        n = len(codes)
        a, b = rng.choice([0, 1, 2, 3, 6, 10, 20], n), rng.choice([0, 1, 2, 3, 6, 10, 20, 40], n)
        counts = pd.DataFrame({"semua": a + rng.choice([0, 1, 2, 5, 10], n),
                               "sebagian": rng.choice([0, 1, 2, 5, 10], n), "a": a, "b": b},
                              index=codes).astype(float)
        whole = {lv: hidden_cells(t) for lv, t in hierarchy_texts(counts["a"] + counts["b"]
                                                                  ).items()}
        wholes = [Whole(("a", "b"), {lv: pd.Series(h, index=sorted(set(
            level_sums(counts)[lv].index)) if lv != "kelurahan" else codes)
            for lv, h in whole.items()})]
        texts = (level_texts(counts, rows_add_up=True) if baseline
                 else linked_texts(counts, wholes, rows_add_up=True))
        sums = {"kelurahan": counts, **level_sums(counts)}
        levels = [np.hstack([sums[lv].to_numpy(), sums[lv][["a", "b"]].sum(axis=1).to_numpy()[
            :, None]]) for lv in texts]
        hidden = [np.hstack([hidden_cells(texts[lv]), whole[lv][:, None]]) for lv in texts]
        parents = [np.unique([c.rsplit(".", 1)[0] for c in sums[lv].index],
                             return_inverse=True)[1] for lv in list(texts)[:-1]]
        found = worked_out(levels, parents, hidden, "column", summed=[2, 3])
        any_cell += bool(found)
        small += any(0 < levels[i][r, c] < SMALL_COUNT for i, r, c in found)
        hidden_total += sum(int(h.sum()) for h in hidden)
    return any_cell, small, hidden_total


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tables", type=int, default=300, help="random tables per case")
    args = p.parse_args()
    cases = [("one column", (1, 2), None), ("rows add up, totals shown", (2, 5), "shown"),
             ("rows add up, total column", (2, 5), "column")]
    for name, columns, row_totals in cases:
        start = time.perf_counter()
        base = audit(args.tables, columns, row_totals, baseline=True)
        now = audit(args.tables, columns, row_totals, baseline=False)
        print(f"{name}: {now[0]} of {args.tables} tables give a hidden cell back, {now[1]} a "
              f"small count ({now[2]} cells hidden); baseline, small counts hidden only: "
              f"{base[0]} / {base[1]} ({base[2]} cells) [{time.perf_counter() - start:.1f} s]")
    start = time.perf_counter()
    base, now = linked_audit(args.tables, True), linked_audit(args.tables, False)
    print(f"parts of a count shown elsewhere: {now[0]} of {args.tables} tables give a hidden "
          f"cell back, {now[1]} a small count ({now[2]} cells hidden); baseline, table and "
          f"count suppressed apart: {base[0]} / {base[1]} ({base[2]} cells) "
          f"[{time.perf_counter() - start:.1f} s]")


if __name__ == "__main__":
    main()
