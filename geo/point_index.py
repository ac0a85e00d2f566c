"""Point-in-polygon for millions of points over a fixed set of polygons (kelurahan/desa).

Only numpy and shapely: the linker imports it, and so can a light process that only links.

How it works. A uniform grid covers the polygons' bounds. Every cell that an edge touches is a
*boundary* cell; every other cell is *pure*: wholly inside one polygon or outside all, its
polygon read off an even-odd scanline through the cell centres (one crossing per edge and grid
row, so the whole grid is labelled at the cost of the polygons' perimeter, not their area). A
point in a pure cell is assigned by an integer lookup, with no geometry test. In each row the
boundary cells form *runs*; a point in a run is decided by the crossing-number rule on the
run's few edges only: walk from the point to the right, to the first pure cell after the run,
whose polygon is known; a polygon holds the point when it holds that pure cell and an even
number of its edges cross the walk, or the other way round. The polygon of the lowest index
that holds the point wins (only differs from "the one" where polygons overlap).

Points on (or within rounding of) an edge, and points on the grid's top or right border, go
to shapely: the lowest-index polygon that contains them, else the lowest-index one they touch.
So a point exactly on an edge shared by two kelurahan goes to the one listed first, and a point
on the outline of the area to the polygon whose edge it is on.

Memory: the grid (int32 per cell) and the runs' edge lists; points are processed in chunks, and
the boundary points' (point, edge) pairs in smaller batches, so a lookup of millions of points
needs only tens of MB beyond its input and output.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

POINT_CHUNK = 1 << 19  # points per lookup chunk
PAIR_BATCH = 1 << 18  # (point, edge) pairs per exact-test batch
ORIENT_EPS = 1e-14  # relative rounding bound under which a point counts as on an edge
PAD = 1e-7  # cells an edge is widened by when marking the cells it touches
EDGE_CHUNK = 1 << 18  # edges per build chunk


def _vertices(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ring vertices (n, 2), the index of every edge's first vertex (its second is the
    next one), and the polygon of each vertex (int32). Read as one ragged array, so no ring
    geometries are made (for detailed boundaries they would copy every vertex once more)."""
    try:
        kind, xy, offsets = shapely.to_ragged_array(geoms, include_z=False)
    except (ValueError, TypeError):  # not (multi)polygons only: through shapely's rings
        parts, part_owner = shapely.get_parts(geoms, return_index=True)
        rings, ring_geom = shapely.get_rings(parts, return_index=True)
        ring_geom = part_owner[ring_geom]
        counts = shapely.get_num_coordinates(rings)
        xy = shapely.get_coordinates(rings)
    else:
        every = np.arange(len(geoms))
        if kind == shapely.GeometryType.POLYGON:
            ring_off, geom_off = offsets
            ring_geom = np.repeat(every, np.diff(geom_off))
        else:
            ring_off, part_off, geom_off = offsets
            ring_geom = np.repeat(np.repeat(every, np.diff(geom_off)), np.diff(part_off))
        counts = np.diff(ring_off)
    xy = np.ascontiguousarray(xy)
    owner = np.repeat(ring_geom.astype(np.int32), counts)
    is_start = np.ones(len(xy), dtype=bool)
    is_start[np.cumsum(counts)[counts > 0] - 1] = False  # a ring's last vertex starts no edge
    return xy, np.flatnonzero(is_start).astype(np.int32), owner


class PointIndex:
    """Index of the polygon holding each point (see the module docstring for how).

    ``cells`` is the grid size aimed at: more cells put fewer points in boundary cells (faster
    lookups) at 4 bytes each (plus a build pass over them).
    """

    def __init__(self, geometries: np.ndarray, cells: int = 2**22) -> None:
        self.geoms = np.asarray(geometries, dtype=object)
        self._tree: shapely.STRtree | None = None
        self.grid: np.ndarray | None = None
        if len(self.geoms) == 0:
            return
        minx, miny, maxx, maxy = shapely.total_bounds(self.geoms)
        if not np.isfinite([minx, miny, maxx, maxy]).all():
            return  # only empty geometries
        w, h = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
        size = math.sqrt(w * h / max(cells, 1))
        self.nx, self.ny = max(1, math.ceil(w / size)), max(1, math.ceil(h / size))
        self.x0, self.y0 = float(minx), float(miny)
        self.dx, self.dy = w / self.nx, h / self.ny
        self.xy, start, self._owner = _vertices(self.geoms)
        # pass 1 over the edges, in chunks: scanline crossings and the cells edges touch
        touched = np.zeros(self.ny * self.nx, dtype=bool)
        crossings = []
        for c in range(0, len(start), EDGE_CHUNK):
            s = start[c:c + EDGE_CHUNK]
            ends = self._ends(s)
            crossings.append(self._crossings(s, *ends))
            self._mark(touched, self._boxes(*ends))
        grid = self._fill(*(np.concatenate(parts) for parts in zip(*crossings)))
        del crossings
        touched |= grid == len(self.geoms)  # overlaps are treated like boundary cells
        run_of = self._build_runs(grid, touched)
        del touched
        # pass 2: the edges of each run
        keys = []
        for c in range(0, len(start), EDGE_CHUNK):
            keys.append(self._run_keys(run_of, self._boxes(*self._ends(start[c:c + EDGE_CHUNK])),
                                       c, len(start)))
        del run_of
        key = np.concatenate(keys)
        del keys
        key.sort()
        if len(key):  # pieces of an edge may share a run; sorted by run, then edge
            key = key[np.concatenate([[True], key[1:] != key[:-1]])]
        self.run_ptr = np.searchsorted(key, np.arange(len(self.run_end_x) + 1) * len(start))
        np.remainder(key, len(start), out=key)
        self.run_edges = start[key]  # as the index of each edge's first vertex
        self.grid = grid.reshape(self.ny, self.nx)

    # ------------------------------------------------------------ build

    def _uv(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Grid coordinates (cell units); the same arithmetic for edges and for points."""
        return (x - self.x0) / self.dx, (y - self.y0) / self.dy

    def _ends(self, s: np.ndarray) -> tuple[np.ndarray, ...]:
        """Grid coordinates ua, va, ub, vb of the edges starting at vertices ``s``."""
        return (*self._uv(self.xy[s, 0], self.xy[s, 1]),
                *self._uv(self.xy[s + 1, 0], self.xy[s + 1, 1]))

    def _crossings(self, s: np.ndarray, ua: np.ndarray, va: np.ndarray, ub: np.ndarray,
                   vb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, polygon) where an edge crosses a row's centre line: the centres from
        that column on are on the other side of the edge."""
        lo, hi = np.minimum(va, vb), np.maximum(va, vb)
        # rows r whose centre line v = r + 0.5 the edge crosses: lo <= r + 0.5 < hi
        r0 = np.clip(np.ceil(lo - 0.5), 0, self.ny).astype(np.int64)
        r1 = np.clip(np.ceil(hi - 0.5), 0, self.ny).astype(np.int64)
        del lo, hi
        crossing = np.flatnonzero(r1 > r0)  # most short edges cross no centre line
        count = (r1 - r0)[crossing]
        e = np.repeat(crossing, count)
        row = np.arange(len(e)) - np.repeat(np.cumsum(count) - count, count) + r0[e]
        ua, ub, va, vb = ua[e], ub[e], va[e], vb[e]
        col = ua + (row + 0.5 - va) / (vb - va) * (ub - ua)
        # centres right of the crossing toggle: first column k with k + 0.5 > u
        col = np.clip(np.floor(col - 0.5) + 1, 0, self.nx).astype(np.int64)
        return row, col, self._owner[s[e]].astype(np.int64)

    def _fill(self, row: np.ndarray, col: np.ndarray, poly: np.ndarray) -> np.ndarray:
        """Polygon holding each cell centre (even-odd per polygon): -1 none, ``npoly`` where
        polygons overlap."""
        nx, ny, npoly = self.nx, self.ny, len(self.geoms)
        if not len(row):  # no polygon spans a row's centre line
            return np.full(ny * nx, -1, dtype=np.int32)
        order = np.lexsort((col, row * npoly + poly))
        row, col, poly = row[order], col[order], poly[order]
        group = row * npoly + poly
        first = np.concatenate([[True], group[1:] != group[:-1]])
        start = np.maximum.accumulate(np.where(first, np.arange(len(group)), 0))
        sign = np.where((np.arange(len(group)) - start) % 2 == 0, 1, -1).astype(np.int32)
        flat = row * (nx + 1) + col
        label = np.zeros(ny * (nx + 1), dtype=np.int32)
        np.add.at(label, flat, sign * (poly + 1).astype(np.int32))
        cover = np.zeros(ny * (nx + 1), dtype=np.int16)
        np.add.at(cover, flat, sign.astype(np.int16))
        label = np.cumsum(label.reshape(ny, nx + 1), axis=1, out=label.reshape(ny, nx + 1))
        cover = np.cumsum(cover.reshape(ny, nx + 1), axis=1, out=cover.reshape(ny, nx + 1))
        grid = label[:, :nx] - 1
        del label
        grid[cover[:, :nx] > 1] = npoly
        return grid.ravel()

    def _boxes(self, ua: np.ndarray, va: np.ndarray, ub: np.ndarray, vb: np.ndarray
               ) -> tuple[np.ndarray, ...]:
        """Cell boxes (edge, ilo, ihi, jlo, jhi) covering every edge, widened by PAD cells so
        rounding never misses a cell: an edge's own box when it spans at most 2 x 2 cells,
        else boxes of pieces spanning at most one cell per axis."""
        nx, ny = self.nx, self.ny

        def box(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
            return (np.clip(np.floor(np.minimum(a, b) - PAD), 0, n - 1).astype(np.int32),
                    np.clip(np.floor(np.maximum(a, b) + PAD), 0, n - 1).astype(np.int32))

        ilo, ihi = box(ua, ub, nx)
        jlo, jhi = box(va, vb, ny)
        long = np.flatnonzero((ihi - ilo > 1) | (jhi - jlo > 1))
        if not len(long):
            return np.arange(len(ua)), ilo, ihi, jlo, jhi
        short = np.ones(len(ua), dtype=bool)
        short[long] = False
        edge = np.flatnonzero(short)
        ua, ub, va, vb = ua[long], ub[long], va[long], vb[long]
        k = np.ceil(np.maximum(np.abs(ub - ua), np.abs(vb - va))).astype(np.int64)
        which = np.repeat(np.arange(len(long)), k)
        step = np.arange(len(which)) - np.repeat(np.cumsum(k) - k, k)
        t0, t1 = step / k[which], (step + 1) / k[which]
        du, dv = (ub - ua)[which], (vb - va)[which]
        plo, phi = box(ua[which] + t0 * du, ua[which] + t1 * du, nx)
        qlo, qhi = box(va[which] + t0 * dv, va[which] + t1 * dv, ny)
        return (np.concatenate([edge, long[which]]), np.concatenate([ilo[edge], plo]),
                np.concatenate([ihi[edge], phi]), np.concatenate([jlo[edge], qlo]),
                np.concatenate([jhi[edge], qhi]))

    def _mark(self, touched: np.ndarray, boxes: tuple[np.ndarray, ...]) -> None:
        nx = self.nx
        _, ilo, ihi, jlo, jhi = boxes
        touched[jlo * nx + ilo] = True
        big = np.flatnonzero((ihi > ilo) | (jhi > jlo))
        for oj in range(3):
            for oi in range(3):
                if oi or oj:
                    b = big[(ilo[big] + oi <= ihi[big]) & (jlo[big] + oj <= jhi[big])]
                    touched[(jlo[b] + oj) * nx + ilo[b] + oi] = True

    def _build_runs(self, grid: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Boundary (and overlap) cells, ``mask``, become runs along rows; the grid then holds,
        per cell, its polygon (>= 0), -1 (outside all) or -2 - run for a cell of a run.
        Returns the run of each cell (meaningful in runs only)."""
        nx, ny = self.nx, self.ny
        m = mask.reshape(ny, nx)
        starts = m.copy()
        starts[:, 1:] &= ~m[:, :-1]
        run_of = np.cumsum(starts.ravel(), dtype=np.int32) - 1
        del starts
        ends = m.copy()
        ends[:, :-1] &= ~m[:, 1:]
        last = np.flatnonzero(ends.ravel())  # last cell of each run, in run order
        del ends
        at_edge = (last % nx) == nx - 1
        end_label = np.where(at_edge, -1, grid[np.minimum(last + 1, len(grid) - 1)])
        self.run_end_label = end_label.astype(np.int32)  # polygon of the pure cell after a run
        # x where that cell begins; beyond the grid's right border nothing is left to cross
        self.run_end_x = np.where(at_edge, np.inf, self.x0 + ((last % nx) + 1) * self.dx)
        grid[mask] = -2 - run_of[mask]
        return run_of

    def _run_keys(self, run_of: np.ndarray, boxes: tuple[np.ndarray, ...], first: int,
                  n_edges: int) -> np.ndarray:
        """run * n_edges + edge for every run an edge's boxes touch: a box's cells in one row
        are adjacent boundary cells, so one run per row of the box."""
        edge, ilo, _, jlo, jhi = boxes
        edge = edge + first
        keys = []
        for oj in range(3):
            ok = np.flatnonzero(jlo + oj <= jhi) if oj else slice(None)
            keys.append(run_of[(jlo[ok] + oj) * self.nx + ilo[ok]].astype(np.int64) * n_edges
                        + edge[ok])
        return np.concatenate(keys)

    # ------------------------------------------------------------ lookup

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the polygon holding each point, -1 for none (also for NaN coordinates)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        out = np.full(len(x), -1, dtype=np.int32)
        if self.grid is None or len(x) == 0:
            return out
        for lo in range(0, len(x), POINT_CHUNK):
            hi = min(lo + POINT_CHUNK, len(x))
            out[lo:hi] = self._lookup_chunk(x[lo:hi], y[lo:hi])
        return out

    def _lookup_chunk(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        nx, ny = self.nx, self.ny
        fu, fv = self._uv(x, y)
        inside = (fu >= 0) & (fu < nx) & (fv >= 0) & (fv < ny)  # NaN -> False
        outside = np.flatnonzero(~inside)
        with np.errstate(invalid="ignore"):  # NaN: cast to some int, overwritten below
            cell = np.clip(fv, 0, ny - 1, out=fv).astype(np.int32)
            cell *= nx
            cell += np.clip(fu, 0, nx - 1, out=fu).astype(np.int32)
        cell[outside] = 0
        out = self.grid.ravel().take(cell)
        del cell
        out[outside] = -1
        # the top and right borders of the grid belong to it (the outline may lie there)
        bu, bv = self._uv(x[outside], y[outside])
        border = outside[(bu >= 0) & (bu <= nx) & (bv >= 0) & (bv <= ny)]
        idx = np.flatnonzero(out <= -2)
        if len(idx):
            got, unsure = self._in_runs(-2 - out[idx], x[idx], y[idx])
            out[idx] = got
            border = np.concatenate([idx[unsure], border])
        if len(border):
            out[border] = self._exact(x[border], y[border])
        return out

    def _in_runs(self, run: np.ndarray, x: np.ndarray, y: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Crossing-number test of points in boundary runs against the runs' edges. Returns
        the polygon per point and a mask of points within rounding of an edge (for shapely)."""
        out = np.full(len(run), -1, dtype=np.int32)
        unsure = np.zeros(len(run), dtype=bool)
        lo = self.run_ptr[run]
        count = self.run_ptr[run + 1] - lo
        total = np.cumsum(count)
        a = 0
        while a < len(run):
            b = int(np.searchsorted(total, (total[a - 1] if a else 0) + PAIR_BATCH, "right"))
            b = max(b, a + 1)
            out[a:b], unsure[a:b] = self._in_runs_batch(run[a:b], lo[a:b], count[a:b],
                                                        x[a:b], y[a:b])
            a = b
        return out, unsure

    def _in_runs_batch(self, run: np.ndarray, lo: np.ndarray, count: np.ndarray,
                       x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(run)
        npoly = len(self.geoms)
        pt = np.repeat(np.arange(n), count)
        which = np.arange(len(pt)) - np.repeat(np.cumsum(count) - count, count) + lo[pt]
        e = self.run_edges[which]  # first vertex of each edge
        del which
        ay, by, py = self.xy[e, 1], self.xy[e + 1, 1], y[pt]
        above_a, above_b = ay > py, by > py
        straddle = above_a != above_b
        # only pairs whose edge crosses the point's row, or ends on it, need a closer look:
        # a point on an edge has min(ay, by) <= py <= max(ay, by)
        look = np.flatnonzero(straddle | (ay == py) | (by == py))
        del ay, by, above_a, above_b
        straddle = straddle[look]
        pt, e = pt[look], e[look]
        py = py[look]
        px = x[pt]
        a, b = self.xy[e], self.xy[e + 1]
        ax, ay, bx, by = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
        t1 = (bx - ax) * (py - ay)
        t2 = (by - ay) * (px - ax)
        cross = t1 - t2
        near = np.abs(cross) <= ORIENT_EPS * (np.abs(t1) + np.abs(t2))
        near &= straddle | ((px >= np.minimum(ax, bx)) & (px <= np.maximum(ax, bx)))
        unsure = np.zeros(n, dtype=bool)
        unsure[pt[near]] = True
        # crossings right of the point, before the pure cell that ends the run (an edge listed
        # for the run by its padding alone could cross the row further on)
        hit = np.flatnonzero(straddle & ((cross > 0) == (by > ay)))
        ax, ay, bx, by, px, py = ax[hit], ay[hit], bx[hit], by[hit], px[hit], py[hit]
        xc = ax + (py - ay) * (bx - ax) / (by - ay)
        hit = hit[xc < self.run_end_x[run[pt[hit]]]]
        del a, b, t1, t2, cross, near, straddle
        owner = self._owner[e[hit]].astype(np.int64)
        end = self.run_end_label[run].astype(np.int64)
        has_end = np.flatnonzero(end >= 0)
        key = np.concatenate([pt[hit] * npoly + owner, has_end * npoly + end[has_end]])
        key.sort()
        # polygons crossed an odd number of times (counting the end cell's own polygon once)
        first = np.concatenate([[True], key[1:] != key[:-1]]) if len(key) else key.astype(bool)
        starts = np.flatnonzero(first)
        sizes = np.diff(np.append(starts, len(key)))
        odd = key[starts[sizes % 2 == 1]]
        p, poly = np.divmod(odd, npoly)
        lowest = np.concatenate([[True], p[1:] != p[:-1]]) if len(p) else p.astype(bool)
        out = np.full(n, -1, dtype=np.int32)
        out[p[lowest]] = poly[lowest]
        return out, unsure

    def _exact(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """shapely for the few points on an edge: the lowest-index polygon containing the
        point, else the lowest-index polygon it touches, else -1."""
        out = np.full(len(x), -1, dtype=np.int32)
        if len(x) == 0:
            return out
        if self._tree is None:
            self._tree = shapely.STRtree(self.geoms)
        pts = shapely.points(x, y)
        for predicate in ("within", "intersects"):
            todo = np.flatnonzero(out < 0)
            if not len(todo):
                break
            i, j = self._tree.query(pts[todo], predicate=predicate)
            order = np.lexsort((-j, i))  # lowest polygon assigned last: it wins
            out[todo[i[order]]] = j[order]
        return out


def cells_for(n_points: int, n_polygons: int, n_vertices: int = 0) -> int:
    """Grid size for linking ``n_points`` points over ``n_polygons`` polygons.

    Building costs about one pass per cell; a lookup's exact tests scale with the share of
    points in boundary cells, about sqrt(n_polygons / cells), times the edges per boundary
    cell. The sum is least near (n_points * sqrt(n_polygons)) ** (2/3) cells times a constant
    measured with bench/bench_link.py (1M points/56 polygons: about 2**18; 3M/1.550: about
    2**21), and at least one cell per vertex for detailed boundaries; kept between 2**12 and
    2**22 (16 MB of grid).
    """
    best = 7.0 * (max(n_points, 1) * math.sqrt(max(n_polygons, 1))) ** (2 / 3)
    return int(np.clip(max(best, n_vertices), 2**12, 2**22))
