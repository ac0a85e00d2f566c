"""geo.boundaries.limits: vertex limits checked before the work, very detailed features
simplified before cleaning (issue 20, finding 2)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import store
from geo.boundaries import BoundaryImportFailed, import_boundaries


def detailed_city(tmp_path, vertices: int):  # noqa: ANN001, ANN201
    """Two square kelurahan and, between them, one with a wiggly outline of ``vertices``
    points (a river bank digitised in detail)."""
    t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = 0.0045 * (1 + 0.03 * np.sin(t * 997) + 0.02 * np.sin(t * 31))
    wiggly = shapely.Polygon(np.column_stack([106.615 + r * np.cos(t), -6.295 + r * np.sin(t)]))
    frame = gpd.GeoDataFrame(
        {"kode": ["36.74.01.1001", "36.74.01.1002", "36.74.01.1003"],
         "nama": ["Satu", "Dua", "Tiga"], "nama_kec": "Serpong"},
        geometry=[shapely.box(106.59, -6.30, 106.60, -6.29), wiggly,
                  shapely.box(106.63, -6.30, 106.64, -6.29)], crs=4326)
    path = tmp_path / "rinci.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def test_a_very_detailed_feature_is_simplified_before_cleaning_and_said(engine, tmp_path):
    report = import_boundaries(engine, detailed_city(tmp_path, 50_000))
    assert report.levels["kelurahan"] == 3
    assert any("1 fitur sangat rinci" in w and "50.001 →" in w for w in report.warnings)
    kel = store.load_regions(engine, "kelurahan")
    stored = shapely.get_num_coordinates(kel.geometry.values)
    assert stored.max() < 5_000
    wiggly = kel.loc[kel["kode"] == "36.74.01.1002", "geometry"].iat[0]
    assert abs(wiggly.area / (np.pi * 0.0045**2) - 1) < 0.01  # the same area, within 1 %


def test_a_feature_over_the_vertex_limit_is_refused_before_the_work(engine, tmp_path,
                                                                    monkeypatch):
    path = detailed_city(tmp_path, 3_000)
    monkeypatch.setenv("PETA_MAX_VERTICES_FEATURE", "2000")
    with pytest.raises(BoundaryImportFailed, match=r"rinci\.geojson: fitur ke-2 berisi 3\.001 "
                                                   r"titik sudut, melebihi batas 2\.000 per "
                                                   r"fitur .pengaturan PETA_MAX_VERTICES_"):
        import_boundaries(engine, path)
    monkeypatch.delenv("PETA_MAX_VERTICES_FEATURE")
    monkeypatch.setenv("PETA_MAX_VERTICES_TOTAL", "3000")
    with pytest.raises(BoundaryImportFailed, match=r"berisi 3\.011 titik sudut, melebihi batas "
                                                   r"3\.000 .pengaturan PETA_MAX_VERTICES_TOTAL"):
        import_boundaries(engine, path)
    assert store.load_regions(engine, "kelurahan").empty
