"""The app's settings: the only module that reads ``PETA_*`` environment variables.

Each setting is read when its function is called, never cached at import, so a changed
environment (a test's ``monkeypatch.setenv``, a restarted app) is seen at once. Every setting is
documented in README.md, in the Indonesian configuration table and in the English section
(tests/test_config.py checks both, and that nothing else reads a ``PETA_`` variable).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_DB = DATA_DIR / "peta.sqlite"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MIN_DEMO_HOUSEHOLDS = 100


def _read(name: str) -> str | None:
    """The variable's value, or None when it is unset or empty."""
    return os.environ.get(name) or None


def db_url() -> str:
    """``PETA_DB_URL``: the SQLAlchemy database URL (e.g. ``postgresql+psycopg://user@host/peta``).

    Default: the SQLite file ``data/peta.sqlite`` beside the project, created on first use."""
    return _read("PETA_DB_URL") or f"sqlite:///{DEFAULT_DB}"


def cache_dir() -> Path:
    """``PETA_CACHE_DIR``: the folder of the derived Parquet copy of each period's map and
    indicator columns: household id, area code, point and indicator values, never NIK, KK,
    name or address; id and point are still personal, so it is private (0700, files 0600).
    Safe to delete; rebuilt on use.

    Default: ``data/cache`` (git-ignored, like everything under data/)."""
    return Path(_read("PETA_CACHE_DIR") or DATA_DIR / "cache")


def dataset_dir() -> str:
    """``PETA_DATASET_DIR``: where periods imported with ``--storage dataset`` keep their
    households, as partitioned Parquet datasets (one folder per period, analytic and personal
    columns apart): a folder, or an fsspec URL (``file://``, ``s3://bucket/peta``, … with the
    matching fsspec package installed). Personal data: local folders are 0700, files 0600.

    Default: ``data/dataset`` (beside the cache, git-ignored)."""
    return _read("PETA_DATASET_DIR") or str(DATA_DIR / "dataset")


def tiles_url() -> str:
    """``PETA_TILES_URL``: the tile server of the optional basemap (the sidebar's "Peta dasar"
    switch; it stays off when the network does not answer).

    Default: OpenStreetMap (:data:`OSM_TILES`)."""
    return _read("PETA_TILES_URL") or OSM_TILES


@dataclass(frozen=True)
class DemoHouseholds:
    """The size of the first-run demo city, and the setting's text when it was not valid."""

    count: int
    rejected: str | None = None


def demo_households(default: int) -> DemoHouseholds:
    """``PETA_DEMO_HOUSEHOLDS``: the number of households of the fictional demo city built on the
    first start (a whole number, at least 100).

    Default: ``default`` (``geo.demo.DEFAULT_HOUSEHOLDS``, 60,000); an invalid value falls back
    to it and is returned as ``rejected`` so the app can say so."""
    setting = _read("PETA_DEMO_HOUSEHOLDS")
    if setting is None:
        return DemoHouseholds(default)
    if setting.isdigit() and int(setting) >= MIN_DEMO_HOUSEHOLDS:
        return DemoHouseholds(int(setting))
    return DemoHouseholds(default, rejected=setting)


def _positive_int(name: str, default: int) -> int:
    setting = _read(name)
    return int(setting) if setting and setting.isdigit() and int(setting) > 0 else default


def session_hours() -> int:
    """``PETA_SESSION_HOURS``: hours a login stays valid without logging in again.

    Default: 8 (a working day)."""
    return _positive_int("PETA_SESSION_HOURS", 8)


def lockout_attempts() -> int:
    """``PETA_LOCKOUT_ATTEMPTS``: wrong passwords in a row after which an account is locked.

    Default: 5."""
    return _positive_int("PETA_LOCKOUT_ATTEMPTS", 5)


def lockout_minutes() -> int:
    """``PETA_LOCKOUT_MINUTES``: how long a locked account stays locked.

    Default: 15."""
    return _positive_int("PETA_LOCKOUT_MINUTES", 15)


def small_count() -> int:
    """``PETA_SMALL_COUNT``: k, the smallest number of households shown as a number or drawn as
    a point cluster where small counts are hidden; counts 1..k-1 are written ``< k`` and no
    cluster of fewer than k households is drawn on the map (a whole number, at least 2).

    Default: 5."""
    setting = _read("PETA_SMALL_COUNT")
    return int(setting) if setting and setting.isdigit() and int(setting) >= 2 else 5


def max_field_kb() -> int:
    """``PETA_MAX_FIELD_KB``: the longest value of one CSV field (cell) read, in KB; a row with
    a longer field is quarantined with the reason (often a quotation mark left open).

    Default: 128 (Python's own CSV limit)."""
    return _positive_int("PETA_MAX_FIELD_KB", 128)


def zip_max_mb() -> int:
    """``PETA_ZIP_MAX_MB``: the largest total uncompressed size of a boundary archive (.zip,
    .kmz) in MB, checked from the archive's directory before anything is unpacked.

    Default: 1024."""
    return _positive_int("PETA_ZIP_MAX_MB", 1024)


def zip_max_files() -> int:
    """``PETA_ZIP_MAX_FILES``: the most members a boundary archive may hold.

    Default: 1000."""
    return _positive_int("PETA_ZIP_MAX_FILES", 1000)


def max_vertices_feature() -> int:
    """``PETA_MAX_VERTICES_FEATURE``: the most vertices one boundary feature may have; a file
    with a larger one is refused before any work (features over 5,000 vertices are simplified
    to 1 m before cleaning).

    Default: 2,000,000."""
    return _positive_int("PETA_MAX_VERTICES_FEATURE", 2_000_000)


def max_vertices_total() -> int:
    """``PETA_MAX_VERTICES_TOTAL``: the most vertices a boundary file may have in all.

    Default: 10,000,000."""
    return _positive_int("PETA_MAX_VERTICES_TOTAL", 10_000_000)
