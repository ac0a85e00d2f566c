"""A province in the app: server time of the map and planning pages (AppTest) and the bytes of
the kelurahan/desa map, over a boundary file with a fictional register (``python -m geo demo
--boundaries``), 3 million households by default.

Goals (issue 17): first load of a period with a warm cache ≤ 2 s; filter change → ready map
≤ 0,3 s (median of reruns); the kelurahan/desa map sent to the browser ≤ 4 MB; one rerun of
each planning page (prioritas, lintas_opd, cakupan) ≤ 1 s. Baseline, measured in the same run
on the same data: the naive path for one filter change (mask the household frame, evaluate the
rules on the subset, group by kelurahan with pandas).

    python bench/bench_province.py --boundaries provinsi_banten.geojson
    python bench/bench_province.py --boundaries provinsi_banten.geojson --households 300000

The database (``data/bench_province_<N>.sqlite``) is built once and reused while it holds the
same number of households from the same boundary file. ``--profile`` prints the 15 calls of one
filter change's rerun with the most cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.map_session import (  # noqa: E402
    MapBytes,
    filter_changes,
    first_loads,
    map_session,
    naive_and_fast,
    profile_rerun,
    timed_run,
)

PLANNING_PAGES = ("prioritas", "lintas_opd", "cakupan")
GOALS = {"first": 2.0, "change": 0.3, "map_bytes": 4e6, "planning": 1.0}


def build(db: Path, boundaries: Path, n: int) -> None:
    """The province demo in ``db``, unless it already holds ``n`` households from
    ``boundaries``."""
    from sqlalchemy import select

    from geo import store
    from geo.demo_province import load_province_demo

    if db.exists():
        engine = store.get_engine(f"sqlite:///{db}")
        snap = store.snapshot_for(engine)
        with engine.connect() as conn:
            sources = {row[0] for row in conn.execute(
                select(store.regions.c.source_file).distinct())}
        if snap and snap["rows_read"] == n and sources == {boundaries.name}:
            return
        engine.dispose()
        db.unlink()
    db.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    print(f"membangun basis data {db} ({n:,} rumah tangga di atas {boundaries.name})…",
          flush=True)
    load_province_demo(store.get_engine(f"sqlite:///{db}"), boundaries, n)
    print(f"  selesai dalam {time.perf_counter() - t:.0f} s", flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def planning_reruns() -> dict[str, tuple[float, float]]:
    """Per planning page: (first run in a new session, caches warm; one rerun)."""
    from streamlit.testing.v1 import AppTest

    out = {}
    for page in PLANNING_PAGES:
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=300)
        timed_run(at)
        at.switch_page(f"pages/{page}.py")
        first = timed_run(at)
        out[page] = (first, timed_run(at))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", type=Path, required=True,
                        help="boundary file (GeoJSON, GeoPackage, Shapefile .zip)")
    parser.add_argument("--households", type=int, default=3_000_000)
    parser.add_argument("--db", type=Path, help="default data/bench_province_<N>.sqlite")
    parser.add_argument("--reruns", type=int, default=3, help="rounds of filter changes")
    parser.add_argument("--profile", action="store_true",
                        help="profile one filter change (cProfile, top 15 cumulative)")
    args = parser.parse_args()
    db = args.db or PROJECT / "data" / f"bench_province_{args.households}.sqlite"

    build(db, args.boundaries.resolve(), args.households)
    os.environ["PETA_DB_URL"] = f"sqlite:///{db}"
    os.environ["PETA_PROJECT"] = str(PROJECT)
    os.chdir(PROJECT)

    from geo import store
    from geo.filters import Filters
    from ui import data

    cold, first = first_loads()

    # filter changes on the map page, and the bytes of the kelurahan/desa map it sends
    with MapBytes() as sent:
        at = map_session()
    map_bytes = max(first for first, _ in sent.sizes)
    rerun_bytes = max(rerun for _, rerun in sent.sizes)
    regions = data.region_names(data.data_version())
    kec = sorted(regions.query("level == 'kecamatan'")["kode"])
    changes = filter_changes(at, kec[1], args.reruns)
    all_changes = [t for ts in changes.values() for t in ts]
    profile = profile_rerun(lambda a: a.slider(key="f_desil").set_value((1, 3))) \
        if args.profile else ""

    planning = planning_reruns()

    # baseline: the naive path for one filter change (desil 1–4 + PKH)
    engine = store.get_engine()
    slow_t, fast_t, cube_t = naive_and_fast(engine, Filters(desil_min=1, desil_max=4,
                                                            programs=("penerima_pkh",)))
    n_households = store.household_count(engine, int(store.snapshot_for(engine)["id"]))
    n_areas = int((regions["level"] == "kelurahan").sum())

    first_m, change_m = statistics.median(first), statistics.median(all_changes)
    print()
    print(f"rumah tangga: {n_households:,}  kelurahan/desa: {n_areas:,}  "
          f"({args.boundaries.name})".replace(",", "."))
    print(f"muat pertama, proses baru (kubus dari DB; dibangun dulu bila belum ada): "
          f"{cold:6.2f} s")
    print(f"muat pertama, cache hangat (median 3 sesi baru):         {first_m:6.2f} s   "
          f"target ≤ 2 s      {verdict(first_m <= GOALS['first'])}")
    print(f"ubah filter → peta siap (median {len(all_changes)} rerun):           "
          f"{change_m:6.3f} s   target ≤ 0,3 s    {verdict(change_m <= GOALS['change'])}"
          f"  (maks {max(all_changes):.3f} s)")
    for name, ts in changes.items():
        print(f"    {name:<20} median {statistics.median(ts):.3f} s")
    print(f"peta kelurahan/desa terkirim ke peramban:              {map_bytes / 1e6:6.2f} MB  "
          f"target ≤ 4 MB     {verdict(map_bytes <= GOALS['map_bytes'])}")
    print(f"    lalu tiap rerun (geometri sudah di cache peramban): {rerun_bytes / 1e6:6.2f} MB")
    for page, (first_run, rerun) in planning.items():
        print(f"halaman {page:<11} rerun {rerun:6.2f} s (sesi baru {first_run:5.2f} s)      "
              f"target ≤ 1 s      {verdict(rerun <= GOALS['planning'])}")
    print(f"baseline, hitung per kelurahan untuk satu filter: naif (evaluate+groupby) "
          f"{slow_t:.3f} s, jalur cepat (bincount) {fast_t:.4f} s, rasio "
          f"{slow_t / max(fast_t, 1e-9):.0f}×; kubus {cube_t:.4f} s")
    if profile:
        print("\nprofil satu perubahan filter (desil 1–3), 15 teratas menurut waktu kumulatif:")
        print(profile)
    ok = (first_m <= GOALS["first"] and change_m <= GOALS["change"]
          and map_bytes <= GOALS["map_bytes"]
          and all(rerun <= GOALS["planning"] for _, rerun in planning.values()))
    print("SEMUA TARGET TERPENUHI" if ok else "ADA TARGET TIDAK TERPENUHI")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
