"""Matching a referral to a register household without storing its NIK or No. KK.

Each identifier is reduced to a keyed hash (HMAC-SHA256 with a secret made once per database
and kept in it). The referral tables hold only these hashes; the register's own ids are hashed
on the fly for the period asked, so the register table needs no new column. Without the secret
a hash cannot be turned back into a NIK by trying all 16-digit numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select

from geo.referrals.tables import ensure, referral_key

KINDS = ("id", "kk", "nik")  # ID DTKS, No. KK, NIK
REGISTER_COLUMN = {"id": "id_keluarga", "kk": "no_kk", "nik": "nik_krt"}


def secret(engine: Engine) -> bytes:
    """The database's HMAC secret, made on first use."""
    ensure(engine)
    with engine.begin() as conn:
        row = conn.execute(select(referral_key.c.secret)).first()
        if row is None:
            value = secrets.token_hex(32)
            conn.execute(insert(referral_key).values(id=1, secret=value))
            return bytes.fromhex(value)
    return bytes.fromhex(row[0])


def normalize(kind: str, value: object) -> str | None:
    """The identifier as it is hashed: NIK / No. KK as 16 digits (a trailing ``.0`` dropped),
    ID DTKS stripped; None when empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if kind in ("kk", "nik"):
        text = re.sub(r"\.0+$", "", text)
    return text or None


def digest(key: bytes, kind: str, value: object) -> str | None:
    """The keyed hash of one identifier (hex), None when empty."""
    text = normalize(kind, value)
    if text is None:
        return None
    return hmac.digest(key, f"{kind}:{text}".encode(), hashlib.sha256).hex()


def digests(key: bytes, kind: str, values: pd.Series) -> np.ndarray:
    """:func:`digest` of a column (object array, None where empty); the normalising is done
    on the column at once and the HMAC by OpenSSL's one-shot call."""
    text = pd.Series(values, dtype=object).astype("string").str.strip()
    if kind in ("kk", "nik"):
        text = text.str.replace(r"\.0+$", "", regex=True)
    text = text.where(text.str.len() > 0)
    out = np.full(len(text), None, dtype=object)
    prefix = f"{kind}:".encode()
    one_shot = hmac.digest
    for i, v in zip(np.flatnonzero(text.notna().to_numpy()), text.dropna().tolist()):
        out[i] = one_shot(key, prefix + v.encode(), hashlib.sha256).hex()
    return out


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
