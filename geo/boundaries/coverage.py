"""A level's features as a clean coverage: overlaps and sliver gaps between neighbours
handed out, shared edges made identical, each side moving about half the disagreement.

The first step of the display geometry (:mod:`geo.boundaries.display` simplifies and rounds
the result); measured on the real test files, see bench/bench_display_geometry.py.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import shapely

from geo.boundaries.base import MAX_DISPLACEMENT_M, ROUNDING_SLACK_M, ragged
from geo.boundaries.repair import polygonal

GAP_WIDTH_M = 2 * MAX_DISPLACEMENT_M  # narrower gaps between neighbours are closed on screen
INLET_WIDTH_M = 5.0  # and narrower inlets between them open to the outside
OVERLAP_REACH_M = 50.0  # how far around an overlap its cost to either side is measured
OVERLAP_SAMPLE_M = 4.0  # spacing of the points along an overlap's outline
THIN_M = 0.5  # strips narrower than twice this vanish on screen
LOST_VERTEX_M = 2.0  # original vertices cleaning moved further than this are put back
JUNCTION_ON_M = 0.5  # a junction this near two of its polygons' boundaries sits on both
MOVE_SPOT_M = 10.0  # vertices this near a spot where a move broke validity move less
SNAP_M = -1.0  # GEOS picks a tiny snapping distance; larger values moved boundaries more


def _key(xy: np.ndarray, extra: np.ndarray | None = None) -> pd.MultiIndex:
    arrays = [np.round(xy[:, 0], 4), np.round(xy[:, 1], 4)]
    return pd.MultiIndex.from_arrays(arrays if extra is None else [*arrays, extra])


def _union_by(geoms: np.ndarray, group: np.ndarray, size: int) -> np.ndarray:
    """The union of ``geoms`` per group number in ``range(size)`` (None for an empty group)."""
    out = np.full(size, None, dtype=object)
    for g, rows in pd.Series(np.arange(len(geoms))).groupby(group):
        out[g] = shapely.union_all(geoms[rows.to_numpy()])
    return out


def _loss_m(parts: np.ndarray, owners: np.ndarray, lost: np.ndarray, pts: np.ndarray,
            pt_part: np.ndarray) -> np.ndarray:
    """Per overlap part: how far the owner's boundary moves near the part if it loses ``lost``.

    ``pts`` are points along the parts' outlines (``pt_part`` says whose). A point on the owner's
    own boundary moves to what is left of the owner; a point on the neighbour's boundary becomes
    the owner's and lies that deep inside it; one of the two distances is zero. Only the
    surroundings (OVERLAP_REACH_M) count, so the result is capped near that, and strips of the
    rest narrower than 2 * THIN_M do not count: they vanish on screen.
    """
    x0, y0, x1, y1 = shapely.bounds(parts).T
    box = shapely.box(x0 - OVERLAP_REACH_M, y0 - OVERLAP_REACH_M, x1 + OVERLAP_REACH_M,
                      y1 + OVERLAP_REACH_M)
    local = shapely.intersection(owners, box)
    rest = shapely.difference(local, shapely.intersection(lost, box))
    rest = shapely.buffer(shapely.buffer(rest, -THIN_M, join_style="mitre"), THIN_M,
                          join_style="mitre")
    d = (shapely.distance(pts, rest[pt_part])
         + shapely.distance(pts, shapely.boundary(local)[pt_part]))
    d = np.where(np.isfinite(d), d, 2 * OVERLAP_REACH_M)  # nothing left nearby
    out = np.zeros(len(parts))
    np.maximum.at(out, pt_part, d)
    return out


def resolve_overlaps(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` (metric CRS) with each overlap between two of them cut out of one: the one whose
    boundary moves less without it.

    A sliver costs either side its width; a thin strip or spike of one feature lying inside its
    neighbour stays with that feature, as losing it would move its boundary far. A second pass
    catches a feature that would lose several adjacent parts at once (both halves of a strip
    running between two neighbours): such a part goes back to it when the loss together is
    larger than what the other side pays.
    """
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    a, b = a[a < b], b[a < b]
    parts, pair = shapely.get_parts(shapely.intersection(geoms[a], geoms[b]), return_index=True)
    polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, a, b = parts[polygon], a[pair[polygon]], b[pair[polygon]]
    if not len(parts):
        return geoms
    xy, pt_part = shapely.get_coordinates(
        shapely.segmentize(shapely.boundary(parts), OVERLAP_SAMPLE_M), return_index=True)
    pts = shapely.points(xy)
    loss_a = _loss_m(parts, geoms[a], parts, pts, pt_part)
    loss_b = _loss_m(parts, geoms[b], parts, pts, pt_part)
    loser = np.where(loss_a <= loss_b, a, b)
    other_pays = np.maximum(loss_a, loss_b)
    for _ in range(2):
        lost = _union_by(parts, loser, len(geoms))
        together = _loss_m(parts, geoms[loser], lost[loser], pts, pt_part)
        flip = together > other_pays + ROUNDING_SLACK_M  # clearly more, not a tie
        if not flip.any():
            break
        other_pays = np.where(flip, together, other_pays)
        loser = np.where(flip, a + b - loser, loser)
    lost = _union_by(parts, loser, len(geoms))
    out = geoms.copy()
    has = np.array([g is not None for g in lost])
    out[has] = shapely.difference(geoms[has], lost[has])
    return np.array([polygonal(g) or geoms[i] for i, g in enumerate(out)], dtype=object)


def _nearer_sides(triangles: np.ndarray, owner: np.ndarray, geoms: np.ndarray,
                  reach_m: float) -> np.ndarray:
    """``owner`` (a feature per gap triangle), changed where a triangle has points farther than
    ``reach_m`` from its owner's boundary and a feature touching it is clearly nearer to all
    of them: the one with the least such distance.

    The midway move in :func:`clean_coverage` halves a side's growth across a sliver, as the
    other side's boundary runs along it; it cannot where the owner is near at the triangle's
    corners only. A ragged outline running into a gap between two neighbours (a spike, a
    detached fragment) would otherwise grow a bridge across the gap, its sides as far from the
    owner's boundary as the corners it spans are apart.
    """
    bnd = shapely.boundary(geoms)
    corners = shapely.get_coordinates(triangles).reshape(len(triangles), 4, 2)[:, :3]
    near = shapely.distance(shapely.points(corners), bnd[owner][:, None])
    side = np.hypot(*np.moveaxis(np.roll(corners, -1, axis=1) - corners, 2, 0))
    # distance grows at most 1:1 along an edge, so no point of it is farther than this
    bound = ((near + np.roll(near, -1, axis=1) + side) / 2).max(axis=1)
    suspect = np.flatnonzero(bound > reach_m)
    if not len(suspect):
        return owner
    xy, pt_tri = shapely.get_coordinates(shapely.segmentize(
        shapely.boundary(triangles[suspect]), OVERLAP_SAMPLE_M), return_index=True)
    pts = shapely.points(xy)
    # only the owner's boundary around a triangle can be within reach_m of it (faster)
    x0, y0, x1, y1 = shapely.bounds(triangles[suspect]).T
    around = shapely.intersection(bnd[owner[suspect]], shapely.box(
        x0 - reach_m, y0 - reach_m, x1 + reach_m, y1 + reach_m))
    own = np.zeros(len(suspect))
    np.maximum.at(own, pt_tri, np.nan_to_num(shapely.distance(pts, around[pt_tri]),
                                              nan=np.inf))
    far = np.flatnonzero(own > reach_m)
    if not len(far):
        return owner
    # the few far ones: the whole boundaries of their owners and of the features touching them
    t, f = shapely.STRtree(geoms).query(triangles[suspect[far]], predicate="dwithin",
                                        distance=1e-6)
    t, f = np.r_[t, np.arange(len(far))], np.r_[f, owner[suspect[far]]]
    point, pair = ragged(np.searchsorted(pt_tri, far[t]),
                          np.searchsorted(pt_tri, far[t], "right"))
    cost = np.zeros(len(t))
    np.maximum.at(cost, pair, shapely.distance(pts[point], bnd[f[pair]]))
    costs = pd.DataFrame({"t": t, "f": f, "cost": cost}).sort_values("cost")
    mine = costs[costs["f"].to_numpy() == owner[suspect[far]][costs["t"].to_numpy()]]
    own_cost = mine.groupby("t")["cost"].max().reindex(range(len(far))).to_numpy()
    best = costs.drop_duplicates("t").set_index("t").reindex(range(len(far)))
    better = best["cost"].to_numpy() < own_cost - ROUNDING_SLACK_M
    out = owner.copy()
    out[suspect[far[better]]] = best["f"].to_numpy()[better].astype(int)
    return out


def close_gaps(geoms: np.ndarray, width_m: float = GAP_WIDTH_M,
               inlet_m: float = INLET_WIDTH_M) -> np.ndarray:
    """``geoms`` (metric CRS) with the gaps between neighbours handed out: holes of their
    union narrower than ``width_m``, and inlets open to the outside narrower than ``inlet_m``
    (what closing the union's outline with a disc that wide adds; a wider inlet is left, as
    closing it would bulge across its mouth). A gap that only one feature borders is its own.

    Each gap is cut in triangles, each going to the feature nearest to the middle of its longest
    edge: a long thin triangle along a sliver goes to the side it lies along, so a side grows
    by at most the gap's width (the midway move in :func:`clean_coverage` then halves that).
    A triangle with points farther than half of ``width_m`` from its side, which that move
    cannot bring back, goes to a side it touches that is clearly nearer to all of them
    (:func:`_nearer_sides`).
    """
    polys = shapely.get_parts(shapely.union_all(geoms))
    rings, ring_of = shapely.get_rings(polys, return_index=True)
    holes = shapely.polygons(rings[np.r_[False, ring_of[1:] == ring_of[:-1]]])
    if len(holes):
        holes = holes[2 * shapely.length(shapely.maximum_inscribed_circle(holes, 0.05))
                      <= width_m]
    filled = shapely.union_all(shapely.polygons(shapely.get_exterior_ring(polys)))
    closed = shapely.buffer(shapely.buffer(filled, inlet_m / 2), -inlet_m / 2)
    inlets = shapely.get_parts(shapely.difference(closed, filled))
    gaps = np.r_[holes, inlets[shapely.get_type_id(inlets) == shapely.GeometryType.POLYGON]]
    # between neighbours only: a hole in one feature, or a notch of its outline, is its own
    gap, feature = shapely.STRtree(geoms).query(gaps, predicate="dwithin", distance=1e-6)
    sides = pd.Series(feature).groupby(gap).nunique()
    gaps = gaps[sides.index[sides.to_numpy() >= 2]]
    if not len(gaps):
        return geoms
    triangles = shapely.get_parts(shapely.constrained_delaunay_triangles(gaps))
    corners = shapely.get_coordinates(triangles).reshape(len(triangles), 4, 2)
    length = np.hypot(*np.moveaxis(corners[:, 1:] - corners[:, :-1], 2, 0))
    k = np.argmax(length, axis=1)
    rows = np.arange(len(triangles))
    middle = (corners[rows, k] + corners[rows, k + 1]) / 2
    tri, nearest = shapely.STRtree(geoms).query_nearest(shapely.points(middle),
                                                        all_matches=False)
    nearest = _nearer_sides(triangles[tri], nearest, geoms, width_m / 2)
    out = geoms.copy()
    for g, mine in pd.Series(tri).groupby(nearest):
        grown = shapely.union_all(np.r_[[geoms[g]], triangles[mine.to_numpy()]])
        out[g] = polygonal(grown) or geoms[g]
    return out


def _move_spots(moved: np.ndarray) -> tuple[list[shapely.Geometry], np.ndarray]:
    """Where ``moved`` is not a valid coverage, and which polygons: invalid polygons' reported
    points, else the edges where neighbours overlap or do not match."""
    bad = ~shapely.is_valid(moved)
    spots = []
    for geom in moved[bad]:
        found = re.search(r"\[(\S+) (\S+)\]", shapely.is_valid_reason(geom))
        spots.append(shapely.Point(float(found[1]), float(found[2])) if found
                     else shapely.centroid(geom))
    if not spots and not shapely.coverage_is_valid(moved):
        edges = shapely.coverage_invalid_edges(moved)
        bad = ~shapely.is_empty(edges)
        spots = list(shapely.get_parts(edges[bad]))
    return spots, np.flatnonzero(bad)


def _settle_junctions(target: pd.DataFrame, claimed: pd.MultiIndex, boundaries: np.ndarray,
                      put_back: pd.MultiIndex, rounds: int = 8) -> pd.DataFrame:
    """``target`` (x, y by vertex key) with each point where three or more polygons meet moved
    to the point nearest, in least squares, to all their original ``boundaries`` (the mean of
    the nearest points, repeated from there), so that a junction of slivers lands in their
    middle. Left at the plain mean: a vertex put back (``put_back``), and a junction that slid
    onto an edge two of its polygons share in the original (there the least-squares point of
    three boundaries, two of them one line, is on that line). Left where it is: a junction
    the move brings no nearer to the farthest of them. ``claimed``: (x, y, polygon) per polygon
    at a vertex."""
    here = claimed.droplevel(2)
    count = pd.Series(1, index=here).groupby(level=[0, 1]).sum()
    junction = count.index[count.to_numpy() >= 3].difference(put_back)
    rows = here.isin(junction)
    if not rows.any():
        return target
    key = here[rows]
    bnd = boundaries[claimed.get_level_values(2).to_numpy()[rows]]
    pos = target.reindex(junction)
    for _ in range(rounds):
        at = shapely.points(pos.reindex(key).to_numpy())
        near = shapely.get_coordinates(shapely.shortest_line(at, bnd))[1::2]
        pos = pd.DataFrame(near, index=key, columns=["x", "y"]).groupby(level=[0, 1]).mean()

    def apart(xy: np.ndarray) -> pd.Series:
        return pd.Series(shapely.distance(shapely.points(xy), bnd), index=key)

    start = np.column_stack([key.get_level_values(0), key.get_level_values(1)]).astype(float)
    settled = apart(pos.reindex(key).to_numpy())
    pos = pos.reindex(junction)
    slid = ((settled < JUNCTION_ON_M).groupby(level=[0, 1]).sum() >= 2).reindex(
        junction).to_numpy()
    pos[slid] = target.reindex(junction)[slid]
    stay = (settled.groupby(level=[0, 1]).max() >= apart(start).groupby(level=[0, 1]).max()
            ).reindex(junction).to_numpy() & ~slid
    pos.loc[stay, "x"] = junction.get_level_values(0)[stay]
    pos.loc[stay, "y"] = junction.get_level_values(1)[stay]
    out = target.copy()
    out.loc[junction, ["x", "y"]] = pos[["x", "y"]].to_numpy()
    return out


def clean_coverage(geoms: np.ndarray, lost_m: float = LOST_VERTEX_M) -> np.ndarray:
    """A valid coverage (no overlaps, sliver gaps closed, shared edges identical) close to
    ``geoms`` (metric CRS).

    Overlaps go to the side that moves less without them (:func:`resolve_overlaps`), narrow
    gaps to their nearest side (:func:`close_gaps`), and ``coverage_clean`` makes shared edges
    identical. Such an edge follows one side's original boundary, so every vertex is then moved
    to the mean of the nearest points on the original boundaries of the polygons sharing it
    (original vertices the cleaning left more than ``lost_m`` away first inserted where they
    project): a shared edge runs midway, each side moving about half the disagreement; a
    junction of three or more goes where it is nearest to all of them. Where a move
    would make a polygon invalid or overlap a neighbour, the vertices near that spot move half
    as far, then a quarter, then not at all.
    """
    clean = shapely.coverage_clean(close_gaps(resolve_overlaps(geoms)),
                                   snapping_distance=SNAP_M)
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    pts = shapely.points(coords)
    clean_bnd = shapely.boundary(clean)
    far = np.flatnonzero(shapely.distance(pts, clean_bnd[idx]) > lost_m)
    proj = shapely.get_coordinates(shapely.shortest_line(pts[far], clean_bnd[idx[far]]))[1::2]
    if len(proj):
        tree = shapely.STRtree(shapely.points(proj))
        poly_i, pt_i = tree.query(clean_bnd, predicate="dwithin", distance=1e-6)
        for i, group in pd.Series(pt_i).groupby(poly_i):
            clean[i] = shapely.snap(clean[i], shapely.multipoints(proj[group.to_numpy()]), 1e-6)
    vc, vi = shapely.get_coordinates(clean, return_index=True)
    near = shapely.get_coordinates(
        shapely.shortest_line(shapely.points(vc), shapely.boundary(geoms)[vi]))[1::2]
    claims = pd.DataFrame({"x": near[:, 0], "y": near[:, 1]}, index=_key(vc, vi))
    put_back = pd.MultiIndex.from_arrays([[], []])
    if len(proj):
        lost = pd.DataFrame({"x": coords[far, 0], "y": coords[far, 1]},
                            index=_key(proj, idx[far])).groupby(level=[0, 1, 2]).mean()
        hit = claims.index.isin(lost.index)
        claims.loc[hit, ["x", "y"]] = lost.reindex(claims.index[hit]).to_numpy()
        put_back = claims.index[hit].droplevel(2).unique()
    claims = claims.groupby(level=[0, 1, 2]).mean()
    target = claims.groupby(level=[0, 1]).mean()
    target = _settle_junctions(target, claims.index, shapely.boundary(geoms), put_back)
    keys = _key(vc)
    code, unique = pd.factorize(keys)
    factor = np.ones(len(unique))  # how far along its move each vertex goes
    goal = target.reindex(keys).to_numpy()
    for _ in range(12):
        new = vc + factor[code][:, None] * (goal - vc)
        moved = shapely.set_coordinates(clean.copy(), new)
        spots, bad = _move_spots(moved)
        if not spots:
            return moved
        near_spot = shapely.STRtree(shapely.points(new)).query(
            np.array(spots, dtype=object), predicate="dwithin", distance=MOVE_SPOT_M)[1]
        near_spot = np.unique(code[near_spot])
        if not (factor[near_spot] > 0).any():  # not caused here: hold the whole polygons
            near_spot = np.unique(code[np.isin(vi, bad)])
            if not (factor[near_spot] > 0).any():
                break
        factor[near_spot] = np.where(factor[near_spot] > 0.2, factor[near_spot] / 2, 0.0)
    return clean

