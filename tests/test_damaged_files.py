"""Every CSV importer, fed randomly damaged copies of a clean file (tests/table_fixtures.damage):
each import either stores the file with every row accounted (accepted + quarantined = rows
read), or fails with an Indonesian message naming the file and leaves the data in force as it
was. Never anything else: the fixed seeds include those that found a traceback in session 19 (an
unclosed quote, a byte no code page maps, a header cut to nothing)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from geo.register_errors import ImportFailed
from tests.table_fixtures import KINDS, REGISTER, Kind, damage

SEEDS = range(45)


def _counts(result: object) -> dict:
    counts = getattr(result, "counts", None)
    return counts if isinstance(counts, dict) else vars(result)


@pytest.mark.parametrize("kind", [REGISTER, *KINDS], ids=lambda k: k.name)
def test_a_damaged_file_is_stored_with_every_row_or_refused_by_name(kind: Kind, engine,
                                                                   tmp_path):
    clean = kind.prepare(engine, tmp_path)
    kind.run(engine, tmp_path / "bersih.csv")
    in_force = kind.stored(engine)
    outcomes = {"stored": 0, "refused": 0}
    for seed in SEEDS:
        path = tmp_path / f"rusak_{seed}.csv"
        path.write_bytes(damage(random.Random(seed), clean))
        try:
            counts = _counts(kind.run(engine, path))
        except ImportFailed as err:
            assert str(err).startswith(path.name), (seed, str(err))
            pd.testing.assert_frame_equal(kind.stored(engine), in_force)
            outcomes["refused"] += 1
            continue
        assert counts["accepted"] + counts["quarantined"] == counts["rows_read"], (seed, counts)
        in_force = kind.stored(engine)
        assert len(in_force) == counts["accepted"] or not kind.replaces, seed
        outcomes["stored"] += 1
    assert outcomes["stored"] and outcomes["refused"], outcomes  # both paths were taken
