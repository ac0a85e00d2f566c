"""geo.disclosure: small counts hidden, and no hidden count can be worked back out from a row
or column total minus the shown cells."""

from __future__ import annotations

import numpy as np
import pytest

from geo.disclosure import derivable, suppress


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
