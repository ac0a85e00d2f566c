"""A cube-backed period (geo/cube.py) at province or national size: filter changes in the app.

    python bench/bench_cube.py                                  # 10 million over 6.000 desa
    python bench/bench_cube.py --households 1000000 --desa 600

Builds once (and reuses) a SQLite database holding ``--desa`` synthetic desa (squares over Java,
as bench_national.py; their kecamatan and kabupaten dissolved from them) and one period
whose households exist only as its cube: generated block by block (the demo city's values,
each block's rows given random desa), each block evaluated and summed into cells, the blocks'
cells combined (cells are additive: this is how partitions on many workers build one cube).
No household row is stored, as for a period kept in a Parquet dataset.

Measures, in the same run:
- the counting of one filter change as the map page does it (indicator + the need indicators
  per kelurahan, ``geo.indicators.area_counts``) on the cube, against the baseline, the same
  counting on the household rows (every block's evaluation kept, concatenated);
- the map page's server time per filter change (Streamlit AppTest, as bench_map.py), median of
  the changes, goal ≤ 0,1 s, and the first load of a new session;
- the cube: cells, bytes stored, build time per million households, load time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BLOCK = 1_000_000
PERIOD = "2026-09"


def concat_prepared(parts: list, codes: np.ndarray):  # noqa: ANN001, ANN201
    """One household-level Prepared of several blocks' (the baseline)."""
    import pandas as pd

    from geo.indicators import Prepared

    def cat(name: str) -> dict:
        return {k: np.concatenate([getattr(p, name)[k] for p in parts])
                for k in getattr(parts[0], name)}

    areas = []
    for p in parts:
        where = np.append(np.searchsorted(codes, p.codes), len(codes))
        areas.append(where[p.area])
    attrs = pd.concat([p.attrs.drop(columns="region_code") for p in parts], ignore_index=True)
    region = np.append(codes, None)[np.concatenate(areas)]
    attrs.insert(0, "region_code", pd.Categorical(region, categories=codes))
    bases = {}
    dens = cat("dens")
    for k in parts[0].bases:
        bases[k] = dens[k] if all(p.bases[k] is p.dens[k] for p in parts) else np.concatenate(
            [p.bases[k] for p in parts])
    return Prepared(codes, np.concatenate(areas), np.concatenate([p.members for p in parts]),
                    cat("hits"), dens, bases, attrs, parts[0].settings,
                    frozenset().union(*[p.known_columns for p in parts]))


def region_levels(desa):  # noqa: ANN001, ANN201
    """Desa, their kecamatan and kabupaten (dissolved), each with its display geometry (the
    squares need no simplification; the boundary importer's checks are not what is measured
    here)."""
    import geopandas as gpd
    import pandas as pd

    levels = [desa.assign(level="kelurahan")]
    kec = desa.dissolve(by="kode_induk", as_index=False)[["kode_induk", "geometry"]]
    kec = kec.rename(columns={"kode_induk": "kode"})
    kec["nama"] = "Kecamatan " + kec["kode"]
    kec["kode_induk"] = kec["kode"].str[:5]
    levels.append(kec.assign(level="kecamatan"))
    kab = kec.dissolve(by="kode_induk", as_index=False)[["kode_induk", "geometry"]]
    kab = kab.rename(columns={"kode_induk": "kode"})
    kab["nama"] = "Kabupaten " + kab["kode"]
    kab["kode_induk"] = None
    levels.append(kab.assign(level="kota"))
    table = gpd.GeoDataFrame(pd.concat(levels, ignore_index=True), crs=4326)
    table["geometry_display"] = table.geometry
    table["area_km2"] = table.geometry.to_crs(3857).area / 1e6
    return table[["kode", "nama", "level", "kode_induk", "area_km2", "geometry",
                  "geometry_display"]]


def build(db: Path, n: int, m: int, seed: int, keep_rows: bool):  # noqa: ANN201
    """The database (boundaries, one period, its cubes); the household-level baseline when
    ``keep_rows``. Returns (engine, baseline Prepared or None, build figures)."""
    from datetime import UTC, datetime

    from bench_national import desa_table

    from geo import cube, indicators, store
    from geo.demo import build_city, generate_households

    fresh = not db.exists()
    engine = store.get_engine(f"sqlite:///{db}")
    desa, _ = desa_table(m)
    if fresh:
        store.replace_regions(engine, region_levels(desa), "bench_cube")
    snapshot = store.snapshot_for(engine, PERIOD)
    if snapshot and cube.load_meta(engine, int(snapshot["id"]), "hitungan") and not keep_rows:
        return engine, None, None
    kel, river = build_city(seed)
    pool = generate_households(kel, river, 200_000, seed)
    codes = np.sort(desa["kode"].to_numpy(dtype=object))
    rng = np.random.default_rng(seed)
    counts, needs, rows, build_s = [], [], [], 0.0
    for start in range(0, n, BLOCK):
        size = min(BLOCK, n - start)
        block = pool.iloc[rng.integers(0, len(pool), size)].reset_index(drop=True)
        linked = block["kode_benar"].notna().to_numpy()
        block["region_code"] = np.where(linked, codes[rng.integers(0, m, size)], None)
        t = time.perf_counter()
        prepared = indicators.prepare(block)
        counts.append(cube.cells_of(prepared))
        needs.append(cube.need_cells_of(prepared))
        build_s += time.perf_counter() - t
        if keep_rows:
            rows.append(prepared)
        print(f"  blok {start // BLOCK + 1}: {start + size:,} rumah tangga", flush=True)
    t = time.perf_counter()
    cells, need_cells = cube.combine(counts), cube.combine(needs)
    build_s += time.perf_counter() - t
    known = frozenset().union(*[set(indicators.RULE_COLUMNS) & set(pool.columns)])
    if not snapshot or not cube.load_meta(engine, int(snapshot["id"]), "hitungan"):
        with engine.begin() as conn:
            conn.execute(store.snapshots.delete())
            snapshot_id = conn.execute(store.snapshots.insert().values(
                period=PERIOD, source_file=f"bench_cube {n:,} rumah tangga",
                imported_at=datetime.now(UTC), is_demo=True, rows_read=n, accepted=n,
                quarantined=0, linked_by_code=n, linked_by_name=0, linked_by_point=0,
                unlinked=0, conflicts=0, report=json.dumps({"bench": "cube"}),
            )).inserted_primary_key[0]
        cube.save(engine, snapshot_id, "hitungan", cells, known, 0)
        cube.save(engine, snapshot_id, "kebutuhan", need_cells, known, 0)
    figures = {"cells": len(cells), "need_cells": len(need_cells),
               "build_s_per_million": build_s / (n / 1e6)}
    baseline = concat_prepared(rows, codes) if keep_rows else None
    return engine, baseline, figures


def timed(fn, repeat: int = 5) -> float:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--households", type=int, default=10_000_000)
    p.add_argument("--desa", type=int, default=6_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--reruns", type=int, default=2, help="rounds of filter changes (AppTest)")
    p.add_argument("--no-baseline", action="store_true",
                   help="skip the household-level counting (needs ~1 GB per 10 million)")
    args = p.parse_args()
    db = args.db or ROOT / "data" / f"bench_cube_{args.households}_{args.desa}.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PETA_CACHE_DIR", str(db.parent / "bench_cube_cache"))

    from geo import cube, indicators, store
    from geo.filters import Filters
    from geo.views.common import households_mask

    t = time.perf_counter()
    engine, baseline, figures = build(db, args.households, args.desa, args.seed,
                                      keep_rows=not args.no_baseline)
    print(f"siap dalam {time.perf_counter() - t:.0f} s", flush=True)
    snapshot = store.snapshot_for(engine, PERIOD)
    sid = int(snapshot["id"])
    t = time.perf_counter()
    counts = cube.counts(engine, sid)
    cells = counts.cells
    load_s = time.perf_counter() - t
    with engine.connect() as conn:
        stored = conn.execute(store.cubes.select().where(store.cubes.c.snapshot_id == sid)).all()
    sizes = {row.kind: (row.cells, len(row.data)) for row in stored}

    kec = sorted({c[:8] for c in cells.codes})
    filters = [Filters(desil_min=1, desil_max=4), Filters(programs=("penerima_pkh",)),
               Filters(vulnerable=("jumlah_lansia",)),
               Filters(desil_min=1, desil_max=4, programs=("penerima_bpnt",),
                       vulnerable=("jumlah_balita",)),
               Filters(kecamatan=(kec[len(kec) // 2],), desil_min=1, desil_max=2)]
    ids = tuple(dict.fromkeys(("rtlh", *indicators.NEED_INDICATORS)))

    def counting(prepared, f):  # noqa: ANN001, ANN202
        return lambda: indicators.area_counts(prepared, households_mask(prepared, f), ids=ids,
                                              detail=("rtlh",))

    on_cube = [timed(counting(counts.for_filters(f), f)) for f in filters]
    on_cells = [timed(counting(cells, f)) for f in filters]
    on_rows = [timed(counting(baseline, f), 3) for f in filters] if baseline else []
    if baseline is not None:  # the same numbers both ways
        for f in filters:
            part = counts.for_filters(f)
            a = indicators.area_counts(part, households_mask(part, f), ids=ids)[0]
            b = indicators.area_counts(baseline, households_mask(baseline, f), ids=ids)[0]
            assert a.reindex(b.index).fillna(0).astype(float).round(6).equals(
                b.astype(float).round(6)), f"berbeda untuk {f}"
        del baseline

    # the map page, as a planner uses it (AppTest: server time of each rerun)
    os.environ["PETA_DB_URL"] = f"sqlite:///{db}"
    os.environ["PETA_PROJECT"] = str(ROOT)
    os.chdir(ROOT)
    from map_session import timed_run
    from streamlit.testing.v1 import AppTest

    from tests.map_fixtures import sidebar_and_map_page

    cold = timed_run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=600))
    first = statistics.median(timed_run(AppTest.from_file(str(ROOT / "app.py"),
                                                          default_timeout=300))
                              for _ in range(2))
    at = AppTest.from_function(sidebar_and_map_page, default_timeout=300)
    timed_run(at)
    steps = [
        ("desil 1–4", lambda: at.slider(key="f_desil").set_value((1, 4))),
        ("program PKH", lambda: at.multiselect(key="f_program").set_value(["penerima_pkh"])),
        ("lansia", lambda: at.multiselect(key="f_rentan").set_value(["jumlah_lansia"])),
        ("indikator RTLH", lambda: at.selectbox(key="p_ind").set_value("rtlh")),
        ("tanpa filter", lambda: at.slider(key="f_desil").set_value((1, 10))
         or at.multiselect(key="f_program").set_value([])
         or at.multiselect(key="f_rentan").set_value([])
         or at.selectbox(key="p_ind").set_value("miskin")),
    ]
    level = at.radio(key="p_level").value
    changes: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _ in range(args.reruns):
        for name, change in steps:
            change()
            changes[name].append(timed_run(at))
    page = statistics.median([t for ts in changes.values() for t in ts])

    households = cells.households
    print()
    print(f"periode berbasis kubus: {households:,} rumah tangga, {len(cells.codes):,} desa")
    for kind, (n_cells, size) in sizes.items():
        print(f"  kubus {kind}: {n_cells:,} sel ({households / n_cells:.1f} rumah tangga per "
              f"sel), {size / 1e6:.1f} MB di basis data")
    if figures:
        print(f"  membangun kubus: {figures['build_s_per_million']:.2f} s per juta rumah tangga")
    print(f"  memuat kubus dari basis data: {load_s:.2f} s")
    print("hitung satu ubah filter (indikator + indikator kebutuhan per desa), median:")
    for i, f in enumerate(filters):
        line = (f"  {f.describe():<60} kubus {on_cube[i] * 1000:7.1f} ms (semua sel "
                f"{on_cells[i] * 1000:6.1f} ms)")
        if on_rows:
            line += (f"   baris rumah tangga {on_rows[i] * 1000:7.1f} ms   "
                     f"rasio {on_rows[i] / on_cube[i]:5.1f}×")
        print(line)
    print(f"halaman peta (AppTest, tingkat {level}): muat dingin {cold:.2f} s, sesi baru "
          f"{first:.2f} s, ubah filter median {page:.3f} s   target ≤ 0,1 s  "
          f"{'LULUS' if page <= 0.1 else 'GAGAL'}")
    for name, ts in changes.items():
        print(f"    {name:<16} median {statistics.median(ts):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
