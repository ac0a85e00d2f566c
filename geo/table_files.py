"""A small table file read whole (a referral log, service points, Musrenbang proposals) with the
register's reader (:mod:`geo.register_files`): every row as text, ``_row`` the row number a
person sees in the file.

The household import streams its register chunk by chunk instead (:mod:`geo.households`).
"""

from __future__ import annotations

import pandas as pd

from geo.register_errors import undecodable
from geo.register_files import FileFormat, Source, read_chunks


def read_whole(src: Source, fmt: FileFormat) -> pd.DataFrame:
    """Every row of the file (the file's headers, then ``_row``; no row when it has none).

    The encoding was guessed from the file's head; a byte further on that is not UTF-8 makes
    the whole file read again as Windows-1252, and a byte that is neither fails the import with
    a message naming its line (:func:`~geo.register_errors.undecodable`)."""
    for _ in range(2):
        try:
            chunks = list(read_chunks(src, fmt))
            break
        except UnicodeDecodeError:
            if fmt.encoding == "cp1252":
                raise undecodable(src.name, src.open) from None
            fmt.encoding = "cp1252"
    if not chunks:
        return pd.DataFrame(columns=[*fmt.headers, "_row"])
    return pd.concat(chunks, ignore_index=True)
