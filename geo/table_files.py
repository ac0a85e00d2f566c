"""A small table file read whole (a referral log, service points, Musrenbang proposals) with the
register's reader (:mod:`geo.register_files`): every row as text, ``_row`` the row number a
person sees in the file.

The household import streams its register chunk by chunk instead (:mod:`geo.households`);
its plan reads the head through the same encoding fallback (:func:`decoded`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from geo.register_errors import undecodable
from geo.register_files import FileFormat, Source, read_chunks

T = TypeVar("T")


def decoded(src: Source, fmt: FileFormat, read: Callable[[], T]) -> T:
    """``read()`` (a read of ``src`` as ``fmt`` says), with the one encoding fallback: the
    encoding was guessed from the file's head, so a byte further on that is not UTF-8 makes
    the read run again as Windows-1252 (``fmt.encoding`` changed), and a byte that is neither
    fails the import with a message naming its line (:func:`~geo.register_errors.undecodable`).
    The household import falls back the same way around its whole transaction."""
    for _ in range(2):
        try:
            return read()
        except UnicodeDecodeError:
            if fmt.encoding == "cp1252":
                break
            fmt.encoding = "cp1252"
    raise undecodable(src.name, src.open)


def read_whole(src: Source, fmt: FileFormat) -> pd.DataFrame:
    """Every row of the file (the file's headers, then ``_row``; no row when it has none), read
    with :func:`decoded`'s encoding fallback."""
    chunks = decoded(src, fmt, lambda: list(read_chunks(src, fmt)))
    if not chunks:
        return pd.DataFrame(columns=[*fmt.headers, "_row"])
    return pd.concat(chunks, ignore_index=True)
