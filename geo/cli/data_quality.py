"""``python -m geo data-quality``: the data-quality table of a period (:mod:`geo.data_quality`),
per kelurahan or kecamatan, as CSV or JSON. ``diketahui_<indikator>`` is the share known (0–1),
empty in CSV and ``null`` in JSON where the area has no household the indicator is about."""

from __future__ import annotations

import argparse

from geo import audit, data_quality, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes

HELP = "kualitas data per wilayah: tautan, karantina, bagian yang diketahui (untuk verval)"
LEVELS = ("kelurahan", "kecamatan")


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)
    parser.add_argument("--verval", action="store_true",
                        help="hanya daftar wilayah yang perlu diverifikasi lebih dulu")
    common.add_user(parser)


def run(args: argparse.Namespace) -> int:
    try:
        user = common.user_of(args, "kualitas_data")
        table, first = data_quality.load(store.get_engine(), args.period, args.level)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    audit.record(store.get_engine(), user.name if user else audit.CLI_USER, "download",
                 perintah="data-quality", periode=args.period, tingkat=args.level)
    common.write_table(common.scoped(first if args.verval else table, user, args.level),
                       args.format)
    return exit_codes.OK
