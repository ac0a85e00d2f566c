"""geo.suppression: the one small-count rule of forum-facing tables, maps and exports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import indicators, planning, suppression
from geo.suppression import (
    NO_DATA,
    count_text,
    count_texts,
    hide_small,
    is_small,
    people_text,
    people_texts,
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


def test_tables_the_forum_sees_leave_no_small_count_derivable():
    """The count tables of the planning views, hidden for a forum, on a narrow filter (many
    small counts): no hidden cell is a row or column total minus the shown cells."""
    from geo.disclosure import derivable
    from geo.filters import Filters
    from geo.suppression import hidden_cells
    from geo.views import coverage_view, opd_view
    from tests.view_fixtures import city, scope

    c = city()
    sc = scope(c, Filters(desil_min=1, desil_max=1))
    opd = opd_view.opd_view(sc, c.names, as_pct=False, hide=True)
    display, _ = opd.matrix_table()
    block = display.drop(columns=["Kecamatan", "Kelurahan"])
    numbers = pd.concat([pd.Series(opd.households, index=opd.matrix.index, name="rt"),
                         opd.counts[opd_view.COLUMNS]], axis=1).loc[display.index]
    assert hidden_cells(block).any()  # the filter leaves small counts to protect
    assert derivable(numbers.to_numpy(), hidden_cells(block)) == []
    _, shade = opd.matrix_table()  # no shade tells one hidden count from another
    assert shade.isna().to_numpy()[hidden_cells(block)[:, 1:]].all()
    rank = opd.agency_ranking("Dinsos")
    hidden = rank["Perlu Dinsos"].isin(["< 5", "–"])
    assert (rank.loc[hidden, "Peringkat"] == "–").all()
    assert (rank.loc[hidden, "Persentase"] == "–").all()  # a rate would tell the count
    pairs = opd.pairs_table()
    assert derivable(opd.pairs.to_numpy(), hidden_cells(pairs)) == []
    cov = coverage_view.coverage_view(sc, c.names, hide=True)
    for ind_id in ("eksklusi", "inklusi"):
        shown = cov.most_errors(ind_id)[["Rumah tangga"]]
        numbers = np.sort(sc.table((ind_id,))[ind_id].to_numpy())[::-1][: len(shown)]
        assert derivable(numbers, hidden_cells(shown)[:, 0]) == []


def test_count_and_people_texts_at_once_equal_one_at_a_time():
    values = [0, 1, 4, 5, 12.5, 1234.6, float("nan"), None]
    households = [0, 3, 5, 1, 4, 7, 2, float("nan")]
    for hide in (True, False):
        assert count_texts(values, hide) == [
            count_text(float("nan") if v is None else v, hide) for v in values]
        assert people_texts(values, households, hide) == [
            people_text(float("nan") if v is None else v, n, hide)
            for v, n in zip(values, households)]
