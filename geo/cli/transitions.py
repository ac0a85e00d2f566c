"""``python -m geo transitions``: households across two periods per area
(:func:`geo.transitions.transitions`): ``cocok``, ``baru``, ``keluar``, ``keluar_miskin``,
``jatuh_miskin``, ``bersih_keluar_miskin``, ``lulus_pkh``, ``lulus_bpnt``, the rows not counted
(``ambigu``: an id found twice; ``tanpa_id``) and one column per desil pair
(``desil_3_ke_6``). A matched or new household counts in its area of the later period, one that
left in its area of the earlier period. The totals (unlinked households too) go to stderr."""

from __future__ import annotations

import argparse
import sys

from geo import store, transitions
from geo.cli import common
from geo.cli.compare import add_periods
from geo.fmt import fmt_int
from geo.indicator_table import AREA_LEVELS as LEVELS

HELP = ("perpindahan rumah tangga antar dua periode per wilayah: pasangan desil, baru, keluar, "
        "keluar/jatuh miskin, berhenti PKH/BPNT")


def configure(parser: argparse.ArgumentParser) -> None:
    add_periods(parser)
    common.add_area_table_options(parser, LEVELS)


def run(args: argparse.Namespace) -> int:
    found = []

    def build() -> tuple:
        found.append(transitions.transitions(store.get_engine(), args.period_from,
                                             args.period_to, args.level))
        return found[0].table, f"{args.period_from}..{args.period_to}"

    code, user = common.area_table_command(args, "transitions", build)
    if found and not (user and user.areas):
        print("Seluruh wilayah (termasuk yang belum tertaut): " + ", ".join(
            f"{k} {fmt_int(found[0].totals[k])}" for k in transitions.SUMMARY), file=sys.stderr)
    return code
