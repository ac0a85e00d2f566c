"""geo.access: the one role check, its refusals, suppression for forum and leadership, and the
area scope."""

from __future__ import annotations

import pytest

from geo import access
from geo.access import AccessDenied
from geo.accounts import User

EXPECTED = {  # role -> pages it may open (household lists and imports checked below)
    "admin": {"peta", "ringkasan", "data", "cakupan", "lintas_opd", "prioritas",
              "kualitas_data", "pengguna", "audit", "rujukan", "usulan"},
    "operator": {"data", "kualitas_data", "cakupan", "ringkasan", "rujukan", "usulan"},
    "perencana": {"peta", "ringkasan", "cakupan", "lintas_opd", "prioritas", "rujukan",
                  "usulan"},
    "pimpinan": {"peta", "ringkasan", "cakupan", "lintas_opd", "prioritas", "rujukan",
                 "usulan"},
    "forum": {"peta", "ringkasan", "cakupan", "lintas_opd", "prioritas", "rujukan", "usulan"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_opens_its_pages_and_is_refused_the_others(role):
    user = User("u", role)
    for page in access.PAGES:
        if page in EXPECTED[role]:
            access.check(user, page)
        else:
            with pytest.raises(AccessDenied, match=f"Peran {role} tidak diizinkan"):
                access.check(user, page)


@pytest.mark.parametrize("role, lists, downloads, imports, reveal", [
    ("admin", True, True, True, True),
    ("operator", True, True, True, True),
    ("perencana", True, False, False, False),
    ("pimpinan", False, False, False, False),
    ("forum", False, False, False, False),
])
def test_household_lists_imports_and_nik(role, lists, downloads, imports, reveal):
    user = User("u", role)
    assert access.allowed(user, "household_list") is lists
    assert access.allowed(user, "household_list_download") is downloads
    assert access.allowed(user, "import") is imports
    assert access.allowed(user, "reveal_nik") is reveal


def test_nobody_and_disabled_accounts_are_refused_everything():
    with pytest.raises(AccessDenied, match="masuk dulu"):
        access.check(None, "peta")
    gone = User("u", "admin", disabled=True)
    assert not any(access.allowed(gone, w) for w in [*access.PAGES, *access.ACTIONS])


def test_forum_and_leadership_always_get_small_counts_hidden():
    assert access.must_suppress(User("u", "forum"), asked=False)
    assert access.must_suppress(User("u", "pimpinan"), asked=False)
    assert not access.must_suppress(User("u", "perencana"), asked=False)
    assert access.must_suppress(User("u", "perencana"), asked=True)
    assert access.must_suppress(None, asked=False)


def test_area_scope_keeps_the_kelurahan_of_the_users_kecamatan_or_kelurahan():
    parent = {"36.73.01.1001": "36.73.01", "36.73.01.1002": "36.73.01",
              "36.73.02.1001": "36.73.02"}
    everyone = access.allowed_kelurahan(User("u", "perencana"), parent, parent)
    assert everyone == set(parent)
    camat = User("u", "perencana", areas=("36.73.01",))
    assert access.allowed_kelurahan(camat, parent, parent) == {"36.73.01.1001",
                                                               "36.73.01.1002"}
    lurah = User("u", "perencana", areas=("36.73.02.1001",))
    assert access.allowed_kelurahan(lurah, parent, parent) == {"36.73.02.1001"}


def test_a_scoped_users_filters_are_forced_into_their_area():
    from geo.filters import Filters

    parent = {"36.73.01.1001": "36.73.01", "36.73.01.1002": "36.73.01",
              "36.73.02.1001": "36.73.02"}
    camat = User("u", "perencana", areas=("36.73.01",))
    forced = access.scope_filters(camat, Filters(), parent, parent)
    assert forced.kelurahan == ("36.73.01.1001", "36.73.01.1002")
    other = access.scope_filters(camat, Filters(kelurahan=("36.73.02.1001",)), parent, parent)
    assert other.kelurahan == ("36.73.01.1001", "36.73.01.1002")  # never another area
    one = access.scope_filters(camat, Filters(kelurahan=("36.73.01.1002",), desil_max=4),
                               parent, parent)
    assert one.kelurahan == ("36.73.01.1002",) and one.desil_max == 4
    unscoped = User("u", "perencana")
    assert access.scope_filters(unscoped, Filters(), parent, parent) == Filters()


@pytest.mark.parametrize("role, household", [
    ("admin", True), ("operator", True), ("perencana", True), ("pimpinan", True),
    ("forum", False), (access.DEMO_ROLE, True),
])
def test_a_forum_filters_by_area_only(role, household):
    from geo.filters import Filters

    parent = {"36.73.01.1001": "36.73.01", "36.73.02.1001": "36.73.02"}
    asked = Filters(kecamatan=("36.73.01",), desil_min=1, desil_max=4,
                    programs=("penerima_pkh",), vulnerable=("jumlah_lansia",))
    user = User("u", role)
    assert access.allowed(user, "select_households") is household
    got = access.scope_filters(user, asked, parent, parent)
    assert got == (asked if household else Filters(kecamatan=("36.73.01",)))
    scoped = access.scope_filters(User("u", role, areas=("36.73.01",)), asked, parent, parent)
    assert scoped.kelurahan == ("36.73.01.1001",) and scoped.programs == asked.programs[
        :1 if household else 0]
    assert access.scope_filters(None, asked, parent, parent) == asked  # the server's admin


def test_the_demo_visitor_sees_the_fictional_data_but_cannot_import():
    visitor = access.DEMO_VISITOR
    assert access.allowed(visitor, "peta") and access.allowed(visitor, "data")
    assert not access.allowed(visitor, "import") and not access.allowed(visitor, "reveal_nik")
    assert not access.allowed(visitor, "pengguna") and not access.allowed(visitor, "audit")


def test_leadership_opens_the_overview_first_the_others_their_first_page():
    assert access.home_page(User("u", "pimpinan")) == "ringkasan"
    assert access.home_page(User("u", "perencana")) is None
    assert access.home_page(None) is None


@pytest.mark.parametrize("role,decide,imports", [
    ("admin", True, True), ("perencana", True, False), ("operator", False, True),
    ("forum", False, False), ("pimpinan", False, False)])
def test_who_decides_and_who_imports_proposals(role, decide, imports):
    user = User("u", role)
    assert access.allowed(user, "usulan_decide") is decide
    assert access.allowed(user, "usulan_import") is imports
    assert access.allowed(user, "kamus_edit") is (role == "admin")
