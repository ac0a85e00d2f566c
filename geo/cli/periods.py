"""``python -m geo periods``: the stored periods (``list``) and deleting one (``delete P``).

Deleting removes the period's snapshot, households, quarantine and cache file, nothing else,
and is written to the audit trail (:func:`geo.periods.delete_period`)."""

from __future__ import annotations

import argparse

from geo import audit, periods, store
from geo.cli import common, exit_codes
from geo.fmt import fmt_int

HELP = "daftar periode tersimpan (list) atau hapus satu periode (delete TTTT-BB)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "delete"), metavar="TINDAKAN",
                        help="list: daftar periode; delete: hapus periode PERIODE")
    parser.add_argument("period", nargs="?", metavar="PERIODE",
                        help="periode yang dihapus (TTTT-BB), untuk delete")
    common.add_format(parser)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    if args.action == "list":
        table = periods.list_periods(engine)
        table["diimpor"] = table["diimpor"].astype(str)
        common.write_table(table, args.format)
        return exit_codes.OK
    if not args.period:
        return common.fail("sebutkan periode yang dihapus, mis. python -m geo periods delete "
                           "2026-09.")
    try:
        done = periods.delete_period(engine, args.period, audit.CLI_USER)
    except LookupError as err:
        return common.fail(err)
    print(f"Periode {args.period} dihapus: {fmt_int(done['rumah_tangga'])} rumah tangga, "
          f"{fmt_int(done['dikarantina'])} baris karantina, {done['cache_dihapus']} berkas cache.")
    return exit_codes.OK
