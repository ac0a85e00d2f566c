"""geo.audit: one row per action, and the trail cannot be edited or deleted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from geo import audit, store

pytestmark = pytest.mark.both_backends  # the `engine` tests run on SQLite and PostgreSQL

PROJECT = Path(__file__).resolve().parent.parent


def test_each_record_is_one_row_with_what_it_touched(engine):
    audit.record(engine, "ani", "download", berkas="peta_miskin.csv", filter="Kec. Serang")
    audit.record(engine, "budi", "nik_revealed", baris=12, periode="2026-09")
    trail = audit.entries(engine)
    assert trail["tindakan"].tolist() == ["download", "nik_revealed"]
    assert trail["arti"].tolist() == ["unduhan", "NIK dibuka"]
    assert '"baris": 12' in trail["rincian"].iat[1]
    assert audit.entries(engine, user="ani")["tindakan"].tolist() == ["download"]
    with pytest.raises(ValueError):
        audit.record(engine, "ani", "tindakan_rekaan")


def test_the_database_refuses_to_change_or_delete_the_trail(engine):
    audit.record(engine, "ani", "login")
    for statement in (update(store.audit_log).values(user_name="x"), delete(store.audit_log),
                      text("DELETE FROM audit_log")):
        with pytest.raises(DatabaseError, match="hanya bisa ditambah"):
            with engine.begin() as conn:
                conn.execute(statement)
    assert len(audit.entries(engine)) == 1


def test_no_code_path_updates_or_deletes_audit_rows():
    """Scan every module for update()/delete() of the audit table or raw SQL touching it."""
    offenders = []
    for path in [*PROJECT.glob("geo/**/*.py"), *PROJECT.glob("ui/**/*.py"),
                 *PROJECT.glob("pages/*.py"), PROJECT / "app.py"]:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(
                    node.func, "attr", "")) in ("update", "delete") and node.args:
                if "audit_log" in ast.unparse(node.args[0]):
                    offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                sql = node.value.upper()
                if "AUDIT_LOG" in sql and ("UPDATE AUDIT_LOG" in sql or "DELETE FROM AUDIT_LOG"
                                           in sql) and "TRIGGER" not in sql:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_each_import_writes_one_row_and_a_replaced_period_one_more(tmp_path, monkeypatch):
    from geo.cli import main
    from tests import corpus

    url = f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.csv_case(lambda f: None)(tmp_path)
    for replace in ([], ["--replace"]):  # the second import replaces the period
        assert main(["import-households", str(path), "--period", "2026-09", "--json",
                     *replace]) in (0, 3)
    trail = audit.entries(engine)
    assert trail["tindakan"].tolist() == ["import_households", "import_households",
                                          "period_replaced"]
    assert set(trail["pengguna"]) == {"(baris perintah)"}
    assert '"periode": "2026-09"' in trail["rincian"].iat[0]
