"""Helpers for browser tests: Debian's chromium through Playwright, on a live `streamlit run`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1",
                  "data:", "blob:", "about:")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_or_skip() -> str:
    """Path of Debian's chromium; browser tests skip without it, except under CI."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI is set but /usr/bin/chromium is missing: .ci/run must install it")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db_url: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free port against ``db_url``; yields the base URL."""
    port = free_port()
    env = {**os.environ, "PETA_DB_URL": db_url, **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def launch(playwright):  # noqa: ANN001, ANN201
    return playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)


def map_frame(page, timeout_s: float = 90):  # noqa: ANN001, ANN201
    """The frame holding a Leaflet map once it has drawn polygons, and their count."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                n = frame.locator("path.leaflet-interactive").count()
            except Exception:
                continue
            if n:
                return frame, n
        time.sleep(0.5)
    raise AssertionError("no Leaflet polygons were drawn")


def tracked_page(browser) -> tuple[object, list[str]]:  # noqa: ANN001
    """A 1400×1000 page and the list it fills with every request that leaves the machine."""
    external: list[str] = []
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES)
           else external.append(r.url))
    return ctx.new_page(), external
