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


# ---------------------------------------------------------------- leftovers (issue 20, finding 6)

def test_parts_sit_in_a_private_folder_removed_when_the_writer_ends(db):
    import os
    import stat

    path, engine = db
    writer = SqliteWriterProcess(str(path))
    parts = writer._parts
    assert stat.S_IMODE(parts.stat().st_mode) == 0o700
    assert parts.name.startswith(f"peta-import-{os.getpid()}-")
    writer.ingest("t", lambda: table(10))
    writer.execute("SELECT 1", [], fetch=True)
    writer.proc.kill()  # as kill -9 would; the parent then rolls back
    writer.proc.wait()
    with pytest.raises(WriterFailed):
        writer.execute("SELECT 1", [], fetch=True)
    writer.close(commit=False)
    assert not parts.exists()


def test_a_killed_parents_parts_are_removed_by_the_writer_and_stale_ones_at_next_start(db):
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    path, _engine = db
    base = Path(sqlite_writer._parts_folder() or tempfile.gettempdir())
    # the writer child outlives a parent killed with -9: its stdin closes, it removes the parts
    folder = Path(tempfile.mkdtemp(prefix="peta-import-999999999-", dir=base))
    (folder / "bagian-1.arrow").write_bytes(b"NIK 3674012304850001")
    child = subprocess.run([sys.executable, "-m", "geo.sqlite_writer", str(path), "200",
                            str(folder)], input=b"", capture_output=True, timeout=120)
    assert child.returncode == 1 and not folder.exists()
    # both killed: the folder stays until the next import starts (its pid is gone)
    stale = Path(tempfile.mkdtemp(prefix="peta-import-999999999-", dir=base))
    (stale / "bagian-1.arrow").write_bytes(b"NIK 3674012304850001")
    mine = Path(tempfile.mkdtemp(prefix=f"peta-import-{__import__('os').getpid()}-", dir=base))
    try:
        assert str(stale) in sqlite_writer.remove_stale_parts()
        assert not stale.exists() and mine.exists()  # a live process keeps its parts
        writer = SqliteWriterProcess(str(path))
        writer.close(commit=False)
    finally:
        import shutil

        shutil.rmtree(mine, ignore_errors=True)
