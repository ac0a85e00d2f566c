"""Counts a forum can subtract from each other (geo.indicators.NESTED, COMPLEMENTS): the
difference of a part within a whole, or the denominator minus one of two complements, never
gives back a count of 1–4 that the suppression hides or that no page shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import forum, indicators, snapshot_cache, store
from geo.columns import columns
from geo.suppression import hidden_cells
from tests.access_fixtures import real_city

SHARE = indicators.DEFAULT_SETTINGS.min_known_share
LEVELS = ("kelurahan", "kecamatan", "kota")


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> tuple[indicators.Prepared, pd.DataFrame]:
    """The real-data test city: its register evaluated, and its regions."""
    path = tmp_path_factory.mktemp("related") / "real.sqlite"
    real_city(path)
    engine = store.get_engine(f"sqlite:///{path}")
    households = snapshot_cache.load_households_fast(engine, store.snapshot_for(engine, None),
                                                     list(indicators.RULE_COLUMNS))
    return (indicators.prepare(households, indicators.DEFAULT_SETTINGS),
            store.load_regions(engine, display=True))


@pytest.fixture(scope="module")
def counts(city) -> pd.DataFrame:
    """Per kelurahan, every indicator counted (the table a forum's pages suppress over)."""
    table, _ = indicators.area_counts(city[0], detail=())
    return table


def numbers(table: pd.DataFrame, ind_id: str, level: str) -> pd.Series:
    return forum._level_counts(table, ind_id, SHARE)[level]


@pytest.mark.parametrize("level", LEVELS)
def test_a_part_and_its_whole_shown_side_by_side_never_differ_by_1_to_4(counts, level):
    checked = 0
    for whole, part in indicators.NESTED:
        w, p = forum.cells(counts, whole, SHARE, level=level), forum.cells(
            counts, part, SHARE, level=level)
        both = ~hidden_cells(w[whole]) & ~hidden_cells(p[part])
        difference = (numbers(counts, whole, level) - numbers(counts, part, level)).reindex(
            w.index).to_numpy()
        with np.errstate(invalid="ignore"):
            assert not (both & (difference > 0) & (difference < 5)).any(), (whole, part)
        checked += int(both.sum())
    assert checked


@pytest.mark.parametrize("level", LEVELS)
def test_the_denominator_minus_one_complement_never_gives_the_other_back(counts, level):
    """Where one of two counts adding up to their denominator is hidden, the other is hidden
    too, or it is 0 and then the denominator is hidden."""
    checked = 0
    for a, b in indicators.COMPLEMENTS:
        ca, cb = forum.cells(counts, a, SHARE, level=level), forum.cells(
            counts, b, SHARE, level=level).reindex(forum.cells(counts, a, SHARE,
                                                               level=level).index)
        den = hidden_cells(ca[columns(a).denominator])
        assert (hidden_cells(cb[columns(b).denominator]) == den).all()
        for one, other in ((ca[a], cb[b]), (cb[b], ca[a])):
            open_ = hidden_cells(one) & ~hidden_cells(other) & ~den
            assert not open_.any(), (a, b, list(one.index[open_]))
            checked += int(hidden_cells(one).sum())
    assert checked or level == "kota"


def test_the_city_had_both_leaks_before(counts):
    """Without the rule the test city gives back small counts both ways: belum PBI-JKN shown
    beside the denominator where cakupan PBI-JKN is "< 5", and desil 1–4 minus desil 1 of
    1–4 with both shown (the suppression of each column alone)."""
    a, b = indicators.COMPLEMENTS[0]
    alone = {i: forum._texts(counts, i, i, SHARE, True, forced={})["kelurahan"] for i in (a, b)}
    den = forum.cells(counts, a, SHARE)[columns(a).denominator]
    leak = hidden_cells(alone[a]) & ~hidden_cells(alone[b]) & ~hidden_cells(den)
    assert leak.any()
    whole, part = indicators.NESTED[0]
    w = forum._texts(counts, whole, whole, SHARE, True, forced={})["kelurahan"]
    p = forum._texts(counts, part, part, SHARE, True, forced={})["kelurahan"]
    difference = (numbers(counts, whole, "kelurahan") - numbers(counts, part, "kelurahan"))
    small = (difference > 0) & (difference < 5)
    assert (small.to_numpy() & ~hidden_cells(w) & ~hidden_cells(p)).any()


def test_the_map_counts_the_related_indicators_and_shows_every_pages_cells(city, counts):
    """The map page counts the indicators a forum's suppression of the one it shows reads
    (indicators.related), so its cells are those of the table of every indicator; alone,
    belum PBI-JKN's map would show what cakupan PBI-JKN's hides."""
    from geo.filters import Filters
    from geo.views import map_view as mv

    assert indicators.related(("miskin_ekstrem",)) == ("miskin", "miskin_ekstrem")
    assert set(indicators.related(("belum_jkn",))) == {"belum_jkn", "cakupan_pbi_jkn"}
    assert indicators.related(("rtlh",)) == ("rtlh",)
    prepared, regions = city
    kelurahan = regions[regions["level"] == "kelurahan"]
    names = regions.set_index("kode")["nama"]
    for ind_id in ("miskin_ekstrem", "belum_jkn", "cakupan_pbi_jkn", "tanpa_jamban"):
        view = mv.map_view(prepared, Filters(), ind_id, "kelurahan", "persen", kelurahan,
                           names, indicators.DEFAULT_SETTINGS, hide=True)
        whole = forum.cells(counts, ind_id, SHARE)
        shared = view.cells.index.intersection(whole.index)  # not a kelurahan without data
        assert len(shared) == len(whole)
        pd.testing.assert_frame_equal(view.cells.loc[shared], whole.loc[shared],
                                      check_names=False)
