"""geo.boundaries.repair: coordinates to WGS84 with and without a CRS, invalid geometry made
valid, duplicate codes merged or rejected."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from geo import store
from geo.boundaries import BoundaryImportFailed, import_boundaries
from tests.boundary_files import GRID_LEVELS, ORIGIN, SIZE, grid_city, metric, wgs84, write_geojson


def test_shapefile_folder_in_utm_is_reprojected(engine, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    grid_city().to_file(folder / "batas.shp")
    report = import_boundaries(engine, folder)
    assert report.reprojected and "32748" in report.source_crs
    assert report.levels == GRID_LEVELS
    kel = store.load_regions(engine, "kelurahan")
    minx, miny, maxx, maxy = kel.total_bounds
    assert 106 < minx < maxx < 108 and -7 < miny < maxy < -6  # degrees, in West Java
    assert kel["area_km2"].round(3).eq(1.0).all()


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
    assert report.levels == GRID_LEVELS
    assert report.reprojected
    assert store.load_regions(engine, "kelurahan")["area_km2"].round(3).eq(1.0).all()


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_file_without_crs_in_degrees_is_wgs84(engine, tmp_path):
    path = tmp_path / "derajat.geojson"
    wgs84(grid_city()).set_crs(None, allow_override=True).to_file(path, driver="GeoJSON")
    report = import_boundaries(engine, path)
    assert report.levels == GRID_LEVELS
    assert not report.reprojected


def test_geojson_declaring_a_utm_crs(engine, tmp_path):
    path = tmp_path / "utm.geojson"
    grid_city().to_file(path, driver="GeoJSON")  # GDAL writes a "crs" member for EPSG:32748
    report = import_boundaries(engine, path)
    assert report.reprojected and "32748" in report.source_crs
    assert store.load_regions(engine, "kelurahan")["area_km2"].round(3).eq(1.0).all()


def test_bad_crs(engine, tmp_path):
    good = tmp_path / "kel.geojson"
    wgs84(grid_city()).to_file(good, driver="GeoJSON")
    with pytest.raises(BoundaryImportFailed, match="tidak dikenal"):
        import_boundaries(engine, good, crs="EPSG:bukan")


def test_invalid_geometry_is_repaired_keeping_holes_and_parts(engine, tmp_path):
    city = grid_city()
    x0, y0 = ORIGIN
    # a bow-tie over the first square: invalid, repaired into its two triangles
    city.loc[0, "geometry"] = shapely.Polygon(
        [(x0, y0), (x0 + SIZE, y0 + SIZE), (x0 + SIZE, y0), (x0, y0 + SIZE), (x0, y0)])
    # a square with a hole and a second, separate part
    hole = shapely.box(x0 + SIZE + 300, y0 + 300, x0 + SIZE + 700, y0 + 700)
    island = shapely.box(x0 + 5000, y0, x0 + 5200, y0 + 200)
    square = shapely.box(x0 + SIZE, y0, x0 + 2 * SIZE, y0 + SIZE)
    city.loc[1, "geometry"] = shapely.MultiPolygon([square.difference(hole), island])
    assert not city.geometry.iloc[0].is_valid
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert report.repaired == 1
    kel = metric(store.load_regions(engine, "kelurahan")).set_index("kode")
    assert kel.geometry.is_valid.all()
    bowtie = kel.geometry["36.74.01.1001"]
    assert bowtie.geom_type == "MultiPolygon" and bowtie.area == pytest.approx(SIZE**2 / 2, 1e-3)
    holed = kel.geometry["36.74.01.1002"]
    assert holed.geom_type == "MultiPolygon" and len(holed.geoms) == 2
    assert sum(len(p.interiors) for p in holed.geoms) == 1
    assert holed.area == pytest.approx(SIZE**2 - 400**2 + 200**2, 1e-3)


def test_duplicate_code_with_same_name_is_merged(engine, tmp_path):
    city = grid_city()
    x0, y0 = ORIGIN
    extra = city.iloc[[0]].copy()
    extra["geometry"] = [shapely.box(x0 - 300, y0, x0, y0 + 300)]
    extra["nama_kel"] = " kel 11 "  # same name, other spelling of spaces and case
    city = gpd.GeoDataFrame(gpd.pd.concat([city, extra], ignore_index=True), crs=city.crs)
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert report.levels["kelurahan"] == 6
    assert report.duplicates == [{"kode": "36.74.01.1001", "nama": "Kel 11", "fitur": [1, 7],
                                  "tindakan": "digabung menjadi satu wilayah"}]
    kel = metric(store.load_regions(engine, "kelurahan")).set_index("kode")
    assert kel.geometry["36.74.01.1001"].area == pytest.approx(SIZE**2 + 300**2, 1e-3)


def test_duplicate_code_with_other_name_rejects_the_file(engine, tmp_path):
    import_boundaries(engine, write_geojson(grid_city(), tmp_path, "awal.geojson"))
    before = store.load_regions(engine)
    city = grid_city()
    city.loc[4, "kode_kel"] = city.loc[3, "kode_kel"]
    with pytest.raises(BoundaryImportFailed) as err:
        import_boundaries(engine, write_geojson(city, tmp_path))
    message = str(err.value)
    assert "36.74.02.1001" in message and "fitur 4 (Kel 21)" in message
    assert "fitur 5 (Kel 22)" in message
    after = store.load_regions(engine)
    assert after["kode"].tolist() == before["kode"].tolist()
