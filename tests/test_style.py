"""The code stays `ruff` clean (config in pyproject.toml), with the ruff pinned in
requirements-dev.txt, and geo/ does not import Streamlit (ruff's TID251, banned-api)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ruff() -> str:
    # on PATH, or beside this Python (a virtual environment that is not activated)
    path = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if path is None:
        pytest.skip("ruff is not installed (pip install -r requirements-dev.txt)")
    return path


def test_ruff_is_clean(ruff):
    result = subprocess.run([ruff, "check", "."], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_is_the_pinned_version(ruff):
    pins = re.findall(r"^ruff==([\w.]+)", (PROJECT / "requirements-dev.txt").read_text(),
                      re.MULTILINE)
    assert len(pins) == 1, "requirements-dev.txt pins ruff exactly (ruff==X.Y.Z)"
    installed = subprocess.run([ruff, "--version"], capture_output=True, text=True).stdout
    assert installed.split()[-1] == pins[0], (
        f"{installed.strip()} is installed, requirements-dev.txt pins {pins[0]}: "
        "pip install -r requirements-dev.txt")


def _check_as(ruff: str, path: str, source: str) -> subprocess.CompletedProcess:
    """`ruff check` of ``source`` as if it were the file ``path`` of the project."""
    return subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise",
                           "--stdin-filename", path, "-"],
                          cwd=PROJECT, input=source, capture_output=True, text=True)


@pytest.mark.parametrize("source", ["import streamlit as st\n\nst.write(1)\n",
                                    "from streamlit.runtime import exists\n\nexists()\n"])
def test_geo_may_not_import_streamlit(ruff, source):
    result = _check_as(ruff, "geo/probe.py", source)
    assert result.returncode == 1 and "TID251" in result.stdout, result.stdout


@pytest.mark.parametrize("path", ["app.py", "ui/probe.py", "pages/probe.py", "tests/probe.py"])
def test_the_streamlit_layers_may(ruff, path):
    result = _check_as(ruff, path, "import streamlit as st\n\nst.write(1)\n")
    assert result.returncode == 0, result.stdout
