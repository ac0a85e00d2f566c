"""geo/keyed_ids.py: the column-at-once keyed hash is the very HMAC-SHA256 of each value."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from geo.keyed_ids import KINDS, digest, digest_prefixes, digests, hex_prefixes

VALUES = pd.Series(["3171010101900001", " 3171010101900002 ", "3171010101900003.0", "", None,
                    np.nan, "ID-0001", "ïd ünïcode"], dtype=object)


@pytest.mark.parametrize("key", [b"k" * 32, b"", b"a" * 64, bytes(range(100))],
                         ids=["32_bytes", "empty", "one_block", "longer_than_a_block"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_column_hashes_as_each_value_does(key: bytes, kind: str) -> None:
    got = digests(key, kind, VALUES)
    assert list(got) == [digest(key, kind, v) for v in VALUES]
    text = "3171010101900001"
    assert got[0] == hmac.digest(key, f"{kind}:{text}".encode(), hashlib.sha256).hex()
    assert got[3] is None and got[4] is None and got[5] is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_prefix_is_the_first_16_hex_digits_of_the_digest(kind: str) -> None:
    key = b"k" * 32
    present, prefixes = digest_prefixes(key, kind, VALUES)
    hexes = [digest(key, kind, v) for v in VALUES]
    assert present.tolist() == [i for i, h in enumerate(hexes) if h is not None]
    assert prefixes.dtype == np.uint64
    assert prefixes.tolist() == [int(hexes[i][:16], 16) for i in present]
    assert hex_prefixes([hexes[i] for i in present]).tolist() == prefixes.tolist()
