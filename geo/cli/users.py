"""``python -m geo users``: accounts for administrators with a shell on the server.

``users add NAME --role ROLE [--wilayah KODE ...] --password-stdin``, ``users list``,
``users disable NAME``, ``users password NAME --password-stdin``. Passwords are read from
standard input only (never from an argument, which other users of the machine can see)."""

from __future__ import annotations

import argparse
import sys

from geo import accounts, store
from geo.accounts import AccountError
from geo.audit import CLI_USER
from geo.cli import common, exit_codes

HELP = "kelola akun pengguna: add, list, disable, password"


def configure(parser: argparse.ArgumentParser) -> None:
    from geo.cli import indonesian

    sub = parser.add_subparsers(dest="action", required=True, metavar="TINDAKAN")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return indonesian(sub.add_parser(name, help=text, description=text, add_help=False,
                                         formatter_class=parser.formatter_class))

    add = action("add", "tambah pengguna")
    add.add_argument("name", metavar="NAMA")
    add.add_argument("--role", required=True, choices=list(accounts.ROLES),
                     help="peran pengguna")
    add.add_argument("--wilayah", nargs="*", default=[], metavar="KODE",
                     help="batasi ke kecamatan/kelurahan ini (kode Kemendagri; bawaan: semua)")
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="baca kata sandi dari masukan standar")
    action("list", "daftar pengguna")
    disable = action("disable", "nonaktifkan pengguna (sesinya berakhir)")
    disable.add_argument("name", metavar="NAMA")
    password = action("password", "ganti kata sandi (juga membuka kunci)")
    password.add_argument("name", metavar="NAMA")
    password.add_argument("--password-stdin", action="store_true", required=True,
                          help="baca kata sandi dari masukan standar")


def _password() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        if args.action == "add":
            user = accounts.add_user(engine, args.name, args.role, _password(), args.wilayah,
                                     by=CLI_USER)
            print(f"Pengguna {user.name} ({user.role}) ditambahkan.")
        elif args.action == "list":
            for user in accounts.list_users(engine):
                status = "nonaktif" if user.disabled else "aktif"
                print(f"{user.name}\t{user.role}\t{','.join(user.areas) or 'semua'}\t{status}")
        elif args.action == "disable":
            accounts.disable_user(engine, args.name, by=CLI_USER)
            print(f"Pengguna {args.name} dinonaktifkan.")
        elif args.action == "password":
            accounts.set_password(engine, args.name, _password(), by=CLI_USER)
            print(f"Kata sandi {args.name} diganti.")
    except AccountError as err:
        return common.fail(err)
    return exit_codes.OK
