"""A register period: the one definition of a valid ``YYYY-MM``.

A period names the month a register describes. It is written exactly ``TTTT-BB`` (spaces
around are dropped; nothing else is tolerated, so ``"2026-09\\n"`` is ``2026-09`` and never a
second period beside it) and lies between :data:`FIRST` and next month: a register from before
2000 or from the future is a typo (``2099-01``, ``9999-12``, ``0000-01``), and a wrong period
would become the default period every page shows.
"""

from __future__ import annotations

import re
from datetime import date

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
