"""Matching a referral to a register household without storing its NIK or No. KK.

Each identifier is reduced to a keyed hash (:mod:`geo.keyed_ids`, the one definition). The
referral tables hold only these hashes; the register's own ids are hashed on the fly for the
period asked, so the register table needs no new column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.keyed_ids import KINDS, digests

REGISTER_COLUMN = {"id": "id_keluarga", "kk": "no_kk", "nik": "nik_krt"}


def register_index(key: bytes, households: pd.DataFrame,
                   kinds: tuple[str, ...] = KINDS) -> dict[str, dict[str, int]]:
    """Per kind, hash -> position in ``households`` (columns id_keluarga, no_kk, nik_krt);
    only the ``kinds`` a log uses are hashed (the others stay empty)."""
    out: dict[str, dict[str, int]] = {}
    for kind, column in REGISTER_COLUMN.items():
        index: dict[str, int] = {}
        if column in households and kind in kinds:
            for i, h in enumerate(digests(key, kind, households[column])):
                if h is not None:
                    index.setdefault(h, i)
        out[kind] = index
    return out


def kinds_used(referrals: pd.DataFrame) -> tuple[str, ...]:
    """The identifier kinds at least one referral carries."""
    return tuple(k for k in KINDS if f"kunci_{k}" in referrals
                 and referrals[f"kunci_{k}"].notna().any())


def match(index: dict[str, dict[str, int]], referrals: pd.DataFrame) -> np.ndarray:
    """Position of each referral's household in the register (-1: not in the register), by
    ID DTKS first, then No. KK, then NIK."""
    out = np.full(len(referrals), -1, dtype=np.int64)
    for kind in KINDS:
        column = f"kunci_{kind}"
        if column not in referrals:
            continue
        todo = np.flatnonzero(out < 0)
        values = referrals[column].to_numpy(dtype=object)
        for i in todo:
            h = values[i]
            if h is not None and h == h:
                out[i] = index[kind].get(h, -1)
    return out
