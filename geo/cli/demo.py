"""``python -m geo demo``: build the fictional demo city and load it like a user's files; with
``--boundaries``, a fictional register over real boundaries instead (:mod:`geo.demo_province`)."""

from __future__ import annotations

import argparse

from geo import link, store
from geo.boundaries.base import BoundaryImportFailed
from geo.cli import common
from geo.demo import CITY_NAME, DEFAULT_HOUSEHOLDS, DEMO_LABEL, DEMO_PERIOD, load_demo
from geo.fmt import fmt_int
from geo.households import ImportFailed

HELP = ("bangun kota contoh (data fiktif) dan muat ke basis data; dengan --boundaries: register "
        "fiktif di atas batas wilayah dari berkas")


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
    parser.add_argument("--boundaries", metavar="BERKAS",
                        help="berkas batas wilayah (GeoJSON, GeoPackage, Shapefile .zip, ...): "
                             "diimpor seperti import-boundaries (mengganti semua wilayah), lalu "
                             "rumah tangga fiktif dibuat di dalam kelurahan/desanya")
    parser.add_argument("--period", metavar="TTTT-BB",
                        help=f"periode register contoh, hanya dengan --boundaries (bawaan "
                             f"{DEMO_PERIOD})")
    common.add_json(parser, "ringkasan")


def run_boundaries(args: argparse.Namespace) -> int:
    """The province demo: the boundaries file, then households over its kelurahan/desa."""
    from geo.demo_province import load_province_demo

    try:
        with common.progress_bar(common.progress_wanted(args)) as progress:
            demo = load_province_demo(store.get_engine(), args.boundaries, args.households,
                                      seed=args.seed, period=args.period or DEMO_PERIOD,
                                      progress=progress)
    except (BoundaryImportFailed, ImportFailed) as exc:
        return common.fail(exc)
    levels = demo.boundaries.to_dict()["levels"]
    counts = {k: int(demo.households.counts[k]) for k in store.COUNT_KEYS}
    warning = link.unlinked_warning(counts["unlinked"], counts["accepted"])
    if args.json:
        common.print_json({"period": demo.period, "levels": levels, **counts})
    else:
        print(f"Register contoh ({DEMO_LABEL}) di atas {demo.boundaries.source}, periode "
              f"{demo.period}")
        print(f"Wilayah: {common.level_counts(levels)}")
        print(f"Rumah tangga per kelurahan/desa: {fmt_int(int(demo.per_area.min()))} sampai "
              f"{fmt_int(int(demo.per_area.max()))}")
        print("Rumah tangga:")
        print("\n".join(common.count_lines(counts)))
        print(f"Log rujukan SLRT contoh: {fmt_int(demo.referrals.counts['accepted'])} "
              f"rujukan; titik layanan: {fmt_int(demo.service_points.counts['accepted'])}; "
              f"usulan Musrenbang contoh: {fmt_int(demo.proposals.accepted)}")
    return common.warn([warning] if warning else [])


def run(args: argparse.Namespace) -> int:
    if args.boundaries:
        return run_boundaries(args)
    if args.period:
        return common.fail("--period hanya berlaku dengan --boundaries; kota contoh selalu "
                           f"periode {DEMO_PERIOD}.")
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
