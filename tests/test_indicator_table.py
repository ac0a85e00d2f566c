"""geo/indicator_table.py: the table of a whole period is read from the period's counts cube
(as the map reads it) where the cube answers for the settings, and is the very table counted
from every household: at each level, with columns the register lacks (unknown, never 0) and
households linked to no kelurahan."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import cube, indicators, snapshot_cache, store
from geo.indicator_table import LEVELS, indicator_tables, tables_from
from tests.test_pages_planning import build_db

pytestmark = pytest.mark.both_backends  # the cube and the households on both databases


def from_households(engine, settings: indicators.Settings) -> tuple[dict, int]:  # noqa: ANN001
    snapshot = store.snapshot_for(engine)
    households = snapshot_cache.load_households_fast(engine, snapshot,
                                                     list(indicators.RULE_COLUMNS))
    return tables_from(indicators.prepare(households, settings), store.region_list(engine),
                       LEVELS, settings)


@pytest.mark.parametrize("settings", [
    indicators.DEFAULT_SETTINGS,
    indicators.Settings(min_known_share=0.9),  # the cube answers: only the threshold differs
    indicators.Settings(rtlh_floor_per_person=9.0),  # no cube for it: households are read
], ids=["default", "threshold", "other_rule"])
def test_the_cube_gives_the_table_counted_from_every_household(db_url, settings):
    engine = store.get_engine(db_url)
    build_db(db_url, n=1200, empty_kelurahan=2, blank=("sumber_air_minum",))
    with engine.begin() as conn:  # a few households linked to no kelurahan
        conn.execute(store.households.update()
                     .where(store.households.c.row_number % 50 == 0)
                     .values(region_code=None))
    got, unlinked = indicator_tables(engine, None, LEVELS, settings)
    want, want_unlinked = from_households(engine, settings)
    assert unlinked == want_unlinked > 0
    for level in LEVELS:
        pd.testing.assert_frame_equal(got[level], want[level], check_exact=True)
    kel = got["kelurahan"]
    assert kel["air_minum_tidak_layak"].isna().all()  # the register has no drinking-water column
    assert (kel.loc[kel["rumah_tangga"] == 0, "miskin"].isna()).all()  # empty: unknown


def test_only_settings_the_cube_answers_are_read_from_it(db_url, monkeypatch):
    engine = store.get_engine(db_url)
    build_db(db_url, n=300)
    cube.build(engine, int(store.snapshot_for(engine)["id"]))  # as an import does
    read = []
    monkeypatch.setattr(snapshot_cache, "load_households_fast",
                        lambda *a, **k: read.append(a) or pytest.fail("households read"))
    indicator_tables(engine, None, ("kelurahan",), indicators.DEFAULT_SETTINGS)
    assert not read and cube.serves(indicators.DEFAULT_SETTINGS)
    assert not cube.serves(indicators.Settings(rtlh_floor_per_person=9.0))
