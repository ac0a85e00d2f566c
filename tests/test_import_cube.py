"""An import into a SQLite file stores its period's cube made from the rows it stored, while
their cache file is written (geo/snapshot_cache.py ``ImportCache``'s summary), instead of
reading a million rows back after the commit; the very cube a rebuild gives."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from geo import cube, indicators, snapshot_cache, store
from geo.demo import write_demo
from geo.households import import_households
from tests.test_households_import import make_engine


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("cube_demo"), n=2_000, seed=5).register


def _rebuilt(engine, snapshot_id: int) -> cube.Part:  # noqa: ANN001
    rows = store.load_households(engine, snapshot_id)[list(indicators.RULE_COLUMNS)]
    return cube.part_of(rows)


def _assert_stored_is(engine, snapshot_id: int, expected: cube.Part) -> None:  # noqa: ANN001
    for kind, cells in (("hitungan", expected.counts), ("kebutuhan", expected.needs)):
        stored = cube.load(engine, snapshot_id, kind)
        assert stored is not None, kind
        assert_frame_equal(stored.cells.reset_index(drop=True), cells.reset_index(drop=True))
        assert stored.known_columns == expected.known_columns


def test_the_import_stores_the_cube_of_the_rows_it_stored_without_reading_them_back(
        register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(tmp_path)

    def read_back(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the cube was built by reading the rows back")

    monkeypatch.setattr(cube, "build", read_back)
    result = import_households(engine, register, "2026-09", chunk_rows=700)
    monkeypatch.undo()
    assert result.counts["quarantined"] > 0  # rows left out of the cube as out of the table
    _assert_stored_is(engine, result.snapshot_id, _rebuilt(engine, result.snapshot_id))


def test_the_summary_sees_the_frame_a_cache_read_gives(register: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(tmp_path)
    seen: list[pd.DataFrame] = []
    part_of = cube.part_of

    def keep(frame: pd.DataFrame, *args, **kwargs) -> cube.Part:  # noqa: ANN002, ANN003
        if threading.current_thread().name == "snapshot-summary":
            seen.append(frame)
        return part_of(frame, *args, **kwargs)

    monkeypatch.setattr(cube, "part_of", keep)
    result = import_households(engine, register, "2026-09", chunk_rows=700)
    assert len(seen) == 1
    read = snapshot_cache.load_households_fast(engine, {"id": result.snapshot_id},
                                               list(indicators.RULE_COLUMNS))
    assert_frame_equal(seen[0], read)


def test_a_failed_summary_leaves_the_cube_to_a_rebuild_after_the_commit(
        register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(tmp_path)
    part_of = cube.part_of

    def fail_in_summary(frame: pd.DataFrame, *args, **kwargs) -> cube.Part:  # noqa: ANN002, ANN003
        if threading.current_thread().name == "snapshot-summary":
            raise MemoryError("no room for the summary")
        return part_of(frame, *args, **kwargs)

    monkeypatch.setattr(cube, "part_of", fail_in_summary)
    result = import_households(engine, register, "2026-09")
    monkeypatch.undo()
    _assert_stored_is(engine, result.snapshot_id, _rebuilt(engine, result.snapshot_id))
    assert snapshot_cache.cache_path(engine, {"id": result.snapshot_id}).exists()
