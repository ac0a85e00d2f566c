"""The one error every import (register, referral log, service points, proposals) raises when a
file cannot be used at all, and its messages: one definition each."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from geo.fmt import fmt_int

# the bytes Windows-1252 leaves undefined: a file holding one is not that code page either
CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
EXAMPLES = 3  # distinct reasons quoted in the message of a file none of whose rows passed
EXAMPLE_ROWS = 50  # the first rejected rows those reasons are taken from
HEADER_ONLY = "hanya kepala kolom atau baris kosong"  # what a table file without rows holds


class ImportFailed(Exception):
    """The file cannot be used at all; nothing was written. The message is Indonesian."""


def no_rows(name: str, what: str = "register", found: str = HEADER_ONLY) -> ImportFailed:
    """A file with its header and no data row (or only blank ones) is refused: an export that
    lost its rows never replaces the data in force. ``found``: what the file holds instead, in
    the file's own terms (a GeoJSON has features, not rows)."""
    return ImportFailed(f"{name}: tidak ada baris data ({found}). "
                        f"Ekspor ulang {what} beserta datanya; data yang tersimpan tidak "
                        "berubah.")


def nothing_accepted(name: str, rows_read: int, examples: list[tuple[int, str]]
                     ) -> ImportFailed:
    """Every row of the file was rejected: the import is refused, so that a wrong file (another
    export, a wrong column mapping) never replaces the data in force with nothing.
    ``examples``: (row number, reasons) of the first rejected rows (up to
    :data:`EXAMPLE_ROWS`); the message quotes the first few distinct reasons, each with its
    first row, so it says what to fix."""
    first: dict[str, tuple[int, str, bool]] = {}  # reason alike but for its numbers -> row
    for row, why in examples:
        key = re.sub(r"[\d*]+", "#", why)
        seen = first.get(key)
        first[key] = (seen[0], seen[1], True) if seen else (row, why.rstrip(". "), False)
    shown = "; ".join(f"baris {row}{' (juga baris lain)' if more else ''}: {_clip(why)}"
                      for row, why, more in list(first.values())[:EXAMPLES])
    return ImportFailed(f"{name}: tidak ada baris yang lolos pemeriksaan ({fmt_int(rows_read)} "
                        "baris dibaca, semuanya ditolak), jadi data yang berlaku tidak diganti. "
                        f"Contoh: {shown}. Perbaiki berkasnya atau pemetaan kolomnya, lalu impor "
                        "lagi.")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def csv_broken(err: Exception, offset: int, reached: int) -> ImportFailed:
    """pandas' CSV parser gave up (``err``); ``offset``: the file's line before the first row
    parsed, ``reached``: the row after the last one read. The caller adds the file's name."""
    text = str(err)
    where = f"setelah baris {max(reached - 1, 1)}"
    if m := re.search(r"line (\d+)", text):  # counted from 1
        where = f"sekitar baris {int(m.group(1)) + offset}"
    elif m := re.search(r"row (\d+)", text):  # counted from 0
        where = f"sekitar baris {int(m.group(1)) + offset + 1}"
    if "EOF inside string" in text:
        return ImportFailed(f"berkas CSV rusak {where}: tanda kutip (\") dibuka tetapi tidak "
                            "pernah ditutup, sehingga sisa berkas terbaca sebagai satu isian. "
                            "Perbaiki tanda kutip di baris itu lalu impor lagi.")
    return ImportFailed(f"berkas CSV rusak {where}: jumlah kolom tidak sesuai (tanda pemisah "
                        "di dalam teks tanpa tanda kutip?). Perbaiki baris itu lalu impor lagi.")


def undecodable(name: str, open_file: Callable[[], BinaryIO]) -> ImportFailed:
    """A text file that is neither UTF-8 nor Windows-1252 (it holds bytes no code page maps),
    named with the first line that holds one."""
    line = undecodable_line(open_file)
    where, fix = (f"{name} baris {line}", "Hapus tanda yang rusak di baris itu, atau simpan "
                  "ulang") if line else (name, "Simpan ulang")
    return ImportFailed(f"{where}: pengodean teks tidak dikenali (bukan UTF-8 maupun "
                        f"Windows-1252). {fix} berkasnya sebagai CSV UTF-8.")


def undecodable_line(open_file: Callable[[], BinaryIO]) -> int | None:
    """The number (1 = the file's first line) of the first line that is neither UTF-8 nor
    Windows-1252 text; None if every line is one or the other."""
    with open_file() as f:
        for number, raw in enumerate(f, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                if any(b in CP1252_UNDEFINED for b in raw):
                    return number
    return None
