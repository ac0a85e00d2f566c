"""A derived, rebuildable Parquet copy of each snapshot's non-personal household columns.

Why: at a million households the first read of a period from SQLite takes 15–30 s
(``pd.read_sql_query``), while Parquet gives the same frame back in 1–2 s. The database stays
the only source of truth; the cache is keyed on the snapshot's id, ``imported_at`` *and*
``links_version`` (bumped when re-linking against new boundaries moves households), so a
re-import or a re-link can never be served from an older file; it may be deleted at any time.

Layout: ``data/cache/<db-fingerprint>/snapshot_<id>_<imported_at compact>_l<links>.parquet``. The
fingerprint hashes the database URL without its password, so two databases never share a
cache. NIK, No. KK, names and addresses are never written here (requests that need them go to
the database); household ids and points are, so the folder is 0700 and its files 0600.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Sequence
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
    if not set(columns) <= set(CACHE_COLUMNS) or len(set(columns)) != len(columns):
        return read_database(engine, snapshot_id, columns)
    path = cache_path(engine, snapshot)
    if path is None:
        return read_database(engine, snapshot_id, columns)
    frame = _read_cache(path, columns)
    if frame is not None:
        return frame
    full = _build(engine, snapshot_id, path)
    return full[columns] if list(full.columns) != columns else full


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
    assert not set(frame.columns) & set(PRIVATE_COLUMNS), "personal data must not be cached"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (path.parent.parent, path.parent):  # household ids and points
            private_folder(folder)
        frame.to_parquet(tmp, index=False)
        private_file(tmp)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError, TypeError, pa.ArrowException) as exc:
        log.warning("could not write cache %s (%s); reading from the database", path, exc)
        tmp.unlink(missing_ok=True)
        return False


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
