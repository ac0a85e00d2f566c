"""A period's households in a partitioned Parquet dataset (``import-households --storage
dataset``) instead of the database's households table.

Layout, under ``PETA_DATASET_DIR`` (a folder or an fsspec URL, :func:`geo.config.dataset_dir`),
one folder per imported period, named ``<period>-<stamp>-<random>`` so a new import never
writes where the previous one is::

    2026-09-20261206T014809-1a2b3c4d/
        households/kab=32.01/kec=32.01.01/part-00003-0.parquet   analytic columns
        personal/kab=32.01/kec=32.01.01/part-00003-0.parquet     row_number, id_keluarga and
                                                                 geo.schema.PRIVATE_COLUMNS
        households/kab=tanpa_wilayah/kec=tanpa_wilayah/…          unlinked households

Both datasets are partitioned by kabupaten/kota then kecamatan of the linked ``region_code``
and keyed by ``row_number`` (the snapshot's row number, as in the households table). The
database keeps the snapshot record (``storage`` = ``dataset``, ``dataset_location``), the
quarantine and the counts.

Writing, on the Dask workers (:mod:`geo.household_dask`): each file's accepted rows are staged
where they were checked (:func:`stage_rows`: by kabupaten/kota, local row numbers); when the
whole register has been seen (row numbers across files, duplicates dropped) the workers write
the partitions, one task per kabupaten/kota gathering its rows from every file, one Parquet file
per kecamatan (:func:`write_kabupaten`): a register split by something else than area (or not
split) still gives few, whole files per partition. All of it goes to a
temporary folder, renamed to the period's folder (:func:`publish`) just before the database
commit and removed if the commit fails; the previous period's folder is removed only after.
"""

from __future__ import annotations

import functools
import posixpath
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from sqlalchemy import Engine, select

from geo import config, store
from geo.household_arrow import ARROW_KIND, COLUMN_KINDS, arrow_households
from geo.privacy import private_file, private_folder
from geo.schema import PRIVATE_COLUMNS

ANALYTIC = "households"
PERSONAL = "personal"
STAGING = "_staging"
UNLINKED = "tanpa_wilayah"  # partition of households linked to no kelurahan
ANALYTIC_COLUMNS = [c for c in store.HOUSEHOLD_TABLE_COLUMNS if c not in PRIVATE_COLUMNS]
PERSONAL_DATASET_COLUMNS = ["row_number", "id_keluarga", *PRIVATE_COLUMNS]
PARTITION_SCHEMA = pa.schema([("kab", pa.string()), ("kec", pa.string())])


@functools.cache
def _partitioning(staging: bool = False) -> ds.Partitioning:
    """The datasets' hive partitioning (kab, then kec; staging: kab only). Made on first use,
    not at import: a pyarrow object built while importing left a process that merely imported
    this module (every ``python -m geo`` command) to abort now and then at exit ("terminate
    called without an active exception", about one exit in 35)."""
    schema = pa.schema([PARTITION_SCHEMA.field("kab")]) if staging else PARTITION_SCHEMA
    return ds.partitioning(schema, flavor="hive")
# what the client keeps of a staged chunk: the whole-register pass and the link counts
TALLY_COLUMNS = ["row_number", "id_keluarga", "nik_krt", "link_method", "link_conflict"]


def filesystem(location: str):  # noqa: ANN201 - an fsspec filesystem
    """(fsspec filesystem, path within it) of a folder or URL."""
    from fsspec.core import url_to_fs

    return url_to_fs(location)


def _is_local(fs) -> bool:  # noqa: ANN001
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _private(fs, paths: Iterable[str], folders: Iterable[str] = ()) -> None:  # noqa: ANN001
    """0600 files, 0700 folders on a local disk (object stores have their own access rules)."""
    if _is_local(fs):
        for folder in folders:
            private_folder(folder)
        for path in paths:
            private_file(path)


@dataclass(frozen=True)
class Target:
    """Where one import writes: ``temp`` until published, then ``final``."""

    temp: str
    final: str

    @classmethod
    def new(cls, period: str, root: str | None = None) -> Target:
        root = (root or config.dataset_dir()).rstrip("/")
        name = f"{period}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        return cls(temp=f"{root}/.tmp-{name}", final=f"{root}/{name}")

    def create(self) -> None:
        fs, path = filesystem(self.temp)
        fs.makedirs(posixpath.join(path, STAGING), exist_ok=True)
        root = posixpath.dirname(path)
        _private(fs, [], [root, path, posixpath.join(path, STAGING)])

    def staging(self) -> str:
        """The staging folder: each file's rows by kabupaten/kota, before numbering."""
        return posixpath.join(filesystem(self.temp)[1], STAGING)


def arrow_rows(frame: pd.DataFrame) -> pa.Table:
    """Household rows as Arrow with every column of the households table, typed as stored."""
    table = arrow_households(frame, 0).drop_columns(["snapshot_id"])
    for i, name in enumerate(store.HOUSEHOLD_TABLE_COLUMNS):
        if name not in table.column_names:
            table = table.add_column(i, name, pa.nulls(len(table), _type(name)))
    return table.select(store.HOUSEHOLD_TABLE_COLUMNS)


def _type(name: str) -> pa.DataType:
    """The Arrow type of a households column (as the ADBC writer stores it)."""
    return pa.type_for_alias(ARROW_KIND[COLUMN_KINDS[name]])


def stage_rows(target: Target, index: int, parts: Iterable[pd.DataFrame]) -> list[str]:
    """Write the accepted rows of register file ``index`` (frames in file order, local row
    numbers) to the staging folder, one file per kabupaten/kota; runs on the worker that
    checked them. Returns the kabupaten/kota met."""
    tables = [arrow_rows(part) for part in parts if len(part)]
    return stage_table(target, index, pa.concat_tables(tables)) if tables else []


def household_schema() -> pa.Schema:
    """Every households column, typed as stored (the staged files' schema)."""
    return pa.schema([(n, _type(n)) for n in store.HOUSEHOLD_TABLE_COLUMNS])


def stage_table(target: Target, index: int, table: pa.Table) -> list[str]:
    """:func:`stage_rows` for rows already in Arrow (every households column)."""
    fs, _ = filesystem(target.temp)
    table = table.select(store.HOUSEHOLD_TABLE_COLUMNS).cast(household_schema())
    kab, _ = partition_keys(table["region_code"])
    written: list[str] = []
    ds.write_dataset(table.append_column("kab", kab), target.staging(), format="ipc",
                     partitioning=_partitioning(staging=True), filesystem=fs,
                     basename_template=f"file-{index:05d}-{{i}}.arrow",
                     existing_data_behavior="overwrite_or_ignore",
                     file_visitor=lambda f: written.append(f.path))
    _private(fs, written, sorted({posixpath.dirname(p) for p in written}))
    return sorted(pc.unique(kab).to_pylist())


def partition_keys(region_code: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, pa.Array]:
    """kab (``32.01``) and kec (``32.01.01``) of dotted kelurahan codes; UNLINKED without."""
    parts = pc.split_pattern(region_code, ".")
    kab = pc.binary_join(pc.list_slice(parts, 0, 2), ".")
    kec = pc.binary_join(pc.list_slice(parts, 0, 3), ".")
    return pc.fill_null(kab, UNLINKED), pc.fill_null(kec, UNLINKED)


def write_kabupaten(target: Target, kab: str, shifts: Sequence[int], drop: Sequence[int]
                    ) -> dict:
    """One kabupaten/kota's staged rows (of every register file) into both partitioned
    datasets, one file per kecamatan: row numbers of file i moved by ``shifts[i]`` (the files
    numbered as one), rows in ``drop`` (found duplicate across the register) left out. Runs on
    a worker. Returns {"rows", "files"}."""
    fs, root = filesystem(target.temp)
    folder = posixpath.join(target.staging(), f"kab={kab}")
    tables = []
    for path in sorted(f for f in fs.find(folder) if f.endswith(".arrow")):
        index = int(posixpath.basename(path).split("-")[1])
        with fs.open(path, "rb") as f:
            table = pa.ipc.open_file(f).read_all()
        numbers = pc.add(table["row_number"], pa.scalar(int(shifts[index]), pa.int64()))
        tables.append(table.set_column(0, "row_number", numbers))
    table = pa.concat_tables(tables).sort_by("row_number")
    if len(drop):
        table = table.filter(pc.invert(pc.is_in(table["row_number"],
                                                pa.array(list(drop), pa.int64()))))
    _, kec = partition_keys(table["region_code"])
    order = pc.sort_indices(pa.table({"kec": kec, "row": table["row_number"]}),
                            [("kec", "ascending"), ("row", "ascending")])
    table, kec = table.take(order), kec.take(order)
    keys = np.asarray(kec.to_pylist(), dtype=object)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else []
    ends = np.r_[starts[1:], len(keys)] if len(keys) else []
    written: list[str] = []
    for name, columns in ((ANALYTIC, ANALYTIC_COLUMNS), (PERSONAL, PERSONAL_DATASET_COLUMNS)):
        part = table.select(columns)
        for start, end in zip(starts, ends):  # one file per kecamatan (sorted slices)
            folder_out = posixpath.join(root, name, f"kab={kab}", f"kec={keys[start]}")
            fs.makedirs(folder_out, exist_ok=True)
            path = posixpath.join(folder_out, "part-0.parquet")
            with fs.open(path, "wb") as out:
                pq.write_table(part.slice(start, end - start), out, compression="zstd")
            written.append(path)
    folders = {posixpath.dirname(p) for p in written}
    folders |= {posixpath.dirname(f) for f in folders} | {posixpath.join(root, ANALYTIC),
                                                          posixpath.join(root, PERSONAL)}
    _private(fs, written, sorted(folders))
    fs.rm(folder, recursive=True)
    return {"rows": table.num_rows, "files": len(written)}


def publish(target: Target) -> None:
    """Rename the written dataset into its place (the staging folder removed first)."""
    fs, path = filesystem(target.temp)
    staging = posixpath.join(path, STAGING)
    if fs.exists(staging):
        fs.rm(staging, recursive=True)
    fs.mv(path, filesystem(target.final)[1], recursive=True)


def remove(location: str) -> bool:
    """Delete a dataset folder (a failed import's, a replaced or deleted period's); True if
    there was one. Never raises for a folder already gone."""
    if not location:
        return False
    fs, path = filesystem(location)
    if not fs.exists(path):
        return False
    fs.rm(path, recursive=True)
    return True


def size_bytes(location: str) -> int:
    """Bytes on disk of a dataset folder (both datasets)."""
    fs, path = filesystem(location)
    return int(sum(fs.du(path, total=False).values())) if fs.exists(path) else 0


# ------------------------------------------------------------------ reading

def location_of(engine: Engine, snapshot_id: int) -> str | None:
    """The dataset folder of a snapshot stored as a dataset; None when its households are in
    the database (or the snapshot is gone)."""
    s = store.snapshots.c
    with engine.connect() as conn:
        row = conn.execute(select(s.storage, s.dataset_location)
                           .where(s.id == int(snapshot_id))).first()
    return row.dataset_location if row is not None and row.storage == "dataset" else None


def _kecamatan(kelurahan: Sequence[str]) -> list[str]:
    return sorted({".".join(str(c).split(".")[:3]) for c in kelurahan})


def _schema(name: str) -> pa.Schema:
    """The dataset's schema, given so that no file is opened to learn it."""
    columns = ANALYTIC_COLUMNS if name == ANALYTIC else PERSONAL_DATASET_COLUMNS
    return pa.schema([(c, _type(c)) for c in columns] + list(PARTITION_SCHEMA))


def _dataset(location: str, name: str, kelurahan: Sequence[str] | None = None) -> ds.Dataset:
    """One of a period's datasets; with ``kelurahan``, only the files of their kecamatan's
    partitions are listed (no listing or reading of the rest)."""
    fs, path = filesystem(location)
    base = posixpath.join(path, name)
    if kelurahan is None and fs.exists(base):
        return ds.dataset(base, format="parquet", filesystem=fs, partitioning=_partitioning(),
                          schema=_schema(name))
    files = []  # no folder: a period with no accepted household
    for kec in _kecamatan(kelurahan or ()):
        folder = posixpath.join(base, f"kab={'.'.join(kec.split('.')[:2])}", f"kec={kec}")
        if fs.exists(folder):
            files += sorted(f for f in fs.find(folder) if f.endswith(".parquet"))
    return ds.dataset(files, format="parquet", filesystem=fs, partitioning=_partitioning(),
                      partition_base_dir=base, schema=_schema(name))


def dataset_files(location: str, kelurahan: Sequence[str] | None = None,
                  name: str = ANALYTIC) -> list[str]:
    """The Parquet files a read of ``kelurahan`` (None: all) opens: those of their kecamatan."""
    return sorted(f.path for f in _dataset(location, name, kelurahan).get_fragments())


def read_file(location: str, path: str, columns: Sequence[str]) -> pd.DataFrame:
    """Analytic ``columns`` of one partition file (from :func:`dataset_files`), typed as a
    read of part of the period."""
    fs, base = filesystem(location)
    dataset = ds.dataset([path], format="parquet", filesystem=fs, partitioning=_partitioning(),
                         partition_base_dir=posixpath.join(base, ANALYTIC),
                         schema=_schema(ANALYTIC))
    return _as_database(dataset.to_table(columns=list(columns)), whole=False)


def read_partition(location: str, path: str) -> pa.Table:
    """Every households column of one partition file (from :func:`dataset_files`): its
    analytic file joined with the personal file of the same partition, in row order."""
    fs, base = filesystem(location)
    inside = posixpath.relpath(path, posixpath.join(base, ANALYTIC))
    with fs.open(path, "rb") as f:
        analytic = pq.read_table(f).select(ANALYTIC_COLUMNS)
    with fs.open(posixpath.join(base, PERSONAL, inside), "rb") as f:
        personal = pq.read_table(f).select(PERSONAL_DATASET_COLUMNS)
    both = analytic.join(personal.drop_columns(["id_keluarga"]), "row_number",
                         join_type="left outer")
    return both.sort_by("row_number").select(store.HOUSEHOLD_TABLE_COLUMNS)  # as written


def _all(*parts: ds.Expression | None) -> ds.Expression | None:
    found = [p for p in parts if p is not None]
    out = found[0] if found else None
    for part in found[1:]:
        out = out & part
    return out


def read(location: str, columns: Sequence[str], kelurahan: Sequence[str] | None = None,
         rows: Sequence[int] | None = None, id_keluarga: str | None = None) -> pd.DataFrame:
    """Household rows from a dataset, in row order, as the database would give them
    (:func:`geo.store.load_households`): analytic columns from the analytic dataset, personal
    ones from the personal dataset joined on ``row_number``. ``kelurahan``: only their rows
    (only their kecamatan's partitions are opened); ``rows``: only these row numbers;
    ``id_keluarga``: only that household's rows."""
    columns = list(columns)
    for name in columns:
        store.households.c[name]  # noqa: B018  KeyError for unknown columns, as the store
    codes = None if kelurahan is None else \
        ds.field("region_code").isin(sorted({str(c) for c in kelurahan}))
    chosen = _all(
        None if rows is None else ds.field("row_number").isin(
            np.asarray(sorted({int(r) for r in rows}), dtype=np.int64)),
        None if id_keluarga is None else ds.field("id_keluarga") == str(id_keluarga))
    personal = [c for c in columns if c in PRIVATE_COLUMNS]
    analytic = [c for c in columns if c not in personal]
    if kelurahan is None and set(analytic) <= set(PERSONAL_DATASET_COLUMNS):
        table = _read(location, PERSONAL, list(dict.fromkeys(["row_number", *columns])),
                      chosen)
    else:
        table = _read(location, ANALYTIC, list(dict.fromkeys(["row_number", *analytic])),
                      _all(codes, chosen), kelurahan)
        if personal:
            wanted = ds.field("row_number").isin(table["row_number"].combine_chunks())
            people = _read(location, PERSONAL, ["row_number", *personal], wanted, kelurahan)
            table = table.join(people, "row_number", join_type="left outer")
    whole = kelurahan is None and rows is None and id_keluarga is None
    return _as_database(table.sort_by("row_number").select(columns), whole)


def _read(location: str, name: str, columns: list[str], where: ds.Expression | None,
          kelurahan: Sequence[str] | None = None) -> pa.Table:
    return _dataset(location, name, kelurahan).to_table(columns=columns, filter=where)


def _as_database(table: pa.Table, whole: bool) -> pd.DataFrame:
    """Arrow to pandas with the dtypes a read from the database gives: in a read of the whole
    period (``whole``), a column with no value at all comes back as object None (as
    ``read_sql_query`` does); a part keeps the column's type, as a part of the whole would."""
    frame = table.to_pandas()
    for name in frame.columns if whole else ():
        if table[name].null_count == len(table) and len(table):
            frame[name] = pd.Series([None] * len(frame), dtype=object, index=frame.index)
    return frame


# ------------------------------------------------------------------ the import's writer

class DatasetSnapshot:
    """Stands in for the snapshot writer while an import goes to a dataset: household rows are
    not sent to the database (the workers staged them); rows found bad at the end are kept
    aside for :func:`write_partitions`; at ``finish`` ``write_all(late)`` writes the
    partitions, the snapshot row is marked as a dataset, then quarantine and counts are
    written as usual (one transaction, committed by the caller's ``open_snapshot``)."""

    def __init__(self, writer, target: Target, write_all) -> None:  # noqa: ANN001
        self.writer = writer
        self.target = target
        self.write_all = write_all
        self.late: list[int] = []

    @property
    def snapshot_id(self) -> int:
        return self.writer.snapshot_id

    def add(self, part: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        """Nothing to send: the worker that checked the rows staged them."""

    def drop(self, row_numbers: Sequence[int]) -> None:
        self.late.extend(int(r) for r in row_numbers)

    def finish(self, quarantine: pd.DataFrame, counts: dict[str, int], report: dict) -> None:
        self.write_all(sorted(self.late))
        self.writer.set_storage("dataset", self.target.final)
        self.writer.finish(quarantine, counts, report)
