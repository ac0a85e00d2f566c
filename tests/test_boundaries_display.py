"""geo.boundaries.display: simplified and rounded edges that neighbours still share, within
MAX_DISPLACEMENT_M of the source, and the displacement measured and reported."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity

from geo import store
from geo.boundaries import MAX_DISPLACEMENT_M, import_boundaries, simplify_keep
from geo.cli.import_boundaries import format_report
from tests.boundary_files import (
    ORIGIN,
    SIZE,
    grid_city,
    levels_in_metres,
    metric,
    moved_m,
    shares_edges,
    write_geojson,
)

X0, Y0 = ORIGIN


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
    codes, full, moved_shown = levels_in_metres(engine)
    assert moved_m(full, moved_shown).max() <= MAX_DISPLACEMENT_M
    assert report.display["kelurahan"]["over_limit"] == 0


def test_display_geometry_shares_edges_within_limit(engine, tmp_path):
    city = grid_city()
    # wobbly shared edges with many vertices, and a 4 m overlap along one of them
    city["geometry"] = shapely.segmentize(city.geometry.values, 20)
    city["geometry"] = shapely.transform(
        city.geometry.values,
        lambda xy: xy + np.column_stack([np.sin(xy[:, 1] / 37) * 3, np.sin(xy[:, 0] / 41) * 3]))
    city.loc[1, "geometry"] = shapely.buffer(city.geometry.iloc[1], 2, join_style="mitre")
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    for level in ("kelurahan", "kecamatan", "kota"):
        full = metric(store.load_regions(engine, level)).geometry.values
        shown = metric(store.load_regions(engine, level, display=True)).geometry.values
        assert shapely.is_valid(shown).all()
        moved = shapely.hausdorff_distance(shapely.boundary(full), shapely.boundary(shown),
                                           densify=0.25)
        assert moved.max() <= 10.0
        assert report.display[level]["max_displacement_m"] <= 10.0
        assert report.display[level]["geojson_bytes"] > 0
    shown = store.load_regions(engine, "kelurahan", display=True).geometry.values
    assert shapely.coverage_is_valid(shown)  # neighbours share their edges, no overlap
    coords = shapely.get_coordinates(shown)
    assert np.array_equal(coords, np.round(coords, 6))  # six only in thin places
    assert np.all(coords == np.round(coords, 5), axis=1).mean() > 0.4  # (the overlap's corners)
    full_vertices = shapely.get_num_coordinates(
        store.load_regions(engine, "kelurahan").geometry.values).sum()
    assert shapely.get_num_coordinates(shown).sum() < full_vertices


def test_spike_too_long_to_split_is_reported(engine, tmp_path):
    city = grid_city()
    # kel 12 pokes a 2 m wide spike 40 m into kel 11: whoever gets it moves about 20 m
    spike = shapely.box(X0 + SIZE - 40, Y0 + 500, X0 + SIZE, Y0 + 502)
    city.loc[1, "geometry"] = city.geometry.iloc[1].union(spike)
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert shares_edges(engine)
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


def test_displacement_of_large_features_matches_geos():
    from geo.boundaries import displacement_m

    big = shapely.Point(0, 0).buffer(5_000, quad_segs=1_500)  # 6,000 vertices
    notched = big.difference(shapely.box(4_950, -20, 5_100, 20))  # a 50 m deep notch
    small = shapely.box(0, 0, 100, 100)
    full = np.array([big, big, small])
    shown = np.array([shapely.affinity.translate(big, 3, 0), notched,
                      shapely.affinity.translate(small, 0, 4)])
    moved = displacement_m(full, shown)
    assert moved[0] == pytest.approx(3.0, abs=0.1)
    assert moved[1] == pytest.approx(50.0, abs=0.5)
    assert moved[2] == pytest.approx(4.0, abs=0.01)
