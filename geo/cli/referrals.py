"""``python -m geo referrals``: referral measures per area (:func:`geo.referrals.measures.
area_table`) as CSV or JSON. Unknown values are empty in CSV and ``null`` in JSON, never 0."""

from __future__ import annotations

import argparse

from geo import store
from geo.cli import common
from geo.indicator_table import AREA_LEVELS
from geo.referrals import measures

HELP = ("rujukan SLRT per wilayah: rujukan, per 1.000 rumah tangga, terbuka, median hari "
        "terbuka, dari luar register, kesalahan eksklusi dengan/tanpa rujukan")


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_area_table_options(parser, AREA_LEVELS)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()

    def build() -> tuple:
        joined = measures.load_joined(engine, args.period)
        return (measures.area_table(joined, store.region_list(engine), args.level),
                joined.period)

    return common.area_table_command(args, "referrals", build)[0]
