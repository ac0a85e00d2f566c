"""End-to-end household import (read, map, validate, link, store) against a bare pandas.read_csv.

    python bench/bench_import.py --households 1000000
    python bench/bench_import.py --households 3000000 --skip-baseline --repeat 1  # memory at 3M
    python bench/bench_import.py --db-url postgresql+psycopg://user@host/db  # + PostgreSQL

The register is the demo city's (with its ~2% defects), written once per size under
``--work`` (default /tmp/peta_bench) and reused. The import runs in a child process so its peak
memory (max RSS) is its own; the baseline ``pandas.read_csv`` of the same file runs in another
child, timed the same way.

Two times per import: until the period is committed (readers see it), and until
``import_households`` returns with the map's Parquet cache in place (on a SQLite file the import
writes it from the rows as it stores them; elsewhere it is read back from the database). The
goal (issue 17: import <= 3x read_csv) is judged on the second, the end to end time. The
SQLite writing process then copies the WAL into the database file (a checkpoint) on its own;
the time until that is done is printed too, and peak memory is taken after it. After each
import a fresh process opens the period as the map does (``snapshot_cache.load_households_fast``
+ ``indicators.prepare``): "first map right after the import" (goal <= 2 s).

Each round also measures, alone, the floor under any import: parsing the file as text,
storing the accepted rows (in SQLite, or as Parquet), and :func:`import_skeleton`, a small part
of the rules on Arrow alone (a lower bound of any engine, not an engine).

The machine's load average is printed at the start and the end: the ratio is from one run, but
other work on the machine slows the import (two processes) more than the read_csv baseline.

``--db-url`` (a PostgreSQL database with PostGIS, e.g. the test server's ``PETA_TEST_PG_URL``)
adds, in each round, the same import into PostgreSQL: into a fresh database copied from that
one (``<name>_bench``, dropped and made again each round). Its peak memory is the importing
process's only; the server's own memory is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCK = 200_000  # households generated once, then repeated with new ids


def write_register(path: Path, n: int, seed: int) -> None:
    from geo.demo import add_defects, build_city, generate_households, register_frame

    kel, river = build_city(seed)
    base = register_frame(add_defects(generate_households(kel, river, min(n, BLOCK), seed),
                                      seed))
    rng = np.random.default_rng(seed)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        k = 0
        while written < n:
            part = base.iloc[: n - written].copy()
            if k:
                part["ID_DTKS"] = part["ID_DTKS"].astype(str) + f"{k:02d}"
                nik = part["NIK_KRT"].astype(str)
                ok = nik.str.fullmatch(r"\d{16}")
                fresh = nik.str[:12] + [f"{v:04d}" for v in rng.integers(0, 10_000, len(part))]
                part["NIK_KRT"] = nik.where(~ok, fresh)
            part.to_csv(f, index=False, header=(k == 0))
            written += len(part)
            k += 1


def fresh_postgres(url: str) -> str:
    """A new empty database ``<name>_bench`` copied from the one ``url`` names; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    base = make_url(url)
    name = f"{base.database}_bench"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{base.database}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def child_import(path: Path, db: Path, seed: int, db_url: str | None = None) -> None:
    import geopandas as gpd

    from geo import store
    from geo.demo import build_city
    from geo.households import import_households
    from geo.sqlite_writer import wait_for_checkpoints

    if db_url:
        engine = store.get_engine(fresh_postgres(db_url))
    else:
        db.unlink(missing_ok=True)
        engine = store.get_engine(f"sqlite:///{db}")
    kel, _ = build_city(seed)
    store.replace_regions(engine, gpd.GeoDataFrame(
        {"kode": kel["kode_kel"], "nama": kel["nama_kel"], "level": "kelurahan",
         "kode_induk": kel["kode_kec"]}, geometry=kel.geometry, crs=4326))
    t = time.perf_counter()
    cpu0 = _cpu_seconds()
    phases: dict[str, float] = {}

    def progress(fraction: float, text: str) -> None:
        if fraction >= 0.96 and "parts" not in phases:  # every chunk read, linked, sent
            phases["parts"] = time.perf_counter() - t
        if text.startswith("Menyiapkan cache") and "committed" not in phases:  # elsewhere
            phases["committed"] = time.perf_counter() - t

    from geo import sqlite_writer

    closing = sqlite_writer.SqliteWriterProcess.close

    def close(self, commit: bool) -> None:  # noqa: ANN001 - SQLite: the COMMIT answered
        closing(self, commit)
        phases["committed"] = time.perf_counter() - t

    sqlite_writer.SqliteWriterProcess.close = close

    result = import_households(engine, path, "2026-09", progress=progress)
    elapsed = time.perf_counter() - t
    phases["finish"] = phases.get("committed", elapsed) - phases.get("parts", 0.0)
    # committed and visible; the writer process still copies the WAL into the database file
    wait_for_checkpoints()
    phases["checkpointed"] = time.perf_counter() - t
    cpu = {k: v - cpu0[k] for k, v in _cpu_seconds().items()}
    # this process and the SQLite writing process run at the same time: their sum bounds the
    # peak from above
    peak = sum(resource.getrusage(who).ru_maxrss
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024**2
    print(json.dumps({"seconds": elapsed, "counts": result.counts, "peak_gb": peak,
                      "phases": phases, "cpu": cpu}))


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds of this process (every thread) and of its ended children (the writer)."""
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))
    return {"self": own.ru_utime + own.ru_stime, "children": kids.ru_utime + kids.ru_stime}


def child_first_map(db: Path) -> None:
    """A fresh process opens the period as the map does (the explorer's ``base``: the cube
    the import stored, ready for every filter)."""
    t0 = time.perf_counter()
    from geo import cube, store

    engine = store.get_engine(f"sqlite:///{db}")
    t = time.perf_counter()
    snap = store.snapshot_for(engine, "2026-09")
    cached = cube.load_meta(engine, int(snap["id"]), "hitungan")
    counts = cube.counts(engine, int(snap["id"]))
    print(json.dumps({"seconds": time.perf_counter() - t, "load": time.perf_counter() - t,
                      "cached": cached, "imports": t - t0, "rows": counts.cells.households,
                      "peak_gb": 0.0}))


def child_read_csv(path: Path) -> None:
    import pandas as pd

    t = time.perf_counter()
    cpu0 = _cpu_seconds()["self"]
    frame = pd.read_csv(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(frame), "peak_gb": peak,
                      "cpu": _cpu_seconds()["self"] - cpu0}))


def child_floor(path: Path, db: Path) -> None:
    """What two steps every import here must take cost alone, on the same file and rows:
    parsing the file as text (pyarrow, every thread; each check starts from the text) and
    storing the rows the import accepted in an empty SQLite households table (ADBC, the same
    table and index, nothing else: no check, no link, no cache)."""
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa
    import pyarrow.csv as pcsv

    with open(path, encoding="utf-8") as f:
        headers = f.readline().rstrip("\n").split(",")
    t = time.perf_counter()
    pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
        column_types=dict.fromkeys(headers, pa.large_string())))
    parse_s = time.perf_counter() - t
    with adbc.connect(str(db)) as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM households")
        rows = cur.fetch_arrow_table()
        cur.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'households' "
                    "AND sql IS NOT NULL")
        ddl = [r[0] for r in cur.fetchall()]
    empty = db.with_name("floor.sqlite")
    for leftover in (empty, Path(f"{empty}-wal"), Path(f"{empty}-shm")):
        leftover.unlink(missing_ok=True)
    with adbc.connect(str(empty), autocommit=True) as conn, conn.cursor() as cur:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=OFF"):
            cur.execute(f"PRAGMA {pragma}")
            cur.fetchall()
        for statement in ddl:
            cur.execute(statement)
        cur.execute("BEGIN IMMEDIATE")
        t = time.perf_counter()
        cur.adbc_ingest("households", rows, "append")
        cur.execute("COMMIT")
        store_s = time.perf_counter() - t
    empty.unlink(missing_ok=True)
    # the alternative (issue 17, item 4): the same rows as a Parquet file beside the database
    import pyarrow.parquet as pq

    parquet = db.with_name("floor.parquet")
    t = time.perf_counter()
    pq.write_table(rows, parquet, compression="snappy")
    parquet_s = time.perf_counter() - t
    parquet.unlink(missing_ok=True)
    skeleton = import_skeleton(path, db.with_name("floor.arrow"))
    print(json.dumps({"parse_text": parse_s, "store_sqlite": store_s, "store_parquet": parquet_s,
                      "skeleton": skeleton, "rows": rows.num_rows, "columns": rows.num_columns,
                      "peak_gb": 0.0}))


def import_skeleton(path: Path, out: Path) -> dict[str, float]:
    """A lower bound of any import engine on this machine, not an engine: a small part of what
    the import does, each step with Arrow's own multi-threaded kernels and its fastest memory
    pool. It parses the file (identifiers, codes and dates as text), makes one check per
    column (length and digits of the ids, desil 1-10, each area code looked up in a set of
    codes, a category present, Ya/Tidak, counts >= 0, coordinates present, a date), finds
    repeated NIK, counts poor households and programs by area code, and writes every row with
    its verdict as one uncompressed Arrow file. It does not map coded answers, link by name or
    point, keep the rejected rows' reasons, report values, or write the database. If this
    alone takes more than the goal, no engine that keeps the rules can meet it here."""
    import pyarrow as pa

    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.jemalloc_memory_pool())
    try:
        return _skeleton_steps(path, out)
    finally:
        pa.set_memory_pool(previous)
        out.unlink(missing_ok=True)


def _skeleton_steps(path: Path, out: Path) -> dict[str, float]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.feather as feather

    steps: dict[str, float] = {}
    t = time.perf_counter()
    text = ["ID_DTKS", "NO_KK", "NIK_KRT", "KODE_WILAYAH", "RT", "RW", "DESIL", "TGL_VERVAL"]
    table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
        column_types=dict.fromkeys(text, pa.string())))
    steps["parse"] = time.perf_counter() - t
    masks = [pc.and_(pc.equal(pc.utf8_length(table[c]), n), pc.utf8_is_digit(table[c]))
             for c, n in (("ID_DTKS", 13), ("NO_KK", 16), ("NIK_KRT", 16))]
    digits = pc.utf8_is_digit(table["DESIL"])
    desil = pc.cast(pc.if_else(digits, table["DESIL"], None), pa.int16())
    masks.append(pc.and_(pc.greater_equal(desil, 1), pc.less_equal(desil, 10)))
    masks.append(pc.is_in(table["KODE_WILAYAH"], value_set=pc.unique(table["KODE_WILAYAH"])))
    masks += [pc.is_valid(pc.dictionary_encode(table[c])) for c in (
        "SUMBER_AIR_MINUM", "FASILITAS_BAB", "JENIS_KLOSET", "PEMBUANGAN_TINJA", "PENERANGAN",
        "LANTAI", "DINDING", "ATAP")]
    programs = ["ASET_MOBIL", "BPNT", "PKH", "PBI_JKN", "KIP", "BLT", "BEDAH_RUMAH",
                "STATUS_BEKERJA_KRT"]
    masks += [pc.is_in(table[c], value_set=pa.array(["Ya", "Tidak"])) for c in programs]
    masks += [pc.greater_equal(table[c], 0) for c in (
        "JML_ART", "JML_LANSIA", "JML_BALITA", "JML_DISABILITAS", "JML_ANAK_TDK_SEKOLAH")]
    masks += [pc.is_valid(table["LATITUDE"]), pc.is_valid(table["LONGITUDE"]),
              pc.is_valid(pc.strptime(table["TGL_VERVAL"], format="%Y-%m-%d", unit="s",
                                      error_is_null=True))]
    steps["checks"] = time.perf_counter() - t - steps["parse"]
    t1 = time.perf_counter()
    nik = table.select(["NIK_KRT"]).group_by("NIK_KRT").aggregate([([], "count_all")])
    repeated = nik.filter(pc.greater(nik["count_all"], 1))["NIK_KRT"]
    masks.append(pc.invert(pc.is_in(table["NIK_KRT"], value_set=repeated)))
    ok = masks[0]
    for mask in masks[1:]:
        ok = pc.and_(ok, pc.fill_null(mask, False))
    steps["duplicates"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    counts = pa.table({"area": table["KODE_WILAYAH"],
                       "poor": pc.cast(pc.less_equal(desil, 4), pa.int32()),
                       **{c: pc.cast(pc.equal(table[c], "Ya"), pa.int32()) for c in programs}}
                      ).filter(ok)
    counts.group_by("area").aggregate([(c, "sum") for c in counts.column_names[1:]])
    steps["counts"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    feather.write_feather(table.append_column("ok", ok), out, compression="uncompressed")
    steps["store"] = time.perf_counter() - t1
    steps["total"] = time.perf_counter() - t
    steps["accepted"] = pc.sum(ok).as_py()
    return steps


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def run_child(*args: str) -> tuple[dict, float]:
    """Run this script as a child; its JSON line carries its own peak memory (max RSS)."""
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result, result["peak_gb"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--households", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--work", type=Path, default=Path("/tmp/peta_bench"))
    p.add_argument("--skip-baseline", action="store_true")
    p.add_argument("--repeat", type=int, default=5, help="rounds; medians are compared")
    p.add_argument("--db-url", help="also import into this PostgreSQL database's copy "
                   "(postgresql+psycopg://…, with PostGIS)")
    p.add_argument("--goal", type=float, default=3.0, help="import / read_csv at most")
    p.add_argument("--_child", choices=["import", "read_csv", "first_map", "floor"],
                   help=argparse.SUPPRESS)
    p.add_argument("--_file", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args._child == "import":
        child_import(args._file, args.work / "bench.sqlite", args.seed, args.db_url)
        return 0
    if args._child == "read_csv":
        child_read_csv(args._file)
        return 0
    if args._child == "first_map":
        child_first_map(args.work / "bench.sqlite")
        return 0
    if args._child == "floor":
        child_floor(args._file, args.work / "bench.sqlite")
        return 0

    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PETA_CACHE_DIR", str(args.work / "cache"))  # the children's cache
    path = args.work / f"register_{args.households}.csv"
    if not path.exists():
        t = time.perf_counter()
        write_register(path, args.households, args.seed)
        print(f"wrote {path} ({path.stat().st_size / 1024**2:.0f} MB) in "
              f"{time.perf_counter() - t:.0f} s")
    print(f"load average at the start: {_load()} (2 cores here; other work slows both)")
    bases, runs, pg_runs, maps, base_cpu, floors = [], [], [], [], [], []
    for k in range(args.repeat):  # baseline and import in turns: both see the same machine
        if not args.skip_baseline:
            base, base_mem = run_child("--_child", "read_csv", "--_file", str(path),
                                       "--work", str(args.work))
            bases.append(base["seconds"])
            base_cpu.append(base["cpu"])
            print(f"[{k + 1}] baseline pandas.read_csv: {base['seconds']:.2f} s "
                  f"({base['rows']:,} rows, peak {base_mem:.2f} GB, CPU {base['cpu']:.2f} s)")
        ours, mem = run_child("--_child", "import", "--_file", str(path), "--work",
                              str(args.work), "--seed", str(args.seed))
        runs.append(ours)
        ph = ours["phases"]
        print(f"[{k + 1}] import_households end to end (committed, map cache ready): "
              f"{ours['seconds']:.2f} s, peak memory {mem:.2f} GB (max RSS of the import "
              f"process + its SQLite writing process)\n"
              f"    read+map+validate+link, parts stored meanwhile {ph.get('parts', 0):.2f} s; "
              f"duplicates, quarantine, rest of the store and commit {ph['finish']:.2f} s; "
              f"committed at {ph.get('committed', ours['seconds']):.2f} s\n"
              f"    CPU: import process {ours['cpu']['self']:.2f} s (all threads), SQLite "
              f"writing process {ours['cpu']['children']:.2f} s (with its checkpoint)\n"
              f"    after returning, the writer process copied the WAL into the database "
              f"file (checkpoint) until {ph['checkpointed']:.2f} s")
        if not args.db_url:
            first, _ = run_child("--_child", "first_map", "--work", str(args.work))
            maps.append(first)
            where = "the Parquet cache" if first["cached"] else "THE DATABASE (no cache)"
            print(f"    first map right after the import, fresh process: {first['seconds']:.2f} s"
                  f" (load {first['load']:.2f} s from {where}, indicators.prepare "
                  f"{first['seconds'] - first['load']:.2f} s; "
                  f"{first['rows']:,} rows; imports before it {first['imports']:.2f} s)")
        if not args.db_url and not args.skip_baseline:
            floor, _ = run_child("--_child", "floor", "--_file", str(path),
                                 "--work", str(args.work))
            floors.append(floor)
            print(f"    floor, each step alone: parsing the file as text (pyarrow) "
                  f"{floor['parse_text']:.2f} s; storing the {floor['rows']:,} accepted rows "
                  f"({floor['columns']} columns) in an empty SQLite households table (ADBC, "
                  f"nothing else) {floor['store_sqlite']:.2f} s, as one Parquet file "
                  f"(snappy) {floor['store_parquet']:.2f} s; the import skeleton "
                  f"{floor['skeleton']['total']:.2f} s")
        if args.db_url:
            pg, pg_mem = run_child("--_child", "import", "--_file", str(path), "--work",
                                   str(args.work), "--seed", str(args.seed),
                                   "--db-url", args.db_url)
            pg_runs.append(pg)
            print(f"[{k + 1}] import_households into PostgreSQL (COPY): {pg['seconds']:.2f} s, "
                  f"peak memory {pg_mem:.2f} GB (importing process; the server not counted); "
                  f"read+map+validate+link, parts stored meanwhile "
                  f"{pg['phases'].get('parts', 0):.2f} s, rest and commit "
                  f"{pg['phases']['finish']:.2f} s")
    print(f"counts: {runs[-1]['counts']}")
    print(f"load average at the end: {_load()}")
    ours_s = statistics.median(r["seconds"] for r in runs)
    committed_s = statistics.median(r["phases"].get("committed", r["seconds"]) for r in runs)
    if bases:
        base_s = statistics.median(bases)
        done_s = statistics.median(r["phases"]["checkpointed"] for r in runs)
        ratio = ours_s / base_s
        print(f"median of {args.repeat}: read_csv {base_s:.2f} s; import until committed "
              f"{committed_s:.2f} s ({committed_s / base_s:.1f}x), until the map cache is "
              f"ready {ours_s:.2f} s ({ratio:.1f}x read_csv): "
              f"{'PASS' if ratio <= args.goal else 'FAIL'} (goal <= {args.goal:g}x)\n"
              f"    including the checkpoint after the import returned: {done_s:.2f} s, "
              f"{done_s / base_s:.1f}x")
        own = statistics.median(r["cpu"]["self"] for r in runs)
        kids = statistics.median(r["cpu"]["children"] for r in runs)
        base_c = statistics.median(base_cpu)
        print(f"    CPU seconds (less sensitive to other load): read_csv {base_c:.2f}; import "
              f"process {own:.2f} + SQLite writing process {kids:.2f} = {own + kids:.2f} "
              f"({(own + kids) / base_c:.1f}x; the import process runs several threads, so "
              f"on 2 cores the wall time cannot go below max(writer, sum / 2) = "
              f"{max(kids, (own + kids) / 2):.2f} s)")
    if floors and bases:
        base_s = statistics.median(bases)
        parse_s = statistics.median(f["parse_text"] for f in floors)
        store_s = statistics.median(f["store_sqlite"] for f in floors)
        parquet_s = statistics.median(f["store_parquet"] for f in floors)
        print(f"median of {args.repeat}: the floor, measured in the same rounds: parsing as "
              f"text {parse_s:.2f} s ({parse_s / base_s:.1f}x read_csv), storing the rows in "
              f"SQLite {store_s:.2f} s ({store_s / base_s:.1f}x read_csv) on its own core; "
              f"the goal leaves {args.goal * base_s:.2f} s for everything")
        print(f"    were the rows kept as Parquet beside the database instead: storing "
              f"{parquet_s:.2f} s ({parquet_s / base_s:.1f}x read_csv); parsing + storing "
              f"{(parse_s + parquet_s) / base_s:.1f}x read_csv before any check, link, "
              f"duplicate pass or count")
        skeleton = {k: statistics.median(f["skeleton"][k] for f in floors)
                    for k in floors[0]["skeleton"] if k != "accepted"}
        steps = ", ".join(f"{k} {v:.2f}" for k, v in skeleton.items() if k != "total")
        print(f"    a lower bound of any engine (import_skeleton: a small part of the rules, "
              f"Arrow only, both cores, rows as one uncompressed Arrow file): "
              f"{skeleton['total']:.2f} s ({skeleton['total'] / base_s:.1f}x read_csv; "
              f"{steps})")
    if maps:
        first_s = statistics.median(m["seconds"] for m in maps)
        print(f"median of {args.repeat}: first map right after the import (fresh process, "
              f"load + indicators.prepare) {first_s:.2f} s: "
              f"{'PASS' if first_s <= 2.0 else 'FAIL'} (goal <= 2 s)")
    if pg_runs:
        pg_s = statistics.median(r["seconds"] for r in pg_runs)
        against = f", {pg_s / statistics.median(bases):.1f}x read_csv" if bases else ""
        print(f"median of {args.repeat}: import into PostgreSQL {pg_s:.2f} s, "
              f"{pg_s / ours_s:.2f}x SQLite's {ours_s:.2f} s{against}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
