"""A derived, rebuildable Parquet copy of each snapshot's non-personal household columns.

Why: at a million households the first read of a period from SQLite takes 15–30 s
(``pd.read_sql_query``), while Parquet gives the same frame back in 1–2 s. The database stays
the only source of truth; the cache is keyed on the snapshot's id, ``imported_at`` *and*
``links_version`` (bumped when re-linking against new boundaries moves households), so a
re-import or a re-link can never be served from an older file; it may be deleted at any time.
An import into a SQLite file writes it from the rows as it stores them (:class:`ImportCache`);
otherwise it is built from the database (:func:`warm_after_import`, or on the first load).

Layout: ``data/cache/<db-fingerprint>/snapshot_<id>_<imported_at compact>_l<links>.parquet``. The
fingerprint hashes the database URL without its password, so two databases never share a
cache. NIK, No. KK, names and addresses are never written here (requests that need them go to
the database); household ids and points are, so the folder is 0700 and its files 0600.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, select
from sqlalchemy.engine import URL

from geo import config, household_dataset, store
from geo.privacy import private_file, private_folder
from geo.schema import PRIVATE_COLUMNS

log = logging.getLogger(__name__)

# PRIVATE_COLUMNS (geo.schema) are never written to the cache (personal data stays in the
# database, or in a dataset period's personal dataset)

CACHE_COLUMNS: list[str] = [c for c in store.HOUSEHOLD_TABLE_COLUMNS
                            if c not in PRIVATE_COLUMNS]
"""What one cache file holds: every household column a page may analyse."""

TMP_MAX_AGE_S = 3600  # a temp file older than this is debris of a crashed writer

_READ_ERRORS = (OSError, ValueError, pa.ArrowException)


def cache_root() -> Path:
    """``PETA_CACHE_DIR`` or ``data/cache`` (see :func:`geo.config.cache_dir`)."""
    return config.cache_dir()


def fingerprint(url: URL | str) -> str | None:
    """A short hash of the database URL without its password; None for databases that do not
    outlive their process (in-memory SQLite), which must never share a cache."""
    from sqlalchemy.engine import make_url

    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
        if not database.startswith("file:"):  # one file, one cache, however it is spelled
            database = str(Path(database).resolve())
        url = url.set(database=database)
    clean = URL.create(url.drivername, url.username, None, url.host, url.port, url.database,
                       url.query)
    return hashlib.sha256(clean.render_as_string(hide_password=False).encode()).hexdigest()[:16]


def cache_dir(engine: Engine) -> Path | None:
    """This database's cache folder (None: the database cannot be cached)."""
    fp = fingerprint(engine.url)
    return cache_root() / fp if fp else None


def compact_stamp(value: datetime | str) -> str:
    """``imported_at`` as ``20261123T014809144648`` (UTC if aware): safe in a file name."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y%m%dT%H%M%S%f")


def file_name(snapshot_id: int, imported_at: datetime | str, links_version: int = 0) -> str:
    return (f"snapshot_{int(snapshot_id)}_{compact_stamp(imported_at)}"
            f"_l{int(links_version or 0)}.parquet")


def _stored_name(engine: Engine, snapshot_id: int) -> str | None:
    """The cache file name of the stored snapshot (re-read, so a stale snapshot dict cannot
    pick an old file); None when the snapshot is gone."""
    s = store.snapshots.c
    with engine.connect() as conn:
        row = conn.execute(select(s.imported_at, s.links_version)
                           .where(s.id == snapshot_id)).first()
    return None if row is None else file_name(snapshot_id, row.imported_at, row.links_version)


def cache_path(engine: Engine, snapshot: dict) -> Path | None:
    """Where the snapshot's cache file is (or would be); None if it cannot be cached."""
    folder = cache_dir(engine)
    if folder is None:
        return None
    name = _stored_name(engine, int(snapshot["id"]))
    return None if name is None else folder / name


# ------------------------------------------------------------------ reading

def read_database(engine: Engine, snapshot_id: int, columns: Sequence[str]) -> pd.DataFrame:
    """The rows from the database, frame-for-frame what :func:`store.load_households` gives.

    On SQLite (pysqlite) the driver cursor's ``fetchall`` + ``DataFrame.from_records`` does what
    ``read_sql_query`` does inside (same conversion, same dtypes) without SQLAlchemy's per-row
    objects: about a third faster. Other databases go through the store.
    """
    columns = list(columns)
    if engine.dialect.driver != "pysqlite" or len(set(columns)) != len(columns):
        return store.load_households(engine, snapshot_id, columns)
    for name in columns:
        store.households.c[name]  # noqa: B018  KeyError for unknown columns, as the store
    quoted = ", ".join(f'"{name}"' for name in columns)
    sql = f"SELECT {quoted} FROM households WHERE snapshot_id = ?"
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        try:
            rows = cursor.execute(sql, (int(snapshot_id),)).fetchall()
        finally:
            cursor.close()
    if not rows:  # as pandas.read_sql_query does for an empty result
        return pd.DataFrame(columns=columns)
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


def _read_cache(path: Path, columns: list[str]) -> pd.DataFrame | None:
    """The requested columns from a cache file; None (and the file removed) if it is missing,
    unreadable or lacks a column (written by an older schema)."""
    if not path.exists():
        return None
    try:
        if not set(columns) <= set(pq.read_schema(path).names):
            return None
        return pd.read_parquet(path, columns=columns)
    except _READ_ERRORS as exc:
        log.warning("cache %s unreadable (%s); rebuilding from the database", path, exc)
        path.unlink(missing_ok=True)
        return None


def load_households_fast(engine: Engine, snapshot: dict, columns: list[str],
                         kelurahan: Sequence[str] | None = None) -> pd.DataFrame:
    """Household rows of ``snapshot`` (a row of ``snapshots``; only ``"id"`` is needed), the
    same frame as :func:`store.load_households`, from the Parquet cache when it is there.

    A miss reads every cacheable column from the database once, writes the cache, and returns
    the requested ones. Personal columns are always read from the database. A period stored as
    a Parquet dataset (``--storage dataset``) is read from it (:mod:`geo.household_dataset`),
    personal columns from its personal dataset. ``kelurahan``: only the rows linked to these
    codes (a dataset period opens only their kecamatan's partitions).
    """
    snapshot_id = int(snapshot["id"])
    columns = list(columns)
    location = household_dataset.location_of(engine, snapshot_id)
    if location is not None:
        return household_dataset.read(location, columns, kelurahan)
    if kelurahan is not None:
        codes = {str(c) for c in kelurahan}
        wanted = list(dict.fromkeys([*columns, "region_code"]))
        frame = load_households_fast(engine, snapshot, wanted)
        return frame.loc[frame["region_code"].isin(codes), columns].reset_index(drop=True)
    if len(set(columns)) != len(columns):
        return read_database(engine, snapshot_id, columns)
    path = cache_path(engine, snapshot)
    if path is None:
        return read_database(engine, snapshot_id, columns)
    if not set(columns) <= set(CACHE_COLUMNS):
        return _with_personal(engine, snapshot, columns)
    frame = _read_cache(path, columns)
    if frame is not None:
        return frame
    full = _build(engine, snapshot_id, path)
    return full[columns] if list(full.columns) != columns else full


def _with_personal(engine: Engine, snapshot: dict, columns: list[str]) -> pd.DataFrame:
    """Cacheable columns from the cache, only the personal ones (NIK, No. KK, names) from the
    database, matched on ``row_number``: the frame :func:`read_database` gives, in a third of
    the time at a million rows (matching a referral log read 9 s from SQLite)."""
    personal = [c for c in columns if c not in CACHE_COLUMNS]
    cached = [c for c in columns if c in CACHE_COLUMNS]
    if not cached or not set(personal) <= set(PRIVATE_COLUMNS):
        return read_database(engine, int(snapshot["id"]), columns)
    frame = load_households_fast(engine, snapshot, list(dict.fromkeys(["row_number", *cached])))
    people = read_database(engine, int(snapshot["id"]), ["row_number", *personal])
    if len(people) != len(frame) or not people["row_number"].is_unique:
        return read_database(engine, int(snapshot["id"]), columns)
    people = people.set_index("row_number")
    for name in personal:
        frame[name] = people[name].reindex(frame["row_number"].to_numpy()).set_axis(frame.index)
    return frame[columns]


def warm(engine: Engine, snapshot: dict) -> Path | None:
    """Build the snapshot's cache now (after an import, for the demo) unless a readable one
    exists. Returns the file, or None if the snapshot cannot be (or was not) cached."""
    path = cache_path(engine, snapshot)
    if path is None or household_dataset.location_of(engine, int(snapshot["id"])):
        return None  # a dataset period is read from its own Parquet files
    if path.exists():
        try:
            pq.read_schema(path)
            return path
        except _READ_ERRORS:
            path.unlink(missing_ok=True)
    _build(engine, int(snapshot["id"]), path)
    return path if path.exists() else None


def warm_after_import(engine: Engine, snapshot_ids: Sequence[int]) -> list[Path]:
    """:func:`warm` each snapshot just imported or re-linked, so the first map load after an
    import reads Parquet. Never raises: the import is committed whatever happens here, and a
    missing cache is only slower (built on the first load). Returns the files built."""
    built = []
    for snapshot_id in snapshot_ids:
        try:
            path = warm(engine, {"id": int(snapshot_id)})
        except Exception as exc:  # noqa: BLE001 - a cache never fails an import
            log.warning("could not build the cache of snapshot %s after the import (%s: %s); "
                        "it is built on the first load", snapshot_id, type(exc).__name__, exc)
            continue
        if path is not None:
            built.append(path)
    return built


# ------------------------------------------------------------------ writing

def _build(engine: Engine, snapshot_id: int, path: Path) -> pd.DataFrame:
    """Read every cacheable column from the database and write ``path``; the frame either way."""
    frame = read_database(engine, snapshot_id, CACHE_COLUMNS)
    if len(frame) == 0:
        return frame  # nothing worth caching; dtypes of an empty frame carry no information
    if path.name != _stored_name(engine, snapshot_id):
        return frame  # re-imported, re-linked or deleted while we read: never a wrong key
    if _write_atomic(frame, path):
        remove_stale(engine, path.parent)
    return frame


def _write_atomic(frame: pd.DataFrame, path: Path) -> bool:
    """Write to a temp file beside ``path`` and rename it into place: a reader sees the old file
    or the whole new one, never half. False (and no file) if it cannot be written."""
    tmp = _write_private(frame, path)
    if tmp is None:
        return False
    try:
        os.replace(tmp, path)
        return True
    except OSError as exc:
        log.warning("could not write cache %s (%s); reading from the database", path, exc)
        tmp.unlink(missing_ok=True)
        return False


def _write_private(frame: pd.DataFrame, path: Path) -> Path | None:
    """``frame`` as Parquet in a private (0600) temp file beside ``path`` (folders 0700), not
    yet in place; None (and no file) if it cannot be written."""
    assert not set(frame.columns) & set(PRIVATE_COLUMNS), "personal data must not be cached"
    tmp = _private_tmp(path)
    try:
        _make_private(tmp)
        frame.to_parquet(tmp, index=False)
        return tmp
    except (OSError, ValueError, TypeError, pa.ArrowException) as exc:
        log.warning("could not write cache %s (%s); reading from the database", path, exc)
        tmp.unlink(missing_ok=True)
        return None


def _private_tmp(path: Path) -> Path:
    """A temp file name beside ``path`` (removed by :func:`remove_stale` if left behind)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _make_private(tmp: Path) -> None:
    """Create ``tmp`` empty, 0600, in folders that are 0700 (household ids and points)."""
    tmp.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in (tmp.parent.parent, tmp.parent):
        private_folder(folder)
    tmp.touch(mode=0o600)
    private_file(tmp)


def remove_stale(engine: Engine, folder: Path) -> list[Path]:
    """Delete cache files of snapshots that no longer exist or were re-imported since, and old
    temp files of crashed writers. Returns what was removed."""
    with engine.connect() as conn:
        s = store.snapshots.c
        current = conn.execute(select(s.id, s.imported_at, s.links_version)).all()
    keep = {file_name(sid, stamp, links) for sid, stamp, links in current}
    removed = []
    for file in folder.glob("snapshot_*.parquet"):
        if file.name not in keep:
            file.unlink(missing_ok=True)
            removed.append(file)
    cutoff = time.time() - TMP_MAX_AGE_S
    for file in folder.glob(".snapshot_*.tmp"):
        try:
            if file.stat().st_mtime < cutoff:
                file.unlink(missing_ok=True)
                removed.append(file)
        except OSError:
            pass
    return removed


# ------------------------------------------------------------------ written by the import

def _arrow_type(name: str) -> pa.DataType:
    """The Arrow type of a households column as the import stores it (SQL type)."""
    from sqlalchemy import Float, Integer

    kind = store.households.c[name].type
    if isinstance(kind, Integer):
        return pa.int64()
    return pa.float64() if isinstance(kind, Float) else pa.string()


class ImportCache:
    """The cache file of a snapshot being imported, made from the rows as they are stored, so
    that no million rows are read back from the database after the commit.

    The stored parts' cacheable columns go to a private temporary Arrow file in the cache
    folder (:meth:`add`, in file order); rows dropped later (duplicates) are left out; before
    the commit the Parquet file is written under a temporary name (:meth:`prepare`), and after
    it renamed into place under the name the stored snapshot gives (:meth:`publish`). The frame
    is the one :func:`read_database` would give (ints with gaps as float64, an all-empty column
    as object), so readers cannot tell the two apart. Any failure here only leaves the cache to
    :func:`warm_after_import`; the import never fails for it.

    ``summary``: a function of the kept rows' ``summary_columns`` (the frame a cache read of
    those columns gives), run on a thread of its own while the Parquet file is written; its
    result is :attr:`summarized` (None if it failed). The import's cube is made so, instead of
    reading the rows back after the commit.
    """

    def __init__(self, engine: Engine, folder: Path,
                 summary: Callable[[pd.DataFrame], object] | None = None,
                 summary_columns: Sequence[str] = ()) -> None:
        self.engine = engine
        self.folder = folder
        self.summary = summary
        self.summary_columns = list(summary_columns)
        self.summarized: object | None = None
        self.parts = folder / f".snapshot_import_{os.getpid()}_{uuid.uuid4().hex[:8]}.tmp"
        self.ready: Path | None = None  # the Parquet file written, not yet in place
        self.failed = False
        self._sink: pa.NativeFile | None = None
        self._stream: pa.ipc.RecordBatchStreamWriter | None = None
        self._dropped: list[int] = []
        self._types = {name: _arrow_type(name) for name in CACHE_COLUMNS}

    @classmethod
    def start(cls, engine: Engine, summary: Callable[[pd.DataFrame], object] | None = None,
              summary_columns: Sequence[str] = ()) -> ImportCache | None:
        """None where the database cannot be cached (in-memory SQLite)."""
        folder = cache_dir(engine)
        return None if folder is None else cls(engine, folder, summary, summary_columns)

    def add(self, table: pa.Table) -> None:
        """Keep the cacheable columns of stored rows (an Arrow table of households columns)."""
        if self.failed:
            return
        try:
            n = table.num_rows
            part = pa.Table.from_arrays(
                [table[name].cast(kind) if name in table.column_names else pa.nulls(n, kind)
                 for name, kind in self._types.items()], names=list(self._types))
            # one batch per part: the CSV reader's chunks of ~3.000 rows would become as many
            # Parquet row groups, twice as slow to write and to read
            part = part.combine_chunks()
            if self._stream is None:
                self._open(part.schema)
            self._stream.write_table(part)
        except Exception as exc:  # noqa: BLE001 - a cache never fails an import
            self._fail(exc)

    def _open(self, schema: pa.Schema) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.folder.parent, self.folder):  # household ids and points
            private_folder(folder)
        self.parts.touch(mode=0o600)
        private_file(self.parts)
        self._sink = pa.OSFile(str(self.parts), "wb")
        self._stream = pa.ipc.new_stream(self._sink, schema)

    def drop(self, row_numbers: Sequence[int]) -> None:
        """Rows stored, then removed (found bad once the whole register was seen)."""
        self._dropped.extend(int(r) for r in row_numbers)

    def prepare(self) -> None:
        """Before the commit: the Parquet file written beside the cache, not yet in place. The
        parts are read one at a time (memory stays that of one part, also at 3M rows); the
        summary, if any, is made meanwhile on a thread of its own."""
        if self.failed or self._stream is None:
            return
        summarizing: threading.Thread | None = None
        try:
            self._close_stream()
            summarizing = self._summarize_meanwhile()
            schema, rows, nulls = self._census()
            if not rows:  # an empty snapshot is not cached (as _build)
                return
            target = _database_schema(schema, rows, nulls)
            ready = self.ready = _private_tmp(self.folder / "snapshot_import")
            _make_private(ready)
            with pq.ParquetWriter(ready, target) as out:
                for batch in self._batches():
                    out.write_table(_as_schema(batch, target))
        except Exception as exc:  # noqa: BLE001 - a cache never fails an import
            if summarizing is not None:  # it reads the parts the failure removes
                summarizing.join()
            self._fail(exc)
        finally:
            if summarizing is not None:
                summarizing.join()
            _remove(self.parts)

    def _summarize_meanwhile(self) -> threading.Thread | None:
        """Start :attr:`summary` on the kept rows' summary columns, typed as a cache read gives
        them (None: nothing to summarize)."""
        if self.summary is None:
            return None

        def run() -> None:
            try:
                parts = list(self._batches(self.summary_columns))
                if not parts:
                    return
                kept = pa.Table.from_batches(parts)
                nulls = {name: kept[name].null_count for name in kept.schema.names}
                typed = _database_schema(kept.schema, kept.num_rows, nulls)
                self.summarized = self.summary(_as_schema(kept, typed).to_pandas())
            except Exception as exc:  # noqa: BLE001 - made again after the commit
                log.warning("could not summarize the rows during the import (%s: %s)",
                            type(exc).__name__, exc)

        thread = threading.Thread(target=run, name="snapshot-summary", daemon=True)
        thread.start()
        return thread

    def _batches(self, columns: Sequence[str] | None = None, kept: bool = True
                 ) -> Iterator[pa.RecordBatch]:
        """The kept rows (``kept=False``: the rows dropped later), part by part; ``columns``:
        only these (picked before the rows, which copies less)."""
        import pyarrow.compute as pc

        late = pa.array(self._dropped, pa.int64())
        with pa.OSFile(str(self.parts)) as source:
            for batch in pa.ipc.open_stream(source):
                dropped = pc.is_in(batch.column("row_number"), late) if len(late) else None
                if columns is not None:
                    batch = batch.select(list(columns))
                if not kept:
                    batch = batch.filter(dropped) if dropped is not None else batch.slice(0, 0)
                elif dropped is not None and pc.any(dropped).as_py():
                    batch = batch.filter(pc.invert(dropped))
                if batch.num_rows:
                    yield batch

    def _census(self) -> tuple[pa.Schema, int, dict[str, int]]:
        """The parts' schema, the rows kept and each column's missing values among them: those
        of all rows less those of the few rows dropped (no copy of the kept rows)."""
        schema, rows, nulls = None, 0, {}
        with pa.OSFile(str(self.parts)) as source:
            stream = pa.ipc.open_stream(source)
            schema = stream.schema
            nulls = dict.fromkeys(schema.names, 0)
            for batch in stream:
                rows += batch.num_rows
                for name, column in zip(schema.names, batch.columns):
                    nulls[name] += column.null_count
        for batch in self._batches(kept=False):
            rows -= batch.num_rows
            for name, column in zip(schema.names, batch.columns):
                nulls[name] -= column.null_count
        return schema, rows, nulls

    def publish(self, snapshot_id: int) -> Path | None:
        """After the commit: the file in place under the stored snapshot's name (None: not
        cached; the snapshot was deleted or re-linked meanwhile, or the file failed)."""
        ready, self.ready = self.ready, None
        if ready is None:
            return None
        s = store.snapshots.c
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(s.imported_at, s.links_version)
                                   .where(s.id == snapshot_id)).first()
            if row is None or int(row.links_version or 0) != 0:  # the file's links are older
                return None
            path = self.folder / file_name(snapshot_id, row.imported_at, 0)
            os.replace(ready, path)
        except Exception as exc:  # noqa: BLE001 - a cache never fails an import
            log.warning("could not place the cache of snapshot %s (%s: %s)", snapshot_id,
                        type(exc).__name__, exc)
            return None
        finally:
            _remove(ready)  # left over when not renamed
        try:
            remove_stale(self.engine, self.folder)
        except Exception as exc:  # noqa: BLE001 - only old files stay a while longer
            log.warning("could not remove old cache files (%s)", exc)
        return path

    def discard(self) -> None:
        """The import was rolled back (or the cache failed): no file of it stays."""
        self._close_stream()
        _remove(self.parts)
        if self.ready is not None:
            _remove(self.ready)
            self.ready = None

    def _close_stream(self) -> None:
        stream, sink, self._stream, self._sink = self._stream, self._sink, None, None
        for closing in (stream, sink):
            if closing is not None:
                try:
                    closing.close()
                except Exception:  # noqa: BLE001, S110 - the file is removed next
                    pass

    def _fail(self, exc: BaseException) -> None:
        log.warning("could not write the cache during the import (%s: %s); it is built from "
                    "the database afterwards", type(exc).__name__, exc)
        self.failed = True
        self.discard()


def _database_schema(schema: pa.Schema, rows: int, nulls: dict[str, int]) -> pa.Schema:
    """The Parquet schema (pandas metadata included) that ``DataFrame.to_parquet`` writes for
    the frame :func:`read_database` gives for these rows: ``DataFrame.from_records`` makes ints
    with gaps float64, text ``str`` (large_string in Arrow), and a column with no value at all
    object (None; Arrow's null type)."""
    fields = []
    for field in schema:
        kind = field.type
        if nulls[field.name] == rows:
            kind = pa.null()
        elif pa.types.is_integer(kind) and nulls[field.name]:
            kind = pa.float64()
        elif pa.types.is_string(kind):
            kind = pa.large_string()
        fields.append(pa.field(field.name, kind))
    empty = pa.schema(fields).empty_table().to_pandas()  # the dtypes, for pandas' metadata
    return pa.Schema.from_pandas(empty, preserve_index=False)


def _as_schema(batch: pa.RecordBatch | pa.Table, schema: pa.Schema) -> pa.Table:
    """Rows of the parts as a table of ``schema`` (its columns picked and cast)."""
    return pa.Table.from_arrays(
        [pa.nulls(batch.num_rows) if pa.types.is_null(f.type)
         else batch.column(f.name).cast(f.type) for f in schema], schema=schema)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # an old temp file is removed by remove_stale later
        log.warning("could not remove %s (%s)", path, exc)
