"""``python -m geo compare``: per area and indicator, the rate at the earlier period, at the
later one and the change in percentage points (:func:`geo.change.compare_tables`, the numbers
of the change map). Unknown values are empty in CSV and ``null`` in JSON, never 0."""

from __future__ import annotations

import argparse

from geo import audit, change, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes
from geo.indicator_table import LEVELS

HELP = "bandingkan dua periode per wilayah: nilai tiap indikator dan selisihnya (poin persen)"


def add_periods(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="period_from", metavar="TTTT-BB", required=True,
                        help="periode awal, mis. 2026-03")
    parser.add_argument("--to", dest="period_to", metavar="TTTT-BB", required=True,
                        help="periode akhir, mis. 2026-09")


def configure(parser: argparse.ArgumentParser) -> None:
    add_periods(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)
    common.add_user(parser)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        user = common.user_of(args, "download")
        table = change.compare_tables(engine, args.period_from, args.period_to, args.level)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    table = common.scoped(table, user, args.level)
    audit.record(engine, user.name if user else audit.CLI_USER, "download", perintah="compare",
                 periode=f"{args.period_from}..{args.period_to}", tingkat=args.level)
    common.write_table(table, args.format)
    return exit_codes.OK
