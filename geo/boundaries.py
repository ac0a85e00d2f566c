"""Boundary import: any common GIS file of kelurahan/desa (or higher) polygons into ``regions``.

file -> read (GeoJSON, Shapefile folder/.zip, GeoPackage, KML, GeoParquet) -> field mapping ->
WGS84 -> repair -> duplicate codes -> hierarchy (kecamatan, kota dissolved from kelurahan) ->
display geometry (coverage simplification per level) -> quality report -> store + re-link.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from geo import store
from geo.codes import normalize_code, parent_code

LEVELS = ("provinsi", "kota", "kecamatan", "kelurahan")  # coarse to fine

# Field roles -> known column names (compared case-insensitively), most specific first.
# The one place the importer learns a new file convention.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": ("kode_kel", "kode_desa", "kode_kelurahan", "kd_kel", "kd_desa_full", "kdepum",
             "iddesa", "id_desa", "kode_wilayah", "kodewilayah", "kode_kemendagri", "kode",
             "kd_wilayah", "kode_wil", "code"),
    "nama": ("nama_kel", "nama_desa", "nama_kelurahan", "nm_kel", "nmdesa", "nm_desa",
             "wadmkd", "desa", "kelurahan", "desa_kel", "namobj", "nama", "name"),
    "kode_kec": ("kode_kec", "kode_kecamatan", "kd_kec", "kdcpum", "idkec", "id_kec"),
    "nama_kec": ("nama_kec", "nama_kecamatan", "nm_kec", "nmkec", "wadmkc", "kecamatan"),
    "kode_kab": ("kode_kab", "kode_kota", "kode_kabkota", "kode_kabupaten", "kd_kab", "kdpkab",
                 "idkab", "id_kab"),
    "nama_kab": ("nama_kab", "nama_kota", "nama_kabkota", "nama_kabupaten", "nm_kab", "nmkab",
                 "wadmkk", "kabupaten", "kota", "kabkota"),
    "kode_prov": ("kode_prov", "kode_provinsi", "kd_prov", "kdppum", "idprov", "id_prov"),
    "nama_prov": ("nama_prov", "nama_provinsi", "nm_prov", "nmprov", "wadmpr", "provinsi"),
}
# The code of each level and the role holding its name.
CODE_ROLES = {"kelurahan": "kode", "kecamatan": "kode_kec", "kota": "kode_kab",
              "provinsi": "kode_prov"}
NAME_ROLES = {"kelurahan": "nama", "kecamatan": "nama_kec", "kota": "nama_kab",
              "provinsi": "nama_prov"}

DISPLAY_DECIMALS = 6  # about 0.1 m
MAX_DISPLACEMENT_M = 10.0


class BoundaryImportFailed(Exception):
    """The file cannot be used; the message (Indonesian) says why and what to do."""


@dataclass
class BoundaryReport:
    source: str
    features: int = 0
    repaired: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    source_crs: str = ""
    display: dict[str, dict] = field(default_factory=dict)
    quality: dict = field(default_factory=dict)
    relink: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- reading

def read_file(path: str | Path, layer: str | None = None) -> gpd.GeoDataFrame:
    path = Path(path)
    return gpd.read_file(path, layer=layer)


# ---------------------------------------------------------------- fields

def detect_fields(columns: list[str], fields: dict[str, str] | None = None) -> dict[str, str]:
    """Role -> column; ``fields`` overrides detection per role."""
    lower = {str(c).lower(): c for c in columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for role, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            col = lower.get(alias)
            if col is not None and col not in used:
                found[role] = col
                used.add(col)
                break
    for role, col in (fields or {}).items():
        found[role] = col
    return found


def _any_level_code(value: object) -> str | None:
    for level in ("kelurahan", "kecamatan", "kota", "provinsi"):
        code = normalize_code(value, level)
        if code:
            return code
    return None


def normalise(frame: gpd.GeoDataFrame, mapping: dict[str, str], name: str) -> gpd.GeoDataFrame:
    """One row per feature: kode (dotted), nama, level, geometry and the parents' names."""
    code_col = next((mapping[r] for r in ("kode", "kode_kec", "kode_kab", "kode_prov")
                     if r in mapping), None)
    if code_col is None:
        raise BoundaryImportFailed(f"{name}: kolom kode wilayah tidak ditemukan.")
    codes = frame[code_col].astype("object").map(_any_level_code)
    out = gpd.GeoDataFrame({"kode": codes}, geometry=frame.geometry.values, crs=frame.crs)
    out["level"] = out["kode"].map(lambda c: None if c is None else _level(c))
    out["nama"] = None
    for level, role in NAME_ROLES.items():
        if role in mapping:
            here = out["level"] == level
            out.loc[here, "nama"] = frame.loc[here.values, mapping[role]].astype("object").values
    for role in ("nama_kec", "nama_kab", "nama_prov"):
        out[role] = frame[mapping[role]].astype("object").values if role in mapping else None
    return out


def _level(code: str) -> str:
    return {2: "provinsi", 4: "kota", 6: "kecamatan", 10: "kelurahan"}[len(code.replace(".", ""))]


# ---------------------------------------------------------------- hierarchy

def build_hierarchy(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add kecamatan and kota (and provinsi) dissolved from the finest level where missing."""
    parts = [table]
    for child, parent in (("kelurahan", "kecamatan"), ("kecamatan", "kota"), ("kota", "provinsi")):
        current = pd.concat(parts, ignore_index=True)
        children = current[current["level"] == child]
        if children.empty:
            continue
        have = set(current.loc[current["level"] == parent, "kode"])
        keys = children["kode"].map(parent_code)
        name_col = {"kecamatan": "nama_kec", "kota": "nama_kab", "provinsi": "nama_prov"}[parent]
        rows = []
        for code, group in children.groupby(keys.values):
            if code in have:
                continue
            names = group[name_col].dropna()
            rows.append({"kode": code, "level": parent,
                         "nama": names.mode().iat[0] if len(names) else None,
                         "nama_kec": group["nama_kec"].iat[0], "nama_kab": group["nama_kab"].iat[0],
                         "nama_prov": group["nama_prov"].iat[0],
                         "geometry": shapely.union_all(group.geometry.values)})
        if rows:
            parts.append(gpd.GeoDataFrame(rows, geometry="geometry", crs=table.crs))
    out = pd.concat(parts, ignore_index=True)
    out["kode_induk"] = out["kode"].map(parent_code)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=table.crs)


# ---------------------------------------------------------------- display geometry

def display_geometry(table: gpd.GeoDataFrame, metric_crs) -> tuple[np.ndarray, dict]:  # noqa: ANN001
    """Coverage-simplified, rounded geometry per level (EPSG:4326), and figures per level."""
    result = np.empty(len(table), dtype=object)
    figures: dict[str, dict] = {}
    metric = table.geometry.to_crs(metric_crs)
    for level in LEVELS:
        idx = np.flatnonzero((table["level"] == level).to_numpy())
        if not len(idx):
            continue
        geoms = metric.values[idx]
        simple = shapely.coverage_simplify(geoms, 10.0)
        back = gpd.GeoSeries(simple, crs=metric_crs).to_crs(4326).values
        back = shapely.set_precision(back, 10.0**-DISPLAY_DECIMALS)
        result[idx] = back
        figures[level] = {"features": len(idx)}
    return result, figures


# ---------------------------------------------------------------- import

def import_boundaries(engine: Engine, path, *, fields: dict[str, str] | None = None,  # noqa: ANN001
                      crs: str | int | None = None, layer: str | None = None, progress=None,  # noqa: ANN001
                      source_name: str | None = None) -> BoundaryReport:
    """Read, check and store a boundary file, replacing all regions; then re-link households."""
    name = source_name or Path(getattr(path, "name", str(path))).name
    frame = read_file(path, layer=layer)
    report = BoundaryReport(source=name, features=len(frame))
    mapping = detect_fields(list(frame.columns), fields)
    report.fields = mapping
    report.source_crs = str(frame.crs) if frame.crs else ""
    if crs is not None:
        frame = frame.set_crs(crs, allow_override=True)
    if frame.crs is None:
        frame = frame.set_crs(4326)
    frame = frame.to_crs(4326)
    table = normalise(frame, mapping, name)
    table = build_hierarchy(table)
    metric_crs = table.estimate_utm_crs()
    table["area_km2"] = table.geometry.to_crs(metric_crs).area / 1e6
    table["geometry_display"], report.display = display_geometry(table, metric_crs)
    table["nama"] = table["nama"].fillna(table["kode"])
    report.levels = {lv: int((table["level"] == lv).sum()) for lv in LEVELS
                     if (table["level"] == lv).any()}
    store.replace_regions(engine, table[["kode", "nama", "level", "kode_induk", "area_km2",
                                         "geometry", "geometry_display"]], name)
    return report


def report_json(report: BoundaryReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, default=str)


# ---------------------------------------------------------------- command line

def configure(parser) -> None:  # noqa: ANN001
    parser.add_argument("file")


def run(args) -> int:  # noqa: ANN001
    report = import_boundaries(store.get_engine(), args.file)
    print(report_json(report))
    return 0
