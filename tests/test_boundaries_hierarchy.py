"""geo.boundaries.hierarchy: kecamatan, kota and provinsi dissolved from the finest level."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from geo import store
from geo.boundaries import (
    BoundaryReport,
    build_hierarchy,
    detect_fields,
    import_boundaries,
    normalise,
)
from geo.demo import build_city
from tests.boundary_files import SIZE, grid_city


def test_demo_geojson_imports_with_dissolved_levels(engine, tmp_path):
    kel, _ = build_city(7)
    path = tmp_path / "kelurahan.geojson"
    kel.to_file(path, driver="GeoJSON")

    report = import_boundaries(engine, path)

    assert report.features == len(kel)
    n_kec = kel["kode_kec"].nunique()
    assert report.levels["kelurahan"] == len(kel)
    assert report.levels["kecamatan"] == n_kec
    assert report.levels["kota"] == 1
    stored = store.load_regions(engine, "kelurahan")
    assert sorted(stored["kode"]) == sorted(kel["kode_kel"])
    kec = store.load_regions(engine, "kecamatan")
    assert set(kec["kode"]) == set(kel["kode_kec"])
    assert set(stored["kode_induk"]) == set(kec["kode"])
    assert set(kec["nama"]) == set(kel["nama_kec"])
    # the dissolved kecamatan cover the kelurahan
    assert abs(kec["area_km2"].sum() - stored["area_km2"].sum()) < 1e-6
    display = store.load_regions(engine, "kelurahan", display=True)
    assert shapely.coverage_is_valid(display.geometry.values)
    d = report.to_dict()
    assert {"features", "repaired", "levels", "relink"} <= set(d)


def _table(frame):
    """``frame`` as the importer hands it to build_hierarchy (one row per feature)."""
    columns = [c for c in frame.columns if c != "geometry"]
    return normalise(frame, detect_fields(columns), "uji", BoundaryReport("uji"))


def test_provinsi_only_above_more_than_one_kota():
    one = build_hierarchy(_table(grid_city()))
    assert one["level"].value_counts().to_dict() == {"kelurahan": 6, "kecamatan": 2, "kota": 1}
    other = grid_city(prefix="36.75")
    other["geometry"] = other.translate(xoff=3 * SIZE)  # the next kota, to the east
    both = build_hierarchy(_table(pd.concat([grid_city(), other], ignore_index=True)))
    assert both["level"].value_counts().to_dict() == {
        "kelurahan": 12, "kecamatan": 4, "kota": 2, "provinsi": 1}
    kota = both[both["level"] == "kota"].set_index("kode")
    assert kota["kode_induk"].tolist() == ["36", "36"] and kota["dissolved"].all()
    assert kota.geometry["36.74"].area == pytest.approx(6 * SIZE**2)
    provinsi = both[both["level"] == "provinsi"]
    assert provinsi["nama"].tolist() == ["Provinsi Uji"]
    assert provinsi.geometry.iloc[0].area == pytest.approx(12 * SIZE**2)
