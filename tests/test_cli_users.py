"""``python -m geo users`` and ``python -m geo audit``: accounts from a shell, passwords only
from standard input, every change in the trail."""

from __future__ import annotations

import io
import json

import pytest

from geo import accounts, store
from geo.cli import main


@pytest.fixture
def db(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    return store.get_engine(url)


def run(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_list_password_disable(db, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "users", "add", "camat", "--role", "perencana",
                       "--wilayah", "36.73.01", "--password-stdin", stdin="sandi-camat-1\n")
    assert code == 0 and "camat" in out
    assert accounts.login(db, "camat", "sandi-camat-1")[0].areas == ("36.73.01",)
    code, out, _ = run(monkeypatch, capsys, "users", "list")
    assert out.strip() == "camat\tperencana\t36.73.01\taktif"
    code, _, _ = run(monkeypatch, capsys, "users", "password", "camat", "--password-stdin",
                     stdin="sandi-baru-22\n")
    assert code == 0 and accounts.login(db, "camat", "sandi-baru-22")
    assert run(monkeypatch, capsys, "users", "disable", "camat")[0] == 0
    code, out, _ = run(monkeypatch, capsys, "users", "list")
    assert out.strip().endswith("nonaktif")


def test_refusals_exit_1_with_a_message(db, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "users", "add", "x", "--role", "forum",
                       "--password-stdin", stdin="pendek\n")
    assert code == 1 and "minimal 8" in err
    code, _, err = run(monkeypatch, capsys, "users", "disable", "tidak-ada")
    assert code == 1 and "tidak ada" in err
    with pytest.raises(SystemExit) as usage:  # the password never as an argument
        main(["users", "add", "x", "--role", "forum", "--password", "rahasia123"])
    assert usage.value.code == 2


def test_audit_lists_what_happened_as_csv_and_json(db, monkeypatch, capsys):
    run(monkeypatch, capsys, "users", "add", "ani", "--role", "admin", "--password-stdin",
        stdin="sandi-ani-12\n")
    with pytest.raises(accounts.AccountError):
        accounts.login(db, "ani", "salah-sandi")
    code, out, _ = run(monkeypatch, capsys, "audit", "--format", "json", "--user", "ani")
    rows = json.loads(out)
    assert code == 0 and [r["tindakan"] for r in rows] == ["login_failed"]
    code, out, _ = run(monkeypatch, capsys, "audit", "--since", "2000-01-01")
    assert out.splitlines()[0] == "waktu,pengguna,tindakan,arti,rincian"
    assert "user_added" in out


def test_a_scoped_users_command_line_tables_hold_only_their_area(tmp_path, monkeypatch,
                                                                  capsys):
    from tests.access_fixtures import PASSWORD, real_city

    path = tmp_path / "real.sqlite"
    info = real_city(path)
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{path}")
    code, out, _ = run(monkeypatch, capsys, "indicators", "--format", "json", "--user",
                       "camat", stdin=PASSWORD + "\n")
    rows = json.loads(out)
    assert code == 0 and rows and {r["kode"][:8] for r in rows} == {info["kecamatan"]}
    code, out, _ = run(monkeypatch, capsys, "indicators", "--level", "kota", "--format",
                       "json", "--user", "camat", stdin=PASSWORD + "\n")
    assert json.loads(out) == []  # a city total would count other areas
    code, out, _ = run(monkeypatch, capsys, "data-quality", "--format", "json", "--user",
                       "camat", stdin=PASSWORD + "\n")
    assert code == 1 and "tidak diizinkan" in _  # planners have no data-quality page
    code, out, _ = run(monkeypatch, capsys, "indicators", "--user", "camat",
                       stdin="salah-sandi\n")
    assert code == 1 and "salah" in _
    code, out, _ = run(monkeypatch, capsys, "indicators", "--format", "json")
    assert len(json.loads(out)) > len(rows)  # the server's administrator sees all


def test_a_bad_date_or_a_missing_password_is_a_usage_error_in_indonesian(db, capsys):
    with pytest.raises(SystemExit) as usage:
        main(["audit", "--since", "05/12/2026"])
    assert usage.value.code == 2 and "TTTT-BB-HH" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["users", "add", "x", "--role", "forum"])  # no --password-stdin
    assert usage.value.code == 2 and "salah pakai" in capsys.readouterr().err
