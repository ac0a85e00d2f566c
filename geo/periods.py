"""The stored periods: which there are, which one a file is about, and deleting one.

A period (``TTTT-BB``) is one snapshot of the register. Importing into a period that exists
replaces it, so callers ask first (:func:`exists`; the CLI wants ``--replace``, the app a
confirmation). The period a file is about is proposed from the file itself (a title row such as
``Kondisi: Oktober 2026``, else its name, ``dtks_2026-10.csv``) and confirmed by the user; it
is never guessed silently. Deleting a period removes its snapshot, households and quarantine
(through :mod:`geo.snapshot_writer`, the one writer of households) and its Parquet cache file,
nothing else, and is written to the audit trail.

The one definition of a valid period (:func:`parse`): a period names the month a register
describes. It is written exactly ``TTTT-BB`` (spaces around are dropped; nothing else is
tolerated, so ``"2026-09\\n"`` is ``2026-09`` and never a second period beside it) and lies
between :data:`FIRST` and next month: a register from before 2000 or from the future is a typo
(``2099-01``, ``9999-12``, ``0000-01``), and a wrong period would become the default period
every page shows.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from geo import audit, household_dataset, snapshot_cache, store
from geo.fmt import fmt_period
from geo.register_errors import ImportFailed
from geo.snapshot_writer import delete_snapshot

# month names and common abbreviations, Indonesian and English, lower case -> month number
_MONTH_WORDS: dict[str, int] = {}
for _n, _names in enumerate((
        ("januari", "january", "jan"), ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"), ("april", "apr"), ("mei", "may"),
        ("juni", "june", "jun"), ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "aug", "ags"),
        ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"), ("desember", "december", "des", "dec")), 1):
    for _w in _names:
        _MONTH_WORDS[_w] = _n

_WORD_YEAR = re.compile(r"(?<![a-z])(" + "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
                        + r")\.?[\s_\-/.,]*((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})[\s_\-/.]?(0[1-9]|1[0-2])(?!\d)")
_MONTH_YEAR = re.compile(r"(?<!\d)(0?[1-9]|1[0-2])[\-/.]((?:19|20)\d{2})(?!\d)")


# ---------------------------------------------------------------- a valid period

FIRST = "2000-01"
_SHAPE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class PeriodError(ValueError):
    """An invalid period; the message is Indonesian and names the value."""


def last(today: date | None = None) -> str:
    """The latest valid period: next month (a register prepared at the end of a month)."""
    today = today or date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


def parse(text: object, today: date | None = None) -> str:
    """The period ``text`` names, stripped; :class:`PeriodError` when it is not one."""
    value = text.strip() if isinstance(text, str) else ""
    if not _SHAPE.fullmatch(value):
        raise PeriodError(f"Periode {text!r} tidak sah: tulis sebagai TTTT-BB, mis. 2026-09.")
    newest = last(today)
    if not FIRST <= value <= newest:
        raise PeriodError(f"Periode {value} di luar rentang yang sah: {FIRST} sampai "
                          f"{newest} (bulan depan).")
    return value


def is_valid(text: object, today: date | None = None) -> bool:
    try:
        parse(text, today)
    except PeriodError:
        return False
    return True


# ---------------------------------------------------------------- which period a file is about

def period_in_text(text: str) -> str | None:
    """The first period written in ``text``: ``Oktober 2026``, ``Okt-2026``, ``2026-10``,
    ``2026_10``, ``202610``, ``10/2026``; None if there is none."""
    if not text:
        return None
    found: list[tuple[int, str]] = []
    for m in _WORD_YEAR.finditer(text):
        found.append((m.start(), f"{m.group(2)}-{_MONTH_WORDS[m.group(1).lower()]:02d}"))
    for m in _YEAR_MONTH.finditer(text):
        found.append((m.start(), f"{m.group(1)}-{m.group(2)}"))
    for m in _MONTH_YEAR.finditer(text):
        found.append((m.start(), f"{m.group(2)}-{int(m.group(1)):02d}"))
    return min(found)[1] if found else None


def title_rows(src: object, name: str | None = None) -> list[str]:
    """The text of the rows above the header of a register file (CSV or XLSX; none for
    Parquet), each row's cells joined by spaces."""
    from geo import register_files as rf

    source = rf.Source.of(src, name)
    fmt = rf.detect_format(source)
    above = fmt.header_row - 1
    if above <= 0:
        return []
    if fmt.kind == "csv":
        text = source.head(1 << 16).decode(fmt.encoding or "utf-8", errors="replace")
        strip = f" \t\"{fmt.delimiter or ''}"  # the title as written, empty cells dropped
        return [line.strip(strip) for line in text.splitlines()[:above]]
    if fmt.kind == "xlsx":
        wb = rf._open_workbook(source)
        try:
            ws = wb[fmt.sheet]
            return [" ".join(str(v) for v in row if v not in (None, ""))
                    for row in ws.iter_rows(min_row=1, max_row=above, values_only=True)]
        finally:
            wb.close()
    return []


def propose(src: object, name: str | None = None) -> tuple[str | None, str]:
    """(period, where it was read) proposed for a register file: a title row first
    (``Kondisi: Oktober 2026``), else the file name; (None, "") when neither names one. The
    user confirms it; a file that cannot be read proposes nothing (the import says why)."""
    file_name = name or Path(str(getattr(src, "name", src))).name
    try:
        rows = title_rows(src, name)
    except (ImportFailed, OSError, ValueError):
        rows = []
    for row in rows:
        found = period_in_text(row)
        if found and is_valid(found):
            return found, f"baris judul berkas ({row.strip()[:60]})"
    found = period_in_text(Path(file_name).stem)
    if found and is_valid(found):
        return found, f"nama berkas ({file_name})"
    return None, ""


# ---------------------------------------------------------------- the stored periods

def list_periods(engine: Engine) -> pd.DataFrame:
    """One row per stored period, newest first: ``periode``, ``nama`` (``Oktober 2026``),
    ``rumah_tangga`` (accepted), ``dikarantina``, ``berkas``, ``diimpor``, ``contoh``."""
    snaps = store.list_snapshots(engine)
    return pd.DataFrame({
        "periode": snaps["period"].astype(str),
        "nama": snaps["period"].map(fmt_period),
        "rumah_tangga": snaps["accepted"].astype("int64"),
        "dikarantina": snaps["quarantined"].astype("int64"),
        "berkas": snaps["source_file"],
        "diimpor": snaps["imported_at"],
        "contoh": snaps["is_demo"].astype(bool),
    })


def exists(engine: Engine, period: str) -> bool:
    return store.snapshot_for(engine, period) is not None


def demo_periods(engine: Engine) -> list[str]:
    """Periods holding the fictional demo register."""
    periods = list_periods(engine)
    return periods.loc[periods["contoh"], "periode"].tolist()


def replace_question(period: str) -> str:
    """What the user is asked before an import replaces ``period`` (app and CLI say the same)."""
    return (f"Periode {period} ({fmt_period(period)}) sudah ada. Impor ini akan menggantinya "
            "seluruhnya (rumah tangga dan karantina periode itu).")


def delete_period(engine: Engine, period: str, user: str | None) -> dict:
    """Delete ``period``: its snapshot, households and quarantine in one transaction with the
    audit row, then its cache file, or its Parquet dataset (``--storage dataset``). Raises
    LookupError (Indonesian) if it does not exist. Returns {"periode", "rumah_tangga",
    "dikarantina", "cache_dihapus", "dataset_dihapus"}."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Periode {period} tidak ada. Lihat daftar periode: "
                          "python -m geo periods list.")
    cache = snapshot_cache.cache_path(engine, snapshot)
    folder = snapshot_cache.cache_dir(engine)
    with engine.begin() as conn:
        removed = delete_snapshot(conn, period)
        if snapshot.get("storage") == "dataset":  # its households were in the dataset
            removed["households"] = int(snapshot.get("accepted") or 0)
        audit.record(conn, user, "period_deleted", periode=period,
                     berkas=snapshot.get("source_file") or "",
                     rumah_tangga=removed["households"], contoh=bool(snapshot.get("is_demo")))
    dataset = snapshot.get("storage") == "dataset" and \
        household_dataset.remove(snapshot.get("dataset_location") or "")
    files = []
    if folder is not None:  # this snapshot's files (any stamp), nothing of another
        for file in {*([cache] if cache else []),
                     *folder.glob(f"snapshot_{int(snapshot['id'])}_*.parquet")}:
            if file.exists():
                file.unlink(missing_ok=True)
                files.append(file)
    return {"periode": period, "rumah_tangga": removed["households"],
            "dikarantina": removed["quarantine"], "cache_dihapus": len(files),
            "dataset_dihapus": bool(dataset)}
