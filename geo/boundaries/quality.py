"""The quality report's findings: missing names, features outside Indonesia, overlaps and
gaps per kabupaten/kota, kelurahan and desa per kecamatan."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geo.boundaries.base import INDONESIA_BOUNDS, LEVELS, BoundaryReport
from geo.codes import is_desa, parent_code


def outside_indonesia(table: gpd.GeoDataFrame) -> np.ndarray:
    minx, miny, maxx, maxy = INDONESIA_BOUNDS
    pts = shapely.point_on_surface(table.geometry.values)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    return ~((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))


def coverage_quality(finest: gpd.GeoDataFrame, metric_crs: CRS) -> list[dict]:
    """Overlaps between neighbours and enclosed gaps, per kabupaten/kota, in km² and as a share.

    Overlap is the sum of areas minus the area of the union; gaps are the holes of the union
    (so an enclave of another region also counts as a gap).
    """
    out = []
    metric = finest.geometry.to_crs(metric_crs)
    city = finest["kode"].map(lambda c: ".".join(c.split(".")[:2]))
    for code, geoms in metric.groupby(city.values, sort=True):
        union = shapely.union_all(geoms.values)
        union_area = union.area
        holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
        overlap = max(float(geoms.area.sum() - union_area), 0.0)
        gap = float(sum(h.area for h in holes))
        names = finest.loc[city == code, "nama_kab"].dropna()
        out.append({"kode": code, "nama": names.iat[0] if len(names) else None,
                    "features": len(geoms), "area_km2": round(union_area / 1e6, 3),
                    "overlap_km2": round(overlap / 1e6, 4),
                    "overlap_share": round(overlap / union_area, 6) if union_area else 0.0,
                    "gaps": len(holes), "gap_km2": round(gap / 1e6, 4),
                    "gap_share": round(gap / union_area, 6) if union_area else 0.0})
    return out


def quality(table: gpd.GeoDataFrame, metric_crs: CRS, report: BoundaryReport) -> None:
    from_file = table[~table["dissolved"]]
    for rec in from_file[from_file["nama"].isna()].itertuples():
        report.missing_names.append({"fitur": int(rec.fitur), "kode": rec.kode})
    outside = outside_indonesia(from_file)
    for rec in from_file[outside].itertuples():
        report.outside_indonesia.append({"fitur": int(rec.fitur), "kode": rec.kode,
                                         "nama": rec.nama})
    finest_level = next(lv for lv in reversed(LEVELS) if (table["level"] == lv).any())
    finest = table[table["level"] == finest_level]
    report.coverage = coverage_quality(finest, metric_crs)
    kel = table[table["level"] == "kelurahan"]
    if len(kel):
        kec_names = table[table["level"] == "kecamatan"].set_index("kode")["nama"]
        counts = kel.groupby(kel["kode"].map(parent_code).values)["kode"].agg(
            kelurahan=lambda s: int(sum(not is_desa(c) for c in s)),
            desa=lambda s: int(sum(is_desa(c) for c in s)))
        report.per_kecamatan = [
            {"kode": code, "nama": kec_names.get(code), "kelurahan": int(row.kelurahan),
             "desa": int(row.desa), "jumlah": int(row.kelurahan + row.desa)}
            for code, row in counts.iterrows()]
        report.desa = int(sum(is_desa(c) for c in kel["kode"]))
        report.kelurahan = len(kel) - report.desa

