"""The audit trail: who did what, when, and what it touched (UU 27/2022: a record of
processing). Append-only: this module only inserts, and on SQLite the database itself refuses
UPDATE and DELETE on the table (``store._protect_audit``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from geo import store

# action -> what it means, in Indonesian (the admin page and the export show these)
ACTIONS: dict[str, str] = {
    "login": "masuk",
    "login_failed": "gagal masuk (kata sandi salah)",
    "lockout": "akun terkunci",
    "logout": "keluar",
    "setup_admin": "admin pertama dibuat dengan kode penyiapan",
    "import_households": "impor register rumah tangga",
    "import_boundaries": "impor batas wilayah",
    "import_referrals": "impor log rujukan SLRT",
    "import_points": "impor titik layanan",
    "period_replaced": "periode diganti",
    "period_deleted": "periode dihapus",
    "download": "unduhan",
    "household_list": "melihat daftar rumah tangga",
    "nik_revealed": "NIK dibuka",
    "user_added": "pengguna ditambah",
    "user_changed": "pengguna diubah (peran, wilayah, kata sandi)",
    "user_disabled": "pengguna dinonaktifkan",
    "access_refused": "akses ditolak",
    "import_proposals": "impor usulan Musrenbang",
    "proposal_added": "usulan dimasukkan lewat formulir",
    "proposal_decision": "keputusan atas usulan (diterima/ditolak)",
    "kamus_changed": "kamus usulan diubah",
}


def record(target: Engine | Connection, user: str | None, action: str, **detail: object
           ) -> None:
    """Append one row. ``target`` is an engine (own transaction) or the caller's connection
    (the row lands, or not, with the caller's work). Never pass personal numbers in
    ``detail``: name the row, not the NIK."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    row = {"at": datetime.now(UTC), "user_name": user, "action": action,
           "detail": json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)}
    if isinstance(target, Engine):
        with target.begin() as conn:
            conn.execute(insert(store.audit_log).values(**row))
    else:
        target.execute(insert(store.audit_log).values(**row))


def entries(engine: Engine, since: datetime | None = None, user: str | None = None,
            action: str | None = None) -> pd.DataFrame:
    """The trail, oldest first: ``waktu``, ``pengguna``, ``tindakan``, ``arti``, ``rincian``."""
    a = store.audit_log.c
    query = select(a.at, a.user_name, a.action, a.detail).order_by(a.id)
    if since is not None:
        query = query.where(a.at >= since)
    if user:
        query = query.where(a.user_name == user)
    if action:
        query = query.where(a.action == action)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["waktu", "pengguna", "tindakan", "rincian"])
    frame.insert(3, "arti", frame["tindakan"].map(ACTIONS).fillna(""))
    return frame


CLI_USER = "(baris perintah)"  # whoever ran a command on the server


def record_import(engine: Engine, user: str | None, kind: str, source: str,
                  period: str | None = None, replaced: bool = False,
                  counts: dict | None = None) -> None:
    """An import (``import_households`` or ``import_boundaries``), and the period it replaced."""
    detail = {"berkas": source, **({"periode": period} if period else {}),
              **{k: int(v) for k, v in (counts or {}).items()
                 if k in ("rows_read", "accepted", "quarantined")}}
    with engine.begin() as conn:
        record(conn, user, kind, **detail)
        if replaced:
            record(conn, user, "period_replaced", periode=period, berkas=source)
