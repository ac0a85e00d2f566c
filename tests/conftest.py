"""Shared fixtures: a small demo database built through the real import path, and an app
environment pointing Streamlit at it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def engine(tmp_path: Path):
    """An empty database of the product's schema, private to the test."""
    from geo import store

    eng = store.get_engine(f"sqlite:///{tmp_path / 'peta.sqlite'}")
    yield eng
    eng.dispose()


@pytest.fixture
def demo_db_url(demo_db_path: Path, tmp_path: Path) -> str:
    """A private copy of the demo database (tests may change it)."""
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, copy)
    return f"sqlite:///{copy}"


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
