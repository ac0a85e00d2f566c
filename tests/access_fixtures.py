"""A city with real (not demo) data and one account per role, for the access tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from geo import accounts, store
from tests.test_pages_planning import build_db

PASSWORD = "sandi-uji-123"


def real_city(path: Path | str) -> dict:
    """The planning test city at ``path`` (a SQLite file, or a database URL), marked as real
    data (so every page needs a login), with an account per role (named after it) and
    ``camat``, a planner limited to the first kecamatan (``info["kecamatan"]``), and ``kunci``,
    a planner to lock out."""
    info = build_db(path, n=900)
    engine = store.get_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(update(store.snapshots).values(is_demo=False))
    for role in accounts.ROLES:
        accounts.add_user(engine, role, role, PASSWORD)
    info["kecamatan"] = sorted(info["kelurahan"]["kode_kec"].unique())[0]
    accounts.add_user(engine, "camat", "perencana", PASSWORD, areas=[info["kecamatan"]])
    accounts.add_user(engine, "kunci", "perencana", PASSWORD)  # for the lockout test
    engine.dispose()
    return info
