"""``python -m geo import-points``: service points (Puskesos, pos SLRT, panti, puskesmas,
sekolah, kantor kelurahan) from CSV/XLSX (lintang, bujur) or GeoJSON points; the stored points
of each type in the file are replaced."""

from __future__ import annotations

import argparse
import sys

from geo import audit, store
from geo.cli import common
from geo.referrals import vocab
from geo.referrals.points import import_points
from geo.register_errors import ImportFailed

HELP = "impor titik layanan (CSV/XLSX lintang-bujur atau GeoJSON titik)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="BERKAS", help="CSV/XLSX dengan lintang dan bujur, "
                                                      "atau GeoJSON berisi titik")
    parser.add_argument("--jenis", metavar="JENIS",
                        help=f"jenis semua titik di berkas ({vocab.listing(vocab.POINT_TYPES)});"
                             " wajib bila berkas tidak punya kolom jenis")
    common.add_json(parser, "hitungan dan pesan")


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        result = import_points(engine, args.file, jenis=args.jenis)
    except ImportFailed as err:
        return common.fail(err)
    audit.record(engine, audit.CLI_USER, "import_points", berkas=str(args.file),
                 jenis=sorted(result.by_type), **result.counts)
    if args.json:
        common.print_json({**result.counts, "by_type": result.by_type,
                           "messages": result.messages()})
        return 0
    print(f"Titik layanan dari {result.file} tersimpan: " + (", ".join(
        f"{vocab.POINT_TYPES[k][0]} {v}" for k, v in sorted(result.by_type.items())) or "–"))
    print("\n".join(common.count_lines(result.counts)))
    for line in result.messages():
        print(line, file=sys.stderr)
    return 0
