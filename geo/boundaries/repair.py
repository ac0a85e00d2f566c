"""Coordinates to WGS84 (a missing or wrong CRS explained), invalid geometry made valid,
and several features of one code merged."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.boundaries.base import BoundaryImportFailed, BoundaryReport

log = logging.getLogger(__name__)


def _parse_crs(crs: str | int, name: str) -> CRS:
    text = str(crs).strip()
    try:
        return CRS.from_user_input(int(text) if text.isdigit() else text)
    except (CRSError, ValueError) as exc:
        raise BoundaryImportFailed(
            f"{name}: sistem koordinat '{crs}' tidak dikenal. Tulis kode EPSG, mis. 4326 "
            "(WGS84) atau 32748 (UTM zona 48S).") from exc


def _check_finite(frame: gpd.GeoDataFrame, name: str) -> None:
    """Coordinates that are not numbers (NaN, Infinity) are a broken file, not a CRS
    question."""
    geoms = frame.geometry.values
    if np.isfinite(shapely.get_coordinates(geoms)).all():
        return
    bad = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty
           and not np.isfinite(shapely.get_coordinates(g)).all()]
    if bad:
        codes = (frame["kode"].iloc[bad[:5]].astype(str).tolist() if "kode" in frame.columns
                 else [str(i + 1) for i in bad[:5]])
        raise BoundaryImportFailed(
            f"{name}: {len(bad)} fitur berisi koordinat yang bukan angka (NaN atau Infinity), "
            f"mis. {', '.join(codes)}. Perbaiki geometrinya di aplikasi GIS lalu ekspor ulang.")


def to_wgs84(frame: gpd.GeoDataFrame, crs: str | int | None, name: str,
             report: BoundaryReport) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a file without CRS must be in degrees, or ``crs`` must be given."""
    report.source_crs = frame.crs.to_string() if frame.crs is not None else ""
    _check_finite(frame, name)
    minx, miny, maxx, maxy = frame.total_bounds
    degrees = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if crs is not None:
        frame = frame.set_crs(_parse_crs(crs, name), allow_override=True)
    elif frame.crs is not None and frame.crs.is_geographic and not degrees:
        # GeoJSON without a "crs" member reads as WGS84 whatever its numbers are
        frame = frame.set_crs(None, allow_override=True)
    if frame.crs is None:
        if degrees:
            report.warnings.append("Berkas tidak menyatakan sistem koordinat; koordinatnya "
                                   "berupa derajat, jadi dianggap WGS84 (EPSG:4326).")
            return frame.set_crs(4326)
        hint = ""
        if -11.5 <= minx <= maxx <= 6.5 and 94 <= miny <= maxy <= 142:
            raise BoundaryImportFailed(
                f"{name}: koordinatnya tampak tertukar (lintang, bujur): x {minx:.2f} s.d. "
                f"{maxx:.2f}, y {miny:.2f} s.d. {maxy:.2f}. Tukar urutannya menjadi (bujur, "
                "lintang) di berkas sumber.")
        if 100_000 <= minx and maxx <= 900_000 and 8_000_000 <= miny and maxy <= 10_000_000:
            hint = (" Koordinatnya tampak seperti UTM belahan selatan: untuk Indonesia biasanya "
                    "EPSG:32746 s.d. 32754 (zona 46S-54S), mis. 32748 untuk Jawa bagian barat, "
                    "32749 untuk Jawa Tengah dan Kalimantan Tengah.")
        raise BoundaryImportFailed(
            f"{name}: berkas tidak menyatakan sistem koordinat (CRS) dan koordinatnya bukan "
            f"derajat (x {minx:,.0f} s.d. {maxx:,.0f}, y {miny:,.0f} s.d. {maxy:,.0f}). "
            f"Sebutkan kode EPSG-nya: --crs KODE di baris perintah atau kolom CRS di aplikasi."
            f"{hint}")
    if frame.crs.equals(CRS.from_epsg(4326)):
        return frame
    report.reprojected = True
    try:
        out = frame.to_crs(4326)
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: proyeksi dari %s gagal: %s", name, frame.crs.to_string(), exc)
        raise BoundaryImportFailed(
            f"{name}: koordinat tidak dapat diubah dari {frame.crs.to_string()} ke WGS84. "
            "Periksa CRS berkas, atau sebutkan yang benar dengan --crs.") from exc
    if not np.isfinite(out.total_bounds).all():
        raise BoundaryImportFailed(
            f"{name}: koordinat tidak cocok dengan sistem koordinat {frame.crs.to_string()}. "
            "Sebutkan CRS yang benar dengan --crs.")
    return out



def polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygonal part of ``geom`` (Polygon or MultiPolygon), or None."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def repair(table: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Drop features without polygons; make invalid ones valid keeping only polygonal parts.

    ``make_valid(method="structure")`` keeps holes and every part of a multipart area, and
    unions overlapping parts instead of cutting them out.
    """
    geoms = shapely.force_2d(table.geometry.values)
    geoms = np.array([polygonal(g) for g in geoms], dtype=object)
    invalid = np.array([g is not None and not g.is_valid for g in geoms])
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms[invalid] = [polygonal(g) for g in fixed]
    report.repaired = int(invalid.sum())
    keep = np.array([g is not None for g in geoms])
    for i in np.flatnonzero(~keep):
        report.dropped.append({"fitur": int(table["fitur"].iat[i]), "kode": table["kode"].iat[i],
                               "nama": table["nama"].iat[i],
                               "alasan": "tanpa geometri poligon"})
    out = table.set_geometry(geoms.tolist()) if len(table) else table
    return out[keep].reset_index(drop=True)



def _same_name(names: pd.Series) -> bool:
    return len({" ".join(str(n).casefold().split()) for n in names.dropna()}) <= 1


def merge_duplicates(table: gpd.GeoDataFrame, name: str, report: BoundaryReport
                     ) -> gpd.GeoDataFrame:
    """Parts of one code under one name become one multipolygon; differing names reject."""
    dup = table["kode"].duplicated(keep=False)
    if not dup.any():
        return table
    conflicts, merged_rows = [], []
    for code, group in table[dup].groupby("kode", sort=True):
        if not _same_name(group["nama"]):
            listing = ", ".join(f"fitur {f} ({n})" for f, n in zip(group["fitur"], group["nama"]))
            conflicts.append(f"{code}: {listing}")
            continue
        row = group.iloc[0].copy()
        row["geometry"] = polygonal(shapely.make_valid(shapely.union_all(group.geometry.values)))
        merged_rows.append(row)
        report.duplicates.append({"kode": code, "nama": row["nama"],
                                  "fitur": [int(f) for f in group["fitur"]],
                                  "tindakan": "digabung menjadi satu wilayah"})
    if conflicts:
        raise BoundaryImportFailed(
            f"{name}: {len(conflicts)} kode dipakai oleh wilayah dengan nama berbeda: "
            f"{'; '.join(conflicts[:10])}{' …' if len(conflicts) > 10 else ''}. Perbaiki kode "
            "atau nama di berkas sumber; tidak ada yang diubah di basis data.")
    merged = gpd.GeoDataFrame(merged_rows, geometry="geometry", crs=table.crs)
    out = pd.concat([table[~dup], merged], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=table.crs).sort_values(
        "fitur").reset_index(drop=True)

