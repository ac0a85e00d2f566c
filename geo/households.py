"""Household register import: any real export in, every row accounted for.

file (CSV / XLSX / Parquet, path or file-like) -> format, encoding, delimiter, sheet and header row
detected (:mod:`geo.register_files`) -> column mapping (aliases; user corrections:
:mod:`geo.register_columns`) -> the plan: code lists, flag schemes, value tables
(:mod:`geo.household_plan`) -> value mapping and row validation, reasons in Indonesian
(:mod:`geo.household_checks`) -> duplicates across the whole file
(:mod:`geo.household_duplicates`) -> linking (:mod:`geo.link`) -> one transaction into a
snapshot (period ``YYYY-MM``) with its quarantine: this module, which runs the steps.

Rows are read in chunks of :data:`CHUNK_ROWS` as text, so a 3-million-row register fits in
memory: only the typed canonical columns of accepted rows are kept, and the original values of
rejected rows. accepted + quarantined = rows read, always.

The names of the modules above that callers import from here stay importable (``__all__``).
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine

from geo import cube, indicators, periods, snapshot_cache, store
from geo.fmt import fmt_int
from geo.household_checks import (
    DATE_FORMATS,
    DESIL_RANGE,
    FORMULA_MINUS_RE,
    FORMULA_RE,
    FORMULA_SIGN_RE,
    HTML_RE,
    INDONESIA_LAT,
    INDONESIA_LON,
    NIK_DIGITS,
    NOT_DATA_CHARS,
    NOTES,
    NUMBER_RE,
    REASONS,
    TEXT_CHECKED,
    TOTALS_RE,
    convert_chunk,
)
from geo.household_chunks import REPORT_VALUES, ImportTally, check_chunk
from geo.household_duplicates import digit_keys
from geo.household_plan import (
    SAMPLE_ROWS,
    TARGET_KIND,
    ImportPlan,
    merge_entries,
    plan_import,
    undecided_message,
    value_options,
    value_rows,
)
from geo.link import RegionIndex
from geo.register_columns import (
    EXTRA_COLUMNS,
    HEADER_ALIASES,
    SPLIT_CODE,
    check_overrides,
    detect_mapping,
)
from geo.register_errors import ImportFailed, no_rows, undecodable
from geo.register_files import (
    CHUNK_ROWS,
    FileFormat,
    Source,
    detect_format,
    original_rows,
    read_chunks,
    rows_json,
)
from geo.register_values import (
    CODE_LISTS,
    DAYA_METERED,
    DAYA_UNMETERED,
    DEFAULT_CODE_LIST,
    FLAG_NUMBER_SCHEMES,
    FLAG_WORDS,
    PHRASES,
    PLN_UNKNOWN_METER,
    CodeListChoice,
    ValueEntryError,
    check_entry,
    choose_code_list,
    entry_index,
    flag_scheme,
    known_lists,
    parse_code_list_option,
    parse_value_option,
    phrase_key,
    value_key,
    value_table,
)
from geo.snapshot_writer import PeriodBusy, SnapshotWriter, open_snapshot
from geo.sqlite_writer import WriterBusy, WriterFailed

__all__ = [
    # the import (here)
    "REPORT_VALUES", "ImportResult", "Progress", "import_households",
    "match_referrals_after_import",
    # the --profile/--value entries of an import (the command line is geo/cli/)
    "value_entries",
    # geo.household_plan
    "SAMPLE_ROWS", "TARGET_KIND", "ImportPlan", "merge_entries", "plan_import",
    "undecided_message", "value_options", "value_rows",
    # geo.household_checks
    "DATE_FORMATS", "DESIL_RANGE", "FORMULA_MINUS_RE", "FORMULA_RE", "FORMULA_SIGN_RE",
    "HTML_RE", "INDONESIA_LAT", "INDONESIA_LON", "NIK_DIGITS", "NOT_DATA_CHARS", "NOTES",
    "NUMBER_RE", "REASONS", "TEXT_CHECKED", "TOTALS_RE", "convert_chunk",
    # geo.household_duplicates
    "digit_keys",
    # geo.register_columns, geo.register_errors, geo.register_files
    "CHUNK_ROWS", "EXTRA_COLUMNS", "HEADER_ALIASES", "SPLIT_CODE", "FileFormat",
    "ImportFailed", "Source", "check_overrides", "detect_format", "detect_mapping",
    "original_rows", "read_chunks", "rows_json",
    # geo.register_values
    "CODE_LISTS", "DAYA_METERED", "DAYA_UNMETERED", "DEFAULT_CODE_LIST", "FLAG_NUMBER_SCHEMES",
    "FLAG_WORDS", "PHRASES", "PLN_UNKNOWN_METER", "CodeListChoice", "ValueEntryError",
    "check_entry", "choose_code_list", "entry_index", "flag_scheme", "known_lists",
    "parse_code_list_option", "parse_value_option", "phrase_key", "value_key", "value_table",
]

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)


# ====================================================================== the import

@dataclass
class ImportResult:
    counts: dict
    snapshot_id: int
    report: dict
    period: str = ""
    cube: object = field(default=None, repr=False)  # the cube made from the stored rows

    def to_dict(self) -> dict:
        return {"snapshot_id": self.snapshot_id, "period": self.period,
                "counts": dict(self.counts), "report": self.report}


def _step(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(max(0.0, min(1.0, fraction)), text)


def import_households(engine: Engine, path: object, period: str, *,
                      mapping: dict[str, str] | None = None, progress: Progress | None = None,
                      is_demo: bool = False, source_name: str | None = None,
                      sheet: str | None = None,
                      code_list: str | dict[str, str] | None = None,
                      values: dict[str, dict[str, object]] | None = None,
                      chunk_rows: int = CHUNK_ROWS) -> ImportResult:
    """Import a register file (path, or file-like with a name) into the snapshot ``period``.

    One transaction: the period is replaced whole, or, on any failure, left as it was; then
    the snapshot's Parquet cache is built (a failure there is only logged). Raises
    :class:`ImportFailed` (Indonesian message) when the file cannot be used at all, or when a
    coded column's code list is undecided (:func:`undecided_message`; nothing is written).
    ``code_list``, ``values``: see :func:`plan_import`; the office's saved profiles are read
    from the database.
    """
    try:
        period = periods.parse(period)
    except periods.PeriodError as err:
        raise ImportFailed(str(err)) from None
    src = Source.of(path, source_name)
    with _gc_paused():
        result = _import(engine, src, period, mapping, progress, is_demo, sheet, code_list,
                         values, chunk_rows)
    _step(progress, 1.0, "Menyiapkan cache tampilan peta…")  # the first map load: Parquet
    snapshot_cache.warm_after_import(engine, [result.snapshot_id])
    cube.build_after_import(engine, [result.snapshot_id],  # the counts every page filters
                            {result.snapshot_id: result.cube} if result.cube else None)
    match_referrals_after_import(engine, period, progress)
    return result


def match_referrals_after_import(engine: Engine, period: str,
                                 progress: Progress | None = None) -> None:
    """Where a referral log exists, match it to the period just imported and store the match
    (:func:`geo.referrals.measures.match_after_import`). A failure is only logged: the
    Rujukan page then makes the match on its first open."""
    from geo.referrals import measures  # the referral pages' module; most imports need none

    try:
        info = measures.log_info(engine)
        if info is None:
            return
        _step(progress, 1.0, "Mencocokkan log rujukan SLRT dengan periode ini…")
        measures.match_after_import(engine, period, info)
    except Exception as exc:  # noqa: BLE001 - the period is imported either way
        log.warning("referral log not matched to %s after its import (%s: %s)", period,
                    type(exc).__name__, exc)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live object each time millions of row tuples are
    made; an import creates no cycles worth collecting, so it is paused meanwhile."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def storage_failures(name: str, period: str) -> Iterator[None]:
    """The writer's failures as :class:`ImportFailed` messages naming the file (both engines):
    another import of the period, a database busy too long, the writing process dying."""
    try:
        yield
    except PeriodBusy as err:
        raise ImportFailed(f"{name}: periode {period} sedang diimpor oleh pengguna atau proses "
                           "lain saat ini. Impor ini dibatalkan dan tidak mengubah apa pun; "
                           "tunggu impor itu selesai, lalu ulangi bila berkas ini yang ingin "
                           "dipakai untuk periode itu.") from err
    except WriterBusy as err:
        raise ImportFailed("Basis data sedang dipakai proses lain (mis. impor lain) lebih dari "
                           "30 detik; data lama tidak berubah. Coba lagi sebentar lagi.") from err
    except WriterFailed as err:
        raise ImportFailed(f"{name}: penyimpanan ke basis data gagal, data lama tidak berubah "
                           f"({err}). Coba lagi; bila terulang, laporkan ke pengelola "
                           "aplikasi.") from err


def _import(engine: Engine, src: Source, period: str, mapping: dict[str, str] | None,
            progress: Progress | None, is_demo: bool, sheet: str | None,
            code_list: str | dict[str, str] | None, values: dict | None,
            chunk_rows: int) -> ImportResult:
    _step(progress, 0.0, f"Membaca {src.name}…")
    plan = plan_import(src, mapping, sheet=sheet, code_list=code_list, values=values,
                       profiles=store.value_profiles(engine))
    if plan.undecided:  # before anything is written: the previous data stays
        raise ImportFailed(undecided_message(plan))
    regions = RegionIndex.from_store(engine)
    for attempt in range(2):
        try:
            with storage_failures(src.name, period), \
                    open_snapshot(engine, period, src.name, is_demo, cache=True,
                                  summary=cube.part_of,  # the cube, while the cache is written
                                  summary_columns=indicators.RULE_COLUMNS) as writer:
                result = _import_into(writer, src, plan, regions, progress, chunk_rows, period)
            result.cube = writer.summarized
            return result
        except UnicodeDecodeError:  # the whole transaction is rolled back: read again
            if attempt or plan.format.encoding == "cp1252":
                raise undecodable(src.name, src.open) from None
            plan.format.encoding = "cp1252"
    raise AssertionError("unreachable")


def _import_into(writer: SnapshotWriter, src: Source, plan: ImportPlan, regions: RegionIndex,
                 progress: Progress | None, chunk_rows: int, period: str) -> ImportResult:
    """Read, check, link and store chunk by chunk (the writer stores one part while the next is
    read); rows found bad only once the whole file is seen (duplicates) are then dropped."""
    size = max(src.size(), 1)
    tally = ImportTally()
    for chunk in read_chunks(src, plan.format, chunk_rows):
        part = check_chunk(chunk, plan, regions)
        tally.add(part, writer)
        if part.linked is None:
            continue
        rows_read = tally.rows_read
        _step(progress, 0.95 * (min(1.0, rows_read * 200 / size) if plan.format.kind != "csv"
                                else _approx_fraction(part.last_row, rows_read, size)),
              f"Membaca, memeriksa, menautkan dan menyimpan {fmt_int(rows_read)} baris…")
    if not tally.rows_read:
        raise no_rows(src.name)
    counts, report = tally.finish(
        writer, plan, len(regions),
        lambda need: original_rows(src, plan.format, need, chunk_rows),
        lambda fraction, text: _step(progress, fraction, text))
    _step(progress, 1.0, "Selesai.")
    return ImportResult(counts=counts, snapshot_id=writer.snapshot_id, report=report,
                        period=period)


def _approx_fraction(line: int, rows: int, size: int) -> float:
    return min(1.0, rows * 250 / size)


# ====================================================================== value entries

def value_entries(engine: Engine, profile: str | None, items: list[str] | None
                  ) -> dict[str, dict[str, object]]:
    """The operator's value entries: a saved profile's, then ``--value`` items over them."""
    entries: dict[str, dict[str, object]] = {}
    if profile:
        saved = store.value_profiles(engine)
        if profile not in saved:
            raise ImportFailed(f"Profil {profile!r} tidak ada. Profil tersimpan: "
                               f"{', '.join(saved) or '(belum ada)'}.")
        entries = saved[profile]
    given: dict[str, dict[str, object]] = {}
    for item in items or []:
        column, value, code = parse_value_option(item)
        given.setdefault(column, {})[value] = code
    return merge_entries(entries, given)
