"""What every command of ``python -m geo`` shares: argument names and help texts, the progress
bar, the count labels, the output of tables, messages on stderr and the exit codes they mean."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import pandas as pd
from tqdm import tqdm

from geo.boundaries.base import LEVEL_LABEL
from geo.cli import exit_codes
from geo.exports.cells import safe_frame
from geo.fmt import fmt_int

Progress = Callable[[float, str], None]

# Indonesian labels of the counts every command prints (households: store.COUNT_KEYS)
COUNT_LABEL: dict[str, str] = {
    "rows_read": "baris dibaca", "accepted": "diterima", "quarantined": "dikarantina",
    "linked_by_code": "tertaut lewat kode", "linked_by_name": "tertaut lewat nama",
    "linked_by_point": "tertaut lewat titik", "unlinked": "belum tertaut",
    "conflicts": "konflik kode-titik",
    "households": "rumah tangga", "changed": "berubah tautan",
}
LEVEL_LABELS = LEVEL_LABEL  # regions: kelurahan/desa, kecamatan, kabupaten/kota, provinsi


def count_lines(counts: Mapping[str, int], keys: tuple[str, ...] | None = None) -> list[str]:
    """``  diterima                    1.234``: one line per count, the shared labels."""
    return [f"  {COUNT_LABEL.get(k, k):<22} {fmt_int(int(counts[k])):>12}"
            for k in (keys or tuple(counts))]


def level_counts(levels: Mapping[str, int]) -> str:
    """``kelurahan/desa 45, kecamatan 6``."""
    return ", ".join(f"{LEVEL_LABEL.get(k, k)} {fmt_int(v)}" for k, v in levels.items())


# ------------------------------------------------------------------ arguments

def add_period(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--period", metavar="TTTT-BB", required=required,
                        help="periode data, mis. 2026-09" + ("" if required else DEFAULT_PERIOD))


DEFAULT_PERIOD = " (bawaan: data sungguhan terbaru; data contoh hanya bila belum ada)"
"""The default of every ``--period`` (geo.store.default_period)."""


def add_level(parser: argparse.ArgumentParser, levels: tuple[str, ...]) -> None:
    parser.add_argument("--level", choices=levels, default=levels[0], metavar="TINGKAT",
                        help=f"tingkat wilayah: {', '.join(levels)} (bawaan: {levels[0]})"
                        + ("; semua: satu baris seluruh rumah tangga yang tertaut"
                           if "semua" in levels else ""))


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="format tabel keluaran (bawaan: csv)")


def add_json(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true",
                        help=f"cetak {what} sebagai satu objek JSON (tanpa bilah kemajuan)")


def add_hide(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hide-small", action="store_true",
                        help="sembunyikan angka kecil (< 5) untuk forum terbuka (selalu untuk "
                             "peran pimpinan dan forum)")


def hidden(user: object, asked: bool) -> bool:
    """Whether small counts are hidden: the server administrator (no --user) as asked, a
    user by the role's rule (geo.access.must_suppress)."""
    from geo import access

    return asked if user is None else access.must_suppress(user, asked=asked)


def add_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="NAMA",
                        help="jalankan sebagai pengguna ini (kata sandi dari masukan standar): "
                             "peran dan wilayahnya berlaku; tanpa --user: administrator server")


def user_of(args: argparse.Namespace, what: str) -> object:
    """The account named by ``--user`` (its password read from standard input), checked for
    ``what`` (geo.access); None without ``--user``. Raises AccountError or AccessDenied."""
    from geo import access, accounts, store

    if not getattr(args, "user", None):
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    user, token = accounts.login(store.get_engine(), args.user, password)
    accounts.logout(store.get_engine(), token)
    access.check(user, what)
    return user


def scoped(table: pd.DataFrame, user: object, level: str) -> pd.DataFrame:
    """``table`` (a ``kode`` column per ``level``) cut to the user's area."""
    from geo import access, store

    if user is None or not user.areas:
        return table
    regions = store.region_list(store.get_engine())
    kel = regions[regions["level"] == "kelurahan"]
    parent_of = dict(zip(kel["kode"], kel["kode_induk"]))
    return table[access.rows_in_scope(user, table["kode"], level, parent_of)].reset_index(
        drop=True)


# ------------------------------------------------------------------ progress

def progress_wanted(args: argparse.Namespace) -> bool:
    """The bar is drawn on stderr only for a person: not with --json, not into a pipe or file."""
    return not getattr(args, "json", False) and sys.stderr.isatty()


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    """A ``progress(fraction, text)`` callback for the domain functions, drawn by tqdm."""
    bar = tqdm(total=100, file=sys.stderr, disable=not enabled, leave=False, dynamic_ncols=True,
               bar_format="{percentage:3.0f}% |{bar:30}| {desc}")

    shown = [""]

    def update(fraction: float, text: str) -> None:
        if not enabled:
            return
        bar.update(max(0, min(100, round(100 * fraction)) - bar.n))
        if text[:60] != shown[0]:  # a new step is drawn at once, not after tqdm's interval
            shown[0] = text[:60]
            bar.set_description_str(shown[0])

    try:
        yield update
    finally:
        bar.close()


# ------------------------------------------------------------------ output

def fail(message: object) -> int:
    """An Indonesian message on stderr; the exit code of a failure."""
    print(f"Gagal: {message}", file=sys.stderr)
    return exit_codes.FAILED


def warn(warnings: list[str]) -> int:
    """The warnings on stderr; their exit code (OK when there are none)."""
    for warning in warnings:
        print(f"Peringatan: {warning}", file=sys.stderr)
    return exit_codes.WARNINGS if warnings else exit_codes.OK


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


def records(table: pd.DataFrame) -> list[dict]:
    """Rows for JSON: unknown values as ``None`` (``null``), never 0 or NaN."""
    frame = table.astype(object).where(table.notna(), None)
    return frame.to_dict(orient="records")


def add_area_table_options(parser: argparse.ArgumentParser, levels: Sequence[str]) -> None:
    """``--level``, ``--format``, ``--hide-small`` and ``--user`` of a command that prints a
    table per area."""
    add_level(parser, levels)
    add_format(parser)
    add_hide(parser)
    add_user(parser)


def area_table_command(args: argparse.Namespace, command: str,
                       build: Callable[[bool], tuple[pd.DataFrame, str | None]]
                       ) -> tuple[int, object]:
    """What every per-area table command does: check ``--user`` for downloads, ``build(hide)``
    the table (with the period text for the audit trail; ``hide``: as a forum sees it,
    :mod:`geo.forum_tables`, for pimpinan and forum and with ``--hide-small``), cut it to the
    user's area, write the audit row and print the table. Returns (exit code, the user or
    None)."""
    from geo import audit, store
    from geo.access import AccessDenied
    from geo.accounts import AccountError

    try:
        user = user_of(args, "download")
        hide = hidden(user, args.hide_small)
        table, period = build(hide)
    except (LookupError, AccountError, AccessDenied) as exc:
        return fail(exc), None
    table = scoped(table, user, args.level)
    audit.record(store.get_engine(), user.name if user else audit.CLI_USER, "download",
                 perintah=command, periode=period, tingkat=args.level,
                 **({"angka_kecil": "disembunyikan"} if hide else {}))
    write_table(table, args.format)
    return exit_codes.OK, user


def write_table(table: pd.DataFrame, fmt: str) -> None:
    """A table on stdout: CSV (unknown cells empty) or a JSON list (unknown cells ``null``)."""
    if fmt == "json":
        json.dump(records(table), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:  # text that a spreadsheet would run as a formula is neutralised (geo.exports)
        safe_frame(table).to_csv(sys.stdout, index=False)
