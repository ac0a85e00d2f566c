"""First load of a period's households at 1 million rows: Parquet snapshot cache vs read_sql.

Goal: once a snapshot's cache exists, any new process loads the map's columns in ~1–2 s.
Baseline, measured in the same run on the same data: ``store.load_households`` (pandas
``read_sql_query`` on SQLite), the path the pages used before. Also measured: our cold path
(database → frame through the driver cursor, every non-personal column, plus the Parquet write)
and our warm path in this process and in a fresh one.

    python bench/bench_load.py                  # 1.000.000 households, database reused
    python bench/bench_load.py --households 200000 --db data/bench_map_200k.sqlite

The database is the one bench_map.py builds (and reused when it exists); the cache is written
to a temporary folder, so the cold path is really cold and nothing is left behind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.map_session import city_arguments  # noqa: E402

T = TypeVar("T")

FRESH_PROCESS = """
import sys, time
sys.path.insert(0, {project!r})
from geo import indicators, snapshot_cache, store
engine = store.get_engine({url!r})
snap = store.snapshot_for(engine)
columns = [*indicators.RULE_COLUMNS, "lintang", "bujur"]
t = time.perf_counter()
frame = snapshot_cache.load_households_fast(engine, snap, columns)
print(time.perf_counter() - t, len(frame))
"""


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    city_arguments(parser)
    args = parser.parse_args()

    from bench_map import build  # same generated city as the map bench

    build(args.db, args.households, args.areas, args.kecamatan)
    cache = tempfile.mkdtemp(prefix="peta_bench_cache_")
    os.environ["PETA_CACHE_DIR"] = cache

    import pandas as pd

    from geo import indicators, snapshot_cache, store

    url = f"sqlite:///{args.db}"
    engine = store.get_engine(url)
    snap = store.snapshot_for(engine)
    columns = [*indicators.RULE_COLUMNS, "lintang", "bujur"]

    base_t, expected = timed(lambda: store.load_households(engine, int(snap["id"]), columns))
    cold_t, cold = timed(lambda: snapshot_cache.load_households_fast(engine, snap, columns))
    path = snapshot_cache.cache_path(engine, snap)
    assert path is not None and path.exists(), "the cold path wrote no cache"
    warm_ts = []
    for _ in range(3):
        t, warm = timed(lambda: snapshot_cache.load_households_fast(engine, snap, columns))
        warm_ts.append(t)
    for frame in (cold, warm):
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    fresh = subprocess.run([sys.executable, "-c", FRESH_PROCESS.format(project=str(PROJECT),
                                                                       url=url)],
                           capture_output=True, text=True, env=os.environ, check=True)
    fresh_t = float(fresh.stdout.split()[0])

    warm_t = statistics.median(warm_ts)
    size = path.stat().st_size / 1e6
    print()
    print(f"rumah tangga: {len(expected):,}  kolom diminta: {len(columns)}  "
          f"kolom di cache: {len(snapshot_cache.CACHE_COLUMNS)}  berkas cache: {size:.1f} MB")
    print(f"baseline store.load_households (read_sql):        {base_t:6.2f} s")
    print(f"dingin: DB (kursor driver, semua kolom) + tulis:  {cold_t:6.2f} s   "
          f"rasio baseline/dingin {base_t / cold_t:.2f}×")
    print(f"hangat: Parquet, proses yang sama (median 3):     {warm_t:6.2f} s   "
          f"rasio baseline/hangat {base_t / warm_t:.1f}×")
    print(f"hangat: Parquet, proses baru:                     {fresh_t:6.2f} s   "
          f"rasio baseline/hangat {base_t / fresh_t:.1f}×   target ≤ 2 s")
    print("frame sama persis (dtype dan nilai): ya")
    shutil.rmtree(cache, ignore_errors=True)
    ok = fresh_t <= 2
    print("TARGET TERPENUHI" if ok else "TARGET TIDAK TERPENUHI")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
