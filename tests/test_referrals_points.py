"""Service points: import from CSV and GeoJSON with clear messages, and the median distance to
the nearest point per kelurahan, checked against brute force; a type without points is
"tidak ada data", never 0."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from geo.referrals import points
from geo.register_errors import ImportFailed
from tests.referral_fixtures import small_city


def brute_force(lon, lat, p_lon, p_lat, crs) -> np.ndarray:
    """Every household against every point, in the same metric CRS."""
    hx = points.project(np.asarray(lon), np.asarray(lat), crs)
    px = points.project(np.asarray(p_lon), np.asarray(p_lat), crs)
    return np.array([np.min(np.hypot(*(px - h).T)) for h in hx])


def test_nearest_distance_equals_brute_force_on_small_data():
    rng = np.random.default_rng(5)
    lon, lat = 110.1 + rng.random(200) * 0.1, -6.95 + rng.random(200) * 0.1
    p_lon, p_lat = 110.1 + rng.random(7) * 0.1, -6.95 + rng.random(7) * 0.1
    crs = points.metric_crs(lon, lat)
    assert crs.to_epsg() == 32749  # UTM 49S for this part of Java
    fast = points.nearest_distance(lon, lat, p_lon, p_lat)
    np.testing.assert_allclose(fast, brute_force(lon, lat, p_lon, p_lat, crs), rtol=1e-9)
    # straight lines in UTM are within 0,2% of the geodesic distance here
    geod = Geod(ellps="WGS84")
    true = np.array([min(geod.inv(x, y, px, py)[2] for px, py in zip(p_lon, p_lat))
                     for x, y in zip(lon, lat)])
    np.testing.assert_allclose(fast, true, rtol=2e-3)


def test_per_kelurahan_median_equals_brute_force_and_missing_type_is_no_data(engine, tmp_path):
    households = small_city(engine, n=300)
    csv = tmp_path / "titik.csv"
    rng = np.random.default_rng(1)
    lon0, lat0 = households["bujur"].mean(), households["lintang"].mean()
    pts = pd.DataFrame({"JENIS": ["Puskesos"] * 3 + ["Puskesmas"] * 2,
                        "NAMA": [f"Titik {i}" for i in range(5)],
                        "LATITUDE": lat0 + rng.normal(0, 0.01, 5),
                        "LONGITUDE": lon0 + rng.normal(0, 0.01, 5)})
    pts.to_csv(csv, index=False)
    result = points.import_points(engine, csv)
    assert result.counts == {"rows_read": 5, "accepted": 5, "quarantined": 0}
    table = points.service_access(engine)
    crs = points.metric_crs(np.concatenate([households["bujur"], pts["LONGITUDE"][:3]]),
                            np.concatenate([households["lintang"], pts["LATITUDE"][:3]]))
    d = brute_force(households["bujur"], households["lintang"], pts["LONGITUDE"][:3],
                    pts["LATITUDE"][:3], crs)
    want = pd.Series(d).groupby(households["region_code"].to_numpy()).median().round(0)
    np.testing.assert_allclose(table.loc[want.index, "jarak_puskesos"], want, atol=0.5)
    assert (table["jarak_puskesos"] > 0).all()
    # no panti was imported: its distance is unknown, never 0
    assert table["jarak_panti"].isna().all()
    assert table["rumah_tangga_bertitik"].sum() == len(households)


def test_a_kelurahan_without_located_households_has_no_distance():
    table = points.access_table(pd.Series(["a", "a", "b"]), np.array([110.1, 110.11, np.nan]),
                                np.array([-6.9, -6.91, np.nan]),
                                pd.DataFrame({"jenis": ["slrt"], "lintang": [-6.9],
                                              "bujur": [110.1]}), types=("slrt",))
    assert table.loc["a", "jarak_slrt"] >= 0 and np.isnan(table.loc["b", "jarak_slrt"])
    assert table.loc["b", "rumah_tangga_bertitik"] == 0


def test_bad_points_get_clear_messages_and_geojson_reads(engine, tmp_path):
    small_city(engine, n=50)
    csv = tmp_path / "titik_rusak.csv"
    csv.write_text("NAMA,LAT,LON,JENIS\nA,-6.95,110.1,Puskesos\nB,110.1,-6.95,Puskesos\n"
                   "C,,110.1,Puskesos\nD,-6.95,110.1,Warung\n", encoding="utf-8")
    result = points.import_points(engine, csv)
    assert result.counts == {"rows_read": 4, "accepted": 1, "quarantined": 3}
    messages = result.messages()
    assert "titik_rusak.csv baris 3: LAT/LON: titik (110.1, -6.95) di luar Indonesia; " \
           "lintang dan bujur tertukar?" in messages
    assert any("baris 4: LAT/LON: koordinat kosong" in m for m in messages)
    assert any("baris 5: JENIS: jenis 'Warung' tidak dikenal" in m for m in messages)
    geo = tmp_path / "panti.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nama": "Panti 1"},
         "geometry": {"type": "Point", "coordinates": [110.1, -6.95]}},
        {"type": "Feature", "properties": {"nama": "Bukan titik"},
         "geometry": {"type": "LineString", "coordinates": [[110.1, -6.95], [110.2, -6.9]]}},
    ]}), encoding="utf-8")
    result = points.import_points(engine, geo, jenis="panti")
    assert result.counts == {"rows_read": 2, "accepted": 1, "quarantined": 1}
    assert "geometri LineString bukan titik" in result.messages()[0]
    stored = points.load_points(engine)
    assert sorted(stored["jenis"]) == ["panti", "puskesos"]
    # importing a type again replaces that type only
    points.import_points(engine, geo, jenis="panti")
    assert sorted(points.load_points(engine)["jenis"]) == ["panti", "puskesos"]
    with pytest.raises(ImportFailed, match="jenis 'warung' tidak dikenal"):
        points.import_points(engine, geo, jenis="warung")


POINT = {"type": "Feature", "properties": {"nama": "Baik", "jenis": "puskesmas"},
         "geometry": {"type": "Point", "coordinates": [110.1, -6.95]}}
ODD_FEATURES = {  # what took the GeoJSON reader down with a Python error before (session 19)
    "teks": "x", "kosong": None, "properti_daftar": {**POINT, "properties": [1, 2]},
    "geometri_teks": {**POINT, "geometry": "POINT(110 -6)"},
    "koordinat_angka": {**POINT, "geometry": {"type": "Point", "coordinates": 5}},
    "koordinat_teks": {**POINT, "geometry": {"type": "Point", "coordinates": ["a", "b"]}},
}


@pytest.mark.parametrize("odd", ODD_FEATURES, ids=list(ODD_FEATURES))
def test_an_odd_geojson_feature_is_quarantined_beside_the_good_one(odd, engine, tmp_path):
    small_city(engine, n=50)
    path = tmp_path / "titik.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [ODD_FEATURES[odd], POINT]}), encoding="utf-8")
    result = points.import_points(engine, path)
    assert result.counts == {"rows_read": 2, "accepted": 1, "quarantined": 1}
    assert result.messages()[0].startswith("titik.geojson baris 1: ")
    assert list(points.load_points(engine)["nama"]) == ["Baik"]


@pytest.mark.parametrize("data", [[POINT], "x", {"features": 5}, {"features": {"a": POINT}}],
                         ids=["daftar", "teks", "angka", "objek"])
def test_geojson_without_a_feature_list_is_refused_by_name(data, engine, tmp_path):
    small_city(engine, n=50)
    path = tmp_path / "titik.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^titik\.geojson: bukan GeoJSON FeatureCollection"):
        points.import_points(engine, path)


def test_geojson_with_an_empty_feature_list_is_refused_in_geojson_terms(engine, tmp_path):
    small_city(engine, n=50)
    old = tmp_path / "lama.csv"
    old.write_text("jenis,nama,lintang,bujur\npuskesmas,Lama,-6.95,110.1\n", encoding="utf-8")
    points.import_points(engine, old)
    path = tmp_path / "titik.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r'^titik\.geojson: tidak ada baris data \(daftar '
                                           r'"features" GeoJSON kosong\)'):
        points.import_points(engine, path)
    assert list(points.load_points(engine)["nama"]) == ["Lama"]
