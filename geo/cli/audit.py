"""``python -m geo audit``: the audit trail (:mod:`geo.audit`) as CSV or JSON."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from geo import audit, store
from geo.cli import common, exit_codes

HELP = "jejak audit: siapa melakukan apa dan kapan"


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: tulis tanggal sebagai TTTT-BB-HH") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_date, metavar="TTTT-BB-HH",
                        help="hanya sejak tanggal ini (UTC)")
    parser.add_argument("--user", metavar="NAMA", help="hanya tindakan pengguna ini")
    common.add_format(parser)


def run(args: argparse.Namespace) -> int:
    trail = audit.entries(store.get_engine(), since=args.since, user=args.user)
    common.write_table(trail, args.format)
    return exit_codes.OK
