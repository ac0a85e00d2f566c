"""geo.point_index.PointIndex: the polygon holding each point, decided like shapely.

The rule pinned here: the lowest-index polygon that contains the point; for a point on edges
only (a shared edge, the outline), the lowest-index polygon it touches; -1 for none, NaN or
infinite coordinates. Grids are chosen so that grid lines fall on polygon edges and vertices,
the cases the grid must not get wrong."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geo.demo import build_city
from geo.point_index import PointIndex, cells_for


def reference(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The rule, point by point with shapely."""
    out = np.full(len(x), -1, dtype=np.int64)
    for k, (px, py) in enumerate(zip(x, y)):
        if not (np.isfinite(px) and np.isfinite(py)):
            continue
        p = shapely.Point(px, py)
        inside = [i for i, g in enumerate(geoms) if g is not None and g.contains(p)]
        touch = [i for i, g in enumerate(geoms) if g is not None and g.intersects(p)]
        out[k] = (inside or touch or [-1])[0]
    return out


def squares(n: int = 3, step: float = 1.0) -> np.ndarray:
    return np.array([box(i % n * step, i // n * step, (i % n + 1) * step, (i // n + 1) * step)
                     for i in range(n * n)], dtype=object)


def lattice(lo: float, hi: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Every point of a regular lattice, including its border: vertices, edges, grid lines."""
    v = np.linspace(lo, hi, steps)
    x, y = np.meshgrid(v, v)
    return x.ravel(), y.ravel()


@pytest.mark.parametrize("cells", [1, 9, 36, 100, 2**12])
def test_squares_on_every_lattice_point_match_shapely(cells):
    """3x3 unit squares; with 9 and 36 cells the grid lines are the squares' edges."""
    geoms = squares()
    x, y = lattice(-0.5, 3.5, 33)  # step 0.125: edges, vertices, cell borders, outside
    got = PointIndex(geoms, cells=cells).lookup(x, y)
    assert got.tolist() == reference(geoms, x, y).tolist()


def test_point_on_a_shared_edge_goes_to_the_lowest_index():
    geoms = squares()
    index = PointIndex(geoms, cells=36)
    # vertical edge between 0 and 1, horizontal between 1 and 4, corner of 0, 1, 3, 4
    got = index.lookup(np.array([1.0, 1.5, 1.0]), np.array([0.5, 1.0, 1.0]))
    assert got.tolist() == [0, 1, 0]
    # the same edges with the polygons listed the other way round
    flipped = PointIndex(geoms[::-1], cells=36).lookup(np.array([1.0]), np.array([0.5]))
    assert flipped.tolist() == [7]  # square 1 is index 7 when reversed


def test_diagonal_shared_edge_and_outline():
    """Two triangles sharing a diagonal; points exactly on it, and on the outline's top and
    right sides (the grid's own top and right border)."""
    lower = Polygon([(0, 0), (4, 0), (4, 4)])
    upper = Polygon([(0, 0), (4, 4), (0, 4)])
    geoms = np.array([upper, lower], dtype=object)
    x = np.array([1.0, 2.5, 4.0, 2.0, 4.0, 0.0, 3.0, 1.0])
    y = np.array([1.0, 2.5, 4.0, 4.0, 2.0, 2.0, 1.0, 3.0])
    for cells in (1, 16, 64, 1000):
        got = PointIndex(geoms, cells=cells).lookup(x, y)
        assert got.tolist() == [0, 0, 0, 0, 1, 0, 1, 0]
        assert got.tolist() == reference(geoms, x, y).tolist()


def test_holes_enclaves_and_multipolygons():
    """A kelurahan with a hole holding another (an enclave), a kelurahan of two islands."""
    ring = Polygon([(0, 0), (6, 0), (6, 6), (0, 6)], [[(2, 2), (4, 2), (4, 4), (2, 4)]])
    enclave = box(2, 2, 4, 4)
    islands = MultiPolygon([box(7, 0, 8, 1), box(7, 5, 9, 6)])
    geoms = np.array([ring, enclave, islands], dtype=object)
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-1, 10, 3000), lattice(-1, 10, 45)[0]])
    y = np.concatenate([rng.uniform(-1, 7, 3000), lattice(-1, 7, 45)[1]])
    for cells in (4, 50, 500, 5000):
        got = PointIndex(geoms, cells=cells).lookup(x, y)
        assert got.tolist() == reference(geoms, x, y).tolist()
    got = PointIndex(geoms, cells=500).lookup(np.array([3.0, 1.0, 7.5, 8.0, 7.5, 3.0]),
                                              np.array([3.0, 1.0, 0.5, 5.5, 3.0, 2.0]))
    assert got.tolist() == [1, 0, 2, 2, -1, 0]  # hole edge (3, 2): ring is listed first


def test_overlapping_polygons_give_the_lowest_index():
    geoms = np.array([box(0, 0, 4, 4), box(2, 2, 6, 6), box(1, 1, 2.5, 2.5)], dtype=object)
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-1, 7, 4000), rng.uniform(-1, 7, 4000)
    for cells in (9, 200, 4000):
        got = PointIndex(geoms, cells=cells).lookup(x, y)
        assert got.tolist() == reference(geoms, x, y).tolist()


def test_outside_nan_infinite_and_empty():
    geoms = squares()
    index = PointIndex(geoms, cells=100)
    x = np.array([-5.0, 50.0, np.nan, 1.5, np.inf, -np.inf, 3.0 + 1e-12])
    y = np.array([1.0, 1.0, 1.0, np.nan, 1.0, 1.0, 1.0])
    assert index.lookup(x, y).tolist() == [-1] * 7
    assert index.lookup(np.array([]), np.array([])).tolist() == []
    assert PointIndex(np.array([], dtype=object)).lookup(x, y).tolist() == [-1] * 7
    none = PointIndex(np.array([None, box(0, 0, 1, 1)], dtype=object), cells=16)
    assert none.lookup(np.array([0.5, 2.0]), np.array([0.5, 0.5])).tolist() == [1, -1]


def test_near_an_edge_within_rounding():
    """Points a few ulps either side of a shared slanted edge, decided exactly."""
    a = Polygon([(0, 0), (3, 1), (3, 5), (0, 5)])
    b = Polygon([(0, 0), (6, 0), (6, 5), (3, 5), (3, 1)])
    geoms = np.array([a, b], dtype=object)
    t = np.linspace(0.05, 0.95, 40)
    x0, y0 = 3 * t, 1 * t
    x = np.concatenate([x0, np.nextafter(x0, 10), np.nextafter(x0, -10)])
    y = np.concatenate([y0, y0, y0])
    got = PointIndex(geoms, cells=64).lookup(x, y)
    assert got.tolist() == reference(geoms, x, y).tolist()


def test_demo_city_matches_shapely_at_any_grid_size():
    kel, _ = build_city(5, n_kelurahan=30, n_kecamatan=4, radius_km=5)
    geoms = kel.geometry.to_numpy()
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = kel.total_bounds
    x = rng.uniform(minx - 0.01, maxx + 0.01, 20_000)
    y = rng.uniform(miny - 0.01, maxy + 0.01, 20_000)
    # vertices of the polygons: every one lies on an edge (most on a shared one)
    xy = shapely.get_coordinates(geoms)[::7]
    x, y = np.concatenate([x, xy[:, 0]]), np.concatenate([y, xy[:, 1]])
    tree = shapely.STRtree(geoms)
    pts = shapely.points(x, y)
    expected = np.full(len(x), -1)
    for predicate in ("within", "intersects"):
        todo = np.flatnonzero(expected < 0)
        i, j = tree.query(pts[todo], predicate=predicate)
        order = np.lexsort((-j, i))
        expected[todo[i[order]]] = j[order]
    for cells in (2**6, 2**12, 2**16, cells_for(len(x), len(geoms))):
        got = PointIndex(geoms, cells=cells).lookup(x, y)
        assert (got == expected).all()


def test_builds_and_lookups_in_chunks_give_the_same_answer(monkeypatch):
    from geo import point_index

    kel, _ = build_city(5, n_kelurahan=12, n_kecamatan=2, radius_km=3)
    geoms = np.concatenate([kel.geometry.to_numpy(), squares(step=0.001)])
    rng = np.random.default_rng(2)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    x, y = rng.uniform(minx, maxx, 5000), rng.uniform(miny, maxy, 5000)
    whole = PointIndex(geoms, cells=2000).lookup(x, y)
    monkeypatch.setattr(point_index, "POINT_CHUNK", 97)
    monkeypatch.setattr(point_index, "PAIR_BATCH", 5)
    monkeypatch.setattr(point_index, "EDGE_CHUNK", 7)
    assert PointIndex(geoms, cells=2000).lookup(x, y).tolist() == whole.tolist()
    assert whole.tolist() == reference(geoms, x, y).tolist()


def test_a_geometry_collection_among_the_polygons():
    """Not (multi)polygons only: read through shapely's rings, same answers."""
    from shapely.geometry import GeometryCollection

    geoms = np.array([box(0, 0, 1, 1), GeometryCollection([box(1, 0, 2, 1), box(3, 0, 4, 1)])],
                     dtype=object)
    x, y = lattice(-0.25, 4.25, 19)
    got = PointIndex(geoms, cells=64).lookup(x, y)
    assert got.tolist() == reference(geoms, x, y).tolist()
    assert (got == 1).sum() > 0
