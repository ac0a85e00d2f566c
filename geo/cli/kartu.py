"""``python -m geo kartu``: one A4 page per kelurahan (of a kecamatan, a kabupaten/kota or the
whole area) in one PDF, for Musrenbang and Forum OPD (:mod:`geo.sheets.kartu`)."""

from __future__ import annotations

import argparse

from geo import access, audit, store
from geo.access import AccessDenied
from geo.accounts import AccountError
from geo.cli import common, exit_codes
from geo.cli.sheet import add_out, parent_map, printed_by
from geo.fmt import fmt_int
from geo.sheets.kartu import kartu_data, kartu_pdf

HELP = ("kartu kelurahan PDF: satu halaman A4 per kelurahan (kecamatan, kabupaten/kota atau "
        "seluruh wilayah)")


def configure(parser: argparse.ArgumentParser) -> None:
    common.add_period(parser)
    parser.add_argument("--kecamatan", metavar="KODE",
                        help="hanya kelurahan kecamatan ini (kode bertitik, mis. 36.73.01); "
                             "bawaan: seluruh wilayah")
    parser.add_argument("--kabupaten", "--kota", dest="kota", metavar="KODE",
                        help="hanya kelurahan/desa kabupaten/kota ini (kode bertitik, mis. "
                             "36.02), di register satu provinsi")
    add_out(parser)
    common.add_hide(parser)
    common.add_user(parser)


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    with common.progress_bar(common.progress_wanted(args)) as progress:
        try:
            user = common.user_of(args, "download")
            parents = parent_map()
            progress(0.02, "Membaca data dan menghitung indikator")

            def allowed(codes: list[str]) -> list[str]:
                inside = access.allowed_kelurahan(user, codes, parents)
                return [c for c in codes if c in inside]

            data = kartu_data(engine, args.period, args.kecamatan,
                              hide=common.hidden(user, args.hide_small), allowed=allowed,
                              show_city=not (user and user.areas), kota=args.kota)
            progress(0.1, "Menggambar kartu")
            pdf = kartu_pdf(data, printed_by(user),
                            progress=lambda f, text: progress(0.1 + 0.88 * f, text))
            args.out.write_bytes(pdf)
        except (LookupError, AccountError, AccessDenied, OSError) as exc:
            return common.fail(exc)
    audit.record(engine, printed_by(user), "download", perintah="kartu",
                 berkas=str(args.out), periode=args.period, kecamatan=args.kecamatan,
                 kabupaten_kota=args.kota)
    print(f"{fmt_int(len(data.codes))} kartu kelurahan ditulis: {args.out}")
    return exit_codes.OK
