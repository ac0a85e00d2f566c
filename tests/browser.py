"""Helpers for browser tests: Debian's chromium through Playwright, on a live `streamlit run`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

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


STREAMLIT_RUN = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", "{port}",
                 "--server.headless", "true", "--server.address", "127.0.0.1"]


@contextmanager
def streamlit_server(db_url: str, extra_env: dict[str, str] | None = None,
                     command: list[str] | None = None,
                     timeout_s: float = 60) -> Iterator[str]:
    """`streamlit run app.py` on a free port against ``db_url``; yields the base URL.

    Fails the test (and ends the process) when the server exits before it answers, or does not
    answer within ``timeout_s``. ``command`` replaces `streamlit run` (``{port}`` is filled in);
    the helper's own tests use it."""
    port = free_port()
    env = {**os.environ, "PETA_DB_URL": db_url, **(extra_env or {})}
    args = [part.replace("{port}", str(port)) for part in (command or STREAMLIT_RUN)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(args, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_listening(proc, port, timeout_s, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_listening(proc: subprocess.Popen, port: int, timeout_s: float,
                          log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if proc.poll() is not None:
            pytest.fail(f"the server exited (code {proc.returncode}) before it answered on port "
                        f"{port}; its output ended with:\n{_tail(log)}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"the server did not answer on port {port} within {timeout_s:g} s; its "
                        f"output ended with:\n{_tail(log)}", pytrace=False)
        time.sleep(0.3)


def _tail(log: IO[bytes], lines: int = 20) -> str:
    log.flush()
    log.seek(0)
    return "\n".join(log.read().decode(errors="replace").splitlines()[-lines:])


def launch(playwright):  # noqa: ANN001, ANN201
    return playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)


def map_frame(page, timeout_s: float = 90):  # noqa: ANN001, ANN201
    """The frame holding a Leaflet map once it has drawn polygons, and their count: the same
    count twice, half a second apart (a map still being drawn, or redrawn by a rerun, once
    gave 20 of its 64 shapes)."""
    deadline = time.monotonic() + timeout_s
    seen: dict[int, int] = {}
    while time.monotonic() < deadline:
        for i, frame in enumerate(page.frames):
            try:
                n = frame.locator("path.leaflet-interactive").count()
            except Exception:
                continue
            if n and seen.get(i) == n:
                return frame, n
            seen[i] = n
        time.sleep(0.5)
    raise AssertionError("no Leaflet polygons were drawn")


def tracked_page(browser) -> tuple[object, list[str]]:  # noqa: ANN001
    """A 1400×1000 page and the list it fills with every request that leaves the machine."""
    external: list[str] = []
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES)
           else external.append(r.url))
    return ctx.new_page(), external
