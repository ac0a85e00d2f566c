"""The basemap is an option: drawn when its tile server answers, off when none does."""

from __future__ import annotations

import threading
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.maps import base_map, tiles_reachable
from tests.browser import free_port

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def tile_server(tmp_path):
    (tmp_path / "0" / "0").mkdir(parents=True)
    (tmp_path / "0" / "0" / "0.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    server.shutdown()


def test_reachable_tile_server_answers(tile_server):
    assert tiles_reachable(tile_server)


def test_silent_tile_server_does_not(tmp_path):
    assert not tiles_reachable(f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png")


def test_map_has_no_tile_layer_unless_asked(tile_server):
    bounds = (110.0, -7.0, 110.1, -6.9)
    assert "tileLayer" not in base_map(bounds).get_root().render()
    assert "tileLayer" in base_map(bounds, tiles=tile_server).get_root().render()


def _basemap_run(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("PETA_TILES_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["peta_dasar"] = True  # the user has switched the basemap on
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_basemap_toggle_uses_an_answering_server(app_env, monkeypatch, tile_server):
    at = _basemap_run(monkeypatch, tile_server)
    assert at.session_state["_view"].basemap == tile_server


def test_basemap_stays_off_without_network(app_env, monkeypatch):
    at = _basemap_run(monkeypatch, f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png")
    assert at.session_state["_view"].basemap is None
    assert any("tidak tersedia" in c.value for c in at.sidebar.caption)
