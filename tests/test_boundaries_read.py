"""geo.boundaries.read: every supported format, from a path, a folder, an archive or an
upload; layers listed and chosen."""

from __future__ import annotations

import io
import zipfile

import pyogrio
import pytest

from geo import store
from geo.boundaries import BoundaryImportFailed, import_boundaries, list_layers
from tests.boundary_files import GRID_LEVELS, grid_city, wgs84


def _codes(engine):
    return sorted(store.load_regions(engine, "kelurahan")["kode"])


def test_geojson_wgs84(engine, tmp_path):
    path = tmp_path / "kel.geojson"
    wgs84(grid_city()).to_file(path, driver="GeoJSON")
    report = import_boundaries(engine, path)
    assert report.levels == GRID_LEVELS
    assert report.format == "GeoJSON"
    assert _codes(engine) == sorted(grid_city()["kode_kel"])


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
    assert import_boundaries(engine, path).levels == GRID_LEVELS

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

    assert import_boundaries(engine, path, layer="kelurahan").levels == GRID_LEVELS
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
    assert report.levels == GRID_LEVELS
    assert _codes(engine) == sorted(grid_city()["kode_kel"])


def test_geoparquet(engine, tmp_path):
    path = tmp_path / "batas.parquet"
    grid_city().to_parquet(path)
    report = import_boundaries(engine, path)
    assert report.format == "GeoParquet" and report.reprojected
    assert report.levels == GRID_LEVELS


def test_unknown_format(engine, tmp_path):
    path = tmp_path / "batas.txt"
    path.write_text("bukan peta")
    with pytest.raises(BoundaryImportFailed, match="format berkas tidak dikenal"):
        import_boundaries(engine, path)


# ---------------------------------------------------------------- clear messages (issue 20, 12)

def _nan_geojson(folder, word: str):  # noqa: ANN001, ANN202
    import json

    ring = [[106.6, -6.3], [106.7, -6.3], ["X", -6.2], [106.6, -6.3]]
    fc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"kode": "36.74.01.1001", "nama": "Serpong"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    path = folder / f"{word}.geojson"
    path.write_text(json.dumps(fc).replace('"X"', word))
    return path


@pytest.mark.parametrize("word", ["NaN", "Infinity"])
def test_coordinates_that_are_not_numbers_are_named_not_a_crs_question(engine, tmp_path, word):
    with pytest.raises(BoundaryImportFailed) as info:
        import_boundaries(engine, _nan_geojson(tmp_path, word))
    text = str(info.value)
    assert "koordinat yang bukan angka (NaN atau Infinity), mis. 36.74.01.1001" in text
    assert "EPSG" not in text


def test_a_shapefile_zip_without_dbf_says_the_dbf_is_missing(engine, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    wgs84(grid_city()).to_file(folder / "batas.shp")
    archive = tmp_path / "batas.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            if part.suffix != ".dbf":
                zf.write(part, part.name)
    with pytest.raises(BoundaryImportFailed, match=r"batas\.zip: Shapefile batas\.shp tanpa "
                                                   r"berkas \.dbf \(tabel atribut"):
        import_boundaries(engine, archive)


def test_a_broken_file_is_explained_in_indonesian_without_gdal_english(engine, tmp_path):
    path = tmp_path / "rusak.gpkg"
    path.write_bytes(b"\x13\x37" * 2500)
    with pytest.raises(BoundaryImportFailed) as info:
        import_boundaries(engine, path)
    text = str(info.value)
    assert text.startswith("rusak.gpkg tidak dapat dibaca sebagai data spasial")  # named once
    assert "not recognized" not in text and "supported" not in text


def test_a_broken_file_inside_a_zip_is_named_with_the_zip(engine, tmp_path):
    archive = tmp_path / "batas.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("kelurahan.gpkg", b"\x13\x37" * 2500)
    with pytest.raises(BoundaryImportFailed, match=r"^batas\.zip: kelurahan\.gpkg tidak dapat "
                                                   r"dibaca sebagai data spasial"):
        import_boundaries(engine, archive)


# ---------------------------------------------------------------- zip bomb (issue 20, finding 3)

def _with_padding(tmp_path, padding_mb: int):  # noqa: ANN001, ANN202
    """A zipped Shapefile plus a padding.bin of zeros (small packed, large unpacked)."""
    path = tmp_path / "batas_bom.zip"
    path.write_bytes(_zipped_shapefile(tmp_path))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("padding.bin", b"\0" * (padding_mb * 1024**2))
    return path


def test_an_archive_over_the_unpacked_size_limit_is_refused_from_its_directory(
        engine, tmp_path, monkeypatch):
    path = _with_padding(tmp_path, 3)
    assert path.stat().st_size < 1024**2  # 3 MB of zeros pack small
    monkeypatch.setenv("PETA_ZIP_MAX_MB", "2")
    with pytest.raises(BoundaryImportFailed, match=r"batas_bom\.zip: isi arsip bila dibuka 3 MB, "
                                                   r"melebihi batas 2 MB .pengaturan "
                                                   r"PETA_ZIP_MAX_MB"):
        import_boundaries(engine, path)
    with pytest.raises(BoundaryImportFailed, match="PETA_ZIP_MAX_MB"):
        list_layers(path)
    assert store.load_regions(engine, "kelurahan").empty


def test_an_archive_with_too_many_members_is_refused(engine, tmp_path, monkeypatch):
    path = _with_padding(tmp_path, 1)
    monkeypatch.setenv("PETA_ZIP_MAX_FILES", "3")
    with pytest.raises(BoundaryImportFailed, match=r"berisi \d+ berkas, melebihi batas 3 "
                                                   r".pengaturan PETA_ZIP_MAX_FILES"):
        import_boundaries(engine, path)


def test_only_the_data_files_of_an_archive_are_unpacked(engine, tmp_path):
    from geo.boundaries.read import _extract

    path = _with_padding(tmp_path, 1)
    into = tmp_path / "buka"
    into.mkdir()
    _extract(path, into, path.name)
    unpacked = sorted(p.name for p in into.rglob("*") if p.is_file())
    assert "padding.bin" not in unpacked and "ADMINISTRASI_AR_DESAKEL.shp" in unpacked
    assert import_boundaries(engine, path).levels == GRID_LEVELS
