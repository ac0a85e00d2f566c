"""Every page runs under AppTest without an exception, on the demo and on an empty database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import store

PROJECT = Path(__file__).resolve().parent.parent
APP = str(PROJECT / "app.py")
PAGES = sorted(f"pages/{p.name}" for p in (PROJECT / "pages").glob("*.py"))
pytestmark = pytest.mark.both_backends  # the `app_env` tests run on SQLite and PostgreSQL


ADMIN_PAGES = {"pages/pengguna.py", "pages/audit.py"}  # not open to the demo visitor


def admin_token() -> str:
    """Log in as a (new) admin of the current database; the session token for AppTest."""
    from geo import accounts

    engine = store.get_engine()
    if not accounts.admin_exists(engine):
        accounts.add_user(engine, "admin", "admin", "sandi-admin-1")
    return accounts.login(engine, "admin", "sandi-admin-1")[1]


def _run_page(page: str) -> AppTest:
    from ui.auth import SESSION_KEY

    at = AppTest.from_file(APP, default_timeout=120)
    if page in ADMIN_PAGES:
        at.session_state[SESSION_KEY] = admin_token()
    at.run()
    if page != "pages/peta.py":
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_demo_data(page, app_env):
    at = _run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"


def test_first_start_on_empty_database_builds_the_demo(db_url, tmp_path, monkeypatch):
    import streamlit as st

    url = db_url
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_DEMO_HOUSEHOLDS", "1200")
    monkeypatch.setattr("geo.demo.DATA_DIR", tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    snap = store.snapshot_for(store.get_engine(url))
    assert snap is not None and snap["is_demo"] and snap["rows_read"] == 1200
    assert any("fiktif" in c.value for c in at.caption)  # the demo is labelled as fiction
    st.cache_data.clear()
    st.cache_resource.clear()


def test_bad_demo_size_setting_falls_back_with_a_warning(tmp_path, monkeypatch):
    import streamlit as st

    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    monkeypatch.setenv("PETA_DEMO_HOUSEHOLDS", "banyak")
    monkeypatch.setattr("geo.demo.DATA_DIR", tmp_path)
    monkeypatch.setattr("geo.demo.DEFAULT_HOUSEHOLDS", 1_000)  # keep the test small
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("PETA_DEMO_HOUSEHOLDS" in w.value for w in at.warning)
    snap = store.snapshot_for(store.get_engine(url))
    assert snap["is_demo"] and snap["rows_read"] == 1_000
    st.cache_data.clear()
    st.cache_resource.clear()


def test_garbage_in_a_shared_link_is_ignored(app_env):
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"periode": "1999-99", "indikator": "<script>x</script>",
                       "tingkat": "planet", "kelas": "';drop", "jumlah_kelas": "99",
                       "desil": "9-1", "kec": "zz", "program": "semua,,", "rentan": "?"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["p_ind"] == "miskin" and at.session_state["p_level"] == "kelurahan"


def test_pages_warn_when_most_households_are_unlinked(app_env, tmp_path):
    """After boundaries of another area, the map says why it is empty instead of showing 0."""
    from geo.boundaries import import_boundaries
    from geo.demo import build_city
    from tests.boundary_files import another_area
    from tests.conftest import DEMO_SEED

    kel, _ = build_city(DEMO_SEED)
    path = tmp_path / "kota_lain.geojson"
    another_area(kel).to_file(path, driver="GeoJSON")
    import_boundaries(store.get_engine(app_env), path)
    at = _run_page("pages/peta.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("rumah tangga tidak tertaut ke kelurahan/desa mana pun" in w.value
               for w in at.warning)


def test_pages_do_not_warn_on_the_demo(app_env):
    at = _run_page("pages/peta.py")
    assert not any("tidak tertaut" in w.value for w in at.warning)


def test_on_the_demo_the_data_page_asks_for_the_setup_code_to_make_the_first_admin(app_env):
    from geo import accounts, audit

    at = _run_page("pages/data.py")
    assert not at.exception, [e.value for e in at.exception]
    labels = [t.label for t in at.text_input]
    assert labels[:3] == ["Kode penyiapan", "Nama pengguna", "Kata sandi"]
    assert not [u for u in at.get("file_uploader")]  # no import before an admin exists
    engine = store.get_engine()
    at.text_input[0].input("salah-kode")
    at.text_input[1].input("ani")
    at.text_input[2].input("sandi-ani-123")
    at.button[0].click().run()
    assert any("Kode penyiapan salah" in e.value for e in at.error)
    assert not accounts.admin_exists(engine)
    code = accounts.issue_setup_code(engine)  # what the console printed, anew
    at.text_input[0].input(code)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert accounts.admin_exists(engine)
    assert "setup_admin" in audit.entries(engine)["tindakan"].tolist()
    assert at.get("file_uploader")  # the admin is logged in and may import
