"""geo.suppression: the one small-count rule of forum-facing tables, maps and exports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import indicators, planning, suppression
from geo.suppression import (
    NO_DATA,
    count_text,
    export_count,
    hide_small,
    is_small,
    rate_text,
    small_count_note,
)


def test_small_is_one_to_four_households():
    assert list(is_small([0, 1, 4, 5, np.nan])) == [False, True, True, False, False]
    assert bool(is_small(3)) and not bool(is_small(0))


def test_counts_and_rates_as_text():
    assert count_text(3) == "< 5" and count_text(0) == "0" and count_text(1234) == "1.234"
    assert count_text(3, hide_small=False) == "3"
    assert count_text(np.nan) == NO_DATA == indicators.NO_DATA
    assert rate_text(50.0, 2) == "–" and rate_text(12.345, 20) == "12,3%"
    assert rate_text(np.nan, 20) == NO_DATA and rate_text(50.0, 2, hide_small=False) == "50,0%"
    assert rate_text(50.0, None) == "50,0%"


def test_hidden_values_are_empty_and_unknown_stays_unknown():
    rates = pd.Series([10.0, 20.0, np.nan, 40.0])
    counts = [2, 10, 10, 0]
    assert hide_small(rates, counts).isna().tolist() == [True, False, True, False]
    assert hide_small(rates, counts, hide=False) is rates
    assert [export_count(v) for v in (3.0, 0.0, 12.0)] == ["< 5", 0, 12]
    assert export_count(3.0, hide_small=False) == 3


def test_the_planning_names_are_the_same_rule():
    assert planning.count_text is suppression.count_text
    assert planning.rate_text is suppression.rate_text
    assert planning.SMALL_COUNT == suppression.SMALL_COUNT == 5
    assert "“< 5”" in small_count_note()


def test_no_page_or_view_repeats_the_rule():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("pages/*.py"), *root.glob("ui/*.py"), *root.glob("geo/views/*.py"),
                 root / "geo" / "planning.py"]:
        text = path.read_text(encoding="utf-8")
        assert "SMALL_COUNT - 1" not in text and ".between(1," not in text, path
