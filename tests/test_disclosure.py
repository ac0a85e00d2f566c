"""geo.disclosure: small counts hidden, and no hidden count can be worked back out from a row
or column total minus the shown cells."""

from __future__ import annotations

import numpy as np
import pytest

from geo.disclosure import derivable, suppress, suppress_levels


def test_one_small_count_in_a_column_takes_the_next_smallest_with_it():
    counts = np.array([120, 3, 40, 7, 0, 55])
    s = suppress(counts)
    assert s.primary.tolist() == [False, True, False, False, False, False]
    assert s.hidden.tolist() == [False, True, False, True, False, False]
    assert derivable(counts, s.hidden) == []
    assert derivable(counts, s.primary) == [(1, 0)]  # primary alone gives it away


def test_a_small_count_whose_line_has_nothing_else_hides_the_total():
    s = suppress(np.array([0, 2, 0]))
    assert s.hidden.tolist() == [False, True, False] and s.hidden_column_totals.tolist() == [True]


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_is_derivable_in_random_matrices(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 30)), int(rng.integers(1, 8)))
    counts = rng.choice([0, 1, 2, 3, 4, 5, 8, 20, 100], size=shape,
                        p=[.2, .1, .1, .05, .05, .1, .1, .15, .15]).astype(float)
    counts[rng.random(shape) < 0.05] = np.nan  # "tidak ada data" cells
    s = suppress(counts)
    assert (s.hidden >= s.primary).all()
    assert derivable(counts, s.hidden, s.hidden_row_totals, s.hidden_column_totals) == []
    small = (np.nan_to_num(counts) > 0) & (np.nan_to_num(counts) < 5)
    assert (s.hidden[small]).all()


def test_a_count_hidden_alone_in_its_kecamatan_gets_a_partner_there():
    """Kelurahan rows of two kecamatan: the map's kecamatan level shows each kecamatan's sum,
    so a kelurahan hidden alone in its kecamatan would be that sum minus its neighbours."""
    counts = np.array([[3.0], [40.0], [60.0], [2.0], [30.0], [50.0]])
    kecamatan = ["A", "A", "A", "B", "B", "B"]
    plain = suppress(counts)
    assert plain.hidden[:, 0].tolist() == [True, False, False, True, False, False]
    assert derivable(counts, plain.hidden, groups=kecamatan) == [(0, 0), (3, 0)]
    grouped = suppress(counts, groups=kecamatan)
    assert grouped.hidden[:, 0].tolist() == [True, True, False, True, True, False]
    assert derivable(counts, grouped.hidden, groups=kecamatan) == []


@pytest.mark.parametrize("seed", range(30))
def test_no_hidden_cell_is_derivable_from_a_group_total_in_random_tables(seed):
    rng = np.random.default_rng(100 + seed)
    rows = int(rng.integers(4, 40))
    counts = rng.choice([0, 1, 2, 3, 4, 6, 20, 100], size=(rows, int(rng.integers(1, 5))),
                        p=[.15, .1, .1, .05, .05, .15, .2, .2]).astype(float)
    groups = rng.integers(0, max(2, rows // 4), rows).astype(str)
    s = suppress(counts, groups=groups)
    assert derivable(counts, s.hidden, s.hidden_row_totals, s.hidden_column_totals,
                     groups=groups) == []


def determined(levels: list[np.ndarray], parents: list[np.ndarray], hidden: list[np.ndarray],
               truth: list[np.ndarray]) -> list[tuple[int, int]]:
    """Hidden cells (level, position) that a reader works out exactly from every sum shown,
    with any linear combination of them (not only a total minus the shown cells). A reader
    knows each area is the sum of its parts; a hidden cell or an unknown one with a true
    count is a variable, every other cell a known number."""
    variables = {}
    for i, (v, h, t) in enumerate(zip(levels, hidden, truth)):
        for j in np.flatnonzero(h | (np.isnan(v) & (t > 0))):
            variables[(i, int(j))] = len(variables)
    rows = []
    for i, parent in enumerate(parents):
        for a in range(len(levels[i + 1])):
            row = np.zeros(len(variables))
            if (i + 1, a) in variables:
                row[variables[(i + 1, a)]] = 1
            for j in np.flatnonzero(parent == a):
                if (i, int(j)) in variables:
                    row[variables[(i, int(j))]] = -1
            if row.any():
                rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    out = []
    for (i, j), col in variables.items():
        if not hidden[i][j]:
            continue
        unit = np.zeros(len(variables))
        unit[col] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            out.append((i, j))
    return out


def random_hierarchy(rng: np.random.Generator) -> tuple[list, list, list]:
    """Counts of kelurahan, their kecamatan, kota and one provinsi (fine to coarse), as
    shown (NaN: unknown, at any level) and true, and each area's parent position."""
    kota = int(rng.integers(1, 3))
    kec_of_kota = rng.integers(2, 6, kota)
    kec_parent = np.repeat(np.arange(kota), kec_of_kota)
    kel_parent = np.repeat(np.arange(len(kec_parent)), rng.integers(1, 7, len(kec_parent)))
    kel = rng.choice([0, 1, 2, 3, 4, 6, 10, 20, 60], size=len(kel_parent),
                     p=[.2, .1, .08, .06, .06, .15, .15, .1, .1]).astype(float)
    truth = [kel]
    for parent, size in ((kel_parent, len(kec_parent)), (kec_parent, kota),
                         (np.zeros(kota, dtype=int), 1)):
        truth.append(np.bincount(parent, weights=truth[-1], minlength=size))
    shown = [t.copy() for t in truth]
    for v in shown[:2]:
        v[rng.random(len(v)) < 0.08] = np.nan  # "tidak ada data"
    return shown, truth, [kel_parent, kec_parent, np.zeros(kota, dtype=int)]


def test_a_kecamatan_hidden_on_its_own_map_is_no_sum_of_shown_kelurahan():
    """Found by an audit: kecamatan B (40) is hidden beside kecamatan A's 3 on the kecamatan
    map, while its four kelurahan of 10 were shown on the kelurahan map, so B = 40 and then
    A = 169 − 126 − 40 = 3. Suppressed apart, each map passes its own check."""
    kel = np.array([3.0, 10, 10, 10, 10, 8, 118])
    kel_parent = np.array([0, 1, 1, 1, 1, 2, 2])
    kec = np.bincount(kel_parent, weights=kel)
    apart = [suppress(kel, groups=kel_parent), suppress(kec)]
    assert apart[1].hidden.tolist() == [True, True, False]
    assert not apart[0].hidden[1:5].any()
    together = suppress_levels([kel, kec, np.array([kec.sum()])], [kel_parent, np.zeros(3, int)])
    assert together[1].hidden.tolist() == [True, True, False]
    assert together[0].hidden[1:5].any()
    hidden = [s.hidden for s in together]
    parents = [kel_parent, np.zeros(3, int)]
    levels = [kel, kec, np.array([kec.sum()])]
    assert determined(levels, parents, hidden, levels) == []
    assert determined(levels, parents, [s.hidden for s in apart] + [np.array([False])],
                      levels) != []


def test_a_count_hidden_alone_in_its_kecamatan_hides_that_kecamatan():
    """A kelurahan hidden only to protect another, the one count of its kecamatan: the
    kecamatan map's sum would be that count."""
    kel = np.array([3.0, 0, 7, 0, 40, 40, 0])
    kel_parent = np.array([0, 0, 1, 1, 2, 2, 3])
    kec = np.bincount(kel_parent, weights=kel)
    together = suppress_levels([kel, kec], [kel_parent], groups=[kel_parent, None])
    assert together[0].hidden.tolist() == [True, False, True, False, False, False, False]
    assert together[1].hidden[[0, 1]].all()


@pytest.mark.parametrize("seed", range(150))
def test_no_hidden_count_is_worked_out_from_any_level_in_random_hierarchies(seed):
    rng = np.random.default_rng(500 + seed)
    shown, truth, parents = random_hierarchy(rng)
    cuts = suppress_levels(shown, parents[:3], raw=truth)
    hidden = [s.hidden for s in cuts]
    assert determined(shown, parents[:3], hidden, truth) == []
    for v, s in zip(shown, cuts):
        small = (np.nan_to_num(v) > 0) & (np.nan_to_num(v) < 5)
        assert s.hidden[small].all()
