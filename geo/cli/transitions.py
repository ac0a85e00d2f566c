"""``python -m geo transitions``: households across two periods per area
(:func:`geo.transitions.transitions`): ``cocok``, ``baru``, ``keluar``, ``keluar_miskin``,
``jatuh_miskin``, ``bersih_keluar_miskin``, ``lulus_pkh``, ``lulus_bpnt``, the rows not counted
(``ambigu``: an id found twice; ``tanpa_id``) and one column per desil pair
(``desil_3_ke_6``). A matched or new household counts in its area of the later period, one that
left in its area of the earlier period. The totals (unlinked households too) go to stderr."""

from __future__ import annotations

import argparse
import sys

from geo import audit, store, transitions
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes
from geo.cli.compare import add_periods
from geo.fmt import fmt_int
from geo.indicator_table import LEVELS

HELP = ("perpindahan rumah tangga antar dua periode per wilayah: pasangan desil, baru, keluar, "
        "keluar/jatuh miskin, berhenti PKH/BPNT")


def configure(parser: argparse.ArgumentParser) -> None:
    add_periods(parser)
    common.add_level(parser, LEVELS)
    common.add_format(parser)
    common.add_user(parser)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        user = common.user_of(args, "download")
        result = transitions.transitions(engine, args.period_from, args.period_to, args.level)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    table = common.scoped(result.table, user, args.level)
    audit.record(engine, user.name if user else audit.CLI_USER, "download",
                 perintah="transitions", periode=f"{args.period_from}..{args.period_to}",
                 tingkat=args.level)
    common.write_table(table, args.format)
    if not (user and user.areas):
        print("Seluruh kota (termasuk yang belum tertaut): " + ", ".join(
            f"{k} {fmt_int(result.totals[k])}" for k in transitions.SUMMARY), file=sys.stderr)
    return exit_codes.OK
