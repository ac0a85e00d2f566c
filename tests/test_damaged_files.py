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

SEEDS = range(30)


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


@pytest.mark.parametrize("kind", [REGISTER, *KINDS], ids=lambda k: k.name)
def test_a_file_none_of_whose_rows_pass_is_refused_and_keeps_the_data(kind: Kind, engine,
                                                                      tmp_path):
    """A wrong file (every value ``x``) never replaces the data in force with nothing; the
    message quotes a reason with its row."""
    lines = kind.prepare(engine, tmp_path).split(b"\n")
    kind.run(engine, tmp_path / "bersih.csv")
    in_force = kind.stored(engine)
    width = len(lines[0].split(kind.sep))
    rows = [kind.sep.join([b"x"] * width) for line in lines[1:] if line.strip()]
    path = tmp_path / "salah.csv"
    path.write_bytes(b"\n".join([lines[0], *rows]) + b"\n")
    with pytest.raises(ImportFailed, match=rf"^salah\.csv: tidak ada baris yang lolos "
                       rf"pemeriksaan \({len(rows)} baris dibaca, semuanya ditolak\), jadi data "
                       r"yang berlaku tidak diganti\. Contoh: baris 2"):
        kind.run(engine, path)
    pd.testing.assert_frame_equal(kind.stored(engine), in_force)
