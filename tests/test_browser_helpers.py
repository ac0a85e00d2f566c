"""tests/browser.py's server helper fails clearly instead of letting a browser test run against
a server that is not there (no chromium needed)."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest

from tests.browser import streamlit_server

DB = "sqlite:///:memory:"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_server_that_exits_at_once_fails_the_test():
    command = [sys.executable, "-c", "print('kaputt'); raise SystemExit(3)"]
    with pytest.raises(pytest.fail.Exception, match=r"exited \(code 3\)[\s\S]*kaputt"):
        with streamlit_server(DB, command=command):
            pytest.fail("the body must not run")


def test_a_server_that_never_answers_fails_the_test_and_is_ended(tmp_path: Path):
    pid_file = tmp_path / "pid"
    command = [sys.executable, "-c", "import os, sys, time; "
               "open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(120)", str(pid_file)]
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match=r"did not answer on port \d+ within 1 s"):
        with streamlit_server(DB, command=command, timeout_s=1):
            pytest.fail("the body must not run")
    assert time.monotonic() - started < 15
    assert _gone(int(pid_file.read_text()))


def test_a_server_that_answers_is_handed_to_the_test_and_ended_after(tmp_path: Path):
    pid_file = tmp_path / "pid"
    command = [sys.executable, "-c", "import os, socket, sys, time; "
               "open(sys.argv[2], 'w').write(str(os.getpid())); "
               "s = socket.create_server(('127.0.0.1', int(sys.argv[1]))); time.sleep(120)",
               "{port}", str(pid_file)]
    with streamlit_server(DB, command=command, timeout_s=30) as url:
        port = int(url.rsplit(":", 1)[1])
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        pid = int(pid_file.read_text())
        assert not _gone(pid)
    assert _gone(pid)
