"""Decisions on proposals: the forum accepts or rejects (with a reason), recorded with who,
when and the period of the evidence it was judged on, in the proposal's history
(``usulan_keputusan``) and in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from geo import audit, store
from geo.proposals.values import REJECTED, STATUSES


def decide(engine: Engine, id_usulan: str, status: str, user: str, reason: str = "",
           period: str | None = None) -> datetime:
    """Record a decision; returns when. ValueError (Indonesian) for an unknown proposal or
    status, a rejection without a reason, or no name of who decides."""
    if status not in STATUSES:
        raise ValueError(f"status {status!r} tidak dikenal ({', '.join(STATUSES)})")
    reason = (reason or "").strip()
    if status == REJECTED and not reason:
        raise ValueError("Usulan yang ditolak wajib diberi alasan.")
    if not (user or "").strip():
        raise ValueError("Keputusan wajib mencatat siapa yang memutuskan.")
    u = store.usulan.c
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if not conn.execute(select(u.id_usulan).where(u.id_usulan == id_usulan)).first():
            raise ValueError(f"Usulan {id_usulan!r} tidak ada.")
        conn.execute(update(store.usulan).where(u.id_usulan == id_usulan).values(
            status=status, alasan=reason or None, periode_bukti=period))
        conn.execute(insert(store.usulan_keputusan).values(
            id_usulan=id_usulan, status=status, alasan=reason or None, periode_bukti=period,
            oleh=user, pada=now))
        audit.record(conn, user, "proposal_decision", id_usulan=id_usulan, status=status,
                     alasan=reason, periode=period)
    return now


def history(engine: Engine, id_usulan: str | None = None) -> pd.DataFrame:
    """Every decision, oldest first: id_usulan, status, alasan, periode_bukti, oleh, pada."""
    d = store.usulan_keputusan.c
    query = select(d.id_usulan, d.status, d.alasan, d.periode_bukti, d.oleh, d.pada).order_by(
        d.id)
    if id_usulan is not None:
        query = query.where(d.id_usulan == id_usulan)
    with engine.connect() as conn:
        return pd.read_sql_query(query, conn)


def latest(engine: Engine) -> pd.DataFrame:
    """The last decision per proposal (indexed by id_usulan)."""
    h = history(engine)
    return h.groupby("id_usulan").tail(1).set_index("id_usulan")
