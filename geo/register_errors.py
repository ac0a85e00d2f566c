"""The one error a register import raises when a file cannot be used at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

# the bytes Windows-1252 leaves undefined: a file holding one is not that code page either
CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"


class ImportFailed(Exception):
    """The file cannot be used at all; nothing was written. The message is Indonesian."""


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
