"""``python -m geo proposals``: Musrenbang proposals (usulan) beside the register's evidence.

``proposals import FILE [--json]`` reads a SIPD-like export (CSV/XLSX) and replaces the rows
of an earlier import of the same file; ``proposals rank`` prints the proposals ranked by the
evidence score; ``proposals gaps`` the top-N kelurahan per OPD indicator that no proposal of
that OPD answers. Unknown values are empty in CSV and ``null`` in JSON, never 0.
"""

from __future__ import annotations

import argparse

from geo import audit, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes
from geo.proposals import evidence, gaps
from geo.proposals.importer import import_proposals
from geo.register_errors import ImportFailed

HELP = "usulan Musrenbang: import, rank (peringkat menurut bukti), gaps (kebutuhan tanpa usulan)"

IMPORT_LABEL = {"rows_read": "baris dibaca", "accepted": "diterima",
                "quarantined": "dikarantina", "replaced": "usulan lama diganti"}
LINK_LABEL = {"kode": "tertaut lewat kode", "nama": "tertaut lewat nama",
              "titik": "tertaut lewat titik"}


def configure(parser: argparse.ArgumentParser) -> None:
    from geo.cli import indonesian

    sub = parser.add_subparsers(dest="action", required=True, metavar="TINDAKAN")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return indonesian(sub.add_parser(name, help=text, description=text, add_help=False,
                                         formatter_class=parser.formatter_class))

    imp = action("import", "impor berkas usulan (CSV/XLSX ekspor SIPD); impor ulang berkas yang "
                           "sama menggantinya utuh")
    imp.add_argument("file", metavar="BERKAS")
    common.add_json(imp, "hitungan (rows_read, accepted, quarantined, linked)")
    common.add_user(imp)
    rank = action("rank", "usulan diperingkat menurut skor bukti, per OPD")
    common.add_period(rank)
    rank.add_argument("--opd", metavar="OPD", help="hanya usulan OPD ini")
    rank.add_argument("--top", type=int, default=evidence.DEFAULT_TOP, metavar="N",
                      help=f"kelurahan N teratas disebut 'top N' (bawaan: "
                           f"{evidence.DEFAULT_TOP})")
    for part in evidence.Weights().parts():
        rank.add_argument(f"--bobot-{part}", type=float, default=1.0, metavar="B",
                          help=f"bobot bagian skor '{part}' (bawaan: 1)")
    rank.add_argument("--all-columns", action="store_true",
                      help="semua kolom bukti dan bagian skor, bukan hanya kolom utama")
    common.add_format(rank)
    common.add_user(rank)
    gap = action("gaps", "kelurahan N teratas per indikator OPD yang belum punya usulan OPD itu")
    common.add_period(gap)
    gap.add_argument("--top", type=int, default=evidence.DEFAULT_TOP, metavar="N",
                     help=f"N kelurahan teratas per indikator (bawaan: {evidence.DEFAULT_TOP})")
    common.add_format(gap)
    common.add_user(gap)


def run(args: argparse.Namespace) -> int:
    return {"import": _import, "rank": _rank, "gaps": _gaps}[args.action](args)


def _import(args: argparse.Namespace) -> int:
    try:
        user = common.user_of(args, "usulan_import")
        result = import_proposals(store.get_engine(), args.file,
                                  user=user.name if user else audit.CLI_USER)
    except (ImportFailed, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    if args.json:
        common.print_json({**result.counts(), "reasons": result.reasons})
    else:
        counts = result.counts()
        print(f"Usulan dari {result.source}:")
        for key, label in IMPORT_LABEL.items():
            print(f"  {label:<26} {common.fmt_int(int(counts[key])):>8}")
        for key, label in LINK_LABEL.items():
            print(f"  {label:<26} {common.fmt_int(result.linked.get(key, 0)):>8}")
    return common.warn(result.reasons[:50] + (
        [f"... dan {len(result.reasons) - 50} baris lain dikarantina"]
        if len(result.reasons) > 50 else []))


def _rank(args: argparse.Namespace) -> int:
    weights = evidence.Weights(**{p: getattr(args, f"bobot_{p}")
                                  for p in evidence.Weights().parts()})
    try:
        user = common.user_of(args, "usulan")
        table = evidence.ranking(store.get_engine(), args.period, args.opd, weights, args.top)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    table = common.scoped(table, user, "kelurahan")
    audit.record(store.get_engine(), user.name if user else audit.CLI_USER, "download",
                 perintah="proposals rank", periode=args.period, opd=args.opd)
    common.write_table(table if args.all_columns else table[evidence.RANK_COLUMNS],
                       args.format)
    return exit_codes.OK


def _gaps(args: argparse.Namespace) -> int:
    try:
        user = common.user_of(args, "usulan")
        table = gaps.gaps(store.get_engine(), args.period, args.top)
    except (LookupError, AccountError, AccessDenied) as exc:
        return common.fail(exc)
    table = common.scoped(table, user, "kelurahan")
    audit.record(store.get_engine(), user.name if user else audit.CLI_USER, "download",
                 perintah="proposals gaps", periode=args.period, top=args.top)
    common.write_table(table, args.format)
    return exit_codes.OK
