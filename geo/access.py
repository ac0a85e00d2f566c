"""Who may see and do what: the one role and area check for every page, download and command.

Hiding a button is not access control: every page calls :func:`check` before it reads data,
every download before it builds its file, every command before it runs. A refusal raises
:class:`AccessDenied` with an Indonesian message and is written to the audit trail by the
caller that shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from geo.accounts import ROLES, User
from geo.filters import DESIL_MAX, DESIL_MIN, Filters

# What can be asked for: the pages, then actions inside pages.
PAGES: dict[str, str] = {
    "peta": "Peta",
    "ringkasan": "Ringkasan",
    "data": "Data",
    "cakupan": "Cakupan & ketepatan sasaran",
    "lintas_opd": "Kesenjangan lintas OPD",
    "prioritas": "Prioritas Musrenbang",
    "kualitas_data": "Kualitas data",
    "rujukan": "Rujukan SLRT",
    "pengguna": "Pengguna",
    "audit": "Jejak audit",
    "usulan": "Usulan Musrenbang",
}
ACTIONS: dict[str, str] = {
    "import": "mengimpor data",
    "delete_period": "menghapus satu periode data",
    "household_list": "melihat daftar rumah tangga (NIK disamarkan)",
    "household_list_download": "mengunduh daftar rumah tangga",
    "reveal_nik": "membuka satu NIK lengkap",
    "download": "mengunduh tabel agregat",
    "unsuppressed": "melihat angka kecil tanpa disembunyikan",
    "manage_users": "mengelola pengguna",
    "view_audit": "melihat jejak audit",
    "database_path": "melihat lokasi basis data",
    "usulan_import": "mengimpor atau memasukkan usulan Musrenbang",
    "usulan_decide": "memutuskan usulan (diterima/ditolak)",
    "kamus_edit": "mengubah kamus usulan",
    "select_households": "memilih rumah tangga yang dihitung (filter desil, program atau "
                         "kelompok rentan; pengaturan definisi)",
}

_MAPS = {"peta", "ringkasan", "cakupan", "lintas_opd", "prioritas", "rujukan"}
ALLOWED: dict[str, frozenset[str]] = {
    "admin": frozenset(PAGES) | frozenset(ACTIONS),
    "operator": frozenset({"data", "kualitas_data", "cakupan", "ringkasan", "import",
                           "delete_period", "household_list", "select_households",
                           "household_list_download", "reveal_nik", "download",
                           "unsuppressed", "rujukan", "usulan", "usulan_import"}),
    "perencana": frozenset(_MAPS | {"household_list", "download", "unsuppressed", "usulan",
                                    "usulan_decide", "select_households"}),
    "pimpinan": frozenset(_MAPS | {"download", "usulan", "select_households"}),
    # A forum's screen is read by the public, and small counts hidden on it must stay hidden
    # across choices too: a kelurahan's count under desil 1-10 minus its count under desil
    # 5-10 (with and without a program; RTLH at 9,0 m² minus at 7,2 m²) gives back by
    # subtraction a count one table hides as "< 5". Areas cannot do that (a kelurahan is
    # counted whole in every view), so a forum filters by area only (scope_filters) and
    # counts by the default definitions (ui.planning); its indicators still cover desil 1
    # and 1-4.
    "forum": frozenset(_MAPS | {"download", "usulan"}),
}
ALWAYS_SUPPRESSED = frozenset({"pimpinan", "forum"})
# The page a role opens first (the others open the first page they may see).
HOME_PAGE: dict[str, str] = {"pimpinan": "ringkasan"}
assert set(ALLOWED) == set(ROLES), "every role needs its rights"

# While the database holds only the fictional demo, the app opens without login: a visitor
# sees every page of made-up data, but importing (the first real data) needs an admin, made
# with the setup code the server prints on its console; users and audit stay admin-only.
DEMO_ROLE = "tamu"
ALLOWED[DEMO_ROLE] = frozenset(PAGES) - {"pengguna", "audit"} | {
    "household_list", "household_list_download", "download", "unsuppressed",
    "usulan_decide", "select_households"}
DEMO_VISITOR = User("tamu (data contoh)", DEMO_ROLE)


class AccessDenied(Exception):
    """Refused; the message is Indonesian and safe to show."""


def allowed(user: User | None, what: str) -> bool:
    if what not in PAGES and what not in ACTIONS:
        raise ValueError(f"unknown page or action {what!r}")
    return user is not None and not user.disabled and what in ALLOWED.get(user.role, ())


def home_page(user: User | None) -> str | None:
    """The page the user's role opens first, if it has one of its own."""
    return HOME_PAGE.get(user.role) if user is not None else None


def check(user: User | None, what: str) -> None:
    """Raise :class:`AccessDenied` unless ``user`` may see the page or do the action."""
    if allowed(user, what):
        return
    if user is None:
        raise AccessDenied("Silakan masuk dulu (nama pengguna dan kata sandi).")
    thing = f"membuka halaman {PAGES[what]}" if what in PAGES else ACTIONS[what]
    raise AccessDenied(f"Peran {user.role} tidak diizinkan {thing}. Hubungi admin bila Anda "
                       "memerlukannya.")


def may_select_households(user: User | None) -> bool:
    """Whether the user may choose which households are counted (desil, program and group
    filters; the definitions): every role but a forum's (see ``ALLOWED``). ``None`` (the
    server's administrator on the command line) may."""
    return user is None or allowed(user, "select_households")


def must_suppress(user: User | None, asked: bool = True) -> bool:
    """Whether small counts are hidden: always for pimpinan and forum (and visitors), as asked
    for the others."""
    if user is None or user.role in ALWAYS_SUPPRESSED or not allowed(user, "unsuppressed"):
        return True
    return asked


def allowed_kelurahan(user: User | None, kelurahan: Iterable[str],
                      parent_of: dict[str, str]) -> set[str]:
    """The kelurahan codes (of ``kelurahan``) the user's area scope covers; all of them for an
    unscoped user. ``parent_of`` maps a kelurahan code to its kecamatan code."""
    codes = set(kelurahan)
    if user is None or not user.areas:
        return codes
    scope = set(user.areas)
    return {k for k in codes if k in scope or parent_of.get(k) in scope}


def scope_filters(user: User | None, filters: Filters, kelurahan: Iterable[str],
                  parent_of: dict[str, str]) -> Filters:
    """``filters`` as the user may apply them: without desil, program and group for a role
    that filters by area only (``select_households``), and forced into the user's area: the
    chosen kelurahan that lie in it, or, when none is chosen, every kelurahan of it (of the
    chosen kecamatan, if any). ``None`` (the server's administrator on the command line) gets
    ``filters`` back unchanged."""
    if not may_select_households(user):
        filters = area_only(filters)
    if user is None or not user.areas:
        return filters
    inside = allowed_kelurahan(user, kelurahan, parent_of)
    chosen = set(filters.kelurahan) & inside
    if not chosen:
        chosen = {k for k in inside if not filters.kecamatan
                  or parent_of.get(k) in set(filters.kecamatan)} or inside
    kecamatan = tuple(k for k in filters.kecamatan if k in {parent_of.get(c) for c in inside})
    return replace(filters, kecamatan=kecamatan, kelurahan=tuple(sorted(chosen)))


def area_only(filters: Filters) -> Filters:
    """``filters`` without their household part: every desil, no program, no group."""
    return replace(filters, desil_min=DESIL_MIN, desil_max=DESIL_MAX, programs=(),
                   vulnerable=())


def rows_in_scope(user: User | None, codes: Iterable[str], level: str,
                  parent_of: dict[str, str]) -> list[bool]:
    """Which rows of a table per ``level`` (``codes``) lie in the user's area; every row for
    an unscoped user. A scoped user sees no level above kecamatan (a city total would count
    households outside the area)."""
    codes = list(codes)
    if user is None or not user.areas:
        return [True] * len(codes)
    kelurahan = allowed_kelurahan(user, parent_of, parent_of)
    if level == "kelurahan":
        return [c in kelurahan for c in codes]
    if level == "kecamatan":
        kecamatan = {parent_of.get(k) for k in kelurahan}
        return [c in kecamatan for c in codes]
    return [False] * len(codes)
