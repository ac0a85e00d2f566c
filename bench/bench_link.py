"""Linking by point: geo.link.PointIndex against geopandas.points_from_xy + sjoin(within).

    python bench/bench_link.py --households 1000000 --areas 56
    python bench/bench_link.py --households 3000000 --areas 1550 --kecamatan 155 --radius-km 60

Both run on the same points in the same process; the script prints both times, the ratio and
whether the two agree (points exactly on an edge may differ: sjoin's ``within`` drops them, we
give them to one neighbour).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.demo import build_city  # noqa: E402
from geo.link import PointIndex  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--households", type=int, default=1_000_000)
    p.add_argument("--areas", type=int, default=56, help="kelurahan/desa")
    p.add_argument("--kecamatan", type=int, default=None)
    p.add_argument("--radius-km", type=float, default=None)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--outside", type=float, default=0.03, help="share of points outside")
    args = p.parse_args(argv)
    kec = args.kecamatan or max(1, args.areas // 8)
    radius = args.radius_km or 7.5 * (args.areas / 44) ** 0.5

    t = time.perf_counter()
    kel, _ = build_city(args.seed, n_kelurahan=args.areas, n_kecamatan=kec, radius_km=radius)
    print(f"city: {len(kel)} polygons, radius {radius:.0f} km, built in "
          f"{time.perf_counter() - t:.1f} s")
    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = kel.total_bounds
    n = args.households
    # points inside (sampled from the bounding box, most land inside) plus some far outside
    x = rng.uniform(minx, maxx, n)
    y = rng.uniform(miny, maxy, n)
    far = rng.random(n) < args.outside
    x[far] += 1.5
    geoms = kel.geometry.to_numpy()

    t = time.perf_counter()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    joined = gpd.sjoin(pts, kel[["geometry"]], predicate="within", how="left")
    base = joined[~joined.index.duplicated()]["index_right"].to_numpy()
    t_base = time.perf_counter() - t
    print(f"baseline points_from_xy + sjoin(within): {t_base:.2f} s")

    t = time.perf_counter()
    index = PointIndex(geoms, cells=int(np.clip(4 * n, 2**16, 2**22)))
    t_build = time.perf_counter() - t
    ours = index.lookup(x, y)
    t_ours = time.perf_counter() - t
    print(f"ours (grid + exact test at boundary cells): {t_ours:.2f} s "
          f"(of which index build {t_build:.2f} s)")
    base_i = np.where(np.isnan(base.astype(float)), -1, base).astype(np.int64)
    agree = (base_i == ours).mean()
    print(f"agreement with baseline: {agree:.6%}  ({int((base_i != ours).sum())} points differ)")
    print(f"speed-up: {t_base / t_ours:.1f}x  (goal >= 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
