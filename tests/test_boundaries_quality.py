"""geo.boundaries.quality: overlaps, gaps, missing names, features outside Indonesia,
kelurahan and desa per kecamatan."""

from __future__ import annotations

import pytest
import shapely

from geo import store
from geo.boundaries import BoundaryImportFailed, import_boundaries
from tests.boundary_files import ORIGIN, SIZE, grid_city, wgs84, write_geojson


def test_quality_report_overlaps_gaps_names_outside(engine, tmp_path):
    city = grid_city()
    x0, y0 = ORIGIN
    # kel 12 reaches 10 m into kel 11 (overlap 10 x 1000 m); kel 13 leaves a 5 m gap inside
    city.loc[1, "geometry"] = shapely.box(x0 + SIZE - 10, y0, x0 + 2 * SIZE, y0 + SIZE)
    city.loc[2, "geometry"] = shapely.box(x0 + 2 * SIZE + 5, y0 + 200, x0 + 3 * SIZE,
                                          y0 + SIZE)
    city.loc[5, "nama_kel"] = None
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    d = report.to_dict()
    assert d["features"] == 6 and d["repaired"] == 0
    assert d["levels"] == {"kota": 1, "kecamatan": 2, "kelurahan": 6}
    assert d["missing_names"] == [{"fitur": 6, "kode": "36.74.02.1003"}]
    cov = d["coverage"][0]
    assert cov["overlap_km2"] == pytest.approx(0.01, rel=0.01)
    assert cov["gaps"] == 0  # the 5 m strip opens to the outside: not an enclosed gap
    assert d["per_kecamatan"] == [
        {"kode": "36.74.01", "nama": "Kec 1", "kelurahan": 3, "desa": 0, "jumlah": 3},
        {"kode": "36.74.02", "nama": "Kec 2", "kelurahan": 3, "desa": 0, "jumlah": 3}]
    assert d["outside_indonesia"] == []
    assert "quality" in d and "relink" in d
    # the unnamed kelurahan is stored under its code
    kel = store.load_regions(engine, "kelurahan").set_index("kode")
    assert kel.loc["36.74.02.1003", "nama"] == "36.74.02.1003"


def test_enclosed_gap_is_reported(engine, tmp_path):
    city = grid_city()
    x0, y0 = ORIGIN
    hole = shapely.box(x0 + SIZE - 20, y0 + 400, x0 + SIZE, y0 + 600)
    city.loc[0, "geometry"] = city.geometry.iloc[0].difference(hole)
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    cov = report.coverage[0]
    assert cov["gaps"] == 1 and cov["gap_km2"] == pytest.approx(0.004, rel=0.01)
    # the kecamatan dissolved from its kelurahan does not keep the sliver as a hole
    kec = store.load_regions(engine, "kecamatan").set_index("kode")
    assert all(len(p.interiors) == 0 for p in shapely.get_parts(kec.geometry["36.74.01"]))


def test_features_outside_indonesia(engine, tmp_path):
    city = wgs84(grid_city())
    city.loc[5, "geometry"] = shapely.box(2.0, 48.0, 2.01, 48.01)  # Paris
    path = tmp_path / "batas.geojson"
    city.to_file(path, driver="GeoJSON")
    report = import_boundaries(engine, path)
    assert [o["kode"] for o in report.outside_indonesia] == ["36.74.02.1003"]

    swapped = wgs84(grid_city())
    swapped["geometry"] = shapely.transform(swapped.geometry.values, lambda xy: xy[:, ::-1])
    swapped.to_file(path, driver="GeoJSON")
    with pytest.raises(BoundaryImportFailed, match="tertukar"):
        import_boundaries(engine, path)
