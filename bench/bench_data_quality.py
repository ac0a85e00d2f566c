"""The Kualitas data page's count of quarantine reasons by kind (``geo.data_quality``): each
reason pattern tried only where its fixed text occurs, against trying every pattern on every
row (the former implementation: a lazy ``.*?`` pattern that fails on a long reason text
backtracks for milliseconds).

    python bench/bench_data_quality.py                       # the quarantine of bench_import's 1M
    python bench/bench_data_quality.py --db data/peta.sqlite --period 2026-09

Reads the stored quarantine of a period (default: the database ``bench_import.py`` leaves in
/tmp/peta_bench, 11.898 quarantined rows of 1 million), counts every row's reason kinds both
ways in the same process, checks they agree on every row, and prints both times and the ratio.
Goal: the whole page (``data_quality.load``) under 5 s at 1 million households.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import data_quality, store  # noqa: E402


def every_pattern(text: str) -> list[str]:
    """The baseline: every pattern searched in every text."""
    return [r.kind for r in data_quality.REASON_KINDS
            if r.pattern.search(text or "")] or ["lainnya"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="/tmp/peta_bench/bench.sqlite")
    p.add_argument("--period", default=None, help="default: the newest real register")
    args = p.parse_args(argv)
    engine = store.get_engine(f"sqlite:///{args.db}")
    snapshot = store.snapshot_for(engine, args.period)
    if snapshot is None:
        print(f"no period in {args.db}: run bench/bench_import.py first")
        return 1
    texts = store.load_quarantine(engine, int(snapshot["id"]))["reasons"].tolist()
    t = time.perf_counter()
    ours = [data_quality.reason_kinds(text) for text in texts]
    ours_s = time.perf_counter() - t
    t = time.perf_counter()
    base = [every_pattern(text) for text in texts]
    base_s = time.perf_counter() - t
    differ = sum(a != b for a, b in zip(ours, base))
    print(f"{len(texts):,} quarantined rows of period {snapshot['period']} "
          f"({snapshot['rows_read']:,} rows read)")
    print(f"reason kinds: needle first {ours_s:.2f} s vs every pattern {base_s:.2f} s "
          f"({base_s / max(ours_s, 1e-9):.0f}x); rows counted differently: {differ}")
    t = time.perf_counter()
    data_quality.load(engine, snapshot["period"])
    page_s = time.perf_counter() - t
    print(f"the page's table (data_quality.load): {page_s:.2f} s  "
          f"{'PASS' if page_s <= 5 and not differ else 'FAIL'} (goal <= 5 s, counts equal)")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
