"""Hostile and huge boundary inputs (issue 20): time and peak memory of a boundary import of

1. one kelurahan polygon with ``--vertices`` vertices (default 1,000,000; a ~30 MB GeoJSON), inside
   a small grid of ordinary neighbours, and
2. a zip bomb: a valid zipped Shapefile plus a ``--bomb-mb`` (default 200) MB ``padding.bin`` of
   zeros (a ~200 KB archive), with the default limits and with the limit raised above it.

    python bench/bench_hostile.py
    python bench/bench_hostile.py --vertices 100000 --bomb-mb 2048

Each import runs in a child process so its peak memory (max RSS) is its own; the goal is
"imports, or is refused by a limit, within a minute and 2 GB" with a clear message. Files are
written under ``--work`` (default /tmp/peta_bench_hostile). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, os, sys, time, resource
sys.path.insert(0, {root!r})
from geo import store
from geo.boundaries import BoundaryImportFailed, import_boundaries
engine = store.get_engine({url!r})
start = time.perf_counter()
try:
    report = import_boundaries(engine, {path!r})
    outcome = "diimpor: " + json.dumps(report.levels) + " " + " | ".join(report.warnings)[:300]
except BoundaryImportFailed as exc:
    outcome = "ditolak: " + str(exc)[:300]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "outcome": outcome}}))
"""


def big_polygon(work: Path, vertices: int) -> Path:
    """A 3 × 3 grid of ~1 km kelurahan; the centre one has a wiggly outline of ``vertices``
    points (a detailed river bank); its neighbours share straight edges with its box."""
    import geopandas as gpd
    import shapely

    path = work / f"poligon_{vertices}.geojson"
    if path.exists():
        return path
    x0, y0, d = 106.60, -6.30, 0.01
    geoms, codes = [], []
    for i in range(3):
        for j in range(3):
            box = shapely.box(x0 + i * d, y0 + j * d, x0 + (i + 1) * d, y0 + (j + 1) * d)
            if (i, j) == (1, 1):
                t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
                r = 0.0045 * (1 + 0.03 * np.sin(t * 997) + 0.02 * np.sin(t * 31))
                cx, cy = x0 + 1.5 * d, y0 + 1.5 * d
                box = shapely.Polygon(np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]))
            geoms.append(box)
            codes.append(f"36.74.01.{1001 + 3 * i + j}")
    frame = gpd.GeoDataFrame({"kode": codes, "nama": [f"Kel {c[-4:]}" for c in codes],
                              "nama_kec": "Serpong"}, geometry=geoms, crs=4326)
    frame.to_file(path, driver="GeoJSON")
    return path


def zip_bomb(work: Path, bomb_mb: int) -> Path:
    import geopandas as gpd
    import shapely

    path = work / f"bom_{bomb_mb}mb.zip"
    if path.exists():
        return path
    folder = work / "shp"
    folder.mkdir(exist_ok=True)
    frame = gpd.GeoDataFrame({"kode": ["36.74.01.1001", "36.74.01.1002"],
                              "nama": ["Satu", "Dua"]},
                             geometry=[shapely.box(106.6, -6.3, 106.61, -6.29),
                                       shapely.box(106.61, -6.3, 106.62, -6.29)], crs=4326)
    frame.to_file(folder / "batas.shp")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
        with zf.open("padding.bin", "w", force_zip64=True) as pad:
            block = b"\0" * (1 << 20)
            for _ in range(bomb_mb):
                pad.write(block)
    return path


def run(path: Path, work: Path, label: str, env: dict[str, str] | None = None) -> None:
    db = work / f"{label}.sqlite"
    db.unlink(missing_ok=True)
    code = CHILD.format(root=str(ROOT), url=f"sqlite:///{db}", path=str(path))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=3600)
    wall = time.perf_counter() - start
    if done.returncode:
        print(f"{label}: GAGAL (kode {done.returncode})\n{done.stderr[-2000:]}")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{label}: {result['seconds']:.1f} s import ({wall:.1f} s with start-up), "
          f"peak {result['peak_mb']:.0f} MB; {result['outcome']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vertices", type=int, default=1_000_000)
    parser.add_argument("--bomb-mb", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/peta_bench_hostile"))
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.generate_only:  # in its own process: a child forked from a big parent would
        big_polygon(args.work, args.vertices)  # report the parent's peak memory as its own
        zip_bomb(args.work, args.bomb_mb)
        return
    subprocess.run([sys.executable, __file__, "--generate-only", "--vertices",
                    str(args.vertices), "--bomb-mb", str(args.bomb_mb), "--work",
                    str(args.work)], check=True)
    print(f"peak memory of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (children are "
          "started from it, so their peak starts from this)")
    polygon = big_polygon(args.work, args.vertices)
    print(f"{polygon.name}: {polygon.stat().st_size / 1024**2:.1f} MB")
    run(polygon, args.work, f"poligon {args.vertices:,} titik")
    bomb = zip_bomb(args.work, args.bomb_mb)
    print(f"{bomb.name}: {bomb.stat().st_size / 1024:.0f} KB packed, "
          f"{args.bomb_mb} MB padding unpacked")
    run(bomb, args.work, f"bom zip {args.bomb_mb} MB, batas bawaan (PETA_ZIP_MAX_MB=1024)")
    low = max(args.bomb_mb // 2, 1)
    run(bomb, args.work, f"bom zip {args.bomb_mb} MB, PETA_ZIP_MAX_MB={low}",
        {"PETA_ZIP_MAX_MB": str(low)})


if __name__ == "__main__":
    main()
