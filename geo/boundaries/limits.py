"""Size limits of a boundary file, checked before the work, and the simplification of very
detailed features (a coastline or river bank digitised at 1:5.000) before cleaning: cleaning
and display work on every vertex, so a 1M-vertex polygon would otherwise take many minutes and
gigabytes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo import config
from geo.boundaries.base import BoundaryImportFailed, BoundaryReport
from geo.fmt import fmt_int

SIMPLIFY_ABOVE = 5_000  # vertices of one feature; more are simplified before cleaning
SIMPLIFY_M = 1.0  # tolerance: well inside the accuracy of a 1:5.000 map (2,5 m)
METRES_PER_DEGREE = 111_320.0


def check_vertices(frame: gpd.GeoDataFrame, name: str) -> None:
    """Refuse a file whose features are larger than the settings allow (before any work)."""
    counts = shapely.get_num_coordinates(frame.geometry.values)
    most, total = config.max_vertices_feature(), config.max_vertices_total()
    if len(counts) and counts.max() > most:
        i = int(np.argmax(counts))
        raise BoundaryImportFailed(
            f"{name}: fitur ke-{i + 1} berisi {fmt_int(counts[i])} titik sudut, melebihi batas "
            f"{fmt_int(most)} per fitur (pengaturan PETA_MAX_VERTICES_FEATURE). Sederhanakan "
            "batasnya di aplikasi GIS (mis. toleransi 1 m) lalu ekspor ulang.")
    if counts.sum() > total:
        raise BoundaryImportFailed(
            f"{name}: berkas berisi {fmt_int(counts.sum())} titik sudut, melebihi batas "
            f"{fmt_int(total)} (pengaturan PETA_MAX_VERTICES_TOTAL). Sederhanakan batasnya di "
            "aplikasi GIS atau impor per kabupaten/kota.")


def simplify_large(table: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Features of more than :data:`SIMPLIFY_ABOVE` vertices simplified to :data:`SIMPLIFY_M`
    (topology kept), said in the report; ``table`` in degrees (WGS84)."""
    geoms = table.geometry.values
    counts = shapely.get_num_coordinates(geoms)
    big = counts > SIMPLIFY_ABOVE
    if not big.any():
        return table
    table = table.copy()
    tolerance = SIMPLIFY_M / METRES_PER_DEGREE
    simpler = shapely.simplify(geoms[big], tolerance, preserve_topology=True)
    table.loc[big, table.geometry.name] = simpler
    after = shapely.get_num_coordinates(simpler)
    report.warnings.append(
        f"{fmt_int(big.sum())} fitur sangat rinci (lebih dari {fmt_int(SIMPLIFY_ABOVE)} titik "
        f"sudut) disederhanakan dengan toleransi {fmt_int(SIMPLIFY_M)} m sebelum dibersihkan: "
        f"{fmt_int(counts[big].sum())} → {fmt_int(after.sum())} titik.")
    return table
