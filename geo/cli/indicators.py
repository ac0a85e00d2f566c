"""``python -m geo indicators``: the table behind the map (:mod:`geo.indicator_table`) as CSV or
JSON. Unknown values are empty in CSV and ``null`` in JSON, never 0; with small counts hidden
(:mod:`geo.forum_tables`) so are hidden ones, named in ``tersembunyi``. The number of
households not linked to any kelurahan (in no row) goes to stderr."""

from __future__ import annotations

import argparse
import sys

from geo import forum_tables, store
from geo.cli import common
from geo.fmt import fmt_int
from geo.indicator_table import LEVELS, indicator_table

HELP = "tabel indikator per wilayah (tabel di balik peta)"


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_area_table_options(parser, LEVELS)


def run(args: argparse.Namespace) -> int:
    unlinked = []

    def build(hide: bool) -> tuple:
        if hide:
            forum_tables.check_level(args.level)
        table, count = indicator_table(store.get_engine(), args.period, args.level, forum=hide)
        unlinked.append(count)
        return (forum_tables.indicator_table(table) if hide else table), args.period

    code, user = common.area_table_command(args, "indicators", build)
    if unlinked and unlinked[0] and not (user and user.areas):
        print(f"{fmt_int(unlinked[0])} rumah tangga belum tertaut ke kelurahan (tidak masuk "
              "tabel).", file=sys.stderr)
    return code
