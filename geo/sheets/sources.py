"""What a printed sheet reads from the store: the period's snapshot, evaluated once, and the
sentence naming where the data comes from."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from geo import indicators, snapshot_cache, store
from geo.fmt import fmt_date, fmt_int, fmt_period
from geo.indicators import DEFAULT_SETTINGS, Settings


def load_period(engine: Engine, period: str | None = None,
                settings: Settings = DEFAULT_SETTINGS) -> tuple[dict, indicators.Prepared]:
    """(snapshot row, every indicator evaluated) of ``period`` (default: the newest); reads
    only the columns rules and filters use (no personal data)."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Tidak ada data untuk periode {period}." if period
                          else "Belum ada data rumah tangga di basis data.")
    households = snapshot_cache.load_households_fast(engine, snapshot,
                                                     list(indicators.RULE_COLUMNS))
    return snapshot, indicators.prepare(households, settings)


def source_text(snapshot: dict) -> str:
    """"Sumber data: register rumah tangga (DTKS/DTSEN) “f.csv”, periode …, diimpor …"."""
    imported = fmt_date(pd.Timestamp(snapshot["imported_at"]))
    text = (f"Sumber data: register rumah tangga (DTKS/DTSEN) “{snapshot.get('source_file')}”, "
            f"periode {fmt_period(snapshot['period'])}, diimpor {imported}; "
            f"{fmt_int(snapshot.get('accepted') or 0)} rumah tangga diterima, "
            f"{fmt_int(snapshot.get('unlinked') or 0)} belum tertaut ke kelurahan.")
    if snapshot.get("is_demo"):
        text += " Data contoh, fiktif."
    return text
