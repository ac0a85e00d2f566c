"""Every role × every page through the app's own check (the page script run inside the frame,
as a direct URL would run it, not only hidden in the navigation), the downloads each role gets,
the forum's suppressed numbers and a kecamatan-scoped planner's area, on real (not demo) data."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import accounts, store
from tests.access_fixtures import PASSWORD, real_city
from tests.backends import BACKENDS, pg_database
from tests.test_access import EXPECTED
from tests.test_pages_planning import sidebar_and_page

PROJECT = Path(__file__).resolve().parent.parent
PAGES = ("peta", "ringkasan", "data", "cakupan", "lintas_opd", "prioritas", "kualitas_data",
         "pengguna", "audit", "usulan", "rujukan")


@pytest.fixture(scope="module", params=BACKENDS)
def real_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[str, dict]:
    """The city with real data and an account per role, on SQLite and on PostgreSQL
    (tests/backends.py): every test of this module runs on both."""
    if request.param == "postgresql":
        with pg_database() as url:
            yield url, real_city(url)
        return
    path = tmp_path_factory.mktemp("access") / "real.sqlite"
    yield f"sqlite:///{path}", real_city(path)


@pytest.fixture
def open_as(real_db, monkeypatch):  # noqa: ANN001, ANN201
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.apptest import MAP_TABLE
    from ui.auth import SESSION_KEY

    url, _ = real_db
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.chdir(PROJECT)

    def run(user: str | None, page: str, link: dict[str, str] | None = None,
            state: dict | None = None) -> AppTest:
        st.cache_data.clear()
        st.cache_resource.clear()
        monkeypatch.setenv("PETA_TEST_PAGE", str(PROJECT / "pages" / f"{page}.py"))
        at = AppTest.from_function(sidebar_and_page, default_timeout=120)
        for key, value in (link or {}).items():  # the page opened from a copied link
            at.query_params[key] = value
        for key, value in (state or {}).items():  # choices made earlier in the session
            at.session_state[key] = value
        at.session_state[MAP_TABLE] = True  # the map page's table, shown on request
        if user:
            engine = store.get_engine()
            at.session_state[SESSION_KEY] = accounts.login(engine, user, PASSWORD)[1]
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield run
    st.cache_data.clear()
    st.cache_resource.clear()


def refused(at) -> bool:  # noqa: ANN001
    return any("tidak diizinkan" in e.value for e in at.error)


def test_not_logged_in_every_page_shows_only_the_login_form(open_as):
    for page in PAGES:
        at = open_as(None, page)
        assert [t.label for t in at.text_input] == ["Nama pengguna", "Kata sandi"]
        assert not at.metric and not at.dataframe  # no number of real data
        assert [b.label for b in at.button] == ["Masuk"]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_opens_its_pages_and_is_refused_the_others(open_as, role):
    for page in PAGES:
        at = open_as(role, page)
        if page in EXPECTED[role]:
            assert not refused(at), (role, page)
            assert at.title
        else:
            assert refused(at), (role, page)
            assert not at.dataframe and not at.metric, (role, page)


def test_forum_sees_small_counts_hidden_and_no_household_list(open_as):
    at = open_as("forum", "cakupan")
    assert "Daftar verifikasi" not in at.radio(key="cak_view").options
    assert not [t for t in at.toggle if t.key == "cak_hide"]  # not offered: always hidden
    assert any("selalu disembunyikan" in c.value for c in at.caption)
    at = open_as("forum", "lintas_opd")
    matrix = next(d.value for d in at.dataframe if "≥ 2 OPD" in d.value.columns)
    assert (matrix.astype(str) == "< 5").any().any()


def test_a_forum_filters_by_area_only_even_from_a_link(open_as):
    """Two household filters would give back by subtraction a count hidden as "< 5"."""
    link = {"desil": "1-4", "program": "pkh", "rentan": "lansia"}
    planner, planner_linked = open_as("perencana", "peta"), open_as("perencana", "peta", link)
    assert not planner.dataframe[-1].value.equals(planner_linked.dataframe[-1].value)
    forum, forum_linked = open_as("forum", "peta"), open_as("forum", "peta", link)
    # the link's household part is dropped: the same table as without it
    assert forum.dataframe[-1].value.equals(forum_linked.dataframe[-1].value)
    assert not {"desil", "program", "rentan"} & set(forum_linked.query_params)
    for at in (forum, forum_linked):
        assert not [w for w in (*at.slider, *at.multiselect)
                    if w.key in ("f_desil", "f_program", "f_rentan")]
        assert any("memfilter menurut wilayah saja" in c.value for c in at.sidebar.caption)
    keys = {w.key for w in (*planner.slider, *planner.multiselect)}
    assert {"f_desil", "f_program", "f_rentan"} <= keys


def test_a_forum_counts_by_the_default_definitions(open_as):
    """RTLH at 9,0 m² minus RTLH at 7,2 m² would give back a count hidden as "< 5"."""
    from ui.planning import DEFAULTS_ONLY_NOTE

    link = {"indikator": "rtlh"}
    wider = {"_planning_settings": {"ps_rtlh": 9.0, "ps_pbi": 4, "ps_bottled": True,
                                    "ps_known": 0.5}}
    planner = open_as("perencana", "peta", link)
    assert not planner.dataframe[-1].value.equals(
        open_as("perencana", "peta", link, wider).dataframe[-1].value)
    forum = open_as("forum", "peta", link)
    assert forum.dataframe[-1].value.equals(
        open_as("forum", "peta", link, wider).dataframe[-1].value)
    assert not [w for w in forum.selectbox if w.key == "ps_rtlh"]
    assert [w for w in planner.selectbox if w.key == "ps_rtlh"]
    assert any(DEFAULTS_ONLY_NOTE in c.value for c in forum.caption)


def test_usulan_without_proposals_says_so_instead_of_an_empty_table(open_as):
    from ui.proposals import NO_PROPOSALS

    at = open_as("forum", "usulan")  # this city has no proposals imported
    assert [i.value for i in at.info] == [NO_PROPOSALS]
    assert not [d for d in at.dataframe if "Skor" in d.value.columns]


def test_downloads_follow_the_role(open_as):
    def labels(at) -> set[str]:  # noqa: ANN001
        return {e.proto.label for e in at.get("download_button")}

    assert {"Excel", "CSV (Excel)", "CSV (mesin)", "GeoPackage", "GeoJSON"} <= labels(
        open_as("perencana", "peta"))
    at = open_as("perencana", "cakupan")
    at.radio(key="cak_view").set_value("Daftar verifikasi").run()
    assert "Unduh daftar verifikasi (Excel)" not in labels(at)  # masked list: view only
    at = open_as("operator", "cakupan")
    at.radio(key="cak_view").set_value("Daftar verifikasi").run()
    assert "Unduh daftar verifikasi (Excel)" in labels(at)


def test_a_kecamatan_planner_sees_only_that_kecamatan(open_as, real_db):
    _, info = real_db
    at = open_as("camat", "peta")
    table = at.dataframe[-1].value  # the table behind the map (and the CSV/Excel export)
    assert len(table) and set(table["kode"].str[:8]) == {info["kecamatan"]}
    at = open_as("camat", "prioritas")
    ranked = [d.value for d in at.dataframe if "Peringkat" in d.value.columns][-1]
    kel_in_kec = info["kelurahan"].loc[info["kelurahan"]["kode_kec"] == info["kecamatan"],
                                       "nama_kel"]
    assert set(ranked["Kelurahan"]) <= set(kel_in_kec)


def test_household_list_views_are_written_to_the_audit_trail(open_as):
    from geo import audit

    at = open_as("operator", "cakupan")
    at.radio(key="cak_view").set_value("Daftar verifikasi").run()
    trail = audit.entries(store.get_engine(), user="operator", action="household_list")
    assert len(trail) >= 1 and "verifikasi" in trail["rincian"].iat[-1]


def test_an_operator_reveals_one_nik_explicitly_and_it_is_recorded(open_as):
    from geo import audit

    at = open_as("operator", "cakupan")
    at.radio(key="cak_view").set_value("Daftar verifikasi").run()
    listing = next(d.value for d in at.dataframe if "NIK KRT (disamarkan)" in d.value.columns)
    assert listing["NIK KRT (disamarkan)"].str.contains(r"\*").all()
    at.button(key="cak_reveal").click().run()
    assert not at.exception
    shown = at.code[0].value
    assert "NIK KRT:" in shown and "*" not in shown
    trail = audit.entries(store.get_engine(), user="operator", action="nik_revealed")
    assert len(trail) == 1 and shown.split("NIK KRT: ")[1][:16] not in trail["rincian"].iat[0]
    at = open_as("perencana", "cakupan")
    at.radio(key="cak_view").set_value("Daftar verifikasi").run()
    assert not [b for b in at.button if b.key == "cak_reveal"]  # planners see masked only


def test_the_users_page_refuses_a_bad_account_with_a_message_and_adds_nothing(open_as):
    at = open_as("admin", "pengguna")
    before = len(accounts.list_users(store.get_engine()))
    at.text_input[0].input("baru")
    at.text_input[1].input("Kota Serang")  # not a Kemendagri code
    at.text_input[2].input("sandi-baru-123")
    at.button[0].click().run()
    assert any("bukan kode kecamatan" in e.value for e in at.error)
    assert len(accounts.list_users(store.get_engine())) == before


def test_the_overview_made_for_one_account_is_never_shown_to_another(open_as):
    """Ringkasan's overview is kept per period and account (a rerun reads it): the city's,
    made first for a planner, is not what the kecamatan planner gets next, nor the reverse."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import MAP_TABLE
    from ui.auth import SESSION_KEY

    open_as("perencana", "ringkasan")  # a fresh cache, then none cleared below
    captions = {}
    for user in ("perencana", "camat", "perencana"):
        at = AppTest.from_function(sidebar_and_page, default_timeout=120)
        at.session_state[MAP_TABLE] = True
        at.session_state[SESSION_KEY] = accounts.login(store.get_engine(), user, PASSWORD)[1]
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        captions.setdefault(user, []).append(next(c.value for c in at.caption
                                                  if "**" in c.value))
    city, camat = captions["perencana"][0], captions["camat"][0]
    assert "wilayah" in camat and camat != city and captions["perencana"] == [city, city]
