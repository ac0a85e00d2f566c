"""Settings: read only in geo/config.py, read at call time, every one documented in README.md
(the Indonesian configuration table and the English section)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from geo import config

PROJECT = Path(__file__).resolve().parent.parent
CONFIG = PROJECT / "geo" / "config.py"
README = PROJECT / "README.md"
SETTING = re.compile(r"\bPETA_[A-Z0-9_]+\b")
# tests/ and bench/ set variables for the code under test; data/ and static/ hold no code
NOT_SCANNED = {"tests", "bench", "data", "static", ".venv", "venv"}


def settings_in_config() -> set[str]:
    return set(SETTING.findall(CONFIG.read_text(encoding="utf-8")))


def readme_sections() -> tuple[str, str]:
    """The Indonesian configuration table's rows, and the English section."""
    text = README.read_text(encoding="utf-8")
    indonesian = text.split("## Konfigurasi", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in indonesian.splitlines() if line.startswith("|"))
    english = text.split("## English", 1)[1]
    return table, english


def environment_reads(source: str) -> list[tuple[int, str]]:
    """(line, name) of every ``os.environ``/``os.getenv`` use naming a ``PETA_`` variable:
    ``os.environ.get("PETA_X")``, ``os.environ["PETA_X"]``, ``os.getenv("PETA_X")``,
    ``"PETA_X" in os.environ``, also through ``from os import environ, getenv``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call | ast.Subscript | ast.Compare):
            continue
        parts = list(ast.walk(node))
        touches_env = any(
            (isinstance(p, ast.Attribute) and p.attr in {"environ", "getenv"})
            or (isinstance(p, ast.Name) and p.id in {"environ", "getenv"}) for p in parts)
        names = [p.value for p in parts if isinstance(p, ast.Constant)
                 and isinstance(p.value, str) and p.value.startswith("PETA_")]
        if touches_env and names:
            found += [(node.lineno, name) for name in names]
    return found


def python_files() -> list[Path]:
    return [path for path in PROJECT.rglob("*.py")
            if not NOT_SCANNED & set(path.relative_to(PROJECT).parts[:-1])
            and not any(part.startswith(".") for part in path.relative_to(PROJECT).parts)]


def test_config_has_the_known_settings():
    assert {"PETA_DB_URL", "PETA_DEMO_HOUSEHOLDS", "PETA_CACHE_DIR",
            "PETA_TILES_URL"} <= settings_in_config()


@pytest.mark.parametrize("name", sorted(settings_in_config()))
def test_every_setting_is_documented_in_both_languages(name):
    table, english = readme_sections()
    assert re.search(rf"^\| `{name}` \|", table, re.MULTILINE), (
        f"{name} is read in geo/config.py but has no row in README.md's table under "
        "'## Konfigurasi'")
    assert f"`{name}`" in english, (
        f"{name} is read in geo/config.py but not named in README.md's English section")


def test_no_setting_is_documented_that_config_does_not_read():
    table, english = readme_sections()
    assert set(SETTING.findall(table)) | set(SETTING.findall(english)) <= settings_in_config()


def test_only_config_reads_peta_variables():
    files = python_files()
    assert PROJECT / "app.py" in files and PROJECT / "geo" / "store.py" in files
    readers = {str(path.relative_to(PROJECT)): reads for path in files if path != CONFIG
               if (reads := environment_reads(path.read_text(encoding="utf-8")))}
    assert not readers, f"read PETA_ settings through geo.config instead: {readers}"


@pytest.mark.parametrize("source", [
    'import os\nurl = os.environ.get("PETA_DB_URL")',
    'import os\nurl = os.environ["PETA_DB_URL"]',
    'import os\nurl = os.getenv("PETA_DB_URL", "x")',
    'from os import environ\nurl = environ.get("PETA_DB_URL") or "x"',
    'import os\nif "PETA_DB_URL" in os.environ:\n    pass',
])
def test_the_reader_scan_finds_every_form(source):
    assert [name for _, name in environment_reads(source)] == ["PETA_DB_URL"]


def test_the_reader_scan_ignores_other_variables_and_messages():
    source = ('import os\nci = os.environ.get("CI")\n'
              'text = f"PETA_DEMO_HOUSEHOLDS={1!r} bukan jumlah yang sah"\n')
    assert environment_reads(source) == []


def test_settings_are_read_at_call_time(monkeypatch, tmp_path):
    monkeypatch.delenv("PETA_DB_URL", raising=False)
    monkeypatch.delenv("PETA_CACHE_DIR", raising=False)
    monkeypatch.delenv("PETA_TILES_URL", raising=False)
    assert config.db_url() == f"sqlite:///{config.DATA_DIR / 'peta.sqlite'}"
    assert config.cache_dir() == config.DATA_DIR / "cache"
    assert config.tiles_url() == config.OSM_TILES
    monkeypatch.setenv("PETA_DB_URL", "postgresql+psycopg://u@h/peta")
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PETA_TILES_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")
    assert config.db_url() == "postgresql+psycopg://u@h/peta"
    assert config.cache_dir() == tmp_path
    assert config.tiles_url() == "http://127.0.0.1:9/{z}/{x}/{y}.png"


@pytest.mark.parametrize(("setting", "count", "rejected"), [
    (None, 60_000, None),
    ("1200", 1200, None),
    ("100", 100, None),
    ("99", 60_000, "99"),
    ("banyak", 60_000, "banyak"),
    ("-5", 60_000, "-5"),
])
def test_demo_households(monkeypatch, setting, count, rejected):
    if setting is None:
        monkeypatch.delenv("PETA_DEMO_HOUSEHOLDS", raising=False)
    else:
        monkeypatch.setenv("PETA_DEMO_HOUSEHOLDS", setting)
    assert config.demo_households(60_000) == config.DemoHouseholds(count, rejected)
