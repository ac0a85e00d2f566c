"""Linking by point: geo.link.PointIndex against three peers, same points and polygons.

    python bench/bench_link.py --households 1000000 --areas 56
    python bench/bench_link.py --households 3000000 --areas 1550 --kecamatan 155 --radius-km 60

Peers (each starts from the same x/y float arrays and polygon array, and ends with the index of
the polygon holding each point, -1 for none):

* ``sjoin``: ``geopandas.points_from_xy`` + ``geopandas.sjoin(predicate="within")``;
* ``loop``: points sorted by x once, then per polygon the x-slice of its bounds (searchsorted),
  the y-bounds filter and ``shapely.contains_xy`` on the prepared polygon;
* ``sedonadb``: ``ST_Contains(polygon, ST_Point(x, y))`` join in SedonaDB (multi-threaded,
  bench-only dependency: ``pip install -r requirements-bench.txt``; skipped when missing).

Each method runs in its own child process (fresh interpreter, the data read from files written
once by this script), so its time and its peak memory are its own: time is wall-clock around
the linking only (for ours: the index build plus the lookup); memory is the child's peak
resident set, ``VmHWM`` of /proc/self/status (the whole process: interpreter, imports, the 2
float arrays of the points, the polygons, the result; not ``ru_maxrss``, which a child inherits
from the parent that forked it), and the figure before linking (after imports and loading the
data) is printed beside it. Ours imports geo.point_index (numpy and shapely only), which
geo.link re-exports.

Agreement: every peer is compared with ours on every point. Points exactly on an edge are the
only allowed difference (ours gives them to the lowest-index polygon they touch, the
``within``/``contains`` peers to none); every differing point is checked to lie on a polygon
boundary, else the run FAILs.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 2.0  # ours at least this many times faster than the best peer
GOAL_MB = 300.0  # peak memory of our child process at 3M points
METHODS = ("ours", "sjoin", "loop", "sedonadb")


def _hwm_mb() -> float:
    """Peak resident memory of this process so far (VmHWM), MB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: inherited


def _cpu_seconds() -> float:
    """CPU time of this process, all threads (user + system)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------- methods (child side)

def link_ours(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import shapely

    from geo.point_index import PointIndex, cells_for

    vertices = int(shapely.get_num_coordinates(geoms).sum())
    cells = cells_for(len(x), len(geoms), vertices)  # as geo.link.RegionIndex.points
    return PointIndex(geoms, cells=cells).lookup(x, y)


def link_sjoin(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import geopandas as gpd

    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    polys = gpd.GeoDataFrame(geometry=geoms, crs=4326)
    joined = gpd.sjoin(pts, polys, predicate="within", how="inner")
    out = np.full(len(x), -1, dtype=np.int64)
    left, right = joined.index.to_numpy(), joined["index_right"].to_numpy()
    order = np.lexsort((-right, left))  # lowest polygon last: it wins
    out[left[order]] = right[order]
    return out


def link_loop(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import shapely

    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    out = np.full(len(x), -1, dtype=np.int64)
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    for i in range(len(geoms) - 1, -1, -1):  # lowest index written last: it wins on overlaps
        minx, miny, maxx, maxy = bounds[i]
        lo, hi = np.searchsorted(xs, minx, "left"), np.searchsorted(xs, maxx, "right")
        sy = ys[lo:hi]
        cand = np.flatnonzero((sy >= miny) & (sy <= maxy)) + lo
        hit = cand[shapely.contains_xy(geoms[i], xs[cand], ys[cand])]
        out[order[hit]] = i
    return out


def link_sedonadb(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import geopandas as gpd
    import pyarrow as pa
    import sedonadb

    sd = sedonadb.connect()
    polys = gpd.GeoDataFrame({"k": np.arange(len(geoms), dtype=np.int64)}, geometry=geoms,
                             crs=4326)
    sd.create_data_frame(polys).to_view("kel", overwrite=True)
    pts = pa.table({"i": np.arange(len(x), dtype=np.int64), "x": x, "y": y})
    sd.create_data_frame(pts).to_view("pts", overwrite=True)
    query = sd.sql("SELECT p.i, k.k FROM pts p JOIN kel k "
                   "ON ST_Contains(k.geometry, ST_SetSRID(ST_Point(p.x, p.y), 4326))")
    table = pa.RecordBatchReader.from_stream(query).read_all()  # no geoarrow needed
    left, right = table["i"].to_numpy(), table["k"].to_numpy()
    out = np.full(len(x), -1, dtype=np.int64)
    order = np.lexsort((-right, left))
    out[left[order]] = right[order]
    return out


def child(method: str, data: Path) -> int:
    """Run one method on the data in ``data``; print a JSON line with its time and memory."""
    import shapely

    fn = {"ours": link_ours, "sjoin": link_sjoin, "loop": link_loop,
          "sedonadb": link_sedonadb}[method]
    # imports outside the timing, for every method alike
    if method == "sedonadb":
        import geopandas  # noqa: F401
        import pyarrow  # noqa: F401
        import sedonadb  # noqa: F401
    if method == "ours":
        import geo.point_index  # noqa: F401  (numpy + shapely only; geo.link re-exports it)
    if method == "sjoin":
        import geopandas  # noqa: F401
    x = np.load(data / "x.npy")
    y = np.load(data / "y.npy")
    geoms = shapely.from_wkb(pickle.loads((data / "polygons.pkl").read_bytes()))
    before = _hwm_mb()
    cpu = _cpu_seconds()
    t = time.perf_counter()
    out = fn(geoms, x, y)
    seconds = time.perf_counter() - t
    cpu = _cpu_seconds() - cpu
    peak = _hwm_mb()
    np.save(data / f"{method}.npy", np.asarray(out, dtype=np.int64))
    print(json.dumps({"method": method, "seconds": seconds, "cpu": cpu, "peak_mb": peak,
                      "before_mb": before}))
    return 0


# ---------------------------------------------------------------- driver

def run_child(method: str, data: Path) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, "--child", method, "--data", str(data)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {method}: failed ({tail})")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def on_boundary(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether each point lies exactly on some polygon's boundary."""
    import shapely

    rings = shapely.boundary(geoms)
    tree = shapely.STRtree(rings)
    hit = tree.query(shapely.points(x, y), predicate="intersects")[0]
    out = np.zeros(len(x), dtype=bool)
    out[hit] = True
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--households", type=int, default=1_000_000)
    p.add_argument("--areas", type=int, default=56, help="kelurahan/desa")
    p.add_argument("--kecamatan", type=int, default=None)
    p.add_argument("--radius-km", type=float, default=None)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--outside", type=float, default=0.03, help="share of points outside")
    p.add_argument("--segmentize", type=float, default=None, metavar="DEG",
                   help="densify the boundaries to this vertex spacing (degrees), like a "
                        "detailed BIG boundary file (e.g. 0.00005: about 1.900 vertices/desa)")
    p.add_argument("--repeat", type=int, default=1,
                   help="runs of each method (alternating); the median time is compared")
    p.add_argument("--skip", nargs="*", default=[], choices=METHODS[1:],
                   help="peers to leave out (e.g. sjoin, slow at 3M)")
    p.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child(args.child, args.data)

    import shapely

    from geo.demo import build_city

    kec = args.kecamatan or max(1, args.areas // 8)
    radius = args.radius_km or 7.5 * (args.areas / 44) ** 0.5
    t = time.perf_counter()
    kel, _ = build_city(args.seed, n_kelurahan=args.areas, n_kecamatan=kec, radius_km=radius)
    geoms = kel.geometry.to_numpy()
    if args.segmentize:
        geoms = shapely.segmentize(geoms, args.segmentize)
    print(f"city: {len(kel)} polygons ({int(shapely.get_num_coordinates(geoms).sum())} "
          f"vertices), radius {radius:.0f} km, built in {time.perf_counter() - t:.1f} s")
    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = kel.total_bounds
    n = args.households
    # points inside (sampled from the bounding box, most land inside) plus some far outside
    x = rng.uniform(minx, maxx, n)
    y = rng.uniform(miny, maxy, n)
    far = rng.random(n) < args.outside
    x[far] += 1.5
    print(f"points: {n:,} (about {args.outside:.0%} far outside)".replace(",", "."))

    methods = [m for m in METHODS if m not in args.skip]
    if "sedonadb" in methods:
        try:
            import sedonadb  # noqa: F401
        except ImportError:
            print("sedonadb: not installed (pip install -r requirements-bench.txt), skipped")
            methods.remove("sedonadb")
    times: dict[str, list[float]] = {m: [] for m in methods}
    cpus: dict[str, list[float]] = {m: [] for m in methods}
    peaks: dict[str, list[float]] = {m: [] for m in methods}
    befores: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench_link_") as tmp:
        data = Path(tmp)
        np.save(data / "x.npy", x)
        np.save(data / "y.npy", y)
        (data / "polygons.pkl").write_bytes(pickle.dumps(shapely.to_wkb(geoms)))
        for r in range(args.repeat):
            for m in methods:
                res = run_child(m, data)
                if res is None:
                    return 1
                times[m].append(res["seconds"])
                cpus[m].append(res["cpu"])
                peaks[m].append(res["peak_mb"])
                befores[m] = res["before_mb"]
                print(f"  run {r + 1} {m:9s} {res['seconds']:6.2f} s (CPU {res['cpu']:5.2f} s)  "
                      f"peak {res['peak_mb']:5.0f} MB (before linking {res['before_mb']:.0f} MB)")
        results = {m: np.load(data / f"{m}.npy") for m in methods}

    ours = results["ours"]
    agree_ok = True
    print("agreement with ours:")
    for m in methods[1:]:
        diff = np.flatnonzero(results[m] != ours)
        edge = on_boundary(geoms, x[diff], y[diff]) if len(diff) else np.zeros(0, bool)
        if len(diff) == 0:
            print(f"  {m:9s} agrees on all {n} points")
        else:
            print(f"  {m:9s} differs on {len(diff)} points, {int(edge.sum())} of them exactly "
                  "on an edge (allowed: ours gives them to the lowest-index polygon touching)")
        agree_ok &= bool(edge.all())

    med = {m: statistics.median(times[m]) for m in methods}
    print("times (median of runs; CPU: all threads, user + system):")
    for m in methods:
        print(f"  {m:9s} {med[m]:6.2f} s (CPU {statistics.median(cpus[m]):5.2f} s)  "
              f"peak {max(peaks[m]):5.0f} MB")
    peers = [m for m in methods if m != "ours"]
    best = min(peers, key=med.get)
    ratio = med[best] / med["ours"]
    peak = max(peaks["ours"])
    print(f"best peer: {best} {med[best]:.2f} s; ours {med['ours']:.2f} s; "
          f"ratio {ratio:.2f}x (goal >= {GOAL_RATIO:g}x)")
    print(f"our peak memory: {peak:.0f} MB (child process VmHWM, of which "
          f"{befores['ours']:.0f} MB before linking: interpreter, imports, points, polygons)"
          + (f"; goal <= {GOAL_MB:g} MB at 3M" if n >= 3_000_000 else ""))
    ok_speed = ratio >= GOAL_RATIO
    ok_mem = peak <= GOAL_MB or n < 3_000_000
    verdict = "PASS" if ok_speed and ok_mem and agree_ok else "FAIL"
    print(f"{verdict}: speed {'ok' if ok_speed else 'below goal'}, memory "
          f"{'ok' if ok_mem else 'over goal'}, agreement {'ok' if agree_ok else 'FAILED'}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
