"""Shared fixtures: a small demo database built through the real import path, and an app
environment pointing Streamlit at it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.backends import (
    BACKENDS,
    create_database,
    database_name,
    drop_database,
    forget_engine,
    pg_database,
)

DEMO_HOUSEHOLDS = 3_000
DEMO_SEED = 7


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Snapshot caches (geo.snapshot_cache) of test databases go to a temp folder, not data/."""
    import os

    folder = tmp_path_factory.mktemp("snapshot_cache")
    old = os.environ.get("PETA_CACHE_DIR")
    os.environ["PETA_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("PETA_CACHE_DIR", None)
    else:
        os.environ["PETA_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo city (3.000 households), imported like a user's files."""
    from geo import store
    from geo.demo import load_demo

    folder = tmp_path_factory.mktemp("demo_db")
    path = folder / "demo.sqlite"
    engine = store.get_engine(f"sqlite:///{path}")
    load_demo(engine, n=DEMO_HOUSEHOLDS, seed=DEMO_SEED, out_dir=folder / "files")
    engine.dispose()
    return path


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of modules marked ``both_backends`` run on SQLite and on PostgreSQL
    (tests/backends.py)."""
    if "backend" in metafunc.fixturenames and \
            metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of the test: ``sqlite`` unless its module is ``both_backends``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> str:
    """The URL of an empty database private to the test, on the test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'peta.sqlite'}"
        return
    with pg_database() as url:
        yield url


@pytest.fixture
def pg_db_url() -> str:
    """An empty PostgreSQL database private to the test, whatever the module's backends (for
    tests of what only PostgreSQL does); skips without PETA_TEST_PG_URL, fails under CI."""
    with pg_database() as url:
        yield url


@pytest.fixture
def engine(db_url: str):
    """An empty database of the product's schema, private to the test."""
    from geo import store

    eng = store.get_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def pg_demo_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL database holding the demo city, built once like demo_db_path; tests get
    copies of it (demo_db_url)."""
    from geo import store
    from geo.demo import load_demo

    url = create_database()
    try:
        load_demo(store.get_engine(url), n=DEMO_HOUSEHOLDS, seed=DEMO_SEED,
                  out_dir=tmp_path_factory.mktemp("pg_demo") / "files")
        forget_engine(url)  # a template database must have no connection open
        yield database_name(url)
    finally:
        drop_database(url)


@pytest.fixture
def demo_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A private copy of the demo database (tests may change it)."""
    if backend == "postgresql":
        with pg_database(request.getfixturevalue("pg_demo_template")) as url:
            yield url
        return
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(request.getfixturevalue("demo_db_path"), copy)
    yield f"sqlite:///{copy}"


@pytest.fixture
def app_env(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a private demo database and start with empty Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("PETA_DB_URL", demo_db_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_db_url
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheapest parameters in tests (the same algorithm; the app keeps the
    library's defaults), so hundreds of logins do not cost minutes."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from geo import accounts

    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher.from_parameters(CHEAPEST))
