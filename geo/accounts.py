"""Accounts: users, passwords, sessions, lockout and the first admin.

Passwords are hashed with argon2id (``argon2-cffi``); a session is a random token whose
SHA-256 is stored, so a copy of the database cannot log anyone in. Every login, failed login,
lockout and account change is written to the audit trail (:mod:`geo.audit`). Which role may do
what is :mod:`geo.access`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, insert, select, update

from geo import audit, config, store
from geo.codes import normalize_code

ROLES: dict[str, str] = {
    "admin": "Admin: pengguna, pengaturan dan semua di bawah ini",
    "operator": "Operator Dinsos: halaman Data, impor, kualitas data, daftar verifikasi",
    "perencana": "Perencana (Bappeda, OPD): semua peta dan halaman perencanaan, ekspor agregat",
    "pimpinan": "Pimpinan: peta, ringkasan dan perencanaan; tanpa daftar rumah tangga",
    "forum": "Forum (layar Musrenbang/Forum OPD): agregat saja, angka kecil disembunyikan",
}
MIN_PASSWORD = 8
_HASHER = PasswordHasher()


class AccountError(Exception):
    """A refused account action; the message is Indonesian and safe to show."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    areas: tuple[str, ...] = ()  # dotted kecamatan/kelurahan codes; () = the whole region
    disabled: bool = False


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for values stored as UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def normalize_areas(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Dotted kelurahan or kecamatan codes; raises AccountError for anything else."""
    out = []
    for code in codes:
        dotted = normalize_code(code, "kelurahan") or normalize_code(code, "kecamatan")
        if dotted is None:
            raise AccountError(f"Wilayah {code!r} bukan kode kecamatan (PP.KK.CC) atau "
                               "kelurahan (PP.KK.CC.DDDD) Kemendagri.")
        out.append(dotted)
    return tuple(dict.fromkeys(out))


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")


def _user(row: object) -> User:
    return User(row.name, row.role, tuple(json.loads(row.areas or "[]")), bool(row.disabled))


def add_user(engine: Engine, name: str, role: str, password: str,
             areas: list[str] | tuple[str, ...] = (), by: str | None = None) -> User:
    """Create an account. ``by`` is the admin doing it (for the audit trail)."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AccountError("Nama pengguna wajib diisi (paling panjang 64 karakter).")
    if role not in ROLES:
        raise AccountError(f"Peran {role!r} tidak dikenal; pilih: {', '.join(ROLES)}.")
    _check_password(password)
    codes = normalize_areas(areas)
    u = store.users.c
    with engine.begin() as conn:
        if conn.execute(select(u.id).where(u.name == name)).first():
            raise AccountError(f"Pengguna {name!r} sudah ada.")
        conn.execute(insert(store.users).values(
            name=name, password_hash=_HASHER.hash(password), role=role,
            areas=json.dumps(list(codes)), disabled=False, failed_logins=0,
            created_at=datetime.now(UTC)))
        audit.record(conn, by, "user_added", pengguna=name, peran=role, wilayah=list(codes))
    return User(name, role, codes)


def get_user(engine: Engine, name: str) -> User | None:
    u = store.users.c
    with engine.connect() as conn:
        row = conn.execute(select(u.name, u.role, u.areas, u.disabled)
                           .where(u.name == name)).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[User]:
    u = store.users.c
    with engine.connect() as conn:
        rows = conn.execute(select(u.name, u.role, u.areas, u.disabled).order_by(u.name)).all()
    return [_user(r) for r in rows]


def _change(engine: Engine, name: str, by: str | None, action: str, what: str,
            **values: object) -> None:
    u = store.users.c
    with engine.begin() as conn:
        done = conn.execute(update(store.users).where(u.name == name).values(**values))
        if not done.rowcount:
            raise AccountError(f"Pengguna {name!r} tidak ada.")
        if action == "user_disabled":
            user_id = conn.execute(select(u.id).where(u.name == name)).scalar()
            conn.execute(delete(store.sessions).where(store.sessions.c.user_id == user_id))
        audit.record(conn, by, action, pengguna=name, perubahan=what)


def set_password(engine: Engine, name: str, password: str, by: str | None = None) -> None:
    """A new password; also lifts a lockout."""
    _check_password(password)
    _change(engine, name, by, "user_changed", "kata sandi",
            password_hash=_HASHER.hash(password), failed_logins=0, locked_until=None)


def set_role(engine: Engine, name: str, role: str, areas: list[str] | tuple[str, ...] = (),
             by: str | None = None) -> None:
    if role not in ROLES:
        raise AccountError(f"Peran {role!r} tidak dikenal; pilih: {', '.join(ROLES)}.")
    codes = normalize_areas(areas)
    _change(engine, name, by, "user_changed", f"peran {role}, wilayah {list(codes) or 'semua'}",
            role=role, areas=json.dumps(list(codes)))


def disable_user(engine: Engine, name: str, by: str | None = None) -> None:
    """The account can no longer log in; its open sessions end."""
    _change(engine, name, by, "user_disabled", "dinonaktifkan", disabled=True)


# ------------------------------------------------------------------ login and sessions

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(engine: Engine, name: str, password: str, now: datetime | None = None
          ) -> tuple[User, str]:
    """(user, session token) for the right password; AccountError otherwise. After
    ``PETA_LOCKOUT_ATTEMPTS`` wrong passwords in a row the account is locked for
    ``PETA_LOCKOUT_MINUTES``, even to the right password. A refusal is committed (count,
    lock, audit row) before it is raised."""
    now = _now(now)
    u = store.users.c
    refusal: AccountError | None = None
    with engine.begin() as conn:
        row = conn.execute(select(store.users).where(u.name == (name or "").strip())).first()
        locked = _aware(row.locked_until) if row is not None else None
        if row is None:
            audit.record(conn, name, "login_failed", alasan="pengguna tidak ada")
            refusal = AccountError("Nama pengguna atau kata sandi salah.")
        elif row.disabled:
            audit.record(conn, row.name, "login_failed", alasan="akun nonaktif")
            refusal = AccountError("Akun ini dinonaktifkan. Hubungi admin.")
        elif locked and locked > now:
            audit.record(conn, row.name, "login_failed", alasan="akun terkunci")
            minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
            refusal = AccountError(f"Akun terkunci karena terlalu banyak kata sandi salah. Coba "
                                   f"lagi dalam {minutes} menit, atau minta admin mengganti "
                                   "kata sandinya.")
        elif not _matches(row.password_hash, password or ""):
            failures = int(row.failed_logins or 0) + 1
            values: dict[str, object] = {"failed_logins": failures}
            audit.record(conn, row.name, "login_failed", percobaan=failures)
            if failures >= config.lockout_attempts():
                values.update(failed_logins=0,
                              locked_until=now + timedelta(minutes=config.lockout_minutes()))
                audit.record(conn, row.name, "lockout", menit=config.lockout_minutes())
            conn.execute(update(store.users).where(u.id == row.id).values(**values))
            refusal = AccountError("Nama pengguna atau kata sandi salah.")
        else:
            token = secrets.token_urlsafe(32)
            conn.execute(update(store.users).where(u.id == row.id).values(
                failed_logins=0, locked_until=None))
            conn.execute(insert(store.sessions).values(
                token_hash=_token_hash(token), user_id=row.id, created_at=now,
                expires_at=now + timedelta(hours=config.session_hours())))
            audit.record(conn, row.name, "login")
    if refusal is not None:
        raise refusal
    return _user(row), token


def user_for_token(engine: Engine, token: str | None, now: datetime | None = None
                   ) -> User | None:
    """The user of a live session, or None (unknown, expired, or the account disabled)."""
    if not token:
        return None
    s, u = store.sessions.c, store.users.c
    with engine.connect() as conn:
        row = conn.execute(select(u.name, u.role, u.areas, u.disabled, s.expires_at)
                           .join(store.users, u.id == s.user_id)
                           .where(s.token_hash == _token_hash(token))).first()
    if row is None or row.disabled or _aware(row.expires_at) <= _now(now):
        return None
    return _user(row)


def logout(engine: Engine, token: str | None) -> None:
    if not token:
        return
    s, u = store.sessions.c, store.users.c
    with engine.begin() as conn:
        name = conn.execute(select(u.name).join(store.users, u.id == s.user_id)
                            .where(s.token_hash == _token_hash(token))).scalar()
        conn.execute(delete(store.sessions).where(s.token_hash == _token_hash(token)))
        if name:
            audit.record(conn, name, "logout")


# ------------------------------------------------------------------ the first admin

def admin_exists(engine: Engine) -> bool:
    u = store.users.c
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(store.users)
                                 .where(u.role == "admin", u.disabled.is_(False))).scalar())


def issue_setup_code(engine: Engine) -> str:
    """A new one-time code to create the first admin (printed on the server's console, as
    Jupyter prints its token, so nobody else on the network can claim the instance)."""
    code = "-".join(secrets.token_hex(3) for _ in range(3))
    with engine.begin() as conn:
        conn.execute(delete(store.setup_codes))
        conn.execute(insert(store.setup_codes).values(code_hash=_HASHER.hash(code),
                                                      created_at=datetime.now(UTC)))
    return code


def create_first_admin(engine: Engine, code: str, name: str, password: str) -> User:
    """The first admin, with the setup code from the console. Refused once an admin exists."""
    if admin_exists(engine):
        raise AccountError("Admin sudah ada; akun baru dibuat oleh admin.")
    with engine.connect() as conn:
        stored = conn.execute(select(store.setup_codes.c.code_hash)).scalars().all()
    if not any(_matches(h, (code or "").strip()) for h in stored):
        audit.record(engine, name, "login_failed", alasan="kode penyiapan salah")
        raise AccountError("Kode penyiapan salah. Lihat konsol server tempat aplikasi "
                           "dijalankan.")
    user = add_user(engine, name, "admin", password, by=name)
    with engine.begin() as conn:
        conn.execute(delete(store.setup_codes))
        audit.record(conn, name, "setup_admin")
    return user


def _matches(stored_hash: str, code: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False
