"""The real thing: `streamlit run`, headless Chromium, the choropleth drawn with no internet."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import chromium_or_skip

pytestmark = pytest.mark.browser

LOCAL = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1", "data:",
         "blob:", "about:")
PROJECT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(demo_db_url):
    port = _free_port()
    env = {**os.environ, "PETA_DB_URL": demo_db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


def open_browser(playwright):
    return playwright.chromium.launch(
        executable_path=chromium_or_skip(),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"])


def map_frame(page, timeout_s: float = 90):
    """The frame holding the Leaflet map once it has drawn polygons, and their count."""
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


def test_choropleth_is_drawn_offline_with_its_legend(server):
    from playwright.sync_api import sync_playwright

    external: list[str] = []
    with sync_playwright() as p:
        browser = open_browser(p)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.on("request", lambda r: None if r.url.startswith(LOCAL) else external.append(r.url))
        page = ctx.new_page()
        page.goto(server, wait_until="domcontentloaded")
        frame, polygons = map_frame(page)
        legend = frame.locator(".peta-legend").inner_text(timeout=10_000)
        browser.close()
    assert polygons >= 40  # one per kelurahan of the demo city
    assert "Rumah tangga miskin" in legend and "%" in legend
    assert external == [], f"requests left the machine: {external[:5]}"
