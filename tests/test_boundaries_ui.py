"""The boundary section of the Data page under Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import store
from geo.boundaries import import_boundaries
from tests.boundary_files import grid_city, wgs84

SCRIPT = """
import os
from geo import store
from ui.import_boundaries import render, show_report
render(store.get_engine(os.environ["PETA_DB_URL"]))
"""


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    return url


def test_renders_on_an_empty_database(db_url):
    at = AppTest.from_string(SCRIPT, default_timeout=30).run()
    assert not at.exception
    assert any("Belum ada batas wilayah" in i.value for i in at.info)


def test_shows_stored_regions_and_a_report(db_url, tmp_path):
    path = tmp_path / "kel.geojson"
    city = grid_city()
    city.loc[5, "nama_kel"] = None
    wgs84(city).to_file(path, driver="GeoJSON")
    report = import_boundaries(store.get_engine(db_url), path)
    at = AppTest.from_string(SCRIPT, default_timeout=30)
    at.session_state["bnd_report"] = report.to_dict()
    at.run()
    assert not at.exception
    assert any("kelurahan/desa 6" in c.value for c in at.caption)
    assert any("Tanpa nama: 1" in w.value for w in at.warning)
    assert [m.value for m in at.metric][:2] == ["6", "6"]
    assert len(at.dataframe) >= 3  # missing names, coverage, per kecamatan


def test_boundaries_that_unlink_most_households_are_a_warning(db_url, tmp_path):
    path = tmp_path / "kel.geojson"
    wgs84(grid_city()).to_file(path, driver="GeoJSON")
    report = import_boundaries(store.get_engine(db_url), path).to_dict()
    report["relink"] = {"households": 1000, "changed": 990, "unlinked_before": 10,
                        "unlinked_after": 1000}
    at = AppTest.from_string(SCRIPT, default_timeout=30)
    at.session_state["bnd_report"] = report
    at.run()
    assert not at.exception
    assert any("1.000 dari 1.000 rumah tangga tidak tertaut" in w.value for w in at.warning)
    assert not at.success
