"""Repair, duplicate codes, the quality report, display geometry, re-linking and the CLI."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.affinity

from geo import link, store
from geo.__main__ import main
from geo.boundaries import BoundaryImportFailed, format_report, import_boundaries
from tests.boundary_files import (
    ORIGIN,
    SIZE,
    UTM_48S,
    another_area,
    grid_city,
    wgs84,
    write_geojson,
)


def _metric(frame):
    return frame.to_crs(UTM_48S)


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
    kel = _metric(store.load_regions(engine, "kelurahan")).set_index("kode")
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
    kel = _metric(store.load_regions(engine, "kelurahan")).set_index("kode")
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


def test_display_geometry_shares_edges_within_limit(engine, tmp_path):
    city = grid_city()
    # wobbly shared edges with many vertices, and a 4 m overlap along one of them
    city["geometry"] = shapely.segmentize(city.geometry.values, 20)
    city["geometry"] = shapely.transform(
        city.geometry.values,
        lambda xy: xy + np.column_stack([np.sin(xy[:, 1] / 37) * 3, np.sin(xy[:, 0] / 41) * 3]))
    city.loc[1, "geometry"] = shapely.buffer(city.geometry.iloc[1], 2, join_style="mitre")
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    for level in ("kelurahan", "kecamatan", "kota"):
        full = _metric(store.load_regions(engine, level)).geometry.values
        shown = _metric(store.load_regions(engine, level, display=True)).geometry.values
        assert shapely.is_valid(shown).all()
        moved = shapely.hausdorff_distance(shapely.boundary(full), shapely.boundary(shown),
                                           densify=0.25)
        assert moved.max() <= 10.0
        assert report.display[level]["max_displacement_m"] <= 10.0
        assert report.display[level]["geojson_bytes"] > 0
    shown = store.load_regions(engine, "kelurahan", display=True).geometry.values
    assert shapely.coverage_is_valid(shown)  # neighbours share their edges, no overlap
    coords = shapely.get_coordinates(shown)
    assert np.array_equal(coords, np.round(coords, 6))  # six only in thin places
    assert np.all(coords == np.round(coords, 5), axis=1).mean() > 0.4  # (the overlap's corners)
    full_vertices = shapely.get_num_coordinates(
        store.load_regions(engine, "kelurahan").geometry.values).sum()
    assert shapely.get_num_coordinates(shown).sum() < full_vertices


def test_relink_runs_in_the_same_transaction(engine, tmp_path, monkeypatch):
    calls = []

    def relink_all(engine, conn=None):
        kel = conn.execute(store.regions.select().where(
            store.regions.c.level == "kelurahan")).all()
        calls.append(len(kel))
        return {"households": 0, "changed": 0}

    monkeypatch.setattr(link, "relink_all", relink_all)
    report = import_boundaries(engine, write_geojson(grid_city(), tmp_path))
    assert calls == [6]  # it sees the new regions before they are committed
    assert report.relink == {"households": 0, "changed": 0}

    def broken(engine, conn=None):
        raise RuntimeError("rusak")

    monkeypatch.setattr(link, "relink_all", broken)
    city = grid_city().iloc[:3]
    with pytest.raises(BoundaryImportFailed, match="penautan ulang"):
        import_boundaries(engine, write_geojson(city, tmp_path, "baru.geojson"))
    assert len(store.load_regions(engine, "kelurahan")) == 6  # rolled back


def test_command_line_json_and_text(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    frame = grid_city().rename(columns={"kode_kel": "ID", "nama_kel": "LABEL"})
    path = write_geojson(frame, tmp_path)
    assert main(["import-boundaries", str(path), "--json",
                 "--field", "kode=ID", "--field", "nama=LABEL"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["features"] == 6 and data["repaired"] == 0
    assert data["levels"] == {"kota": 1, "kecamatan": 2, "kelurahan": 6}

    assert main(["import-boundaries", str(path), "--field", "kode=ID",
                 "--field", "nama=LABEL"]) == 0
    out = capsys.readouterr().out
    assert "Fitur dibaca: 6" in out and "Kec 1" in out

    assert main(["import-boundaries", str(tmp_path / "tidak_ada.geojson")]) == 1
    assert "tidak_ada.geojson" in capsys.readouterr().err


def test_reimport_keeps_and_relinks_households(demo_db_url, tmp_path):
    from geo.demo import build_city

    engine = store.get_engine(demo_db_url)
    kel, _ = build_city(7)
    same = tmp_path / "kelurahan.geojson"
    kel.to_file(same, driver="GeoJSON")
    report = import_boundaries(engine, same)
    assert report.relink["households"] > 0
    assert report.relink["changed"] == 0

    fewer = tmp_path / "kurang.geojson"
    kel.iloc[1:].to_file(fewer, driver="GeoJSON")
    report = import_boundaries(engine, fewer)
    assert report.relink["changed"] > 0
    assert report.relink["unlinked_after"] >= report.relink["unlinked_before"]
    assert store.snapshot_for(engine) is not None  # households stay
    assert link.unlinked_warning(report.relink["unlinked_after"],
                                 report.relink["households"]) is None  # one kelurahan fewer

    elsewhere = tmp_path / "kota_lain.geojson"
    another_area(kel).to_file(elsewhere, driver="GeoJSON")
    report = import_boundaries(engine, elsewhere)
    warning = link.unlinked_warning(report.relink["unlinked_after"],
                                    report.relink["households"])
    assert warning and "mencakup wilayah yang sama" in warning
    assert f"Peringatan: {warning}" in format_report(report)


def test_displacement_of_large_features_matches_geos():
    from geo.boundaries import displacement_m

    big = shapely.Point(0, 0).buffer(5_000, quad_segs=1_500)  # 6,000 vertices
    notched = big.difference(shapely.box(4_950, -20, 5_100, 20))  # a 50 m deep notch
    small = shapely.box(0, 0, 100, 100)
    full = np.array([big, big, small])
    shown = np.array([shapely.affinity.translate(big, 3, 0), notched,
                      shapely.affinity.translate(small, 0, 4)])
    moved = displacement_m(full, shown)
    assert moved[0] == pytest.approx(3.0, abs=0.1)
    assert moved[1] == pytest.approx(50.0, abs=0.5)
    assert moved[2] == pytest.approx(4.0, abs=0.01)


def test_overlap_wider_than_the_limit_is_split_midway(engine, tmp_path):
    city = grid_city()
    x0, y0 = ORIGIN
    # kel 12 bulges 16 m into kel 11 over 300 m: giving the overlap to either side would move
    # a boundary 16 m; the display edge runs midway, so both move about 8 m
    bulge = shapely.Polygon([(x0 + SIZE, y0 + 300), (x0 + SIZE - 16, y0 + 450),
                             (x0 + SIZE, y0 + 600)])
    city.loc[1, "geometry"] = city.geometry.iloc[1].union(bulge)
    report = import_boundaries(engine, write_geojson(city, tmp_path))
    assert report.coverage[0]["overlap_km2"] > 0
    full = _metric(store.load_regions(engine, "kelurahan")).geometry.values
    shown = _metric(store.load_regions(engine, "kelurahan", display=True)).geometry.values
    moved = shapely.hausdorff_distance(shapely.boundary(full), shapely.boundary(shown),
                                       densify=0.25)
    assert moved.max() <= 10.0 and moved[:2].max() >= 6.0
    assert shapely.coverage_is_valid(
        store.load_regions(engine, "kelurahan", display=True).geometry.values)
