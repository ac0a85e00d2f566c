"""Keyed hashes of personal identifiers: the one way a NIK, No. KK or ID DTKS is matched
outside the households table (households across periods, referrals to the register).

An identifier is reduced to HMAC-SHA256 with a secret made once per database (random, 32
bytes, table ``app_secrets``) and kept in it. The same identifier gives the same hash in this
database only; without the secret a hash cannot be turned back into a NIK by trying all
16-digit numbers. Whoever holds the whole database holds the secret too: this keeps raw
identifiers out of derived tables and exports, it does not protect a stolen database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, Text, select

_meta = MetaData()
app_secrets = Table("app_secrets", _meta,
                    Column("name", String(40), primary_key=True),
                    Column("value", Text, nullable=False),
                    Column("created_at", DateTime(timezone=True), nullable=False))
SECRET_NAME = "id_hmac"
KINDS = ("id", "kk", "nik")  # ID DTKS / id keluarga, No. KK, NIK


def secret(engine: Engine) -> bytes:
    """The database's HMAC secret, made on first use."""
    app_secrets.create(engine, checkfirst=True)
    with engine.begin() as conn:
        value = conn.execute(select(app_secrets.c.value)
                             .where(app_secrets.c.name == SECRET_NAME)).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(app_secrets.insert().values(name=SECRET_NAME, value=value,
                                                     created_at=datetime.now(UTC)))
    return bytes.fromhex(value)


def normalize(kind: str, value: object) -> str | None:
    """The identifier as it is hashed: NIK / No. KK as written without a trailing ``.0`` (a
    spreadsheet's float), ID stripped; None when empty."""
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
    on the column at once and the HMAC by two prepared SHA-256 states."""
    out = np.full(len(values), None, dtype=object)
    present, raw = _raw_digests(key, kind, values)
    out[present] = [d.hex() for d in raw]
    return out


def digest_prefixes(key: bytes, kind: str, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the non-empty values, the first 8 bytes of their :func:`digest` as
    unsigned 64-bit integers): sortable and searchable as numbers, where a million hex
    strings in a dict took longer than hashing them. Equal to ``int(digest[:16], 16)``."""
    present, raw = _raw_digests(key, kind, values)
    prefixes = np.frombuffer(b"".join(d[:8] for d in raw), dtype=">u8").astype(np.uint64)
    return present, prefixes


def hex_prefixes(hexes: Sequence[str]) -> np.ndarray:
    """The first 8 bytes of stored hex digests, as :func:`digest_prefixes` gives them."""
    return np.frombuffer(bytes.fromhex("".join(h[:16] for h in hexes)),
                         dtype=">u8").astype(np.uint64)


def _raw_digests(key: bytes, kind: str, values: pd.Series) -> tuple[np.ndarray, list[bytes]]:
    """Positions of the non-empty values (as :func:`normalize` reads them) and their HMAC
    digests (bytes)."""
    values = pd.Series(values)
    text = (values if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object
            else values.astype(object)).astype("string").str.strip()
    if kind in ("kk", "nik") and text.str.contains(".", regex=False).any():
        text = text.str.replace(r"\.0+$", "", regex=True)  # only where a "." is at all
    text = text.where(text.str.len() > 0)
    present = np.flatnonzero(text.notna().to_numpy())
    inner, outer = _hmac_states(key, f"{kind}:".encode())
    new_inner, new_outer = inner.copy, outer.copy
    raw = []
    for v in text.dropna().tolist():
        h = new_inner()
        h.update(v.encode())
        o = new_outer()
        o.update(h.digest())
        raw.append(o.digest())
    return present, raw


def _hmac_states(key: bytes, prefix: bytes) -> tuple:
    """HMAC-SHA256 (RFC 2104) with its two keyed SHA-256 states made once, the inner one fed
    ``prefix`` too: each value then costs two hash updates. The same digest as
    ``hmac.digest``, three times faster than it over a million identifiers (it derives the
    key pads again for every call)."""
    if len(key) > 64:  # SHA-256's block size
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key))
    outer = hashlib.sha256(bytes(k ^ 0x5C for k in key))
    inner.update(prefix)
    return inner, outer
