"""geo.household_duplicates: the same id_keluarga on two rows, the same NIK in two households,
across the whole file."""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

import pandas as pd
import pytest

from geo import store
from geo.household_duplicates import digit_keys, mark_duplicates
from geo.households import import_households
from tests import corpus


def test_digit_keys_are_equal_exactly_when_the_texts_are():
    keys = digit_keys(pd.Series(["0123", "123", "123", None], dtype=object))
    assert keys[1] == keys[2] and keys[0] != keys[1] and keys[3] == -1
    assert digit_keys(pd.Series(["A-7", "1"], dtype=object)) is None
    assert digit_keys(pd.Series(["1" * 18], dtype=object)) is None


def test_every_row_involved_gets_its_reason():
    table = pd.DataFrame({"row_number": [2, 3, 4, 5], "id_keluarga": ["1", "1", "2", "3"],
                          "nik_krt": ["n1", "n2", "n3", "n3"]})
    plan = SimpleNamespace(header_of={"id_keluarga": "ID_DTKS", "nik_krt": "NIK"}.get)
    reasons: dict[int, list[str]] = {}
    kinds: Counter = Counter()
    mark_duplicates(table, plan, reasons, kinds)
    assert sorted(reasons) == [0, 1, 2, 3]
    assert reasons[0][0].startswith("ID_DTKS:") and "(baris 3)" in reasons[0][0]
    assert reasons[2][0].startswith("NIK:") and "(baris 5)" in reasons[2][0]
    assert kinds == Counter(id_ganda=2, nik_ganda=2)


def test_duplicates_across_chunks_keep_original_values(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.csv_case(lambda f: f.__setitem__(
        "ID_DTKS", f["ID_DTKS"].where(f.index != 35, f["ID_DTKS"].iat[0])))(tmp_path)
    result = import_households(engine, path, "2026-09", chunk_rows=10)
    q = store.load_quarantine(engine, result.snapshot_id)
    assert sorted(q["row_number"]) == [2, 37]
    assert all(json.loads(v)["ID_DTKS"] for v in q["values_json"])


@pytest.mark.parametrize("ids, duplicates", [
    (["0123", "123"], []),  # leading zeros make another id: not the same household
    (["A-7", "A-7"], [2, 37]),  # ids that are not digits: still found across chunks
    (["77", "77"], [2, 37]),
])
def test_duplicate_ids_across_chunks_compare_the_exact_text(tmp_path, ids, duplicates):
    engine = corpus.engine_with_regions(tmp_path)

    def edit(f):  # noqa: ANN001, ANN202
        f["ID_DTKS"] = f["ID_DTKS"].astype(str)
        f.loc[0, "ID_DTKS"], f.loc[35, "ID_DTKS"] = ids

    result = import_households(engine, corpus.csv_case(edit)(tmp_path), "2026-09",
                               chunk_rows=10)
    q = store.load_quarantine(engine, result.snapshot_id)
    assert sorted(q["row_number"]) == duplicates
    assert result.counts["accepted"] + result.counts["quarantined"] == result.counts["rows_read"]
