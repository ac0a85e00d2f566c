"""The cube (geo/cube.py) gives the very numbers the household rows give, for every filter."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from geo import cube, indicators, store
from geo.filters import Filters
from geo.schema import PROGRAMS, VULNERABLE
from geo.views.common import households_mask
from tests import view_fixtures as vf


def _filters() -> list[Filters]:
    """Every filter dimension alone and together, with ranges that keep and drop unknowns."""
    kec = sorted({c.rsplit(".", 1)[0] for c in vf.city().kelurahan["kode"]})
    kel = sorted(vf.city().kelurahan["kode"])
    out = [Filters(), Filters(desil_min=1, desil_max=4), Filters(desil_min=1, desil_max=1),
           Filters(desil_min=5, desil_max=10), Filters(kecamatan=(kec[0],)),
           Filters(kelurahan=(kel[2],), desil_min=2, desil_max=7)]
    out += [Filters(programs=(p,)) for p in PROGRAMS]
    out += [Filters(vulnerable=(v,)) for v in VULNERABLE]
    out += [Filters(programs=pair) for pair in itertools.combinations(list(PROGRAMS)[:3], 2)]
    out += [Filters(desil_min=1, desil_max=4, programs=("penerima_pkh",),
                    vulnerable=("jumlah_lansia", "jumlah_balita"))]
    return out


@pytest.fixture(scope="module", params=[(), ("jenis_atap", "desil", "penerima_kip")],
                ids=["lengkap", "kolom_kosong"])
def both(request: pytest.FixtureRequest) -> tuple[indicators.Prepared, indicators.Prepared]:
    city = vf.city(2_500, blank=request.param)
    households = city.households.copy()
    households.loc[households.index[::17], "region_code"] = None  # not linked
    households.loc[households.index[::23], "desil"] = np.nan  # desil unknown
    rows = indicators.prepare(households)
    return rows, cube.cube_from(cube.cells_of(rows), rows.known_columns)


def test_a_cube_has_fewer_rows_than_households_and_the_same_households(both) -> None:
    rows, counts = both
    assert len(counts.cells) < len(rows) / 2
    assert counts.cells.households == rows.households == len(rows)
    for part in (counts.by_desil, *counts.by_column.values()):
        assert len(part) < len(counts.cells)


@pytest.mark.parametrize("filters", _filters(), ids=lambda f: str(f.to_query()) or "semua")
def test_every_filter_counts_the_same_from_the_cube(both, filters: Filters) -> None:
    rows, counts = both
    expected, unlinked = indicators.area_counts(rows, households_mask(rows, filters))
    for cells in (counts.cells, counts.for_filters(filters)):  # every cell, or its sums
        got, got_unlinked = indicators.area_counts(cells, households_mask(cells, filters))
        assert_frame_equal(got, expected)
        assert got_unlinked.equals(unlinked)


def test_cell_counts_are_float32_only_where_every_value_is_exact() -> None:
    small = cube._cell_counts(pd.Series([0, 3, cube.EXACT_FLOAT32 - 1]))
    assert small.dtype == np.float32 and small[-1] == cube.EXACT_FLOAT32 - 1
    big = cube._cell_counts(pd.Series([1, cube.EXACT_FLOAT32 + 1]))
    assert big.dtype == np.float64 and big[-1] == cube.EXACT_FLOAT32 + 1  # float32 would round


def test_availability_and_missing_columns_come_with_the_cube(both) -> None:
    rows, counts = both
    for cells in (counts.cells, counts.by_desil, *counts.by_column.values()):
        for ind in indicators.INDICATORS:
            assert cells.available(ind.id) == rows.available(ind.id)
            assert cells.missing_inputs(ind.id) == rows.missing_inputs(ind.id)


def test_cells_of_parts_combine_to_the_cells_of_the_whole() -> None:
    households = vf.city(2_500).households
    whole = cube.cells_of(indicators.prepare(households))
    cuts = [0, 700, 1900, len(households)]
    parts = [cube.cells_of(indicators.prepare(households.iloc[a:b].reset_index(drop=True)))
             for a, b in itertools.pairwise(cuts)]
    combined = cube.combine(parts)
    key = list(cube.KEY_COLUMNS)

    def ordered(cells: pd.DataFrame) -> pd.DataFrame:
        return cells.sort_values(key, na_position="first").reset_index(drop=True)

    assert_frame_equal(ordered(combined), ordered(whole), check_dtype=False)


def test_a_cube_refuses_other_rules_but_serves_any_known_share() -> None:
    assert cube.serves(indicators.Settings(min_known_share=0.8))
    assert not cube.serves(indicators.Settings(rtlh_floor_per_person=9.0))


def test_needs_cube_sums_to_the_household_needs() -> None:
    from geo import planning

    rows = indicators.prepare(vf.city(2_500).households)
    ids = [i.id for i in indicators.INDICATORS if rows.available(i.id)]
    needs = planning.agency_needs(rows.hits, ids)
    cells = cube.need_cells_from(cube.need_cells_of(rows))
    assert cells.weight.sum() == len(rows)
    for agency in planning.AGENCIES:
        assert (cells.weight * cells.needs[agency]).sum() == needs[agency].sum()


@pytest.mark.both_backends
def test_stored_cube_is_rebuilt_after_a_relink(engine) -> None:  # noqa: ANN001
    from tests.map_fixtures import write_city

    write_city(engine, n=800)
    snapshot = store.snapshot_for(engine)
    built = cube.build(engine, int(snapshot["id"]))
    assert built["hitungan"] > 0 and built["kebutuhan"] >= built["hitungan"]
    assert cube.load(engine, int(snapshot["id"]), "hitungan").households == 800
    with engine.begin() as conn:
        conn.execute(store.snapshots.update().values(links_version=1))
    assert cube.load(engine, int(snapshot["id"]), "hitungan") is None
    counts = cube.counts(engine, int(snapshot["id"]))  # rebuilt on demand
    assert counts.cells.households == counts.by_desil.households == 800
    assert isinstance(counts.cells.attrs, pd.DataFrame)
    with engine.begin() as conn:  # deleting the period deletes its cubes
        conn.execute(store.snapshots.delete())
    with engine.connect() as conn:
        assert conn.execute(store.cubes.select()).first() is None


@pytest.mark.parametrize("filters", [Filters(), Filters(desil_min=1, desil_max=4),
                                     Filters(programs=("penerima_pkh",),
                                             vulnerable=("jumlah_lansia",))],
                         ids=["semua", "desil_1_4", "pkh_lansia"])
def test_lintas_opd_counts_the_same_from_the_needs_cube(filters: Filters) -> None:
    from geo import planning
    from geo.views.common import make_scope
    from geo.views.opd_view import opd_view

    city = vf.city(2_500)
    rows = indicators.prepare(city.households)
    ids = [i.id for i in indicators.INDICATORS if rows.available(i.id)]
    by_household = make_scope(rows, planning.agency_needs(rows.hits, ids),
                              planning.agency_known(rows.hits, rows.dens, rows.bases, ids),
                              city.kelurahan, filters, city.names, indicators.DEFAULT_SETTINGS)
    cells = cube.prepared_from(cube.cells_of(rows), rows.known_columns)
    by_cell = make_scope(cells, cube.need_cells_from(cube.need_cells_of(rows)), None,
                         city.kelurahan, filters, city.names, indicators.DEFAULT_SETTINGS)
    expected, got = opd_view(by_household, city.names), opd_view(by_cell, city.names)
    assert_frame_equal(got.matrix, expected.matrix)
    assert_frame_equal(got.overlap, expected.overlap)
    assert_frame_equal(got.pairs, expected.pairs)
    assert by_cell.unlinked == by_household.unlinked


def test_parts_that_decide_less_are_judged_with_the_periods_indicators() -> None:
    households = vf.city(2_500).households.copy()
    parts_rows = [households.iloc[:1200].copy(), households.iloc[1200:].reset_index(drop=True)]
    parts_rows[0]["krt_bekerja"] = None  # the first part decides fewer indicators
    whole_rows = pd.concat(parts_rows, ignore_index=True)
    expected = cube.part_of(whole_rows)
    parts = [cube.part_of(p) for p in parts_rows]
    assert parts[0].available != parts[1].available
    got = cube.whole_of(parts, lambda i, available: cube.part_of(parts_rows[i], available))
    key = [c for c in expected.needs.columns if c != "rumah_tangga"]

    def ordered(cells: pd.DataFrame) -> pd.DataFrame:
        return cells.sort_values(key, na_position="first").reset_index(drop=True)

    assert_frame_equal(ordered(got.needs), ordered(expected.needs), check_dtype=False)
    assert got.known_columns == expected.known_columns
