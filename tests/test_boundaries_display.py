"""Display geometry: neighbours share edges on screen, within MAX_DISPLACEMENT_M of the source.

Generated cities with the disagreements met in real files: slivers of overlap and gap, a thin
strip of one kelurahan running between two others, an overlap across a junction, a spike.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo import store
from geo.boundaries import MAX_DISPLACEMENT_M, format_report, import_boundaries, simplify_keep
from tests.boundary_files import ORIGIN, SIZE, UTM_48S, grid_city, write_geojson

X0, Y0 = ORIGIN


def _levels(engine, level="kelurahan"):
    """(codes, full, display) of one level, both in UTM 48S metres."""
    full = store.load_regions(engine, level).to_crs(UTM_48S)
    shown = store.load_regions(engine, level, display=True).to_crs(UTM_48S)
    return full["kode"].tolist(), full.geometry.values, shown.geometry.values


def _moved(full, shown):
    return shapely.hausdorff_distance(shapely.boundary(full), shapely.boundary(shown),
                                      densify=0.05)


def _shares_edges(engine, level="kelurahan"):
    shown = store.load_regions(engine, level, display=True).geometry.values
    return bool(shapely.coverage_is_valid(shown)) and bool(shapely.is_valid(shown).all())


def _wobbly(city, amplitude=3.0):
    """Edges with a vertex every 20 m, wobbling; neighbours' shared edges stay identical."""
    geoms = shapely.segmentize(city.geometry.values, 20)
    city["geometry"] = shapely.transform(geoms, lambda xy: xy + amplitude * np.column_stack(
        [np.sin(xy[:, 1] / 37), np.sin(xy[:, 0] / 41)]))
    return city


def test_rounding_keeps_shared_vertices_identical(engine, tmp_path):
    report = import_boundaries(engine, write_geojson(_wobbly(grid_city()), tmp_path))
    shown = store.load_regions(engine, "kelurahan", display=True).geometry.values
    assert shapely.coverage_is_valid(shown) and shapely.is_valid(shown).all()
    xy = shapely.get_coordinates(shown)
    assert np.array_equal(xy, np.round(xy, 6))
    five = np.all(xy == np.round(xy, 5), axis=1)
    assert five.mean() > 0.9  # six decimals only in thin places
    assert (xy == np.round(xy, 4)).mean() > 0.15  # a decimal dropped where there was room
    # (by chance about 1 in 10 would have four)
    # every vertex of a kelurahan lying on a neighbour's boundary is a vertex of it too
    vertices = [set(map(tuple, shapely.get_coordinates(g))) for g in shown]
    for i, g in enumerate(shown):
        for j, h in enumerate(shown):
            if i != j and shapely.intersects(g, h):
                on = [v for v in vertices[i]
                      if shapely.distance(shapely.Point(v), shapely.boundary(h)) == 0]
                assert set(on) <= vertices[j]
    codes, full, moved_shown = _levels(engine)
    assert _moved(full, moved_shown).max() <= MAX_DISPLACEMENT_M
    assert report.display["kelurahan"]["over_limit"] == 0


def test_sliver_gap_between_neighbours_is_closed_on_screen(engine, tmp_path):
    city = grid_city()
    # kel 11 and kel 12 each stop 3 m short of their shared edge over 600 m: a 6 m gap
    city.loc[0, "geometry"] = city.geometry.iloc[0].difference(
        shapely.box(X0 + SIZE - 3, Y0 + 200, X0 + SIZE, Y0 + 800))
    city.loc[1, "geometry"] = city.geometry.iloc[1].difference(
        shapely.box(X0 + SIZE, Y0 + 200, X0 + SIZE + 3, Y0 + 800))
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert report.coverage[0]["gaps"] == 1  # the report still says so
    codes, full, shown = _levels(engine)
    assert _shares_edges(engine)
    union = shapely.union_all(shown)
    assert all(len(p.interiors) == 0 for p in shapely.get_parts(union))
    assert shapely.length(shapely.intersection(shown[0], shown[1])) > 0.99 * SIZE
    assert _moved(full, shown)[:2].max() == pytest.approx(3.0, abs=1.0)  # midway


def test_thin_strip_between_two_neighbours_stays(engine, tmp_path):
    city = grid_city()
    # kel 11 runs a 2 m wide strip 300 m east, along the edge between kel 12 and kel 22
    strip = shapely.box(X0 + SIZE - 1, Y0 + SIZE - 1, X0 + SIZE + 300, Y0 + SIZE + 1)
    city.loc[0, "geometry"] = city.geometry.iloc[0].union(strip)
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    codes, full, shown = _levels(engine)
    assert _shares_edges(engine)
    moved = _moved(full, shown)
    assert moved.max() <= MAX_DISPLACEMENT_M, dict(zip(codes, moved.round(1)))
    # the strip is still kel 11's on screen
    tip = shapely.Point(X0 + SIZE + 290, Y0 + SIZE)
    assert shapely.distance(shown[codes.index("36.74.01.1001")], tip) < 1.0
    assert report.display["kelurahan"]["over_limit"] == 0


def test_overlap_across_a_junction_is_split_midway(engine, tmp_path):
    city = grid_city()
    # kel 21 and kel 22 reach 9 m down into kel 11 and kel 12, across the corner they share
    for k in (3, 4):
        city.loc[k, "geometry"] = city.geometry.iloc[k].union(shapely.box(
            X0 + (k - 3) * SIZE, Y0 + SIZE - 9, X0 + (k - 2) * SIZE, Y0 + SIZE))
    import_boundaries(engine, write_geojson(city, tmp_path))
    codes, full, shown = _levels(engine)
    assert _shares_edges(engine)
    moved = _moved(full, shown)
    assert moved.max() <= 7.0, dict(zip(codes, moved.round(1)))  # about half of 9 m


def _polygon(*xy):
    return shapely.Polygon([(X0 + x, Y0 + y) for x, y in xy])


def test_ragged_outline_in_a_gap_does_not_bridge_it(engine, tmp_path):
    city = grid_city()
    # kel 22 leaves a wedge open along kel 21: 22 m wide at kel 12's top edge, closing 200 m up
    wedge = _polygon((SIZE, SIZE), (SIZE + 22, SIZE), (SIZE, SIZE + 200))
    city.loc[4, "geometry"] = city.geometry.iloc[4].difference(wedge)
    # kel 12 runs up into it from the corner it shares with kel 21, to a tip 9 m from kel 21
    # and 4 m from kel 22; a detached fragment of it lies across kel 22's edge 28 m higher up.
    # Cleaning used to hand kel 12 the gap between tip and fragment: a bridge 14 m from both.
    peninsula = _polygon((SIZE, SIZE), (SIZE + 20, SIZE), (SIZE + 9, SIZE + 80))
    fragment = _polygon((SIZE + 8, SIZE + 108), (SIZE + 10, SIZE + 109),
                        (SIZE + 12, SIZE + 120), (SIZE + 11, SIZE + 119))
    city.loc[1, "geometry"] = shapely.union_all([city.geometry.iloc[1], peninsula, fragment])
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    codes, full, shown = _levels(engine)
    assert _shares_edges(engine)
    moved = _moved(full, shown)
    assert moved.max() <= MAX_DISPLACEMENT_M, dict(zip(codes, moved.round(1)))
    assert report.display["kelurahan"]["over_limit"] == 0
    # the wedge above the tip is closed by the two sides of it
    above = shapely.Point(X0 + SIZE + 5, Y0 + SIZE + 95)
    kel12 = shown[codes.index("36.74.01.1002")]
    assert not shapely.intersects(kel12, above)
    assert shapely.intersects(shapely.union_all(shown), above)


def test_spike_too_long_to_split_is_reported(engine, tmp_path):
    city = grid_city()
    # kel 12 pokes a 2 m wide spike 40 m into kel 11: whoever gets it moves about 20 m
    spike = shapely.box(X0 + SIZE - 40, Y0 + 500, X0 + SIZE, Y0 + 502)
    city.loc[1, "geometry"] = city.geometry.iloc[1].union(spike)
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert _shares_edges(engine)
    listed = {o["kode"]: o for o in report.display["kelurahan"]["over_limit_list"]}
    assert set(listed) <= {"36.74.01.1001", "36.74.01.1002"} and listed
    for item in listed.values():
        assert MAX_DISPLACEMENT_M < item["pergeseran_m"] <= 25
        assert item["pembersihan_m"] > MAX_DISPLACEMENT_M  # the source, not simplifying
        assert "berkas sumber" in item["sebab"]
    assert report.display["kelurahan"]["over_limit"] == len(listed)
    text = format_report(report)
    assert all(f"- {code} " in text for code in listed)


def test_simplify_keep_tolerance_per_vertex():
    # a zigzag of amplitude 1: a tolerance of 2 drops the inner vertices, 0.5 keeps them
    x = np.arange(11, dtype=float)
    xy = np.column_stack([x, np.where(np.arange(11) % 2, 1.0, 0.0)])
    line = np.zeros(11, int)
    assert simplify_keep(xy, line, np.full(11, 2.0)).sum() == 2
    assert simplify_keep(xy, line, np.full(11, 0.5)).all()
    tolerance = np.where(x < 5, 2.0, 0.5)  # loose in the first half only
    keep = simplify_keep(xy, line, tolerance)
    assert keep[5:].all() and not keep[1:4].any()
    # a closed line keeps its start and the vertex farthest from it
    square = np.array([[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [0, 0]], dtype=float)
    keep = simplify_keep(square, np.zeros(6, int), np.full(6, 0.1))
    assert keep.tolist() == [True, False, True, True, True, True]
