"""Command line: ``python -m geo <command>``; ``python -m geo <command> --help`` for each.

Each command lives in the module that owns its logic, which defines ``configure(parser)`` and
``run(args) -> int`` under the names listed in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("geo.demo", "bangun kota contoh (data fiktif) dan muat ke basis data"),
    "import-boundaries": ("geo.boundaries", "impor berkas batas wilayah"),
    "import-households": ("geo.households", "impor register rumah tangga (CSV, XLSX, Parquet)"),
    "indicators": ("geo.indicators_cli", "tabel indikator per wilayah (tabel di balik peta)"),
    "data-quality": ("geo.data_quality_cli", "kualitas data per wilayah: tautan, karantina, "
                                              "bagian yang diketahui (untuk verval)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Peta Sinergi: peta perencanaan penanggulangan kemiskinan.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
