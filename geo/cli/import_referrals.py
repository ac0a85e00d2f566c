"""``python -m geo import-referrals``: the SLRT / Puskesos referral log (CSV or XLSX); prints
rows_read, accepted, quarantined, linked, matched_to_register and every message (file, row,
column). The log in force is replaced whole."""

from __future__ import annotations

import argparse
import sys

from geo import audit, store
from geo.cli import common
from geo.referrals.log import COUNT_KEYS, import_referrals
from geo.register_errors import ImportFailed

HELP = "impor log rujukan SLRT/Puskesos (CSV, XLSX); mengganti log sebelumnya"
LABELS = {"linked": "tertaut ke kelurahan", "matched_to_register": "cocok dengan register"}
SHOWN = 50  # messages printed; the rest are counted


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="BERKAS", help="log rujukan: CSV atau XLSX")
    parser.add_argument("--period", metavar="TTTT-BB",
                        help="periode register untuk mencocokkan rumah tangga"
                        + common.DEFAULT_PERIOD)
    common.add_json(parser, "hitungan dan pesan")


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        result = import_referrals(engine, args.file, period=args.period)
    except ImportFailed as err:
        return common.fail(err)
    audit.record(engine, audit.CLI_USER, "import_referrals", berkas=str(args.file),
                 **result.counts)
    messages = result.messages()
    if args.json:
        common.print_json({**result.counts, "as_of": result.as_of,
                           "register_period": result.period, "messages": messages})
        return 0
    print(f"Log rujukan {result.file} tersimpan (menggantikan log sebelumnya); hari terbuka "
          f"dihitung sampai {result.as_of or '–'}.")
    labels = {**common.COUNT_LABEL, **LABELS}
    print("\n".join(common.count_lines({labels.get(k, k): result.counts[k]
                                        for k in COUNT_KEYS})))
    for line in messages[:SHOWN]:
        print(line, file=sys.stderr)
    if len(messages) > SHOWN:
        print(f"… dan {len(messages) - SHOWN} pesan lain (pakai --json untuk semuanya).",
              file=sys.stderr)
    return 0
