"""Writing one snapshot (a period's households) in one transaction, rows streamed in parts.

``open_snapshot`` replaces the period, takes household parts as they are read and linked, drops
rows found bad only once the whole file was seen (duplicates), and ends with the quarantine and
the counts. Nothing of it is visible before the commit; on any error it is rolled back and the
database is as it was.

Two writers, one set of statements (SQLAlchemy Core, :mod:`geo.store`'s tables):

- On a SQLite file the transaction runs on an ADBC connection (``adbc-driver-sqlite``) in a
  process of its own (:mod:`geo.sqlite_writer`), so SQLite stores one part while the next is
  read. ADBC binds whole Arrow columns in C; Python's ``sqlite3`` binds each of a million rows'
  41 values one by one under the GIL, which took longer than reading, checking and linking.
  The process starts, and replaces the period, while the first part is being read.
- On PostgreSQL through psycopg 3 (:mod:`geo.postgres_writer`): the same transaction on
  SQLAlchemy's connection, household and quarantine rows sent with ``COPY … FROM STDIN`` as CSV
  that Arrow writes in C, instead of one bound INSERT per row.
- Elsewhere (SQLite in memory, ADBC not installed, other drivers) through SQLAlchemy's
  connection.

This module is the one writer of the ``households`` table: the import through
:func:`open_snapshot`, deleting a period (:func:`delete_snapshot`), and the re-linking after
new boundaries (:func:`relink_all`, which :mod:`geo.link` computes and :func:`write_links`
stores, bumping ``snapshots.links_version``).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.sql import ClauseElement

from geo import link, store
from geo.household_arrow import (  # noqa: F401  (ARROW_KIND, COLUMN_KINDS: for callers)
    ARROW_KIND,
    COLUMN_KINDS,
    arrow_households,
)
from geo.snapshot_cache import ImportCache
from geo.sqlite_writer import SqliteWriterProcess

ROWS_PER_STATEMENT = 20  # SQLAlchemy path on SQLite: one INSERT of 20 rows beats 20 INSERTs
# (20 x 41 parameters stays under SQLite's old limit of 999 per statement)
STORE_BATCH = 50_000  # rows per executemany on the SQLAlchemy path
DROP_BATCH = 500  # row numbers per DELETE ... IN (...)



# ---------------------------------------------------------------- statements (one definition)

def _old_snapshot(period: str) -> ClauseElement:
    return select(store.snapshots.c.id).where(store.snapshots.c.period == period)


def _remove_snapshot(snapshot_id: int) -> list[ClauseElement]:
    return [delete(store.households).where(store.households.c.snapshot_id == snapshot_id),
            delete(store.quarantine).where(store.quarantine.c.snapshot_id == snapshot_id),
            delete(store.snapshots).where(store.snapshots.c.id == snapshot_id)]


def _new_snapshot(period: str, source_file: str, is_demo: bool) -> ClauseElement:
    return insert(store.snapshots).values(
        period=period, source_file=source_file, imported_at=datetime.now(UTC), is_demo=is_demo,
        report="{}", links_version=0, storage="database", dataset_location="",
        **{key: 0 for key in store.COUNT_KEYS})


def _drop_rows(snapshot_id: int, rows: Sequence[int]) -> ClauseElement:
    h = store.households.c
    return delete(store.households).where(h.snapshot_id == snapshot_id,
                                          h.row_number.in_([int(r) for r in rows]))


def _finish(snapshot_id: int, counts: dict[str, int], report: dict) -> ClauseElement:
    return update(store.snapshots).where(store.snapshots.c.id == snapshot_id).values(
        report=json.dumps(report, ensure_ascii=False, default=str),
        **{key: int(counts.get(key, 0)) for key in store.COUNT_KEYS})


def _quarantine_rows(snapshot_id: int, quarantine: pd.DataFrame) -> list[dict]:
    return [{"snapshot_id": snapshot_id, "row_number": int(r.row_number),
             "values_json": r.values_json, "reasons": r.reasons}
            for r in quarantine.itertuples(index=False)]


class PeriodBusy(RuntimeError):
    """Another import of the same period is being written right now (PostgreSQL: several
    officers, one database); nothing of this one was written."""

    def __init__(self, period: str) -> None:
        super().__init__(f"period {period} is being imported by another connection")
        self.period = period


class SnapshotWriter:
    """One snapshot being written; see :func:`open_snapshot`."""

    snapshot_id: int
    summarized: object | None = None  # open_snapshot's ``summary`` of the committed rows

    def add(self, part: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        """Store household rows (columns of ``store.HOUSEHOLD_TABLE_COLUMNS``; missing: NULL);
        ``rows``: a boolean mask of the rows to store (default all)."""
        raise NotImplementedError

    def drop(self, row_numbers: Sequence[int]) -> None:
        """Remove stored rows of this snapshot by their row number in the file."""
        for start in range(0, len(row_numbers), DROP_BATCH):
            self._run_later(_drop_rows(self.snapshot_id,
                                       row_numbers[start:start + DROP_BATCH]))

    def _run_later(self, statement: ClauseElement) -> None:
        """Run a statement whose result is not needed; its error may come later."""
        self._run(statement)

    def finish(self, quarantine: pd.DataFrame, counts: dict[str, int], report: dict) -> None:
        """The quarantined rows (``row_number``, ``values_json``, ``reasons``) and the counts."""
        rows = _quarantine_rows(self.snapshot_id, quarantine)
        if rows:
            self._insert_many(store.quarantine, rows)
        self._run(_finish(self.snapshot_id, counts, report))

    def set_storage(self, storage: str, location: str) -> None:
        """Where this snapshot's households are (geo.schema.STORAGES) and the dataset folder."""
        self._run(update(store.snapshots).where(store.snapshots.c.id == self.snapshot_id)
                  .values(storage=storage, dataset_location=location))

    def _run(self, statement: ClauseElement) -> Any:  # noqa: ANN401
        raise NotImplementedError

    def _insert_many(self, table: Any, rows: list[dict]) -> None:  # noqa: ANN401
        raise NotImplementedError

    def _begin(self, period: str, source_file: str, is_demo: bool) -> None:
        old = self._run(_old_snapshot(period))
        if old is not None:
            for statement in _remove_snapshot(old):
                self._run(statement)
        self.snapshot_id = int(self._insert_snapshot(_new_snapshot(period, source_file,
                                                                   is_demo)))

    def _insert_snapshot(self, statement: ClauseElement) -> int:
        raise NotImplementedError


# ---------------------------------------------------------------- SQLAlchemy

class _SqlAlchemyWriter(SnapshotWriter):
    def __init__(self, conn) -> None:  # noqa: ANN001
        self.conn = conn

    def _run(self, statement: ClauseElement) -> Any:  # noqa: ANN401
        result = self.conn.execute(statement)
        return result.scalar() if result.returns_rows else None

    def _insert_snapshot(self, statement: ClauseElement) -> int:
        from sqlalchemy.exc import IntegrityError

        try:
            return self.conn.execute(statement).inserted_primary_key[0]
        except IntegrityError as err:  # the period committed by another import meanwhile
            if "period" not in str(err.orig):
                raise
            raise PeriodBusy(statement.compile().params["period"]) from err

    def _insert_many(self, table: Any, rows: list[dict]) -> None:  # noqa: ANN401
        self.conn.execute(insert(table), rows)

    def add(self, part: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        if rows is not None:
            part = part.loc[rows]
        for start in range(0, len(part), STORE_BATCH):
            _insert_households(self.conn, part.iloc[start:start + STORE_BATCH],
                               self.snapshot_id)


def _sql_writer(conn) -> _SqlAlchemyWriter:  # noqa: ANN001
    """The writer on SQLAlchemy's connection ``conn``: COPY on PostgreSQL through psycopg 3."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        from geo.postgres_writer import PostgresWriter

        return PostgresWriter(conn)
    return _SqlAlchemyWriter(conn)


def _object_values(column: pd.Series) -> np.ndarray:
    """A column as an object array of Python values (None for missing), built in C where the
    dtype allows: the values bound to the database."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # categories converted once
        categories = np.array([*column.cat.categories.astype(object), None], dtype=object)
        return categories[column.cat.codes.to_numpy()]  # code -1 (missing) takes the None
    if column.dtype.kind == "f":
        values = column.to_numpy()
        out = values.astype(object)
        out[np.isnan(values)] = None
        return out
    if column.dtype.kind in "iu":
        return column.to_numpy().astype(object)
    return column.to_numpy(dtype=object, na_value=None)


def _insert_households(conn, frame: pd.DataFrame, snapshot_id: int) -> None:  # noqa: ANN001
    """Insert household rows; on SQLite as multi-row statements whose parameters are rows of
    one object array reshaped (no per-row Python work); elsewhere SQLAlchemy's executemany."""
    names = [c for c in store.HOUSEHOLD_TABLE_COLUMNS if c in frame]
    values = np.empty((len(frame), len(names)), dtype=object)
    for j, name in enumerate(names):
        values[:, j] = _object_values(frame[name])
    if conn.dialect.name != "sqlite":
        conn.execute(insert(store.households),
                     [{"snapshot_id": snapshot_id, **dict(zip(names, row))}
                      for row in values.tolist()])
        return
    n, k = len(frame), ROWS_PER_STATEMENT
    one = f"({int(snapshot_id)}, " + ", ".join("?" * len(names)) + ")"
    head = f"INSERT INTO {store.households.name} (snapshot_id, {', '.join(names)}) VALUES "
    full = n - n % k
    if full:
        rows = values[:full].reshape(full // k, -1).tolist()
        conn.exec_driver_sql(head + ", ".join([one] * k), list(map(tuple, rows)))
    if n > full:
        conn.exec_driver_sql(head + one, list(map(tuple, values[full:].tolist())))


# ---------------------------------------------------------------- ADBC (SQLite file)

class _AdbcWriter(SnapshotWriter):
    """The statements compiled here by SQLAlchemy, run by :mod:`geo.sqlite_writer`'s child
    process, household parts sent as Arrow tables without waiting."""

    def __init__(self, path: str, dialect, period: str, source_file: str,  # noqa: ANN001
                 is_demo: bool, cache: ImportCache | None = None) -> None:
        self.dialect = dialect
        self.cache = cache  # the stored rows also go to the snapshot's Parquet cache
        self._preparing: threading.Thread | None = None  # its file, written meanwhile
        self.child = SqliteWriterProcess(path)
        self._begin_error: BaseException | None = None
        self._beginning = threading.Thread(target=self._begin_meanwhile, name="snapshot-begin",
                                           args=(period, source_file, is_demo), daemon=True)
        self._beginning.start()

    def _begin_meanwhile(self, period: str, source_file: str, is_demo: bool) -> None:
        try:
            self._begin(period, source_file, is_demo)
        except BaseException as err:  # noqa: BLE001 - raised by _begun in the caller
            self._begin_error = err

    def _begun(self) -> None:
        """Wait until the period is replaced and the snapshot row exists (or raise why not)."""
        self._beginning.join()
        if self._begin_error is not None:
            raise self._begin_error

    def drop(self, row_numbers: Sequence[int]) -> None:
        self._begun()
        super().drop(row_numbers)
        if self.cache is not None:
            self.cache.drop(row_numbers)

    def finish(self, quarantine: pd.DataFrame, counts: dict[str, int], report: dict) -> None:
        self._begun()
        if self.cache is not None and self._preparing is None:
            # every part and drop is known: the cache file is written on this process's thread
            # while the child stores its last parts, the quarantine and the commit
            self.child.drained()
            self._preparing = threading.Thread(target=self.cache.prepare, daemon=True,
                                               name="snapshot-cache")
            self._preparing.start()
        super().finish(quarantine, counts, report)

    def set_storage(self, storage: str, location: str) -> None:
        self._begun()
        super().set_storage(storage, location)

    def close(self, commit: bool) -> None:
        """Commit, or roll back; a failed beginning rolls back and is raised on commit. The
        cache file is written while the child still stores the last parts, and put in place
        only once the commit has landed."""
        self._beginning.join()  # its answers come before the child ends
        cache, self.cache = self.cache, None
        preparing, self._preparing = self._preparing, None
        if self._begin_error is not None:
            if cache is not None:
                cache.discard()
            self.child.close(commit=False)
            if commit:
                raise self._begin_error
            return
        if cache is None:
            self.child.close(commit)
            return
        try:
            if commit and preparing is None:  # no finish: written here
                self.child.drained()
                cache.prepare()
            self.child.close(commit)
        except BaseException:
            if preparing is not None:
                preparing.join()
            cache.discard()
            raise
        if preparing is not None:
            preparing.join()
        if commit:
            cache.publish(self.snapshot_id)
            self.summarized = cache.summarized
        else:
            cache.discard()

    def _sql(self, statement: ClauseElement) -> tuple[str, list]:
        compiled = statement.compile(dialect=self.dialect,
                                     compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        processors = compiled._bind_processors
        return str(compiled), [processors[key](params[key]) if key in processors
                               else params[key] for key in compiled.positiontup]

    def _run(self, statement: ClauseElement) -> Any:  # noqa: ANN401
        sql, values = self._sql(statement)
        row = self.child.execute(sql, values, fetch=statement.is_select)
        return row[0] if row else None

    def _run_later(self, statement: ClauseElement) -> None:
        self.child.run(*self._sql(statement))

    def _insert_snapshot(self, statement: ClauseElement) -> int:
        sql, values = self._sql(statement)
        self.child.execute(sql, values)
        return self.child.execute("SELECT last_insert_rowid()", [], fetch=True)[0]

    def _insert_many(self, table: Any, rows: list[dict]) -> None:  # noqa: ANN401
        import pyarrow as pa

        self.child.ingest(table.name, lambda: pa.Table.from_pylist(rows))

    def add(self, part: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        self._begun()
        snapshot_id = self.snapshot_id

        cache = self.cache

        def table():  # noqa: ANN202 - on the sender thread; the rows chosen in Arrow
            whole = arrow_households(part, snapshot_id)
            chosen = whole if rows is None else whole.filter(rows)
            if cache is not None:
                cache.add(chosen)
            return chosen

        self.child.ingest(store.households.name, table)


def _sqlite_file(engine: Engine) -> str | None:
    """The database file when ``engine`` is SQLite on a file and ADBC is installed."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    try:
        import adbc_driver_sqlite.dbapi  # noqa: F401
    except ImportError:
        return None
    return database


@contextlib.contextmanager
def open_snapshot(engine: Engine, period: str, source_file: str, is_demo: bool = False,
                  *, use_adbc: bool | None = None, cache: bool = False,
                  summary: Callable[[pd.DataFrame], object] | None = None,
                  summary_columns: Sequence[str] = ()) -> Iterator[SnapshotWriter]:
    """The writer of ``period``'s new snapshot: the old one is replaced when the block ends
    without error, and everything is rolled back otherwise. ``use_adbc`` forces the choice of
    writer (tests); by default ADBC on a SQLite file. ``cache``: on that writer, also write the
    snapshot's Parquet cache from the stored rows (:class:`geo.snapshot_cache.ImportCache`),
    in place after the commit; elsewhere :func:`geo.snapshot_cache.warm_after_import` builds
    it from the database. ``summary``: on that writer, made of the kept rows while the cache is
    written (:class:`~geo.snapshot_cache.ImportCache`); after a commit the writer's
    :attr:`~SnapshotWriter.summarized` (None elsewhere, or if it failed)."""
    path = _sqlite_file(engine)
    replaced = _dataset_of(engine, period)
    if use_adbc is False or (use_adbc is None and path is None):
        with engine.begin() as conn:
            writer = _sql_writer(conn)
            writer._begin(period, source_file, is_demo)
            yield writer
        _remove_replaced(engine, period, replaced)
        return
    if path is None:
        raise ValueError("ADBC needs a SQLite database file")
    store.metadata.create_all(engine)  # the tables exist before another connection writes
    writer = _AdbcWriter(path, engine.dialect, period, source_file, is_demo,
                         ImportCache.start(engine, summary, summary_columns) if cache else None)
    try:
        yield writer
    except BaseException:
        writer.close(commit=False)
        raise
    writer.close(commit=True)
    _remove_replaced(engine, period, replaced)


def _dataset_of(engine: Engine, period: str) -> str:
    """The Parquet dataset folder of ``period``'s stored snapshot ("" when in the database)."""
    s = store.snapshots.c
    with engine.connect() as conn:
        row = conn.execute(select(s.storage, s.dataset_location)
                           .where(s.period == period)).first()
    return row.dataset_location if row is not None and row.storage == "dataset" else ""


def _remove_replaced(engine: Engine, period: str, replaced: str) -> None:
    """After the commit: the replaced period's dataset folder, unless the new one is it."""
    if replaced and _dataset_of(engine, period) != replaced:
        from geo.household_dataset import remove  # deferred: that module builds on this one

        remove(replaced)


def write_snapshot(engine: Engine, period: str, source_file: str, accepted: pd.DataFrame,
                   rejected: pd.DataFrame, counts: dict[str, int], report: dict | None = None,
                   is_demo: bool = False) -> int:
    """Store one period whole from frames in memory (replacing an existing snapshot of
    ``period``), in one transaction; returns the snapshot id. ``accepted`` holds household rows
    (columns of :data:`store.HOUSEHOLD_TABLE_COLUMNS`, missing ones are stored as NULL);
    ``rejected`` holds ``row_number``, ``values_json``, ``reasons``. Imports stream through
    :func:`open_snapshot` instead; this is for tests and fixtures."""
    with open_snapshot(engine, period, source_file, is_demo) as writer:
        if len(accepted):
            writer.add(accepted)
        writer.finish(rejected, counts, report or {})
    return writer.snapshot_id


def delete_snapshot(conn, period: str) -> dict[str, int]:  # noqa: ANN001
    """Remove ``period``'s snapshot, households and quarantine in the caller's transaction
    (:func:`geo.periods.delete_period` adds the audit row and removes the cache file).
    Returns {"households", "quarantine"} removed; zeros when the period does not exist."""
    snapshot_id = conn.execute(_old_snapshot(period)).scalar()
    if snapshot_id is None:
        return {"households": 0, "quarantine": 0}
    counts = [conn.execute(statement).rowcount for statement in _remove_snapshot(snapshot_id)]
    return {"households": int(counts[0]), "quarantine": int(counts[1])}


# ---------------------------------------------------------------- re-linking

RELINK_BATCH = 50_000  # changed rows per INSERT into the temporary table


def relink_all(engine: Engine, conn=None) -> dict:  # noqa: ANN001
    """Re-link every stored snapshot's households against the kelurahan now stored.

    Called after new boundaries are stored. Runs in one transaction (or the caller's ``conn``).
    Returns {"households", "changed", "unlinked_before", "unlinked_after", "snapshots",
    "relinked", "datasets"}; ``relinked``: ids of the snapshots whose links changed (their
    caches are new); ``datasets``: (old, new) folders of periods stored as a Parquet dataset
    and written again with their new links (:mod:`geo.dataset_relink`): the caller removes the
    old ones once the transaction has committed, the new ones if it fails
    (:func:`geo.dataset_relink.finish`; done here when ``conn`` is our own).
    """
    from geo import dataset_relink  # deferred: it builds on household_dataset, which on this

    if conn is None:
        replaced: list = []
        try:
            with engine.begin() as own:
                summary = relink_all(engine, conn=own)
                replaced = summary["datasets"]
        except BaseException:
            dataset_relink.finish(replaced, committed=False)
            raise
        dataset_relink.finish(replaced, committed=True)
        return summary
    s = store.snapshots.c
    in_dataset = {row.id: row for row in conn.execute(
        select(s.id, s.period, s.dataset_location).where(s.storage == "dataset"))}
    summary: dict = {"households": 0, "changed": 0, "unlinked_before": 0, "unlinked_after": 0,
                     "snapshots": 0, "relinked": [], "datasets": []}

    def add(done: link.Relinked) -> None:
        summary["snapshots"] += 1
        summary["households"] += done.households
        summary["changed"] += done.moved
        summary["unlinked_before"] += done.unlinked_before
        summary["unlinked_after"] += done.unlinked_after

    try:
        for done in link.relink_snapshots(conn):
            if done.snapshot_id in in_dataset:  # its households are not in this table
                continue
            add(done)
            if write_links(conn, done.snapshot_id, done.changes, done.counts):
                summary["relinked"].append(done.snapshot_id)
        regions = link.regions_of(conn) if in_dataset else None
        for snapshot_id, row in sorted(in_dataset.items()):
            done, location = dataset_relink.relink_dataset(snapshot_id, row.period,
                                                           row.dataset_location, regions)
            add(done)
            values: dict[str, Any] = {k: int(done.counts.get(k, 0))
                                      for k in link.LINK_COUNT_KEYS}
            if location is not None:
                summary["datasets"].append((row.dataset_location, location))
                summary["relinked"].append(snapshot_id)
                values.update(links_version=store.snapshots.c.links_version + 1,
                              dataset_location=location)
            conn.execute(update(store.snapshots).where(store.snapshots.c.id == snapshot_id)
                         .values(**values))
    except BaseException:
        dataset_relink.finish(summary["datasets"], committed=False)
        raise
    return summary


def write_links(conn, snapshot_id: int, changes: pd.DataFrame,  # noqa: ANN001
                counts: dict[str, int]) -> bool:
    """Store a re-linking of one snapshot in ``conn``'s transaction: the link columns of the
    ``changes`` (``row_number`` + LINK_COLUMNS), the snapshot's link counts and, when any row
    changed, ``links_version`` + 1, which every cache of its rows is keyed on
    (:mod:`geo.snapshot_cache`, ``ui.data``). True when rows changed."""
    values: dict[str, Any] = {k: int(counts.get(k, 0)) for k in link.LINK_COUNT_KEYS}
    changed = len(changes) > 0
    if changed:
        _update_links(conn, snapshot_id, changes)
        values["links_version"] = store.snapshots.c.links_version + 1
    conn.execute(update(store.snapshots).where(store.snapshots.c.id == snapshot_id)
                 .values(**values))
    return changed


def _update_links(conn, snapshot_id: int, changes: pd.DataFrame) -> None:  # noqa: ANN001
    """Set the link columns of the changed rows: through a temporary table and one
    UPDATE ... FROM (the table has no key but (snapshot_id, row_number))."""
    conn.execute(text("CREATE TEMP TABLE IF NOT EXISTS relink_changes (row_number INTEGER "
                      "PRIMARY KEY, region_code TEXT, link_method TEXT, link_conflict INTEGER, "
                      "link_note TEXT)"))
    conn.execute(text("DELETE FROM relink_changes"))
    for start in range(0, len(changes), RELINK_BATCH):  # a batch of Python rows at a time
        part = changes.iloc[start:start + RELINK_BATCH]
        columns = [part[c].astype(object).where(part[c].notna(), None).tolist()
                   for c in ("row_number", "region_code", "link_method", "link_conflict",
                             "link_note")]
        rows = [{"r": int(r), "c": c, "m": m, "k": int(k or 0), "n": n}
                for r, c, m, k, n in zip(*columns)]
        conn.execute(text("INSERT INTO relink_changes VALUES (:r, :c, :m, :k, :n)"), rows)
    conn.execute(text(
        "UPDATE households SET region_code = n.region_code, link_method = n.link_method, "
        "link_conflict = n.link_conflict, link_note = n.link_note FROM relink_changes AS n "
        "WHERE households.snapshot_id = :sid AND households.row_number = n.row_number"),
        {"sid": snapshot_id})
    conn.execute(text("DELETE FROM relink_changes"))
