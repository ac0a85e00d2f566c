"""Matching a referral to a register household without storing its NIK or No. KK.

Each identifier is reduced to a keyed hash (:mod:`geo.keyed_ids`, the one definition). The
referral tables hold only these hashes; the register's own ids are hashed when a log is first
matched to a period, so the register table needs no new column. The match itself (a household
row number per referral) is then kept (:mod:`geo.referrals.matches`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.keyed_ids import KINDS, digest_prefixes, digests, hex_prefixes

REGISTER_COLUMN = {"id": "id_keluarga", "kk": "no_kk", "nik": "nik_krt"}


@dataclass(frozen=True)
class RegisterKeys:
    """One register column's keyed hashes, as numbers sorted for searching: the first 8 bytes
    of each digest (:func:`geo.keyed_ids.digest_prefixes`) and the household's position."""

    prefixes: np.ndarray  # uint64, ascending
    positions: np.ndarray  # position in the register of each prefix (the first one on ties)
    values: pd.Series  # the column itself: a found prefix is confirmed by the whole digest


def register_index(key: bytes, households: pd.DataFrame,
                   kinds: tuple[str, ...] = KINDS) -> dict[str, RegisterKeys | None]:
    """Per kind, the register's keyed hashes (columns id_keluarga, no_kk, nik_krt); only the
    ``kinds`` a log uses are hashed (the others None)."""
    out: dict[str, RegisterKeys | None] = {}
    for kind, column in REGISTER_COLUMN.items():
        out[kind] = None
        if column in households and kind in kinds:
            values = households[column].reset_index(drop=True)
            present, prefixes = digest_prefixes(key, kind, values)
            order = np.argsort(prefixes, kind="stable")  # equal ids: the first household
            out[kind] = RegisterKeys(prefixes[order], present[order], values)
    return out


def kinds_used(referrals: pd.DataFrame) -> tuple[str, ...]:
    """The identifier kinds at least one referral carries."""
    return tuple(k for k in KINDS if f"kunci_{k}" in referrals
                 and referrals[f"kunci_{k}"].notna().any())


def match(index: dict[str, RegisterKeys | None], referrals: pd.DataFrame, key: bytes
          ) -> np.ndarray:
    """Position of each referral's household in the register (-1: not in the register), by
    ID DTKS first, then No. KK, then NIK. A household found by the first 8 bytes of the hash
    is confirmed by the whole hash of its id (a 64-bit prefix shared by chance is not a
    match)."""
    out = np.full(len(referrals), -1, dtype=np.int64)
    for kind in KINDS:
        column = f"kunci_{kind}"
        found = index.get(kind)
        if column not in referrals or found is None or not len(found.prefixes):
            continue
        hashes = referrals[column].to_numpy(dtype=object)
        todo = np.flatnonzero((out < 0) & pd.notna(hashes))
        if not len(todo):
            continue
        wanted = hex_prefixes(hashes[todo].tolist())
        at = np.minimum(np.searchsorted(found.prefixes, wanted), len(found.prefixes) - 1)
        hit = found.prefixes[at] == wanted
        todo, positions = todo[hit], found.positions[at[hit]]
        whole = digests(key, kind, found.values.iloc[positions])
        same = whole == hashes[todo]
        out[todo[same]] = positions[same]
    return out
