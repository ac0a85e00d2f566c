"""``python -m geo referrals``: referral measures per area (:func:`geo.referrals.measures.
area_table`) as CSV or JSON. Unknown values are empty in CSV and ``null`` in JSON, never 0."""

from __future__ import annotations

import argparse

from geo import audit, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common
from geo.indicator_table import LEVELS
from geo.referrals import measures

HELP = ("rujukan SLRT per wilayah: rujukan, per 1.000 rumah tangga, terbuka, median hari "
        "terbuka, dari luar register, kesalahan eksklusi dengan/tanpa rujukan")


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)
    common.add_user(parser)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        user = common.user_of(args, "download")
        joined = measures.load_joined(engine, args.period)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    table = measures.area_table(joined, store.region_list(engine), args.level)
    table = common.scoped(table, user, args.level)
    audit.record(engine, user.name if user else audit.CLI_USER, "download",
                 perintah="referrals", periode=joined.period, tingkat=args.level)
    common.write_table(table, args.format)
    return 0
