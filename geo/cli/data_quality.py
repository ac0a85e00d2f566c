"""``python -m geo data-quality``: the data-quality table of a period (:mod:`geo.data_quality`),
per kelurahan or kecamatan, as CSV or JSON. ``diketahui_<indikator>`` is the share known (0–1),
empty in CSV and ``null`` in JSON where the area has no household the indicator is about."""

from __future__ import annotations

import argparse

from geo import data_quality, store
from geo.cli import common, exit_codes

HELP = "kualitas data per wilayah: tautan, karantina, bagian yang diketahui (untuk verval)"
LEVELS = ("kelurahan", "kecamatan")


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)
    parser.add_argument("--verval", action="store_true",
                        help="hanya daftar wilayah yang perlu diverifikasi lebih dulu")


def run(args: argparse.Namespace) -> int:
    try:
        table, first = data_quality.load(store.get_engine(), args.period, args.level)
    except LookupError as exc:
        return common.fail(exc)
    common.write_table(first if args.verval else table, args.format)
    return exit_codes.OK
