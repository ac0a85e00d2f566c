"""``python -m geo compare``: per area and indicator, the rate at the earlier period, at the
later one and the change in percentage points (:func:`geo.change.compare_tables`, the numbers
of the change map). Unknown values are empty in CSV and ``null`` in JSON, never 0; with small
counts hidden so is a rate a forum's page hides, flagged in ``<id>_dari_tersembunyi`` /
``<id>_ke_tersembunyi`` (:mod:`geo.forum_tables`)."""

from __future__ import annotations

import argparse

from geo import change, forum_tables, store
from geo.cli import common
from geo.indicator_table import LEVELS

HELP = "bandingkan dua periode per wilayah: nilai tiap indikator dan selisihnya (poin persen)"


def add_periods(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="period_from", metavar="TTTT-BB", required=True,
                        help="periode awal, mis. 2026-03")
    parser.add_argument("--to", dest="period_to", metavar="TTTT-BB", required=True,
                        help="periode akhir, mis. 2026-09")


def configure(parser: argparse.ArgumentParser) -> None:
    add_periods(parser)
    common.add_area_table_options(parser, LEVELS)


def run(args: argparse.Namespace) -> int:
    def build(hide: bool) -> tuple:
        if hide:
            forum_tables.check_level(args.level)
        return (change.compare_tables(store.get_engine(), args.period_from, args.period_to,
                                      args.level, hide=hide),
                f"{args.period_from}..{args.period_to}")

    return common.area_table_command(args, "compare", build)[0]
