"""``python -m geo indicators``: the table behind the map (:mod:`geo.indicator_table`) as CSV or
JSON. Unknown values are empty in CSV and ``null`` in JSON, never 0. The number of households
not linked to any kelurahan (in no row) goes to stderr."""

from __future__ import annotations

import argparse
import sys

from geo import audit, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes
from geo.fmt import fmt_int
from geo.indicator_table import LEVELS, indicator_table

HELP = "tabel indikator per wilayah (tabel di balik peta)"


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)
    common.add_user(parser)


def run(args: argparse.Namespace) -> int:
    try:
        user = common.user_of(args, "download")
        table, unlinked = indicator_table(store.get_engine(), args.period, args.level)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    table = common.scoped(table, user, args.level)
    audit.record(store.get_engine(), user.name if user else audit.CLI_USER, "download",
                 perintah="indicators", periode=args.period, tingkat=args.level)
    common.write_table(table, args.format)
    if unlinked and not (user and user.areas):
        print(f"{fmt_int(unlinked)} rumah tangga belum tertaut ke kelurahan (tidak masuk tabel).",
              file=sys.stderr)
    return exit_codes.OK
