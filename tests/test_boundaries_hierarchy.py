"""geo.boundaries.hierarchy: kecamatan, kota and provinsi dissolved from the finest level."""

from __future__ import annotations

import shapely

from geo import store
from geo.boundaries import import_boundaries
from geo.demo import build_city


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

