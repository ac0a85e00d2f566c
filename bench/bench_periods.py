"""Two periods compared: ``compare`` (rates per kelurahan and their change) and ``transitions``
(households matched by id across the periods) at 1 million households per period, timed and
with peak memory (VmHWM), against the time to load one period, in the same run on the same data.

    python bench/bench_periods.py                       # 2 x 1.000.000 households
    python bench/bench_periods.py --households 200000 --db /tmp/bench_periods_200k.sqlite

The database is built once (demo city; the later period moves 10 % of households to another
desil, drops 2 %, adds 2 % new ones, stops PKH for 1 %) and reused when it exists. Each step runs
in a process of its own, so its peak memory (``VmHWM``) is its own; the Parquet cache of
both periods is warm before anything is timed (as after an import).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.map_session import city_arguments  # noqa: E402

FROM, TO = "2026-03", "2026-09"


def build(db: Path, n: int, areas: int, kecamatan: int) -> None:
    import numpy as np
    import pandas as pd

    from geo import snapshot_cache, store
    from tests.map_fixtures import write_city

    if db.exists():
        engine = store.get_engine(f"sqlite:///{db}")
        snaps = store.list_snapshots(engine)
        if len(snaps) == 2 and int(snaps["rows_read"].min()) >= int(n * 0.98):
            for snap in snaps.to_dict("records"):
                snapshot_cache.warm(engine, snap)
            return
        engine.dispose()
        db.unlink()
    db.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    print(f"membangun {db} (2 periode x {n:,} rumah tangga, {areas} kelurahan)…", flush=True)
    engine = store.get_engine(f"sqlite:///{db}")
    first = write_city(engine, n=n, n_kelurahan=areas, n_kecamatan=kecamatan, period=FROM)
    rng = np.random.default_rng(3)
    later = first.drop(columns=["row_number"])
    move = rng.random(len(later)) < 0.10
    later.loc[move, "desil"] = rng.integers(1, 11, int(move.sum()))
    later.loc[rng.random(len(later)) < 0.01, "penerima_pkh"] = 0
    later = later[rng.random(len(later)) >= 0.02]
    new = later.sample(frac=0.02, random_state=4).copy()
    new["id_keluarga"] = [f"BARU{i:09d}" for i in range(len(new))]
    later = pd.concat([later, new], ignore_index=True)
    write_city(engine, n=n, n_kelurahan=areas, n_kecamatan=kecamatan, period=TO,
               households=later)
    for snap in store.list_snapshots(engine).to_dict("records"):
        snapshot_cache.warm(engine, snap)
    print(f"  selesai dalam {time.perf_counter() - t:.0f} s", flush=True)


def step(name: str) -> dict:
    """Run one step in this process; its time and this process's peak memory."""
    from geo import change, indicators, snapshot_cache, store, transitions
    from geo.indicator_table import indicator_table

    engine = store.get_engine()
    base = _status_mb("VmRSS")
    t = time.perf_counter()
    if name == "muat_satu_periode":  # what the map reads for one period (Parquet, warm)
        rows = len(snapshot_cache.load_households_fast(engine, store.snapshot_for(engine, TO),
                                                       list(indicators.RULE_COLUMNS)))
    elif name == "tabel_indikator_satu_periode":
        rows = len(indicator_table(engine, TO)[0])
    elif name == "compare":
        rows = len(change.compare_tables(engine, FROM, TO))
    elif name == "transitions":
        result = transitions.transitions(engine, FROM, TO)
        rows = result.totals["cocok"]
    else:
        raise SystemExit(f"unknown step {name}")
    elapsed = time.perf_counter() - t
    peak = _status_mb("VmHWM")
    return {"step": name, "s": elapsed, "peak_mb": peak, "added_mb": peak - base,
            "rows": rows}


def _status_mb(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in MB. (Not
    ``ru_maxrss``: a child started by fork+exec inherits its parent's.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


STEPS = ("muat_satu_periode", "tabel_indikator_satu_periode", "compare", "transitions")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    city_arguments(parser, "bench_periods_1m.sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["PETA_DB_URL"] = f"sqlite:///{args.db}"
    if args.step:
        print(json.dumps(step(args.step)))
        return 0
    build(args.db, args.households, args.areas, args.kecamatan)
    results: dict[str, list[dict]] = {}
    for _ in range(args.repeat):
        for name in STEPS:
            out = subprocess.run([sys.executable, __file__, "--db", str(args.db), "--step", name],
                                 capture_output=True, text=True, check=True)
            results.setdefault(name, []).append(json.loads(out.stdout.strip().splitlines()[-1]))
    load = min(r["s"] for r in results["muat_satu_periode"])
    print()
    print(f"2 periode ({FROM}, {TO}), ~{args.households:,} rumah tangga per periode; "
          f"terbaik dari {args.repeat}, tiap langkah di proses sendiri")
    for name, runs in results.items():
        best = min(runs, key=lambda r: r["s"])
        print(f"  {name:<30} {best['s']:7.2f} s  ({best['s'] / load:5.1f}x muat satu periode)"
              f"  memori puncak {max(r['peak_mb'] for r in runs):7.0f} MB"
              f" (+{max(r['added_mb'] for r in runs):.0f} MB oleh langkah ini)"
              f"  baris {best['rows']:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
