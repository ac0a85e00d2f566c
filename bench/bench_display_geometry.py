"""Display geometry of real boundary files: size and displacement against the source.

    python bench/bench_display_geometry.py ../shared/data/boundaries/*.geojson

Imports each file into a throw-away SQLite database and prints, per file: features, regions per
level, repaired geometries, and per level the display GeoJSON bytes (coordinates rounded as
stored) with the largest boundary displacement (Hausdorff distance, metres) against the full
geometry. Baseline: the source file's own size, measured in the same run. Not part of the tests.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import store  # noqa: E402
from geo.boundaries import import_boundaries  # noqa: E402


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        with tempfile.TemporaryDirectory() as tmp:
            engine = store.get_engine(f"sqlite:///{tmp}/bench.sqlite")
            start = time.perf_counter()
            report = import_boundaries(engine, path)
            seconds = time.perf_counter() - start
            engine.dispose()
        source = path.stat().st_size
        print(f"{path.name}: {report.features} features, levels {report.levels}, "
              f"repaired {report.repaired}, kelurahan {report.kelurahan} desa {report.desa}, "
              f"import {seconds:.1f} s, source {source:,} B")
        for level, d in report.display.items():
            print(f"  {level:<10} {d['features']:>5} features {d['geojson_bytes']:>10,} B "
                  f"({d['geojson_bytes'] / source:.2f}x source)  max displacement "
                  f"{d['max_displacement_m']:>7.2f} m  over 10 m: {d['over_limit']}  "
                  f"tolerance {d['tolerance_m']} m  {d['over_limit_list'][:3]}")
        for c in report.coverage:
            print(f"  coverage {c['kode']}: overlap {c['overlap_km2']} km² "
                  f"({c['overlap_share']:.3%}), gaps {c['gaps']} ({c['gap_km2']} km², "
                  f"{c['gap_share']:.3%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
