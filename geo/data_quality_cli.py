"""``python -m geo data-quality``: the data-quality table of a period (see
:mod:`geo.data_quality`), per kelurahan or kecamatan, as CSV or JSON. ``diketahui_<indikator>``
is the share known (0–1), empty in CSV and ``null`` in JSON where the area has no household the
indicator is about."""

from __future__ import annotations

import argparse
import json
import sys

from geo import data_quality, store
from geo.indicators_cli import records

LEVELS = ("kelurahan", "kecamatan")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", metavar="YYYY-MM", help="periode data (bawaan: terbaru)")
    parser.add_argument("--level", choices=LEVELS, default="kelurahan",
                        help="tingkat wilayah (bawaan: kelurahan)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="format keluaran (bawaan: csv)")
    parser.add_argument("--verval", action="store_true",
                        help="hanya daftar wilayah yang perlu diverifikasi lebih dulu")


def run(args: argparse.Namespace) -> int:
    try:
        table, first = data_quality.load(store.get_engine(), args.period, args.level)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    out = first if args.verval else table
    if args.format == "json":
        json.dump(records(out), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        out.to_csv(sys.stdout, index=False)
    return 0
