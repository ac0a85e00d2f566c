"""Boundary import reads every supported format, with and without a CRS."""

from __future__ import annotations

import io
import json
import zipfile

import pyogrio
import pytest

from geo import store
from geo.boundaries import BoundaryImportFailed, import_boundaries, list_layers
from tests.boundary_files import grid_city, wgs84

LEVELS = {"kelurahan": 6, "kecamatan": 2, "kota": 1}


@pytest.fixture
def engine(tmp_path):
    return store.get_engine(f"sqlite:///{tmp_path / 'peta.sqlite'}")


def _codes(engine):
    return sorted(store.load_regions(engine, "kelurahan")["kode"])


def test_geojson_wgs84(engine, tmp_path):
    path = tmp_path / "kel.geojson"
    wgs84(grid_city()).to_file(path, driver="GeoJSON")
    report = import_boundaries(engine, path)
    assert report.levels == LEVELS
    assert report.format == "GeoJSON"
    assert _codes(engine) == sorted(grid_city()["kode_kel"])


def test_shapefile_folder_in_utm_is_reprojected(engine, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    grid_city().to_file(folder / "batas.shp")
    report = import_boundaries(engine, folder)
    assert report.reprojected and "32748" in report.source_crs
    assert report.levels == LEVELS
    kel = store.load_regions(engine, "kelurahan")
    minx, miny, maxx, maxy = kel.total_bounds
    assert 106 < minx < maxx < 108 and -7 < miny < maxy < -6  # degrees, in West Java
    assert kel["area_km2"].round(3).eq(1.0).all()


def _zipped_shapefile(tmp_path) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    grid_city().to_file(folder / "ADMINISTRASI_AR_DESAKEL.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for file in folder.iterdir():
            zf.write(file, f"batas/{file.name}")
    return buffer.getvalue()


def test_zipped_shapefile_from_path_and_upload(engine, tmp_path):
    data = _zipped_shapefile(tmp_path)
    path = tmp_path / "batas.zip"
    path.write_bytes(data)
    assert import_boundaries(engine, path).levels == LEVELS

    upload = io.BytesIO(data)
    upload.name = "unggahan.zip"
    report = import_boundaries(engine, upload)
    assert report.source == "unggahan.zip"
    assert _codes(engine) == sorted(grid_city()["kode_kel"])


def test_geopackage_with_layer_choice(engine, tmp_path):
    path = tmp_path / "batas.gpkg"
    grid_city().to_file(path, layer="kelurahan", driver="GPKG")
    kec = grid_city().dissolve("kode_kec", as_index=False)[["kode_kec", "nama_kec", "geometry"]]
    kec.to_file(path, layer="kecamatan", driver="GPKG")
    assert sorted(list_layers(path)) == ["kecamatan", "kelurahan"]

    with pytest.raises(BoundaryImportFailed, match="kecamatan, kelurahan|kelurahan, kecamatan"):
        import_boundaries(engine, path)
    assert store.region_count(engine) == 0

    assert import_boundaries(engine, path, layer="kelurahan").levels == LEVELS
    report = import_boundaries(engine, path, layer="kecamatan")
    assert report.levels == {"kecamatan": 2, "kota": 1}  # a file of a higher level


def _write_kml(frame, path):
    drivers = pyogrio.list_drivers(write=True)
    if "LIBKML" in drivers:
        frame.to_file(path, driver="LIBKML")
    elif "KML" in drivers:
        frame.to_file(path, driver="KML")
    else:  # pragma: no cover - GDAL without KML writing
        pytest.skip("no KML writer")


def test_kml(engine, tmp_path):
    path = tmp_path / "batas.kml"
    frame = wgs84(grid_city())[["kode_kel", "nama_kel", "kode_kec", "nama_kec", "geometry"]]
    _write_kml(frame, path)
    report = import_boundaries(engine, path)
    assert report.levels == LEVELS
    assert _codes(engine) == sorted(grid_city()["kode_kel"])


def test_geoparquet(engine, tmp_path):
    path = tmp_path / "batas.parquet"
    grid_city().to_parquet(path)
    report = import_boundaries(engine, path)
    assert report.format == "GeoParquet" and report.reprojected
    assert report.levels == LEVELS


@pytest.mark.parametrize("kind", ["geojson", "shapefile"])
def test_file_without_crs_in_metres_asks_for_epsg(engine, tmp_path, kind):
    if kind == "geojson":  # GeoJSON without a "crs" member but with UTM numbers
        path = tmp_path / "tanpa_crs.geojson"
        collection = json.loads(grid_city().to_json(to_wgs84=False, drop_id=True))
        collection.pop("crs", None)
        path.write_text(json.dumps(collection))
    else:  # a shapefile whose .prj was lost
        path = tmp_path / "tanpa_crs"
        path.mkdir()
        grid_city().to_file(path / "batas.shp")
        (path / "batas.prj").unlink()
    with pytest.raises(BoundaryImportFailed) as err:
        import_boundaries(engine, path)
    message = str(err.value)
    assert "tanpa_crs" in message and "--crs" in message and "32748" in message
    assert store.region_count(engine) == 0

    report = import_boundaries(engine, path, crs="32748")
    assert report.levels == LEVELS
    assert report.reprojected
    assert store.load_regions(engine, "kelurahan")["area_km2"].round(3).eq(1.0).all()


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_file_without_crs_in_degrees_is_wgs84(engine, tmp_path):
    path = tmp_path / "derajat.geojson"
    wgs84(grid_city()).set_crs(None, allow_override=True).to_file(path, driver="GeoJSON")
    report = import_boundaries(engine, path)
    assert report.levels == LEVELS
    assert not report.reprojected


def test_unknown_format_and_bad_crs(engine, tmp_path):
    path = tmp_path / "batas.txt"
    path.write_text("bukan peta")
    with pytest.raises(BoundaryImportFailed, match="format berkas tidak dikenal"):
        import_boundaries(engine, path)
    good = tmp_path / "kel.geojson"
    wgs84(grid_city()).to_file(good, driver="GeoJSON")
    with pytest.raises(BoundaryImportFailed, match="tidak dikenal"):
        import_boundaries(engine, good, crs="EPSG:bukan")


def test_geojson_declaring_a_utm_crs(engine, tmp_path):
    path = tmp_path / "utm.geojson"
    grid_city().to_file(path, driver="GeoJSON")  # GDAL writes a "crs" member for EPSG:32748
    report = import_boundaries(engine, path)
    assert report.reprojected and "32748" in report.source_crs
    assert store.load_regions(engine, "kelurahan")["area_km2"].round(3).eq(1.0).all()
