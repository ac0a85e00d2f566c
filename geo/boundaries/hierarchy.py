"""Kecamatan, kabupaten/kota and provinsi dissolved from the finest level a file has."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.boundaries.repair import polygonal
from geo.codes import parent_code

SLIVER_WIDTH_M = 20.0  # holes narrower than this in a dissolved region are gaps between its parts
CLOSE_M = 5.0  # gaps and inlets between the parts of a dissolved region up to 2x this are closed


def _fill_slivers(geom: shapely.Geometry, width_m: float, metres_per_unit: float
                  ) -> shapely.Geometry:
    """Remove holes narrower than ``width_m``: the gaps left between a region's parts."""
    polys = []
    for poly in shapely.get_parts(geom):
        holes = [r for r in poly.interiors
                 if 2 * shapely.Polygon(r).area / max(r.length, 1e-12) * metres_per_unit
                 >= width_m]
        polys.append(shapely.Polygon(poly.exterior, holes))
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _dissolve_clean(geom: shapely.Geometry, metres_per_unit: float) -> shapely.Geometry:
    """A dissolved region without the artefacts of its parts' slivers: gaps and inlets narrower
    than ``2 * CLOSE_M`` closed, holes narrower than :data:`SLIVER_WIDTH_M` filled."""
    eps = CLOSE_M / metres_per_unit
    closed = shapely.buffer(shapely.buffer(geom, eps, join_style="mitre"), -eps,
                            join_style="mitre")
    closed = polygonal(shapely.make_valid(closed)) or geom
    return _fill_slivers(closed, SLIVER_WIDTH_M, metres_per_unit)


def build_hierarchy(table: gpd.GeoDataFrame, metres_per_unit: float = 1.0,
                    kelurahan_clean: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """Add kecamatan, kota and provinsi dissolved from the level below where the file lacks them.

    A provinsi is only added when the file holds more than one kabupaten/kota of it: the union
    of one city is the city, not its province. ``kelurahan_clean`` (in the table's CRS, in the
    order of its kelurahan) is dissolved instead of the kelurahan themselves when given: their
    clean coverage (:func:`clean_coverage`), without the slivers between them, so that a
    kecamatan does not keep a gap between two of its kelurahan as a notch the map closes.
    Dissolved from that, the regions need no :func:`_dissolve_clean` (whose filling of narrow
    holes would swallow a neighbour's narrow exclave).
    """
    name_col = {"kecamatan": "nama_kec", "kota": "nama_kab", "provinsi": "nama_prov"}
    current = table.assign(dissolved=False)
    for child, parent in (("kelurahan", "kecamatan"), ("kecamatan", "kota"), ("kota", "provinsi")):
        children = current[current["level"] == child]
        if children.empty:
            continue
        if child == "kelurahan" and kelurahan_clean is not None:
            children = children.set_geometry(list(kelurahan_clean))
        have = set(current.loc[current["level"] == parent, "kode"])
        groups = children.groupby(children["kode"].map(parent_code).values, sort=True)
        rows = []
        for code, group in groups:
            if code in have:
                continue
            if parent == "provinsi" and len(group) < 2:
                continue
            names = group[name_col[parent]].dropna()
            geom = shapely.union_all(group.geometry.values)
            rows.append({"kode": code, "level": parent, "fitur": None, "dissolved": True,
                         "nama": names.mode().iat[0] if len(names) else None,
                         "nama_kec": group["nama_kec"].iat[0],
                         "nama_kab": group["nama_kab"].iat[0],
                         "nama_prov": group["nama_prov"].iat[0],
                         "geometry": geom if kelurahan_clean is not None
                         else _dissolve_clean(geom, metres_per_unit)})
        if rows:
            added = gpd.GeoDataFrame(rows, geometry="geometry", crs=table.crs)
            current = gpd.GeoDataFrame(pd.concat([current, added], ignore_index=True),
                                       geometry="geometry", crs=table.crs)
    current["kode_induk"] = current["kode"].map(parent_code)
    return current

