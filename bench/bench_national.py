"""The distributed household import (``import-households --engine dask``) at national scale.

    python bench/bench_national.py                                   # 30 million over 20.000 desa
    python bench/bench_national.py --households 1000000 --desa 2000 --files 4

Generates ``--desa`` synthetic desa (squares on a grid over Java, codes 32.KK.CC.DDDD) and a
register of ``--households`` rows over them in ``--files`` CSV files (the demo city's values and
defects, ~2%, repeated with new ids, codes, names and points), then runs the import on a Dask
LocalCluster (one single-threaded worker process each) with 1 and with 2 workers, each into a
fresh SQLite database holding only the boundaries. ``--storage dataset`` (the default): the
households go to a partitioned Parquet dataset written by the workers (geo/household_dataset.py)
and the database keeps the snapshot record, quarantine and counts; ``--storage database``: the
households table, and the view cache (geo/snapshot_cache.py) after the commit. Reports, per
run: the wall time until the period is committed (and, with the database, until its view cache
is built too); rows/s (until the commit) in all and per worker; the peak memory (VmHWM) of each
worker process and of this process until the commit (this process plans, runs the duplicate
pass and, with the database, feeds the single writer; the SQLite writing process is a child,
not included); with the dataset: its size on disk and the time to read one kelurahan's and the
whole period's analytic columns back. Then, for comparison, the single-machine import of the
first file (``--engine pandas``, into the database).

With the dataset each run also reports the period's cube, built on the workers partition by
partition (geo/cube_dask.py) after the commit: its cells and bytes, the time it took, its load
time and one filter change counted on it (median of 5, ms).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCK = 200_000  # rows generated and written at a time
PERIOD = "2026-09"


def desa_table(m: int):  # noqa: ANN201
    """``m`` square desa on a grid over Java (EPSG:4326), 20 per kecamatan, 1.000 per kab."""
    import geopandas as gpd
    import shapely

    cols = math.ceil(math.sqrt(m))
    side = min(7.0 / cols, 0.5)
    i = np.arange(m)
    x0 = 105.5 + (i % cols) * side
    y0 = -8.5 + (i // cols) * side * 0.3  # Java is long: a flatter grid
    height = side * 0.3
    codes = [f"32.{k // 1000 + 1:02d}.{(k // 20) % 50 + 1:02d}.{k % 20 + 2001:04d}" for k in i]
    parents = [c[:8] for c in codes]
    return gpd.GeoDataFrame({"kode": codes, "nama": [f"Desa {k + 1}" for k in i],
                             "level": "kelurahan", "kode_induk": parents},
                            geometry=shapely.box(x0, y0, x0 + side, y0 + height), crs=4326), \
        (x0, y0, side, height)


def write_register(folder: Path, n: int, m: int, files: int, seed: int) -> list[Path]:
    from geo.demo import add_defects, build_city, generate_households, register_frame

    _, (x0, y0, side, height) = desa_table(m)
    codes = np.array([f"32.{k // 1000 + 1:02d}.{(k // 20) % 50 + 1:02d}.{k % 20 + 2001:04d}"
                      for k in range(m)], dtype=object)
    names = np.array([f"Desa {k + 1}" for k in range(m)], dtype=object)
    kec = np.array([f"Kecamatan {k // 20 + 1}" for k in range(m)], dtype=object)
    kel, river = build_city(seed)
    base = register_frame(add_defects(generate_households(kel, river, min(n, BLOCK), seed),
                                      seed))
    rng = np.random.default_rng(seed)
    paths = [folder / f"register_{f + 1:03d}.csv" for f in range(files)]
    bounds = np.linspace(0, n, files + 1).astype(np.int64)
    for f, path in enumerate(paths):
        with open(path, "w", encoding="utf-8", newline="") as out:
            start, header = int(bounds[f]), True
            while start < bounds[f + 1]:
                size = int(min(BLOCK, bounds[f + 1] - start))
                part = base.iloc[:size].copy()
                ids = np.arange(start, start + size)
                part["ID_DTKS"] = [str(10**11 + i) for i in ids]
                nik = part["NIK_KRT"].astype(str)
                ok = nik.str.fullmatch(r"\d{16}").to_numpy()
                part["NIK_KRT"] = np.where(ok, [f"32{i:014d}" for i in ids], nik)
                where = rng.integers(0, m, size)
                code = part["KODE_WILAYAH"].notna().to_numpy()
                part["KODE_WILAYAH"] = np.where(code, codes[where], None)
                named = part["KELURAHAN"].notna().to_numpy()
                part["KELURAHAN"] = np.where(named, names[where], None)
                part["KECAMATAN"] = np.where(part["KECAMATAN"].notna(), kec[where], None)
                point = part["LATITUDE"].notna().to_numpy()
                part["LONGITUDE"] = np.where(point, x0[where] + rng.random(size) * side, np.nan)
                part["LATITUDE"] = np.where(point, y0[where] + rng.random(size) * height,
                                            np.nan)
                part.to_csv(out, index=False, header=header)
                start += size
                header = False
    return paths


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: its own, unlike ru_maxrss, which a worker
    process inherits from the process that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_database(path: Path, desa):  # noqa: ANN001, ANN201
    """A new SQLite database holding only the desa boundaries."""
    from geo import store

    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    engine = store.get_engine(f"sqlite:///{path}")
    store.replace_regions(engine, desa)
    return engine


def _reset_peak() -> None:
    """Start this process's VmHWM afresh (Linux >= 4.0): generating the data is not counted."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run(files: list[Path], desa, work: Path, workers: int,  # noqa: ANN001
        warm_cache: bool = True, storage: str = "dataset") -> dict:
    import shutil

    from distributed import Client, LocalCluster

    from geo import household_dataset, snapshot_cache, store
    from geo.household_dask import import_households_dask

    _reset_peak()
    db = work / f"dask_{workers}.sqlite"
    engine = fresh_database(db, desa)
    dataset_dir = work / f"dataset_{workers}"
    shutil.rmtree(dataset_dir, ignore_errors=True)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", memory_limit=0) as cluster, \
            Client(cluster) as client:
        marks: dict[str, float] = {}

        def progress(fraction: float, text: str) -> None:
            if "committed" not in marks and (text.startswith("Menyiapkan cache")
                                             or text.startswith("Menjumlahkan kubus")):
                marks["committed"] = time.perf_counter()  # the cube or view cache comes next
                marks["peak_committed"] = _peak_mb()
            if text.startswith("Menyiapkan cache"):
                marks["cube"] = time.perf_counter()

        started = time.perf_counter()
        result = import_households_dask(engine, files, PERIOD, progress=progress,
                                        scheduler=cluster.scheduler_address,
                                        warm_cache=warm_cache, storage=storage,
                                        dataset_dir=str(dataset_dir))
        seconds = time.perf_counter() - started
        peaks = client.run(_peak_mb)
    rows = result.counts["rows_read"]
    committed = marks["committed"] - started
    out = {"workers": workers, "storage": storage, "rows": rows,
           "seconds_committed": round(committed, 1),
           "rows_per_s": round(rows / committed), "rows_per_s_per_worker":
               round(rows / committed / workers),
           "peak_mb_per_worker": sorted(round(v) for v in peaks.values()),
           "peak_mb_this_process_until_commit": round(marks["peak_committed"])}
    snap = store.snapshot_for(engine, PERIOD)
    if storage == "dataset":
        location = snap["dataset_location"]
        analytic = household_dataset.size_bytes(f"{location}/{household_dataset.ANALYTIC}")
        out["dataset_mb"] = round(household_dataset.size_bytes(location) / 1e6)
        out["dataset_mb_analytic"] = round(analytic / 1e6)
        out["dataset_files"] = len(household_dataset.dataset_files(location))
        columns = ["row_number", "region_code", "desil", "penerima_pkh", "penerima_bpnt"]
        kelurahan = desa["kode"].iat[len(desa) // 2]
        t0 = time.perf_counter()
        one = snapshot_cache.load_households_fast(engine, snap, columns, kelurahan=[kelurahan])
        out["seconds_read_one_kelurahan"] = round(time.perf_counter() - t0, 3)
        out["rows_one_kelurahan"] = len(one)
        t0 = time.perf_counter()
        whole = snapshot_cache.load_households_fast(engine, snap, columns)
        out["seconds_read_all_5_columns"] = round(time.perf_counter() - t0, 1)
        out["rows_read_back"] = len(whole)
        del whole
        out.update(cube_figures(engine, int(snap["id"])))
        out["seconds_cube_on_workers"] = round(marks["cube"] - marks["committed"], 1)
    else:
        out["seconds_with_view_cache"] = round(seconds, 1)
        out["peak_mb_this_process_with_view_cache"] = round(_peak_mb())
    out["database_mb"] = round(sum(f.stat().st_size for f in db.parent.glob(db.name + "*")) / 1e6)
    engine.dispose()
    out["counts"] = result.counts
    return out


def cube_figures(engine, snapshot_id: int) -> dict:  # noqa: ANN001
    """The stored cube's size and a filter change counted on it (median of 5)."""
    import statistics

    from geo import cube, indicators, store
    from geo.filters import Filters

    with engine.connect() as conn:
        rows = conn.execute(store.cubes.select().where(
            store.cubes.c.snapshot_id == snapshot_id)).all()
    out = {f"cube_{r.kind}_cells": r.cells for r in rows}
    out.update({f"cube_{r.kind}_mb": round(len(r.data) / 1e6, 1) for r in rows})
    t0 = time.perf_counter()
    counts = cube.counts(engine, snapshot_id)
    out["seconds_cube_load"] = round(time.perf_counter() - t0, 2)
    ids = tuple(dict.fromkeys(("rtlh", *indicators.NEED_INDICATORS)))
    times = {}
    for name, f in (("desil_1_4", Filters(desil_min=1, desil_max=4)),
                    ("pkh", Filters(programs=("penerima_pkh",))),
                    ("desil_1_4_bpnt_balita", Filters(desil_min=1, desil_max=4,
                                                      programs=("penerima_bpnt",),
                                                      vulnerable=("jumlah_balita",)))):
        part, keep = counts.for_filters(f), None
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            keep = f.households_only.mask(part.attrs)
            indicators.area_counts(part, keep, ids=ids, detail=("rtlh",))
            runs.append(time.perf_counter() - t0)
        times[name] = round(statistics.median(runs) * 1000, 1)
    out["ms_filter_change_on_cube"] = times
    return out


def single(path: Path, desa, work: Path) -> dict:  # noqa: ANN001
    from geo.households import import_households

    _reset_peak()
    engine = fresh_database(work / "single.sqlite", desa)
    marks: dict[str, float] = {}

    def progress(fraction: float, text: str) -> None:
        if text.startswith("Menyiapkan cache"):
            marks["committed"] = time.perf_counter()
            marks["peak_committed"] = _peak_mb()

    started = time.perf_counter()
    result = import_households(engine, path, PERIOD, progress=progress)
    seconds = time.perf_counter() - started
    engine.dispose()
    rows = result.counts["rows_read"]
    committed = marks["committed"] - started
    return {"engine": "pandas (this process), first file only", "rows": rows,
            "seconds_committed": round(committed, 1),
            "seconds_with_view_cache": round(seconds, 1),
            "rows_per_s": round(rows / committed),
            "peak_mb_this_process_until_commit": round(marks["peak_committed"]),
            "peak_mb_this_process_with_view_cache": round(_peak_mb())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=30_000_000)
    parser.add_argument("--desa", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/peta_bench_national"))
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--storage", choices=("dataset", "database"), default="dataset",
                        help="where the dask runs store the households (default: dataset)")
    parser.add_argument("--no-view-cache", action="store_true",
                        help="leave the view cache to the first load (it holds every household "
                             "in memory: ~2,5 GB per million)")
    args = parser.parse_args()

    folder = args.work / f"{args.households}_{args.desa}_{args.files}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    desa, _ = desa_table(args.desa)
    files = sorted(folder.glob("register_*.csv"))
    if len(files) != args.files:
        files = write_register(folder, args.households, args.desa, args.files, args.seed)
    print(f"data: {args.households:,} households, {args.desa:,} desa, {len(files)} files, "
          f"{sum(p.stat().st_size for p in files) / 1e9:.2f} GB "
          f"(ready in {time.perf_counter() - started:.0f} s)", flush=True)
    out = []
    for w in [int(x) for x in args.workers.split(",")]:
        out.append(run(files, desa, folder, w, not args.no_view_cache, args.storage))
        print(json.dumps(out[-1]), flush=True)
    if not args.skip_single:
        print(json.dumps(single(files[0], desa, folder)), flush=True)
    if len(out) >= 2:
        base = out[0]["rows_per_s"]
        for r in out[1:]:
            print(f"speed-up {out[0]['workers']} -> {r['workers']} workers: "
                  f"{r['rows_per_s'] / base:.2f}x")


if __name__ == "__main__":
    main()
