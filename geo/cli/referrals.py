"""``python -m geo referrals``: referral measures per area (:func:`geo.referrals.measures.
area_table`) as CSV or JSON. Unknown values are empty in CSV and ``null`` in JSON, never 0;
with small counts hidden (:mod:`geo.forum_tables`, per kelurahan only) so are hidden ones,
named in ``tersembunyi``."""

from __future__ import annotations

import argparse

from geo import forum_tables, store
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

    def build(hide: bool) -> tuple:
        if hide:
            forum_tables.check_level(args.level, forum_tables.PER_KELURAHAN)
        joined = measures.load_joined(engine, args.period)
        table = measures.area_table(joined, store.region_list(engine), args.level, forum=hide)
        return (forum_tables.referrals_table(table) if hide else table), joined.period

    return common.area_table_command(args, "referrals", build)[0]
