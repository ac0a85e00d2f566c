"""The household import on Dask (``import-households --engine dask``): many files, many workers.

The same plan, rules and linking as the single-machine import (:mod:`geo.households`): the plan
is decided from the head of the first file (every file must have the same columns); each file (a
folder: its Parquet files, a partitioned dataset) is one partition, read and checked chunk by
chunk on a worker by :func:`geo.household_chunks.check_chunk`, with the boundary index built
once here and scattered to every worker. The checked chunks come back in file order to one
:class:`geo.household_chunks.ImportTally`, which writes them through the one snapshot writer
and then runs the whole-register pass (duplicate ids and NIK across all files).

Rows are numbered as if the files were one file with the header once: file 2's first row follows
file 1's last. The report lists each file's first and last row number (``berkas``).

Without a scheduler address a LocalCluster is started with one single-threaded worker process per
core (``workers`` to choose); with one, the workers of that cluster must be able to read the
files at the same paths (a shared disk).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from geo import cube, cube_dask, household_dataset, periods, snapshot_cache, store
from geo.fmt import fmt_int
from geo.household_chunks import CheckedChunk, ImportTally, check_chunk
from geo.household_dataset import DatasetSnapshot, Target
from geo.household_plan import ImportPlan, plan_import, undecided_message
from geo.households import (
    ImportResult,
    Progress,
    match_referrals_after_import,
    storage_failures,
)
from geo.link import RegionIndex
from geo.register_columns import check_overrides, detect_mapping
from geo.register_errors import ImportFailed, no_rows, undecodable
from geo.register_files import CHUNK_ROWS, Source, detect_format, original_rows, read_chunks
from geo.schema import STORAGES  # --storage: the households table, or a Parquet dataset
from geo.snapshot_writer import open_snapshot

log = logging.getLogger(__name__)

ENGINES = ("pandas", "dask")  # --engine: this process, or a Dask cluster
# files checked ahead of the writer, per worker: results wait in the workers' memory until the
# one writer takes them, so only so many are asked for at a time (the writer sets the pace)
FILES_AHEAD_PER_WORKER = 2


def register_sources(paths: Sequence[object]) -> list[Source]:
    """The files to import, in order: each file given, and a folder (a partitioned Parquet
    dataset, e.g. ``kab=3201/part-0.parquet``) as its ``.parquet`` files in path order, named
    by their path under the folder. Values that exist only in folder names are not read."""
    out = []
    for given in paths:
        path = Path(str(given))
        if not path.is_dir():
            out.append(Source.of(path))
            continue
        found = sorted(f for f in path.rglob("*.parquet") if f.is_file())
        if not found:
            raise ImportFailed(f"Folder {path.name} tidak berisi berkas .parquet.")
        out.extend(Source.of(f, str(f.relative_to(path.parent))) for f in found)
    return out


@dataclass
class FilePart:
    """One file checked on a worker."""

    chunks: list[CheckedChunk]
    value_maps: dict[str, dict[str, object]]  # values met and how they were mapped
    encoding: str | None
    kabupaten: list[str] | None = None  # staged: the kabupaten/kota its rows are in


def check_file(path: str, name: str, plan: ImportPlan, regions: RegionIndex,
               chunk_rows: int = CHUNK_ROWS, stage: tuple[Target, int] | None = None
               ) -> FilePart:
    """Every chunk of one file through :func:`check_chunk` (runs on a worker). ``stage``:
    (dataset target, file index) to write the accepted rows there, on this worker, and send
    back only what the whole-register pass needs."""
    src = Source(name, path=Path(path))
    try:
        chunks = [check_chunk(c, plan, regions) for c in read_chunks(src, plan.format,
                                                                     chunk_rows)]
    except UnicodeDecodeError:
        if plan.format.encoding == "cp1252":
            raise undecodable(name, src.open) from None
        plan.format.encoding = "cp1252"
        return check_file(path, name, plan, regions, chunk_rows, stage)
    if stage is not None:
        kabupaten = household_dataset.stage_rows(*stage, (c.linked.loc[c.keep] for c in chunks
                                                          if c.linked is not None))
        for chunk in chunks:
            if chunk.linked is not None:
                chunk.linked = chunk.linked[household_dataset.TALLY_COLUMNS]
    for chunk in chunks:
        _arrow_text(chunk.linked)
    return FilePart(chunks, plan.value_maps, plan.format.encoding,
                    kabupaten if stage is not None else None)


def _arrow_text(frame: pd.DataFrame | None) -> None:
    """Text columns as Arrow strings, in place: they travel from the worker as a few buffers
    instead of one pickled Python object per value (the same values)."""
    if frame is None:
        return
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = frame[name].astype("string[pyarrow]")


def file_plans(sources: Sequence[Source], mapping: dict[str, str] | None, sheet: str | None,
               first: ImportPlan) -> list[ImportPlan]:
    """The plan of each file: the first file's, with each file's own format (encoding,
    delimiter, header row); a file whose columns map differently is refused by name."""
    overrides = dict(mapping or {})
    plans = [first]
    for src in sources[1:]:
        fmt = detect_format(src, overrides, sheet)
        check_overrides(overrides, fmt.headers, src.name)
        columns = detect_mapping(fmt.headers, overrides)
        if columns != first.mapping:
            differ = sorted(set(columns.items()) ^ set(first.mapping.items()))
            listed = ", ".join(f"{h} ({c})" for h, c in differ[:6])
            raise ImportFailed(f"{src.name}: kolomnya tidak sama dengan {sources[0].name} "
                               f"(berbeda: {listed}). Semua berkas satu impor harus punya "
                               "kolom yang sama; tidak ada data yang ditulis.")
        plan = copy.deepcopy(first)
        plan.source, plan.format = src.name, fmt
        plans.append(plan)
    return plans


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                processes: bool = True) -> Iterator[object]:
    """A Dask client: of the cluster at ``scheduler``, or of a LocalCluster started here with
    ``workers`` single-threaded workers (default: one per core), closed afterwards."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportFailed("Mesin dask belum terpasang: pip install \"dask[dataframe]\" "
                           "distributed") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as err:
            raise ImportFailed(f"Penjadwal Dask {scheduler} tidak bisa dihubungi: {err}") \
                from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def import_households_dask(engine: Engine, paths: Sequence[object], period: str, *,
                           scheduler: str | None = None, workers: int | None = None,
                           processes: bool = True, mapping: dict[str, str] | None = None,
                           progress: Progress | None = None, sheet: str | None = None,
                           code_list: str | dict[str, str] | None = None,
                           values: dict[str, dict[str, object]] | None = None,
                           chunk_rows: int = CHUNK_ROWS, is_demo: bool = False,
                           warm_cache: bool = True, storage: str = "database",
                           dataset_dir: str | None = None) -> ImportResult:
    """Import register files (paths) into the snapshot ``period`` on a Dask cluster: the same
    result as :func:`geo.households.import_households` of the files joined into one (rows
    numbered across the files). Raises :class:`ImportFailed` as that does. ``warm_cache``:
    build the period's view cache now (default), or leave it to the first load. ``storage``
    ``dataset``: the households go to a partitioned Parquet dataset under ``dataset_dir``
    (default ``PETA_DATASET_DIR``) written by the workers (:mod:`geo.household_dataset`)."""
    if storage not in STORAGES:
        raise ImportFailed(f"--storage {storage}: pilih salah satu dari {', '.join(STORAGES)}.")
    try:
        period = periods.parse(period)
    except periods.PeriodError as err:
        raise ImportFailed(str(err)) from None
    target = Target.new(period, dataset_dir) if storage == "dataset" else None
    try:  # a replaced period's dataset is removed after the commit (open_snapshot)
        result = _import(engine, paths, period, scheduler, workers, processes, mapping,
                         progress, sheet, code_list, values, chunk_rows, is_demo, target)
    except BaseException:
        if target is not None:  # nothing of this import stays; the previous dataset does
            household_dataset.remove(target.temp)
            household_dataset.remove(target.final)
        raise
    if target is None and warm_cache:
        snapshot_cache.warm_after_import(engine, [result.snapshot_id])
        cube.build_after_import(engine, [result.snapshot_id])
    if warm_cache:
        match_referrals_after_import(engine, period, progress)
    return result


def _import(engine: Engine, paths: Sequence[object], period: str, scheduler: str | None,
            workers: int | None, processes: bool, mapping: dict[str, str] | None,
            progress: Progress | None, sheet: str | None,
            code_list: str | dict[str, str] | None,
            values: dict[str, dict[str, object]] | None, chunk_rows: int, is_demo: bool,
            target: Target | None) -> ImportResult:
    try:
        period = periods.parse(period)
    except periods.PeriodError as err:
        raise ImportFailed(str(err)) from None
    sources = register_sources(paths)
    if not sources:
        raise ImportFailed("Tidak ada berkas register yang diberikan.")
    if len({s.path.resolve() for s in sources}) < len(sources):
        raise ImportFailed("Berkas yang sama diberikan lebih dari sekali.")

    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(max(0.0, min(1.0, fraction)), text)

    step(0.0, f"Membaca kepala {sources[0].name}…")
    first = plan_import(sources[0], mapping, sheet=sheet, code_list=code_list, values=values,
                        profiles=store.value_profiles(engine))
    if first.undecided:  # before anything is written: the previous data stays
        raise ImportFailed(undecided_message(first))
    plans = file_plans(sources, mapping, sheet, first)
    regions = RegionIndex.from_store(engine)
    name = sources[0].name if len(sources) == 1 else \
        f"{sources[0].name} (+{len(sources) - 1} berkas)"
    with dask_client(scheduler, workers, processes) as client:
        step(0.02, "Membagikan indeks batas wilayah ke pekerja…")
        shared = client.scatter(regions, broadcast=True)
        ahead = FILES_AHEAD_PER_WORKER * max(1, len(client.nthreads()))

        if target is not None:
            target.create()

        def submit(i: int) -> object:
            return client.submit(check_file, str(sources[i].path), sources[i].name, plans[i],
                                 shared, chunk_rows, None if target is None else (target, i),
                                 pure=False)

        futures = [submit(i) for i in range(min(ahead, len(sources)))]
        with storage_failures(name, period):
            with open_snapshot(engine, period, name, is_demo) as db_writer:
                tally = ImportTally()
                spans = []  # per file: (first row, last row, shift)
                kabupaten: set[str] = set()  # staged: the kabupaten/kota met
                writer = db_writer if target is None else DatasetSnapshot(
                    db_writer, target, lambda late: _write_partitions(
                        client, target, spans, kabupaten, late))
                rows_before = 0  # data lines of the files before, as one file
                for i, (src, plan) in enumerate(zip(sources, plans)):
                    if i + ahead - 1 < len(sources) and i:  # keep ``ahead`` files in flight
                        futures.append(submit(i + ahead - 1))
                    part = futures[i].result()
                    kabupaten.update(part.kabupaten or ())
                    plan.format.encoding = part.encoding
                    first.value_maps.update({c: {**first.value_maps.get(c, {}), **m}
                                             for c, m in part.value_maps.items()})
                    header = plan.format.header_row
                    shift = rows_before - header + first.format.header_row
                    last = header
                    for chunk in part.chunks:
                        last = max(last, chunk.last_row)
                        chunk.shift(shift)
                        tally.add(chunk, writer)
                    spans.append((header + 1 + shift, last + shift, shift))
                    rows_before += last - header
                    futures[i] = None  # its results leave the worker's memory
                    step(0.05 + 0.9 * (i + 1) / len(sources),
                         f"{src.name}: {fmt_int(tally.rows_read)} baris diperiksa, ditautkan "
                         "dan disimpan…")
                if not tally.rows_read:
                    raise no_rows(name)

                def original(need: set[int]) -> dict[int, str]:
                    found: dict[int, str] = {}
                    for src, plan, (lo, hi, shift) in zip(sources, plans, spans):
                        mine = {r - shift for r in need if lo <= r <= hi}
                        if mine:
                            rows = original_rows(src, plan.format, mine, chunk_rows)
                            found.update({r + shift: v for r, v in rows.items()})
                    return found

                extra = {"berkas": [{"berkas": s.name, "baris_pertama": lo,
                                     "baris_terakhir": hi}
                                    for s, (lo, hi, _) in zip(sources, spans)],
                         "mesin": {"engine": "dask",
                                   "pekerja": len(client.nthreads())}}
                if target is not None:
                    extra["penyimpanan"] = {"storage": "dataset", "lokasi": target.final}
                counts, report = tally.finish(writer, first, len(regions), original, step,
                                              extra)
                if target is not None:  # in place just before the commit; removed if it fails
                    household_dataset.publish(target)
        if target is not None:  # the cube, built where the partitions are
            step(0.98, "Menjumlahkan kubus periode di pekerja…")
            try:
                cube_dask.build_on_workers(client, engine, writer.snapshot_id, target.final)
            except Exception as exc:  # noqa: BLE001 - a cube never fails an import
                log.warning("could not build the cube of snapshot %s on the workers (%s: %s); "
                            "it is built on the first load", writer.snapshot_id,
                            type(exc).__name__, exc)
    step(1.0, "Menyiapkan cache tampilan peta…")
    return ImportResult(counts=counts, snapshot_id=writer.snapshot_id, report=report,
                        period=period)


def _write_partitions(client, target: Target, spans: list[tuple[int, int, int]],  # noqa: ANN001
                      kabupaten: set[str], late: list[int]) -> None:
    """The staged rows into the partitioned datasets, one task per kabupaten/kota on the
    workers (row numbers of the whole register; ``late``: rows found duplicate at the end)."""
    shifts = [shift for _, _, shift in spans]
    futures = [client.submit(household_dataset.write_kabupaten, target, kab, shifts, late,
                             pure=False) for kab in sorted(kabupaten)]
    client.gather(futures)
