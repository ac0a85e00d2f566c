"""``python -m geo transitions``: households across two periods per area
(:func:`geo.transitions.transitions`): ``cocok``, ``baru``, ``keluar``, ``keluar_miskin``,
``jatuh_miskin``, ``bersih_keluar_miskin``, ``lulus_pkh``, ``lulus_bpnt``, the rows not counted
(``ambigu``: an id found twice; ``tanpa_id``) and one column per desil pair
(``desil_3_ke_6``). A matched or new household counts in its area of the later period, one that
left in its area of the earlier period. The totals (unlinked households too) go to stderr. With
small counts hidden (:mod:`geo.forum_tables`, per kelurahan only) hidden counts are empty and
named in ``tersembunyi``, and neither the desil pairs nor the totals are printed."""

from __future__ import annotations

import argparse
import sys

from geo import forum_tables, store, transitions
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

    def build(hide: bool) -> tuple:
        if hide:
            forum_tables.check_level(args.level, forum_tables.PER_KELURAHAN)
        found.append(transitions.transitions(store.get_engine(), args.period_from,
                                             args.period_to, args.level))
        table = found[0].table
        return ((forum_tables.transitions_table(table) if hide else table),
                f"{args.period_from}..{args.period_to}")

    code, user = common.area_table_command(args, "transitions", build)
    # the totals hold the unlinked households and every area: none for a forum's table (the
    # page shows a forum none) nor for a user of one area
    if found and not (user and user.areas) and not common.hidden(user, args.hide_small):
        print("Seluruh wilayah (termasuk yang belum tertaut): " + ", ".join(
            f"{k} {fmt_int(found[0].totals[k])}" for k in transitions.SUMMARY), file=sys.stderr)
    return code
