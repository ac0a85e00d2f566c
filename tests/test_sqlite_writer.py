"""The SQLite writing process: its transaction lands whole on commit, and not at all otherwise."""

from __future__ import annotations

import pyarrow as pa
import pytest
from sqlalchemy import create_engine

from geo import sqlite_writer
from geo.sqlite_writer import SqliteWriterProcess, WriterBusy, WriterFailed


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


@pytest.mark.parametrize("failing", [
    lambda w: w.ingest("tabel_yang_tidak_ada", lambda: table(10)),  # a part
    lambda w: w.run("DELETE FROM tabel_yang_tidak_ada", []),  # a statement without an answer
], ids=["part", "unanswered_statement"])
def test_a_failed_unanswered_request_is_reported_and_nothing_lands(db, failing):
    path, engine = db
    writer = SqliteWriterProcess(str(path))
    writer.run("DELETE FROM t", [])
    failing(writer)
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


def test_after_the_commit_the_child_copies_the_wal_into_the_database(db):
    path, engine = db
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    writer = SqliteWriterProcess(str(path))
    writer.ingest("t", lambda: table(5000))
    writer.close(commit=True)
    assert len(rows(engine)) == 5001  # visible from the commit on
    writer.ended.join(timeout=120)
    assert not writer.ended.is_alive() and writer.proc.returncode == 0
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_held_write_lock_is_reported_at_the_first_answer(db, monkeypatch):
    path, engine = db
    monkeypatch.setattr(sqlite_writer, "BUSY_TIMEOUT_MS", 200)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        writer = SqliteWriterProcess(str(path))  # starts without waiting for the lock
        with pytest.raises(WriterBusy):
            writer.execute("SELECT 1", [], fetch=True)
        writer.close(commit=False)
        conn.exec_driver_sql("ROLLBACK")
    assert rows(engine) == [(0, "lama")]


def test_parts_stay_out_of_a_small_shared_memory_folder(monkeypatch):
    import os
    from types import SimpleNamespace

    small = SimpleNamespace(f_bavail=64 * 1024**2 // 4096, f_frsize=4096)  # Docker's 64 MB
    monkeypatch.setattr(os, "statvfs", lambda _path: small)
    assert sqlite_writer._parts_folder() is None

    def missing(_path):  # noqa: ANN001, ANN202
        raise FileNotFoundError

    monkeypatch.setattr(os, "statvfs", missing)
    assert sqlite_writer._parts_folder() is None
