"""``python -m geo demo``: build the fictional demo city and load it like a user's files."""

from __future__ import annotations

import argparse

from geo import link, store
from geo.cli import common
from geo.demo import CITY_NAME, DEFAULT_HOUSEHOLDS, DEMO_LABEL, DEMO_PERIOD, load_demo

HELP = "bangun kota contoh (data fiktif) dan muat ke basis data"


def _household_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} bukan bilangan bulat") from None
    if not 100 <= value <= 5_000_000:
        raise argparse.ArgumentTypeError("jumlah rumah tangga harus antara 100 dan 5000000")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--households", type=_household_count, default=DEFAULT_HOUSEHOLDS,
                        metavar="JUMLAH",
                        help=f"jumlah rumah tangga, 100 sampai 5000000 (bawaan "
                             f"{DEFAULT_HOUSEHOLDS})")
    parser.add_argument("--seed", type=int, default=7, metavar="BENIH",
                        help="benih acak; sama = hasil sama (bawaan 7)")
    common.add_json(parser, "ringkasan")


def run(args: argparse.Namespace) -> int:
    with common.progress_bar(common.progress_wanted(args)) as progress:
        summary = load_demo(store.get_engine(), n=args.households, seed=args.seed,
                            progress=progress)
    levels = summary["boundaries"].to_dict()["levels"]
    result = summary["households"]
    counts = {k: int(result.counts[k]) for k in store.COUNT_KEYS}
    warning = link.unlinked_warning(counts["unlinked"], counts["accepted"])
    if args.json:
        common.print_json({"period": DEMO_PERIOD, "levels": levels, **counts})
    else:
        print(f"{CITY_NAME} ({DEMO_LABEL}), periode {DEMO_PERIOD}")
        print(f"Wilayah: {common.level_counts(levels)}")
        print("Rumah tangga:")
        print("\n".join(common.count_lines(counts)))
    return common.warn([warning] if warning else [])
