"""geo.accounts: passwords hashed with argon2, sessions that expire, lockout after wrong
passwords, the first admin only with the setup code; every step in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from geo import accounts, audit, store
from geo.accounts import AccountError

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(engine):  # noqa: ANN001, ANN201
    accounts.add_user(engine, "ani", "admin", "rahasia-123")
    return engine


def test_password_is_stored_as_an_argon2_hash_never_as_text(admin):
    with admin.connect() as conn:
        stored = conn.execute(select(store.users.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and "rahasia-123" not in stored


def test_login_gives_a_session_that_expires(admin, monkeypatch):
    monkeypatch.setenv("PETA_SESSION_HOURS", "8")
    user, token = accounts.login(admin, "ani", "rahasia-123", now=NOW)
    assert user.role == "admin"
    assert accounts.user_for_token(admin, token, now=NOW + timedelta(hours=7)) == user
    assert accounts.user_for_token(admin, token, now=NOW + timedelta(hours=8, seconds=1)) is None
    assert accounts.user_for_token(admin, "tebakan", now=NOW) is None
    with admin.connect() as conn:  # only the token's hash is stored
        assert conn.execute(select(store.sessions.c.token_hash)).scalar() != token


def test_logout_ends_the_session(admin):
    _, token = accounts.login(admin, "ani", "rahasia-123")
    accounts.logout(admin, token)
    assert accounts.user_for_token(admin, token) is None


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(admin, monkeypatch):
    monkeypatch.delenv("PETA_LOCKOUT_ATTEMPTS", raising=False)
    monkeypatch.delenv("PETA_LOCKOUT_MINUTES", raising=False)
    for _ in range(5):
        with pytest.raises(AccountError, match="salah"):
            accounts.login(admin, "ani", "keliru", now=NOW)
    with pytest.raises(AccountError, match="terkunci"):
        accounts.login(admin, "ani", "rahasia-123", now=NOW + timedelta(minutes=14))
    user, _ = accounts.login(admin, "ani", "rahasia-123", now=NOW + timedelta(minutes=16))
    assert user.name == "ani"
    actions = audit.entries(admin)["tindakan"].tolist()
    assert actions.count("login_failed") == 6 and actions.count("lockout") == 1


def test_four_wrong_passwords_then_the_right_one_resets_the_count(admin):
    for _ in range(4):
        with pytest.raises(AccountError):
            accounts.login(admin, "ani", "keliru", now=NOW)
    accounts.login(admin, "ani", "rahasia-123", now=NOW)
    for _ in range(4):
        with pytest.raises(AccountError, match="salah"):
            accounts.login(admin, "ani", "keliru", now=NOW)


def test_a_disabled_account_cannot_log_in_and_loses_its_sessions(admin):
    accounts.add_user(admin, "budi", "perencana", "sandi-budi-1", by="ani")
    _, token = accounts.login(admin, "budi", "sandi-budi-1")
    accounts.disable_user(admin, "budi", by="ani")
    assert accounts.user_for_token(admin, token) is None
    with pytest.raises(AccountError, match="dinonaktifkan"):
        accounts.login(admin, "budi", "sandi-budi-1")


def test_accounts_are_checked_on_the_way_in(admin):
    with pytest.raises(AccountError, match="Peran"):
        accounts.add_user(admin, "x", "raja", "panjang-sekali")
    with pytest.raises(AccountError, match="minimal 8"):
        accounts.add_user(admin, "x", "forum", "pendek")
    with pytest.raises(AccountError, match="sudah ada"):
        accounts.add_user(admin, "ani", "forum", "panjang-sekali")
    with pytest.raises(AccountError, match="bukan kode"):
        accounts.add_user(admin, "x", "perencana", "panjang-sekali", areas=["Serang"])
    user = accounts.add_user(admin, "camat", "perencana", "panjang-sekali",
                             areas=["367301", "3673011001"])
    assert user.areas == ("36.73.01", "36.73.01.1001")


def test_the_first_admin_needs_the_setup_code_and_only_once(engine):
    code = accounts.issue_setup_code(engine)
    with pytest.raises(AccountError, match="Kode penyiapan salah"):
        accounts.create_first_admin(engine, "000-000-000", "tamu", "panjang-sekali")
    assert not accounts.admin_exists(engine)
    admin = accounts.create_first_admin(engine, code, "ani", "panjang-sekali")
    assert admin.role == "admin" and accounts.admin_exists(engine)
    with pytest.raises(AccountError, match="Admin sudah ada"):
        accounts.create_first_admin(engine, code, "budi", "panjang-sekali")
    accounts.issue_setup_code(engine)
    assert [u.name for u in accounts.list_users(engine)] == ["ani"]
