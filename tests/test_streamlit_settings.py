"""The project's own Streamlit settings (.streamlit/config.toml) that the app's speed and the
rule "nothing leaves the machine" rest on, and that a Streamlit release could rename."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config as streamlit_config

PROJECT = Path(__file__).resolve().parent.parent
SETTINGS = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def _setting(key: str) -> object:
    section, name = key.split(".")
    assert key in streamlit_config.get_config_options(), f"Streamlit has no {key} any more"
    return SETTINGS[section][name]


def test_no_full_garbage_collection_after_every_rerun():
    """A full collection walks every live object after each run, under the GIL: most of the
    server's CPU per filter change here (bench/bench_sessions.py measures both ways)."""
    assert _setting("runner.postScriptGC") is False


def test_no_source_files_are_watched():
    """Each new session registered every loaded module with the watcher, and each run checked
    them again: most of the server's time to open a session (bench/bench_sessions.py)."""
    assert _setting("server.fileWatcherType") == "none"


def test_no_usage_statistics_are_sent():
    assert _setting("browser.gatherUsageStats") is False
