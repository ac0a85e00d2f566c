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
