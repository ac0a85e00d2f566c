"""Display geometry per level: the clean coverage (:mod:`geo.boundaries.coverage`) with every
edge simplified with what is left of MAX_DISPLACEMENT_M where it lies, and all edges rounded
together on one grid, so neighbours keep sharing them; and how far each feature moved.
Measured on the real test files, see bench/bench_display_geometry.py.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.boundaries.base import (
    LEVEL_LABEL,
    LEVELS,
    MAX_DISPLACEMENT_M,
    ROUNDING_SLACK_M,
    Progress,
    ragged,
    say,
)
from geo.boundaries.coverage import SNAP_M, clean_coverage

DISPLAY_DECIMALS = 5  # about 1.1 m; keeps a province of ~1,550 desa under 4 MB of GeoJSON
FINE_DECIMALS = 6  # for vertices of parts narrower than FINE_WIDTH_M, which 5 would collapse
FINE_WIDTH_M = 2.0
COARSE_ROUNDING_M = 3.0  # a vertex may move this far to drop a decimal (from simplifying's room)
CHECK_SPACING_M = 5.0  # displacements that may be near the limit are measured again so
CHECK_MARGIN_M = 0.5  # and kept this far below it: what that sampling may still miss
DEEP_FACE_M = 15.0  # a face this far inside is assigned by a point, not by its overlap
OVER_LIMIT_LISTED = 50  # features beyond MAX_DISPLACEMENT_M listed in the report, worst first


def _boundary_chunks(boundaries: np.ndarray, size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Each boundary cut into linestrings of at most ``size`` segments, with their owner."""
    parts, owner = shapely.get_parts(boundaries, return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    starts = np.searchsorted(part_of, np.arange(len(parts)))
    ends = np.append(starts[1:], len(coords))
    pieces = np.maximum(ends - starts - 1 + size - 1, 0) // size
    piece_part = np.repeat(np.arange(len(parts)), pieces)
    first = starts[piece_part] + size * (
        np.arange(len(piece_part)) - np.repeat(np.cumsum(pieces) - pieces, pieces))
    vertex, piece = ragged(first, np.minimum(first + size + 1, ends[piece_part]))
    return shapely.linestrings(coords[vertex], indices=piece), owner[piece_part]


def _directed_m(src: np.ndarray, dst: np.ndarray, spacing: float = 15.0,
                window: float = MAX_DISPLACEMENT_M + 2 * ROUNDING_SLACK_M) -> np.ndarray:
    """Per feature, the largest distance from a point of ``src`` (sampled every ``spacing``)
    to ``dst`` of the same feature; an index of short pieces keeps it near-linear."""
    xy, owner = shapely.get_coordinates(shapely.segmentize(src, spacing), return_index=True)
    pts = shapely.points(xy)
    pieces, piece_owner = _boundary_chunks(dst)
    pi, ci = shapely.STRtree(pieces).query(pts, predicate="dwithin", distance=window)
    same = owner[pi] == piece_owner[ci]
    pi, ci = pi[same], ci[same]
    nearest = np.full(len(pts), np.inf)
    np.minimum.at(nearest, pi, shapely.distance(pts[pi], pieces[ci]))
    far = np.flatnonzero(~np.isfinite(nearest))
    if len(far):  # beyond the window: measure exactly
        nearest[far] = shapely.distance(pts[far], dst[owner[far]])
    out = np.zeros(len(src))
    np.maximum.at(out, owner, nearest)
    return out


def displacement_m(full: np.ndarray, display: np.ndarray) -> np.ndarray:
    """Hausdorff distance between boundaries, per feature, in the units of the inputs (metres).

    Features of up to 2,000 vertices: GEOS with segments densified fourfold. Larger ones
    (dissolved kecamatan and up), where that is quadratic: both directed distances from points
    every 15 m, through an index of short boundary pieces.
    """
    a, b = shapely.boundary(full), shapely.boundary(display)
    small = shapely.get_num_coordinates(a) <= 2_000
    out = np.empty(len(a))
    out[small] = shapely.hausdorff_distance(a[small], b[small], densify=0.25)
    if (~small).any():
        out[~small] = np.maximum(_directed_m(a[~small], b[~small]),
                                 _directed_m(b[~small], a[~small]))
    return out


def _longest_segment(geoms: np.ndarray) -> np.ndarray:
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    same = owner[1:] == owner[:-1]
    out = np.zeros(len(geoms))
    np.maximum.at(out, owner[1:][same], np.hypot(*np.diff(xy, axis=0)[same].T))
    return out


def _displacement_checked(full: np.ndarray, display: np.ndarray) -> np.ndarray:
    """:func:`displacement_m`, and the larger of it and both directed distances from points
    every :data:`CHECK_SPACING_M` where it might be near the limit: GEOS samples a segment at
    its quarters, so along a segment of length L it can miss up to about L / 8."""
    moved = displacement_m(full, display)
    a, b = shapely.boundary(full), shapely.boundary(display)
    miss = np.maximum(_longest_segment(a), _longest_segment(b)) / 8
    near = np.flatnonzero(moved + miss > MAX_DISPLACEMENT_M - CHECK_MARGIN_M)
    if len(near):
        moved[near] = np.maximum.reduce([moved[near],
                                         _directed_m(a[near], b[near], CHECK_SPACING_M),
                                         _directed_m(b[near], a[near], CHECK_SPACING_M)])
    return moved


def geojson_bytes(geoms: np.ndarray, codes: list[str], names: list[str]) -> int:
    """Size of a compact GeoJSON FeatureCollection of (kode, nama, geometry)."""
    features = [{"type": "Feature", "properties": {"kode": k, "nama": n},
                 "geometry": shapely.geometry.mapping(g)} for k, n, g in zip(codes, names, geoms)]
    return len(json.dumps({"type": "FeatureCollection", "features": features},
                          separators=(",", ":"), ensure_ascii=False).encode())


def _edges(coverage: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges of a valid coverage (lines between the points where three or more polygons
    meet, or closed rings), and (edge, polygon) pairs: the one or two polygons along each."""
    lines = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(coverage))))
    middle = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    edge, poly = shapely.STRtree(shapely.boundary(coverage)).query(
        middle, predicate="dwithin", distance=1e-6)
    return lines, edge, poly


def simplify_keep(xy: np.ndarray, line: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Douglas-Peucker on many lines at once, with a tolerance per vertex: the mask of the
    vertices kept. ``line`` numbers each vertex's line (in order); both ends of a line are kept,
    and a closed line also keeps its vertex farthest from its start."""
    first = np.r_[True, line[1:] != line[:-1]]
    last = np.r_[line[1:] != line[:-1], True]
    keep = first | last
    s, e = np.flatnonzero(first), np.flatnonzero(last)
    closed = (e - s >= 3) & np.all(xy[s] == xy[e], axis=1)
    if closed.any():
        inner, which = ragged(s[closed] + 1, e[closed])
        dist = np.hypot(*(xy[inner] - xy[s[closed]][which]).T)
        order = np.lexsort((-dist, which))
        far = inner[order][np.r_[True, which[order][1:] != which[order][:-1]]]
        keep[far] = True
        s, e = np.r_[s[~closed], s[closed], far], np.r_[e[~closed], far, e[closed]]
    while True:
        s, e = s[e - s >= 2], e[e - s >= 2]
        if not len(s):
            return keep
        inner, which = ragged(s + 1, e)
        a, ab = xy[s][which], (xy[e] - xy[s])[which]
        length2 = (ab**2).sum(axis=1)
        t = np.clip(((xy[inner] - a) * ab).sum(axis=1) / np.where(length2 > 0, length2, 1), 0, 1)
        excess = np.hypot(*(xy[inner] - a - t[:, None] * ab).T) - tolerance[inner]
        order = np.lexsort((-excess, which))
        head = order[np.r_[True, which[order][1:] != which[order][:-1]]]
        split = excess[head] > 0
        k = inner[head[split]]
        keep[k] = True
        s, e = np.r_[s[which[head[split]]], k], np.r_[k, e[which[head[split]]]]


def _faces_to_features(faces: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each face, the reference feature it overlaps most (-1: none, a gap): by a point
    well inside the face where there is one, else by area of overlap."""
    owner = np.full(len(faces), -1)
    tree = shapely.STRtree(reference)
    circle = shapely.maximum_inscribed_circle(faces, 1e-5)
    deep = shapely.length(circle) * 111_000 > DEEP_FACE_M  # degrees to metres, roughly
    face_i, ref_i = tree.query(shapely.get_point(circle[deep], 0), predicate="within")
    single = np.bincount(face_i, minlength=deep.sum()) == 1
    deep_i = np.flatnonzero(deep)
    owner[deep_i[face_i[single[face_i]]]] = ref_i[single[face_i]]
    rest = np.flatnonzero(owner < 0)
    face_i, ref_i = tree.query(faces[rest], predicate="intersects")
    area = shapely.area(shapely.intersection(faces[rest][face_i], reference[ref_i]))
    best = pd.DataFrame({"f": face_i, "r": ref_i, "a": area}).sort_values(
        "a", ascending=False).drop_duplicates("f")
    best = best[best["a"] > 0.5 * shapely.area(faces[rest][best["f"].to_numpy()])]
    owner[rest[best["f"].to_numpy()]] = best["r"].to_numpy()
    return owner


def _thin_vertices(coverage: np.ndarray, xy: np.ndarray, width_m: float = FINE_WIDTH_M
                   ) -> np.ndarray:
    """Which vertices ``xy`` (of the coverage's edges) lie on a part of a polygon narrower
    than ``width_m``: what opening the polygon with a disc that wide removes (not counting
    the hairlines it leaves along straight edges)."""
    r = width_m / 2
    opened = shapely.buffer(shapely.buffer(coverage, -r, join_style="mitre"), r,
                            join_style="mitre")
    thin = shapely.get_parts(shapely.difference(coverage, opened))
    thin = thin[shapely.area(thin) > 1e-4 * shapely.length(thin)]
    out = np.zeros(len(xy), bool)
    if len(thin):
        out[shapely.STRtree(thin).query(shapely.points(xy), predicate="dwithin",
                                        distance=1e-3)[0]] = True
    return out


def _round_display(xy: np.ndarray, fine: np.ndarray, coarse_m: np.ndarray) -> np.ndarray:
    """Vertices (EPSG:4326) rounded to :data:`DISPLAY_DECIMALS` decimals; to
    :data:`FINE_DECIMALS` where ``fine``; and one or both coordinates to one decimal fewer
    (a character less each) where that moves the vertex at most ``coarse_m`` metres."""
    lat = np.radians(np.mean(xy[:, 1])) if len(xy) else 0.0
    scale = np.array([111_320.0 * np.cos(lat), 110_574.0])  # metres per degree
    five, four = np.round(xy, DISPLAY_DECIMALS), np.round(xy, DISPLAY_DECIMALS - 1)
    (dx5, dy5), (dx4, dy4) = ((five - xy) * scale).T, ((four - xy) * scale).T
    both = np.hypot(dx4, dy4) <= coarse_m
    x_only, y_only = np.hypot(dx4, dy5) <= coarse_m, np.hypot(dx5, dy4) <= coarse_m
    use_x = both | (x_only & ~(y_only & (np.abs(dy4) < np.abs(dx4))))
    use_y = both | (y_only & ~use_x)
    out = np.column_stack([np.where(use_x, four[:, 0], five[:, 0]),
                           np.where(use_y, four[:, 1], five[:, 1])])
    return np.where(fine[:, None], np.round(xy, FINE_DECIMALS), out)


def _rebuild(lines: np.ndarray, fine: np.ndarray, coarse_m: np.ndarray, reference: np.ndarray
             ) -> np.ndarray:
    """Polygons on the display grid from the edges ``lines`` (EPSG:4326), one per ``reference``
    feature (None where nothing is left).

    Vertices are rounded by :func:`_round_display` (``fine`` and ``coarse_m`` per vertex, in
    order); a copy of a vertex in several lines (an end) rounds alike. Then all lines are
    snap-rounded together (a vertex within half a grid cell of another line becomes a vertex of
    it too), so neighbours' shared edges stay identical and no polygon crosses another; each
    face between them goes to the reference feature it overlaps most.
    """
    xy = _round_display(shapely.get_coordinates(lines), fine, coarse_m)
    noded = shapely.union_all(shapely.set_coordinates(lines.copy(), xy),
                              grid_size=10.0**-FINE_DECIMALS)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    owner = _faces_to_features(faces, reference)
    out = np.full(len(reference), None, dtype=object)
    for r, rows in pd.Series(np.flatnonzero(owner >= 0)).groupby(owner[owner >= 0]):
        parts = faces[rows.to_numpy()]
        out[r] = parts[0] if len(parts) == 1 else shapely.coverage_union_all(parts)
    return shapely.transform(out, lambda xy: np.round(xy, FINE_DECIMALS))


def _simplify_edges(xy: np.ndarray, line: np.ndarray, tolerance: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges (vertices ``xy`` by ``line``) simplified with a tolerance per vertex: (lines,
    mask of the vertices kept, tolerance used). An edge simplified across another edge, or
    across itself, is kept whole."""
    for _ in range(4):
        keep = simplify_keep(xy, line, tolerance)
        simple = shapely.linestrings(xy[keep], indices=line[keep])
        a, b = shapely.STRtree(simple).query(simple, predicate="crosses")
        bad = np.unique(np.r_[a, b, np.flatnonzero(~shapely.is_simple(simple))])
        if not len(bad):
            break
        tolerance = np.where(np.isin(line, bad), 0.0, tolerance)
    return simple, keep, tolerance


def _cleaning_m(full: np.ndarray, coverage: np.ndarray, base: np.ndarray, moved: np.ndarray
                ) -> np.ndarray:
    """How far cleaning alone moved each feature, measured as closely as the display where
    that is beyond the limit (to tell the source's disagreements from simplifying)."""
    out = base.copy()
    over = moved > MAX_DISPLACEMENT_M
    out[over] = np.maximum(base[over], _displacement_checked(full[over], coverage[over]))
    return out


def display_level(full_metric: np.ndarray, metric_crs: CRS,
                  coverage: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Display geometry of one level's features: (EPSG:4326 on the display grid, figures).

    ``coverage`` is their clean coverage (:func:`clean_coverage` of ``full_metric`` if not
    given). Its edges are simplified and rounded each once, so that neighbours keep sharing
    them: a vertex may move within what is left of :data:`MAX_DISPLACEMENT_M` where it lies,
    given how far cleaning put it from the original boundaries on both sides (less
    :data:`ROUNDING_SLACK_M` for rounding): up to :data:`COARSE_ROUNDING_M` of that for dropping
    a decimal, the rest for simplifying it away. A part narrower than :data:`FINE_WIDTH_M`
    keeps its vertices, with :data:`FINE_DECIMALS` decimals. A feature still beyond the limit
    (less :data:`CHECK_MARGIN_M`, measured again densely where it may be near,
    :func:`_displacement_checked`), or beyond what cleaning alone moved it where that is more,
    gets half of that room on all its edges, then a quarter, then none.
    """
    if coverage is None:
        coverage = clean_coverage(full_metric)
    base = displacement_m(full_metric, coverage)  # measured again below where it matters
    aim = MAX_DISPLACEMENT_M - CHECK_MARGIN_M  # what sampling every few metres may still miss
    limit = np.where(base <= aim, aim, base + ROUNDING_SLACK_M)
    lines, edge, poly = _edges(coverage)
    xy, line = shapely.get_coordinates(lines, return_index=True)
    # how far each vertex is from the original boundaries of the polygons along its edge
    vertex, pair = ragged(np.searchsorted(line, edge), np.searchsorted(line, edge, "right"))
    apart = np.zeros(len(xy))
    np.maximum.at(apart, vertex, shapely.distance(
        shapely.points(xy[vertex]), shapely.boundary(full_metric)[poly[pair]]))
    budget = np.clip(MAX_DISPLACEMENT_M - ROUNDING_SLACK_M - apart, 0.0, None)
    thin = _thin_vertices(coverage, xy)
    budget[thin] = 0.0  # a thin part keeps its shape, lest it collapse
    room = np.clip(budget - COARSE_ROUNDING_M, 0.0, None)  # for simplifying
    coarse = np.minimum(budget, COARSE_ROUNDING_M)  # for rounding to 4 decimals
    coarse[np.r_[True, line[1:] != line[:-1]] | np.r_[line[1:] != line[:-1], True]] = 0.0
    reference = gpd.GeoSeries(coverage, crs=metric_crs).to_crs(4326).values
    share = np.ones(len(coverage))  # of its room each feature's edges may use
    shown, moved = None, None
    for attempt in range(4):
        edge_share = pd.Series(share[poly]).groupby(edge).min().reindex(
            range(len(lines)), fill_value=1.0).to_numpy()
        simple, keep, tolerance = _simplify_edges(xy, line, room * edge_share[line])
        rebuilt = _rebuild(gpd.GeoSeries(simple, crs=metric_crs).to_crs(4326).values,
                           thin[keep], (coarse * edge_share[line])[keep], reference)
        missing = np.array([g is None for g in rebuilt])
        if shown is None:
            changed, moved = np.ones(len(rebuilt), bool), np.full(len(rebuilt), np.inf)
        else:
            changed = ~shapely.equals_exact(rebuilt, shown, 0.0)
        shown = rebuilt
        check = changed & ~missing
        moved[check] = _displacement_checked(full_metric[check], gpd.GeoSeries(
            shown[check], crs=4326).to_crs(metric_crs).values)
        moved[missing] = np.inf
        over = moved > limit
        if not over.any() or attempt == 3:
            break
        share[over] = 0.0 if attempt == 2 else share[over] / 2
    if missing.any():  # smaller than the grid: shown as it is, rounded
        shown[missing] = shapely.transform(reference[missing],
                                           lambda xy: np.round(xy, FINE_DECIMALS))
        moved[missing] = _displacement_checked(full_metric[missing], gpd.GeoSeries(
            shown[missing], crs=4326).to_crs(metric_crs).values)
    return shown, {
        "tolerance_m": round(float(tolerance.max()), 1) if len(tolerance) else 0.0,
        "max_displacement_m": round(float(moved.max()), 2) if len(moved) else 0.0,
        "over_limit": int((moved > MAX_DISPLACEMENT_M).sum()),
        "vertices": int(shapely.get_num_coordinates(shown).sum()),
        "_moved": moved, "_cleaning": _cleaning_m(full_metric, coverage, base, moved)}


def display_geometry(table: gpd.GeoDataFrame, metric_crs: CRS, progress: Progress | None = None,
                     kelurahan_clean: np.ndarray | None = None
                     ) -> tuple[np.ndarray, dict[str, dict]]:
    """Display geometry per level, and per level: features, bytes, displacement.

    ``kelurahan_clean`` is the clean coverage of the kelurahan (metric CRS, in table order)
    when already made, as for :func:`build_hierarchy`; the levels dissolved from it then only
    need their shared edges matched, not cleaning again.
    """
    result = np.empty(len(table), dtype=object)
    figures: dict[str, dict] = {}
    metric = table.geometry.to_crs(metric_crs).values
    for n, level in enumerate(reversed(LEVELS)):
        idx = np.flatnonzero((table["level"] == level).to_numpy())
        if not len(idx):
            continue
        say(progress, 0.45 + 0.1 * n, f"Menyederhanakan geometri tampilan: {LEVEL_LABEL[level]}")
        coverage = kelurahan_clean if level == "kelurahan" else None
        if kelurahan_clean is not None and level != "kelurahan" \
                and table["dissolved"].iloc[idx].all():  # unions of a clean coverage
            coverage = shapely.coverage_clean(metric[idx], snapping_distance=SNAP_M)
        shown, fig = display_level(metric[idx], metric_crs, coverage)
        result[idx] = shown
        moved, cleaning = fig.pop("_moved"), fig.pop("_cleaning")
        over = np.flatnonzero(moved > MAX_DISPLACEMENT_M)
        # pembersihan_m: how far making the coverage alone moved it, before simplifying
        fig["over_limit_list"] = [
            {"kode": table["kode"].iat[idx[i]], "nama": table["nama"].iat[idx[i]],
             "pergeseran_m": round(float(moved[i]), 1),
             "pembersihan_m": round(float(cleaning[i]), 1),
             "sebab": "batasnya di berkas sumber berselisih dengan batas tetangga"
             if cleaning[i] > MAX_DISPLACEMENT_M else "penyederhanaan geometri tampilan"}
            for i in over[np.argsort(-moved[over])][:OVER_LIMIT_LISTED]]
        fig["features"] = len(idx)
        fig["geojson_bytes"] = geojson_bytes(shown, table["kode"].iloc[idx].tolist(),
                                             table["nama"].iloc[idx].tolist())
        figures[level] = fig
    return result, figures

