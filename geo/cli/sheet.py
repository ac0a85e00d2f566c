"""``python -m geo sheet``: a map view as a printable PDF sheet (A4/A3, portrait/landscape),
with the same classes and colours as the map page (:mod:`geo.sheets.map_sheet`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from geo import access, audit, indicators, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes
from geo.filters import Filters
from geo.sheets.map_sheet import sheet_for
from geo.sheets.pdf import PAPERS

HELP = "lembar peta PDF (A4/A3) untuk dicetak: peta, legenda, skala, sumber dan definisi"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--indicator", required=True, choices=list(indicators.BY_ID),
                        metavar="ID", help="indikator (id dari registri, mis. miskin, rtlh)")
    common.add_level(parser, ("kelurahan", "kecamatan", "kota"))  # the map page's default first
    common.add_period(parser)
    parser.add_argument("--kecamatan", metavar="KODE",
                        help="hanya kecamatan ini (kode bertitik, mis. 36.73.01): peta "
                             "menampilkan kelurahannya")
    add_paper(parser)
    parser.add_argument("--landscape", action="store_true", help="kertas mendatar")
    add_out(parser)
    common.add_hide(parser)
    common.add_user(parser)


def add_paper(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paper", choices=list(PAPERS), default="A4",
                        help="ukuran kertas (bawaan: A4)")


def add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="BERKAS.pdf", type=Path,
                        help="berkas PDF yang ditulis")


def printed_by(user: object) -> str:
    return user.name if user else audit.CLI_USER


def parent_map() -> dict[str, str]:
    regions = store.region_list(store.get_engine())
    kel = regions[regions["level"] == "kelurahan"]
    return dict(zip(kel["kode"], kel["kode_induk"]))


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    with common.progress_bar(common.progress_wanted(args)) as progress:
        try:
            user = common.user_of(args, "download")
            filters = Filters(kecamatan=(args.kecamatan,) if args.kecamatan else ())
            parents = parent_map()
            filters = access.scope_filters(user, filters, parents, parents)
            progress(0.1, "Membaca data dan menghitung indikator")
            sheet = sheet_for(engine, args.indicator, args.level, args.period, filters,
                              hide=common.hidden(user, args.hide_small), paper=args.paper,
                              landscape=args.landscape, printed_by=printed_by(user))
            progress(0.9, "Menulis PDF")
            args.out.write_bytes(sheet.pdf)
        except (LookupError, AccountError, AccessDenied, OSError) as exc:
            return common.fail(exc)
    audit.record(engine, printed_by(user), "download",
                 perintah="sheet", berkas=str(args.out), indikator=args.indicator,
                 tingkat=args.level, periode=args.period, kecamatan=args.kecamatan)
    print(f"Lembar peta ditulis: {args.out}")
    return exit_codes.OK
