"""``python -m geo indicators``: the table behind the map (:mod:`geo.indicator_table`) as CSV or
JSON. Unknown values are empty in CSV and ``null`` in JSON, never 0. The number of households
not linked to any kelurahan (in no row) goes to stderr."""

from __future__ import annotations

import argparse
import sys

from geo import store
from geo.cli import common, exit_codes
from geo.fmt import fmt_int
from geo.indicator_table import LEVELS, indicator_table

HELP = "tabel indikator per wilayah (tabel di balik peta)"


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)


def run(args: argparse.Namespace) -> int:
    try:
        table, unlinked = indicator_table(store.get_engine(), args.period, args.level)
    except LookupError as exc:
        return common.fail(exc)
    common.write_table(table, args.format)
    if unlinked:
        print(f"{fmt_int(unlinked)} rumah tangga belum tertaut ke kelurahan (tidak masuk tabel).",
              file=sys.stderr)
    return exit_codes.OK
