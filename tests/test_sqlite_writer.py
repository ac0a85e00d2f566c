"""The SQLite writing process: its transaction lands whole on commit, and not at all otherwise."""

from __future__ import annotations

import pyarrow as pa
import pytest
from sqlalchemy import create_engine

from geo.sqlite_writer import SqliteWriterProcess, WriterFailed


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES (0, 'lama')")
    return path, engine


def rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT a, b FROM t ORDER BY a").all()


def table(n: int) -> pa.Table:
    return pa.table({"a": list(range(1, n + 1)), "b": [f"baris {i}" for i in range(n)]})


def test_commit_lands_every_part(db):
    path, engine = db
    writer = SqliteWriterProcess(str(path))
    writer.execute("DELETE FROM t WHERE a = ?", [0])
    for _ in range(3):
        writer.ingest("t", lambda: table(1000))
    assert writer.execute("SELECT count(*) FROM t", [], fetch=True) == [3000]
    writer.close(commit=True)
    assert len(rows(engine)) == 3000


def test_rollback_leaves_the_database_as_it_was(db):
    path, engine = db
    writer = SqliteWriterProcess(str(path))
    writer.execute("DELETE FROM t", [])
    writer.ingest("t", lambda: table(50))
    writer.close(commit=False)
    assert rows(engine) == [(0, "lama")]


def test_a_failed_part_is_reported_and_nothing_lands(db):
    path, engine = db
    writer = SqliteWriterProcess(str(path))
    writer.execute("DELETE FROM t", [])
    writer.ingest("tabel_yang_tidak_ada", lambda: table(10))
    with pytest.raises(WriterFailed, match="tabel_yang_tidak_ada"):
        writer.close(commit=True)
    assert rows(engine) == [(0, "lama")]


def test_an_error_building_a_part_reaches_the_caller(db):
    path, engine = db
    writer = SqliteWriterProcess(str(path))

    def broken() -> pa.Table:
        raise ValueError("kolom rusak")

    writer.ingest("t", broken)
    with pytest.raises(ValueError, match="kolom rusak"):
        writer.execute("SELECT 1", [], fetch=True)
    writer.close(commit=False)
    assert rows(engine) == [(0, "lama")]


def test_the_child_ending_without_commit_rolls_back(db):
    path, engine = db
    writer = SqliteWriterProcess(str(path))
    writer.execute("DELETE FROM t", [])
    writer.proc.kill()
    writer.proc.wait()
    with pytest.raises(WriterFailed, match="berhenti"):
        writer.execute("SELECT 1", [], fetch=True)
    writer.close(commit=False)
    assert rows(engine) == [(0, "lama")]
