"""Command line: ``python -m geo <command>``; ``python -m geo <command> --help`` for each.

One module per command (:data:`COMMANDS`), each with ``HELP``, ``configure(parser)`` and
``run(args) -> int``: argument parsing, one call into the domain, printing. Shared argument
names, the progress bar and the count labels are in :mod:`geo.cli.common`, the exit codes in
:mod:`geo.cli.exit_codes`. The README's command-line section is generated from this parser by
``python -m geo.cli.docs --write``.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from geo.cli import exit_codes

# command -> module
COMMANDS: dict[str, str] = {
    "demo": "geo.cli.demo",
    "import-boundaries": "geo.cli.import_boundaries",
    "import-households": "geo.cli.import_households",
    "indicators": "geo.cli.indicators",
    "data-quality": "geo.cli.data_quality",
    "users": "geo.cli.users",
    "audit": "geo.cli.audit",
    "sheet": "geo.cli.sheet",
    "kartu": "geo.cli.kartu",
    "import-referrals": "geo.cli.import_referrals",
    "referrals": "geo.cli.referrals",
    "import-points": "geo.cli.import_points",
    "proposals": "geo.cli.proposals",
    "periods": "geo.cli.periods",
    "compare": "geo.cli.compare",
    "transitions": "geo.cli.transitions",
}

EPILOG = ("kode keluar: 0 selesai, 1 gagal, 2 salah pakai (argumen), "
          "3 selesai dengan peringatan (lihat stderr)")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001, ANN201
        return super().add_usage(usage, actions, groups,
                                 "pemakaian: " if prefix is None else prefix)


# argparse's own error messages (Python 3.11's wording), in Indonesian
ARGPARSE_WORDS: tuple[tuple[str, str], ...] = (
    (r"^argument (\S+): ", r"argumen \1: "),
    (r"the following arguments are required: ", "argumen wajib belum diberikan: "),
    (r"unrecognized arguments: ", "argumen tidak dikenal: "),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"pilihan tidak sah: \1 (pilih dari \2)"),
    (r"invalid int value: ", "bukan bilangan bulat: "),
    (r"invalid float value: ", "bukan angka: "),
    (r"invalid (\S+) value: ", r"nilai \1 tidak sah: "),
    (r"expected at least one argument", "perlu paling sedikit satu nilai"),
    (r"expected at most one argument", "paling banyak satu nilai"),
    (r"expected one argument", "perlu satu nilai"),
    (r"expected (\d+) arguments?", r"perlu \1 nilai"),
    (r"one of the arguments (.*) is required", r"salah satu argumen \1 wajib diberikan"),
    (r"not allowed with argument ", "tidak boleh bersama argumen "),
    (r"ambiguous option: (\S+) could match ", r"opsi \1 ambigu, bisa berarti "),
    (r"ignored explicit argument ", "argumen eksplisit diabaikan: "),
)


def in_indonesian(message: str) -> str:
    """An argparse error message in Indonesian (unknown wording is left as it is)."""
    for pattern, words in ARGPARSE_WORDS:
        message = re.sub(pattern, words, message)
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: ANN201
        """Usage and the message on stderr, exit code USAGE (argparse's own 2)."""
        self.print_usage(sys.stderr)
        self.exit(exit_codes.USAGE, f"{self.prog}: salah pakai: {in_indonesian(message)}\n")


def indonesian(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """argparse's own words in the help, in Indonesian."""
    parser._positionals.title = "argumen"
    parser._optionals.title = "opsi"
    parser.add_argument("-h", "--help", action="help", help="tampilkan bantuan ini lalu keluar")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = indonesian(_Parser(
        prog="python -m geo",
        description="Peta Sinergi: peta perencanaan penanggulangan kemiskinan.",
        epilog=EPILOG, add_help=False, formatter_class=_Formatter,
    ))
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        cmd = indonesian(sub.add_parser(name, help=module.HELP, description=module.HELP,
                                         epilog=EPILOG, add_help=False,
                                         formatter_class=_Formatter))
        module.configure(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)
