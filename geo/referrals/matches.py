"""A referral log's match to one period's register, kept in the database.

Matching hashes every id of the period's register (:mod:`geo.referrals.keys`): about 10 s at
3 million households, which every server process paid again when it first opened the Rujukan
page. The result is small (one household row number per referral), so it is stored per
period: by the log's import for the period it was matched against, by the import of a period's
register while a log exists (:func:`geo.households.match_referrals_after_import`), and by the
first page that matches the log to a period neither matched. A match is read only while both
stamps hold (the log's import and the period's), so a new log or a new import of the period is
matched again.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from geo.referrals.tables import ensure, referral_matches

log = logging.getLogger(__name__)


def stamp(value: object) -> str:
    """A stored stamp (``imported_at`` as read back from the database) as compared here."""
    return str(value)


def stored(engine: Engine, snapshot: dict, log_imported_at: object,
           referral_rows: np.ndarray) -> np.ndarray | None:
    """Household row number of each referral (``referral_rows``: their row numbers; -1:
    outside the register) as stored for this period and log; None when not stored whole."""
    ensure(engine)
    m = referral_matches.c
    query = select(m.referral_row, m.household_row).where(and_(
        m.snapshot_id == int(snapshot["id"]),
        m.snapshot_imported_at == stamp(snapshot["imported_at"]),
        m.log_imported_at == stamp(log_imported_at)))
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(query).all(), columns=["referral", "household"])
    if not len(rows) or len(rows) != len(referral_rows) or \
            set(rows["referral"]) != set(np.asarray(referral_rows).tolist()):
        return None
    found = rows.set_index("referral")["household"].reindex(referral_rows)
    return found.fillna(-1).to_numpy(dtype=np.int64)


def replace(conn: Connection, snapshot: dict, log_imported_at: object,
            referral_rows: np.ndarray, household_rows: np.ndarray) -> None:
    """Store the match of the log to this period (within the caller's transaction)."""
    conn.execute(delete(referral_matches).where(
        referral_matches.c.snapshot_id == int(snapshot["id"])))
    records = [{"snapshot_id": int(snapshot["id"]), "referral_row": int(r),
                "household_row": int(h) if h >= 0 else None,
                "snapshot_imported_at": stamp(snapshot["imported_at"]),
                "log_imported_at": stamp(log_imported_at)}
               for r, h in zip(referral_rows, household_rows)]
    if records:
        conn.execute(insert(referral_matches), records)


def save(engine: Engine, snapshot: dict, log_imported_at: object, referral_rows: np.ndarray,
         household_rows: np.ndarray) -> bool:
    """:func:`replace` in its own transaction. A failure (another process storing the same
    match at once, a read-only database) is only logged: the page has its match either way."""
    ensure(engine)
    try:
        with engine.begin() as conn:
            replace(conn, snapshot, log_imported_at, referral_rows, household_rows)
    except SQLAlchemyError as exc:
        log.warning("referral match of snapshot %s not stored (%s)", snapshot["id"],
                    type(exc).__name__)
        return False
    return True


def row_numbers(positions: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """The household row number at each register position (``numbers``: the register's
    ``row_number`` column); -1 (outside the register) stays -1."""
    positions = np.asarray(positions, dtype=np.int64)
    out = np.full(len(positions), -1, dtype=np.int64)
    found = positions >= 0
    out[found] = np.asarray(numbers, dtype=np.int64)[positions[found]]
    return out


def clear(conn: Connection) -> None:
    """Forget every stored match (a new log replaces the old one)."""
    conn.execute(delete(referral_matches))
