"""Small generated boundary files for the boundary import tests (no real data)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo import store

UTM_48S = 32748
ORIGIN = (700_000.0, 9_300_000.0)  # metres in UTM 48S: near Bekasi, on land in Java
SIZE = 1_000.0
GRID_LEVELS = {"kelurahan": 6, "kecamatan": 2, "kota": 1}  # regions grid_city() imports as


def grid_city(desa: bool = False, prefix: str = "36.74") -> gpd.GeoDataFrame:
    """Six 1 km squares in UTM 48S: two kecamatan of three kelurahan (or desa) each."""
    rows = []
    for k in range(2):
        for j in range(3):
            x0, y0 = ORIGIN[0] + j * SIZE, ORIGIN[1] + k * SIZE
            rows.append({
                "kode_kel": f"{prefix}.0{k + 1}.{2 if desa else 1}00{j + 1}",
                "nama_kel": f"Kel {k + 1}{j + 1}",
                "kode_kec": f"{prefix}.0{k + 1}", "nama_kec": f"Kec {k + 1}",
                "kode_kab": prefix, "nama_kab": "Kota Uji", "kode_prov": prefix[:2],
                "nama_prov": "Provinsi Uji",
                "geometry": shapely.box(x0, y0, x0 + SIZE, y0 + SIZE),
            })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=UTM_48S)


def wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(4326)


def write_geojson(frame: gpd.GeoDataFrame, folder, name: str = "batas.geojson"):  # noqa: ANN001, ANN201
    """Write ``frame`` (any CRS) as a WGS84 GeoJSON file in ``folder``; return its path."""
    path = folder / name
    wgs84(frame).to_file(path, driver="GeoJSON")
    return path


def another_area(kel: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The same kelurahan moved 3 degrees east, with other codes and names: boundaries of an
    area a register of ``kel`` does not cover."""
    other = kel.copy()
    other["geometry"] = kel.translate(xoff=3.0)
    for column in kel.columns:
        if column.startswith("kode"):
            other[column] = kel[column].str.replace("99.", "98.", n=1, regex=False)
        elif column.startswith("nama"):
            other[column] = "Lain " + kel[column]
    return other


def metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(UTM_48S)


def levels_in_metres(engine, level: str = "kelurahan"):  # noqa: ANN001, ANN201
    """(codes, full, display) of one stored level, both in UTM 48S metres."""
    full = store.load_regions(engine, level).to_crs(UTM_48S)
    shown = store.load_regions(engine, level, display=True).to_crs(UTM_48S)
    return full["kode"].tolist(), full.geometry.values, shown.geometry.values


def moved_m(full: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """How far each boundary moved on screen (Hausdorff distance, densely sampled)."""
    return shapely.hausdorff_distance(shapely.boundary(full), shapely.boundary(shown),
                                      densify=0.05)


def shares_edges(engine, level: str = "kelurahan") -> bool:  # noqa: ANN001
    """Whether the stored display geometry is a valid coverage of valid polygons."""
    shown = store.load_regions(engine, level, display=True).geometry.values
    return bool(shapely.coverage_is_valid(shown)) and bool(shapely.is_valid(shown).all())
