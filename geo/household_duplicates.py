"""Duplicates across the whole register: the same id_keluarga on more than one row, the same
NIK in more than one household; every row involved gets its reason.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from geo.household_checks import REASONS, arrow_strings, shorten
from geo.household_plan import ImportPlan


def digit_keys(text: pd.Series) -> np.ndarray | None:
    """Integer keys of digit strings of at most 17 digits, equal exactly when the texts are
    equal (the length is part of the key: ``012`` is not ``12``); -1 for missing. None when a
    value is not such a string. Sorting integers is far cheaper than hashing a million texts,
    and keys are made chunk by chunk while the writer is busy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = arrow_strings(text)
    length = pc.utf8_length(a)
    fits = pc.and_(pc.ascii_is_decimal(a), pc.less_equal(length, 17))
    if not pc.all(pc.fill_null(fits, True)).as_py():
        return None
    value = pc.cast(pc.fill_null(a, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    key = pc.fill_null(length, 0).to_numpy(zero_copy_only=False).astype(np.int64) * 10**17 \
        + value
    key[pc.is_null(a).to_numpy(zero_copy_only=False)] = -1
    return key


def _row_keys(values: pd.Series, keys: list[np.ndarray | None] | None) -> np.ndarray:
    """An integer per row, equal exactly when the values are; -1 for missing: the chunks'
    digit keys when every chunk had them, else codes from hashing the texts."""
    if keys and all(k is not None for k in keys):
        return np.concatenate(keys)
    return pd.factorize(values)[0].astype(np.int64)


def _repeated(key: np.ndarray) -> np.ndarray:
    """Rows whose key (not missing) occurs more than once."""
    present = key >= 0
    ordered = np.sort(key[present])
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(twice):
        return np.zeros(len(key), dtype=bool)
    at = np.minimum(np.searchsorted(twice, key), len(twice) - 1)
    return present & (twice[at] == key)


def mark_duplicates(table: pd.DataFrame, plan: ImportPlan, reasons_all: dict[int, list[str]],
                kinds: Counter, id_keys: list[np.ndarray | None] | None = None,
                nik_keys: list[np.ndarray | None] | None = None) -> None:
    """The same id_keluarga twice, the same NIK in two households: every row involved.
    ``id_keys``, ``nik_keys``: :func:`digit_keys` of each chunk, if made while reading."""
    rows = table["row_number"].to_numpy()

    def others(positions: np.ndarray, i: int) -> str:
        listed = [str(rows[p]) for p in positions if p != i][:5]
        return ", ".join(listed) + (" …" if len(positions) > 6 else "")

    ids = table["id_keluarga"]
    id_key = _row_keys(ids, id_keys)
    dup = _repeated(id_key)
    if dup.any():
        h = plan.header_of("id_keluarga")
        for pos in _groups(id_key, dup):
            for i in pos:
                reasons_all.setdefault(int(i), []).append(REASONS["id_ganda"].format(
                    h=h, v=shorten(ids.iat[i], 24), rows=others(pos, i)))
                kinds["id_ganda"] += 1
    nik_key = _row_keys(table["nik_krt"], nik_keys)
    shared = np.flatnonzero(_repeated(nik_key))  # a NIK on more than one row ...
    if len(shared):
        # ... of more than one household (distinct ids; a missing id counts as one)
        households = pd.Series(id_key[shared]).groupby(nik_key[shared]).transform("nunique")
        hit = np.zeros(len(nik_key), dtype=bool)
        hit[shared[households.to_numpy() > 1]] = True
        if hit.any():
            h = plan.header_of("nik_krt")
            for pos in _groups(nik_key, hit):
                for i in pos:
                    reasons_all.setdefault(int(i), []).append(REASONS["nik_ganda"].format(
                        h=h, rows=others(pos, i)))
                    kinds["nik_ganda"] += 1


def _groups(codes: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Positions of the ``mask`` rows grouped by their code, each group in file order."""
    pos = np.flatnonzero(mask)
    pos = pos[np.argsort(codes[pos], kind="stable")]
    cuts = np.flatnonzero(np.diff(codes[pos])) + 1
    return np.split(pos, cuts)
