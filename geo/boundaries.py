"""Boundary import: the GIS files of BIG, BPS or the city, in any common format, into ``regions``.

file -> read (GeoJSON, Shapefile folder/.zip, GeoPackage, KML/KMZ, GeoParquet) -> field mapping
-> WGS84 -> repair -> duplicate codes -> hierarchy (kecamatan, kota, provinsi dissolved from the
finest level) -> display geometry (a clean coverage simplified per level) -> quality report ->
store and re-link households, in one transaction.

Messages for users are Indonesian; they name the file, the feature (1-based, in file order) and
the field, and say what to do.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy import Engine, delete

from geo import link, store
from geo.codes import is_desa, join_split_code, normalize_code, parent_code
from geo.fmt import fmt_int, fmt_num, fmt_pct

Progress = Callable[[float, str], None]

LEVELS = ("provinsi", "kota", "kecamatan", "kelurahan")  # coarse to fine
LEVEL_BY_DIGITS = {2: "provinsi", 4: "kota", 6: "kecamatan", 10: "kelurahan"}

# Field roles -> known column names (compared case-insensitively), preferred first. The one
# place the importer learns a new file convention: demo/cahyadsn (kode_kel...), BIG (KDEPUM,
# WADMKD...), BPS (IDDESA, NAMA_DESA...), plain kode/nama.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": ("kode_kel", "kode_desa", "kode_kelurahan", "kode_desa_kel", "kd_desa_kel", "kdepum",
             "iddesa", "id_desa", "desa_id", "kode_wilayah", "kodewilayah", "kode_kemendagri",
             "kd_wilayah", "kode_wil", "kode", "kd_kel", "kdkel", "code"),
    "nama": ("nama_kel", "nama_desa", "nama_kelurahan", "nama_desa_kel", "nm_kel", "nmdesa",
             "nm_desa", "nama_des", "wadmkd", "desa", "kelurahan", "desa_kel", "namobj", "nama",
             "name"),
    "kode_kec": ("kode_kec", "kode_kecamatan", "kd_kec_full", "kdcpum", "idkec", "id_kec"),
    "nama_kec": ("nama_kec", "nama_kecamatan", "nm_kec", "nmkec", "wadmkc", "kecamatan"),
    "kode_kab": ("kode_kab", "kode_kota", "kode_kabkota", "kode_kabupaten", "kdpkab", "idkab",
                 "id_kab", "idkabkota"),
    "nama_kab": ("nama_kab", "nama_kota", "nama_kabkota", "nama_kabupaten", "nm_kab", "nmkab",
                 "wadmkk", "kabupaten", "kabkota", "kota"),
    "kode_prov": ("kode_prov", "kode_provinsi", "kdppum", "idprov", "id_prov"),
    "nama_prov": ("nama_prov", "nama_provinsi", "nm_prov", "nmprov", "wadmpr", "provinsi"),
}
# Kelurahan code split over four columns (BPS style), province first.
SPLIT_CODE_ALIASES: tuple[tuple[str, ...], ...] = (
    ("kdprov", "kd_prov"), ("kdkab", "kd_kab"), ("kdkec", "kd_kec"), ("kddesa", "kd_desa"),
)
# Role of the code and of the name of each level.
CODE_ROLE = {"kelurahan": "kode", "kecamatan": "kode_kec", "kota": "kode_kab",
             "provinsi": "kode_prov"}
NAME_ROLE = {"kelurahan": "nama", "kecamatan": "nama_kec", "kota": "nama_kab",
             "provinsi": "nama_prov"}
LEVEL_LABEL = {"kelurahan": "kelurahan/desa", "kecamatan": "kecamatan", "kota": "kabupaten/kota",
               "provinsi": "provinsi"}

# Lon/lat box around Indonesia, with a margin for its seas.
INDONESIA_BOUNDS = (94.0, -11.5, 142.0, 6.5)
# Extensions by format; .zip and folders hold any of these.
FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile", ".gpkg": "GeoPackage",
           ".kml": "KML", ".parquet": "GeoParquet", ".geoparquet": "GeoParquet"}
ARCHIVES = (".zip", ".kmz")
UPLOAD_TYPES = ("geojson", "json", "zip", "gpkg", "kml", "kmz", "parquet", "geoparquet")

# Display geometry.
DISPLAY_DECIMALS = 5  # about 1.1 m; keeps a province of ~1,550 desa under 4 MB of GeoJSON
FINE_DECIMALS = 6  # for vertices of parts narrower than FINE_WIDTH_M, which 5 would collapse
FINE_WIDTH_M = 2.0
COARSE_ROUNDING_M = 3.0  # a vertex may move this far to drop a decimal (from simplifying's room)
MAX_DISPLACEMENT_M = 10.0
ROUNDING_SLACK_M = 1.0  # what rounding to DISPLAY_DECIMALS may add to a displacement
GAP_WIDTH_M = 2 * MAX_DISPLACEMENT_M  # narrower gaps between neighbours are closed on screen
INLET_WIDTH_M = 5.0  # and narrower inlets between them open to the outside
OVERLAP_REACH_M = 50.0  # how far around an overlap its cost to either side is measured
OVERLAP_SAMPLE_M = 4.0  # spacing of the points along an overlap's outline
THIN_M = 0.5  # strips narrower than twice this vanish on screen
LOST_VERTEX_M = 2.0  # original vertices cleaning moved further than this are put back
JUNCTION_ON_M = 0.5  # a junction this near two of its polygons' boundaries sits on both
MOVE_SPOT_M = 10.0  # vertices this near a spot where a move broke validity move less
CHECK_SPACING_M = 5.0  # displacements that may be near the limit are measured again so
CHECK_MARGIN_M = 0.5  # and kept this far below it: what that sampling may still miss
DEEP_FACE_M = 15.0  # a face this far inside is assigned by a point, not by its overlap
SNAP_M = -1.0  # GEOS picks a tiny snapping distance; larger values moved boundaries more
SLIVER_WIDTH_M = 20.0  # holes narrower than this in a dissolved region are gaps between its parts
OVER_LIMIT_LISTED = 50  # features beyond MAX_DISPLACEMENT_M listed in the report, worst first
CLOSE_M = 5.0  # gaps and inlets between the parts of a dissolved region up to 2x this are closed


class BoundaryImportFailed(Exception):
    """The file cannot be used; the message (Indonesian) says why and what to do."""


@dataclass
class BoundaryReport:
    """What an import did; ``to_dict()`` is the JSON of the command line and the app."""

    source: str
    format: str = ""
    layer: str | None = None
    features: int = 0  # features read from the file
    repaired: int = 0  # invalid geometries made valid
    levels: dict[str, int] = field(default_factory=dict)  # regions stored per level
    kelurahan: int = 0
    desa: int = 0
    fields: dict[str, str] = field(default_factory=dict)  # role -> column used
    source_crs: str = ""
    reprojected: bool = False
    dropped: list[dict] = field(default_factory=list)  # features not stored, with the reason
    duplicates: list[dict] = field(default_factory=list)  # codes merged from several features
    missing_names: list[dict] = field(default_factory=list)
    outside_indonesia: list[dict] = field(default_factory=list)
    parent_mismatch: list[dict] = field(default_factory=list)
    coverage: list[dict] = field(default_factory=list)  # overlaps and gaps per kota
    per_kecamatan: list[dict] = field(default_factory=list)
    display: dict[str, dict] = field(default_factory=dict)  # per level: bytes, displacement
    relink: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["quality"] = {key: data[key] for key in (
            "duplicates", "missing_names", "outside_indonesia", "parent_mismatch", "coverage",
            "per_kecamatan", "dropped")}
        return data


def _say(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


# ---------------------------------------------------------------- reading

@contextmanager
def _local_path(path: object) -> Iterator[tuple[Path, str]]:
    """A path on disk for ``path`` (a path, or an upload with ``.name``), and the file's name."""
    if isinstance(path, str | Path):
        yield Path(path), Path(path).name
        return
    name = Path(getattr(path, "name", "") or "upload").name
    data = path.getvalue() if hasattr(path, "getvalue") else path.read()
    with tempfile.TemporaryDirectory(prefix="batas-") as tmp:
        target = Path(tmp) / name
        target.write_bytes(data)
        yield target, name


def _extract(archive: Path, into: Path, name: str) -> Path:
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                target = (into / member.filename).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise BoundaryImportFailed(
                        f"{name}: arsip berisi jalur berbahaya ({member.filename}); "
                        "buat ulang arsip .zip dari folder berkasnya.")
            zf.extractall(into)
    except zipfile.BadZipFile as exc:
        raise BoundaryImportFailed(
            f"{name}: arsip tidak dapat dibuka ({exc}). Periksa bahwa berkas .zip tidak rusak."
        ) from exc
    return into


def _sources_in(folder: Path) -> list[Path]:
    """Data files in a folder or an unpacked archive (sidecar files and macOS junk skipped)."""
    found = [p for p in sorted(folder.rglob("*")) if p.is_file()
             and p.suffix.lower() in FORMATS and p.suffix.lower() != ".json"
             and "__MACOSX" not in p.parts and not p.name.startswith(".")]
    if not found:  # plain .json only when nothing better is there
        found = [p for p in sorted(folder.rglob("*.json")) if "__MACOSX" not in p.parts]
    return found


def _is_polygonal(geometry_type: str | None) -> bool:
    text = (geometry_type or "").lower()
    return "polygon" in text or text in ("unknown", "geometry", "")


@contextmanager
def _opened(path: object) -> Iterator[tuple[list[tuple[Path, str]], str, str]]:
    """Candidate (file, layer) pairs of ``path``, its display name and its format."""
    with _local_path(path) as (local, name), tempfile.TemporaryDirectory(prefix="batas-") as tmp:
        if not local.exists():
            raise BoundaryImportFailed(f"{name}: berkas tidak ditemukan.")
        if local.is_dir():
            files = _sources_in(local)
        elif local.suffix.lower() in ARCHIVES:
            files = _sources_in(_extract(local, Path(tmp), name))
        elif local.suffix.lower() in FORMATS:
            files = [local]
        else:
            raise BoundaryImportFailed(
                f"{name}: format berkas tidak dikenal. Gunakan GeoJSON, Shapefile (folder atau "
                ".zip berisi .shp, .shx, .dbf, .prj), GeoPackage (.gpkg), KML/KMZ atau "
                "GeoParquet.")
        if not files:
            raise BoundaryImportFailed(
                f"{name}: tidak ada berkas data spasial di dalamnya (dicari: .shp, .gpkg, "
                ".geojson, .kml, .parquet).")
        candidates: list[tuple[Path, str]] = []
        for file in files:
            if FORMATS[file.suffix.lower()] == "GeoParquet":
                candidates.append((file, file.stem))
                continue
            try:
                layers = pyogrio.list_layers(file)
            except Exception as exc:  # noqa: BLE001 - any driver error means unreadable
                raise BoundaryImportFailed(
                    f"{name}: {file.name} tidak dapat dibaca ({exc}). Periksa bahwa berkas "
                    "lengkap (untuk Shapefile: .shp, .shx, .dbf dan .prj bersama).") from exc
            for layer_name, geometry_type in layers:
                if _is_polygonal(geometry_type):
                    candidates.append((file, str(layer_name)))
        fmt = ", ".join(sorted({FORMATS[f.suffix.lower()] for f in files}))
        yield candidates, name, fmt


def list_layers(path: object) -> list[str]:
    """Names of the polygon layers in a file (GeoPackage layers, files in a .zip or folder)."""
    with _opened(path) as (candidates, _name, _fmt):
        return [_layer_label(file, layer, candidates) for file, layer in candidates]


def _layer_label(file: Path, layer: str, candidates: list[tuple[Path, str]]) -> str:
    one_file = len({f for f, _ in candidates}) == 1
    return layer if one_file else f"{file.name}:{layer}" if layer != file.stem else file.name


def read_boundary_file(path: object, layer: str | None = None
                       ) -> tuple[gpd.GeoDataFrame, str, str, str | None]:
    """Read the features: (frame, file name, format, layer used)."""
    with _opened(path) as (candidates, name, fmt):
        if not candidates:
            raise BoundaryImportFailed(f"{name}: tidak ada lapisan berisi poligon.")
        labels = [_layer_label(f, lyr, candidates) for f, lyr in candidates]
        if layer is not None:
            chosen = [c for c, label in zip(candidates, labels)
                      if layer in (label, c[1], c[0].name, c[0].stem)]
            if not chosen:
                raise BoundaryImportFailed(
                    f"{name}: lapisan '{layer}' tidak ada. Lapisan yang ada: "
                    f"{', '.join(labels)}.")
        elif len(candidates) == 1 or fmt == "KML":
            chosen = candidates  # a KML's folders are one map split in parts
        else:
            raise BoundaryImportFailed(
                f"{name}: berkas berisi {len(candidates)} lapisan poligon: "
                f"{', '.join(labels)}. Pilih satu (di aplikasi, atau --layer NAMA di baris "
                "perintah).")
        frames = []
        for file, lyr in chosen:
            try:
                if FORMATS[file.suffix.lower()] == "GeoParquet":
                    frames.append(gpd.read_parquet(file))
                else:
                    frames.append(gpd.read_file(file, layer=lyr, engine="pyogrio"))
            except Exception as exc:  # noqa: BLE001
                raise BoundaryImportFailed(
                    f"{name}: {file.name} tidak dapat dibaca ({exc}).") from exc
        crs = next((f.crs for f in frames if f.crs is not None), None)
        frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
        used = labels[candidates.index(chosen[0])] if len(chosen) == 1 else None
        return frame, name, fmt, used


# ---------------------------------------------------------------- fields

def detect_fields(columns: list[str], fields: dict[str, str] | None = None,
                  name: str = "berkas") -> dict[str, str]:
    """Role -> column. Known aliases first; ``fields`` (role -> column) overrides them."""
    lower = {str(c).strip().lower(): str(c) for c in columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for role, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            col = lower.get(alias)
            if col is not None and col not in used:
                found[role] = col
                used.add(col)
                break
    if "kode" not in found:
        split = [next((lower[a] for a in aliases if a in lower), None)
                 for aliases in SPLIT_CODE_ALIASES]
        if all(split):
            found["kode"] = "+".join(split)  # joined in normalise()
    for role, col in (fields or {}).items():
        if role not in FIELD_ALIASES:
            raise BoundaryImportFailed(
                f"{name}: peran kolom '{role}' tidak dikenal; gunakan salah satu dari "
                f"{', '.join(FIELD_ALIASES)}.")
        if col not in columns:
            actual = lower.get(col.strip().lower())
            if actual is None:
                raise BoundaryImportFailed(
                    f"{name}: kolom '{col}' (untuk {role}) tidak ada. Kolom yang ada: "
                    f"{', '.join(map(str, columns))}.")
            col = actual
        found[role] = col
    return found


def _any_level_code(value: object) -> str | None:
    """The dotted code of whichever level ``value`` is written at."""
    for level in ("kelurahan", "kecamatan", "kota", "provinsi"):
        code = normalize_code(value, level)
        if code:
            return code
    return None


def _sniff_code_column(frame: pd.DataFrame) -> str | None:
    """A column whose values are mostly area codes, when no known name was found."""
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        values = frame[col].dropna()
        if len(values) and values.astype("object").map(_any_level_code).notna().mean() >= 0.9:
            return str(col)
    return None


def _column(frame: pd.DataFrame, spec: str) -> pd.Series:
    if "+" in spec and spec not in frame:
        parts = [frame[c].astype("object") for c in spec.split("+")]
        return pd.Series([join_split_code(*vals) for vals in zip(*parts)], index=frame.index,
                         dtype="object")
    return frame[spec].astype("object")


def _text(values: pd.Series) -> pd.Series:
    """Trimmed text; empty and missing become None."""
    out = values.astype("object").map(lambda v: None if v is None or pd.isna(v) else
                                      " ".join(str(v).split()) or None)
    return out.astype("object")


def normalise(frame: gpd.GeoDataFrame, mapping: dict[str, str], name: str,
              report: BoundaryReport) -> gpd.GeoDataFrame:
    """One row per usable feature: fitur (1-based), kode (dotted), level, nama, parents' names."""
    if not any(r in mapping for r in ("kode", "kode_kec", "kode_kab", "kode_prov")):
        sniffed = _sniff_code_column(frame)
        if sniffed:
            mapping["kode"] = sniffed
            report.warnings.append(f"Kolom kode dikenali dari isinya: {sniffed}.")
    code_role = next((r for r in ("kode", "kode_kec", "kode_kab", "kode_prov") if r in mapping),
                     None)
    columns = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name)
    if code_role is None:
        raise BoundaryImportFailed(
            f"{name}: kolom kode wilayah tidak ditemukan. Kolom yang ada: {columns}. "
            "Sebutkan kolomnya: --field kode=KOLOM (atau pilih di aplikasi).")
    name_role = "nama" if "nama" in mapping else {
        "kode_kec": "nama_kec", "kode_kab": "nama_kab", "kode_prov": "nama_prov"}.get(code_role)
    if name_role not in mapping:
        raise BoundaryImportFailed(
            f"{name}: kolom nama wilayah tidak ditemukan. Kolom yang ada: {columns}. "
            "Sebutkan kolomnya: --field nama=KOLOM (atau pilih di aplikasi).")
    mapping_used = {code_role: mapping[code_role], name_role: mapping[name_role],
                    **{r: mapping[r] for r in ("nama_kec", "nama_kab", "nama_prov",
                                               "kode_kec", "kode_kab") if r in mapping}}
    report.fields = mapping_used
    raw = _column(frame, mapping[code_role])
    codes = raw.map(_any_level_code)
    out = gpd.GeoDataFrame({"fitur": np.arange(1, len(frame) + 1), "kode": codes.values},
                           geometry=frame.geometry.values, crs=frame.crs)
    out["level"] = out["kode"].map(lambda c: None if not isinstance(c, str) else
                                   LEVEL_BY_DIGITS[len(c.replace(".", ""))])
    out["nama"] = _text(frame[mapping[name_role]]).values
    for role in ("nama_kec", "nama_kab", "nama_prov"):
        out[role] = _text(frame[mapping[role]]).values if role in mapping else None
    empty = raw.map(lambda v: v is None or pd.isna(v) or not str(v).strip()).to_numpy()
    bad = codes.isna().to_numpy() & ~empty
    if bad.any():
        rows = [f"fitur {i + 1} ({raw.iat[i]!r})" for i in np.flatnonzero(bad)[:10]]
        raise BoundaryImportFailed(
            f"{name}: {int(bad.sum())} kode di kolom '{mapping[code_role]}' bukan kode wilayah "
            f"Kemendagri (mis. 36.74.01.1001 atau 3674011001): {'; '.join(rows)}. Perbaiki "
            "kodenya, atau pilih kolom lain dengan --field kode=KOLOM.")
    for i in np.flatnonzero(empty):
        report.dropped.append({"fitur": int(i + 1), "nama": out["nama"].iat[i],
                               "alasan": f"kolom '{mapping[code_role]}' kosong"})
    for role in ("kode_kec", "kode_kab"):  # parent columns that disagree with the code
        if role in mapping and code_role == "kode":
            given = _column(frame, mapping[role]).map(_any_level_code)
            derived = out["kode"].map(lambda c, r=role: _ancestor(c, r) if isinstance(c, str)
                                      else None)
            wrong = given.notna().to_numpy() & (given.to_numpy() != derived.to_numpy())
            for i in np.flatnonzero(wrong)[:20]:
                report.parent_mismatch.append({
                    "fitur": int(i + 1), "kode": out["kode"].iat[i], "kolom": mapping[role],
                    "isi": given.iat[i]})
    out = out[~empty].reset_index(drop=True)
    levels = out["level"].value_counts()
    if len(levels) > 1:
        usual = levels.index[0]
        odd = out[out["level"] != usual]
        report.warnings.append(
            f"{len(odd)} fitur bertingkat lain dari kebanyakan ({LEVEL_LABEL[usual]}): "
            + ", ".join(f"fitur {f} ({k}, {LEVEL_LABEL[lv]})" for f, k, lv in
                        zip(odd["fitur"][:10], odd["kode"][:10], odd["level"][:10]))
            + ". Periksa kodenya bila berkas ini seharusnya satu tingkat saja.")
    return out


def _ancestor(code: str, role: str) -> str:
    return ".".join(code.split(".")[: {"kode_kec": 3, "kode_kab": 2}[role]])


# ---------------------------------------------------------------- CRS

def _parse_crs(crs: str | int, name: str) -> CRS:
    text = str(crs).strip()
    try:
        return CRS.from_user_input(int(text) if text.isdigit() else text)
    except (CRSError, ValueError) as exc:
        raise BoundaryImportFailed(
            f"{name}: sistem koordinat '{crs}' tidak dikenal. Tulis kode EPSG, mis. 4326 "
            "(WGS84) atau 32748 (UTM zona 48S).") from exc


def to_wgs84(frame: gpd.GeoDataFrame, crs: str | int | None, name: str,
             report: BoundaryReport) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a file without CRS must be in degrees, or ``crs`` must be given."""
    report.source_crs = frame.crs.to_string() if frame.crs is not None else ""
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
        raise BoundaryImportFailed(
            f"{name}: koordinat tidak dapat diubah dari {frame.crs.to_string()} ke WGS84 "
            f"({exc}). Periksa CRS berkas, atau sebutkan yang benar dengan --crs.") from exc
    if not np.isfinite(out.total_bounds).all():
        raise BoundaryImportFailed(
            f"{name}: koordinat tidak cocok dengan sistem koordinat {frame.crs.to_string()}. "
            "Sebutkan CRS yang benar dengan --crs.")
    return out


# ---------------------------------------------------------------- repair

def _polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
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
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    invalid = np.array([g is not None and not g.is_valid for g in geoms])
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms[invalid] = [_polygonal(g) for g in fixed]
    report.repaired = int(invalid.sum())
    keep = np.array([g is not None for g in geoms])
    for i in np.flatnonzero(~keep):
        report.dropped.append({"fitur": int(table["fitur"].iat[i]), "kode": table["kode"].iat[i],
                               "nama": table["nama"].iat[i],
                               "alasan": "tanpa geometri poligon"})
    out = table.set_geometry(geoms.tolist()) if len(table) else table
    return out[keep].reset_index(drop=True)


# ---------------------------------------------------------------- duplicates

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
        row["geometry"] = _polygonal(shapely.make_valid(shapely.union_all(group.geometry.values)))
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


# ---------------------------------------------------------------- hierarchy

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
    closed = _polygonal(shapely.make_valid(closed)) or geom
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


# ---------------------------------------------------------------- display geometry
#
# The display of a level is a valid coverage (no overlaps, neighbours' shared edges identical)
# close to the full geometry. Overlaps and sliver gaps between neighbours are split so that each
# side moves about half their width (clean_coverage); every edge is then simplified with what is
# left of MAX_DISPLACEMENT_M where it lies, and all edges are rounded together on one grid
# (display_level). Measured on the real test files, see bench/bench_display_geometry.py.

def _key(xy: np.ndarray, extra: np.ndarray | None = None) -> pd.MultiIndex:
    arrays = [np.round(xy[:, 0], 4), np.round(xy[:, 1], 4)]
    return pd.MultiIndex.from_arrays(arrays if extra is None else [*arrays, extra])


def _union_by(geoms: np.ndarray, group: np.ndarray, size: int) -> np.ndarray:
    """The union of ``geoms`` per group number in ``range(size)`` (None for an empty group)."""
    out = np.full(size, None, dtype=object)
    for g, rows in pd.Series(np.arange(len(geoms))).groupby(group):
        out[g] = shapely.union_all(geoms[rows.to_numpy()])
    return out


def _loss_m(parts: np.ndarray, owners: np.ndarray, lost: np.ndarray, pts: np.ndarray,
            pt_part: np.ndarray) -> np.ndarray:
    """Per overlap part: how far the owner's boundary moves near the part if it loses ``lost``.

    ``pts`` are points along the parts' outlines (``pt_part`` says whose). A point on the owner's
    own boundary moves to what is left of the owner; a point on the neighbour's boundary becomes
    the owner's and lies that deep inside it; one of the two distances is zero. Only the
    surroundings (OVERLAP_REACH_M) count, so the result is capped near that, and strips of the
    rest narrower than 2 * THIN_M do not count: they vanish on screen.
    """
    x0, y0, x1, y1 = shapely.bounds(parts).T
    box = shapely.box(x0 - OVERLAP_REACH_M, y0 - OVERLAP_REACH_M, x1 + OVERLAP_REACH_M,
                      y1 + OVERLAP_REACH_M)
    local = shapely.intersection(owners, box)
    rest = shapely.difference(local, shapely.intersection(lost, box))
    rest = shapely.buffer(shapely.buffer(rest, -THIN_M, join_style="mitre"), THIN_M,
                          join_style="mitre")
    d = (shapely.distance(pts, rest[pt_part])
         + shapely.distance(pts, shapely.boundary(local)[pt_part]))
    d = np.where(np.isfinite(d), d, 2 * OVERLAP_REACH_M)  # nothing left nearby
    out = np.zeros(len(parts))
    np.maximum.at(out, pt_part, d)
    return out


def resolve_overlaps(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` (metric CRS) with each overlap between two of them cut out of one: the one whose
    boundary moves less without it.

    A sliver costs either side its width; a thin strip or spike of one feature lying inside its
    neighbour stays with that feature, as losing it would move its boundary far. A second pass
    catches a feature that would lose several adjacent parts at once (both halves of a strip
    running between two neighbours): such a part goes back to it when the loss together is
    larger than what the other side pays.
    """
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    a, b = a[a < b], b[a < b]
    parts, pair = shapely.get_parts(shapely.intersection(geoms[a], geoms[b]), return_index=True)
    polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, a, b = parts[polygon], a[pair[polygon]], b[pair[polygon]]
    if not len(parts):
        return geoms
    xy, pt_part = shapely.get_coordinates(
        shapely.segmentize(shapely.boundary(parts), OVERLAP_SAMPLE_M), return_index=True)
    pts = shapely.points(xy)
    loss_a = _loss_m(parts, geoms[a], parts, pts, pt_part)
    loss_b = _loss_m(parts, geoms[b], parts, pts, pt_part)
    loser = np.where(loss_a <= loss_b, a, b)
    other_pays = np.maximum(loss_a, loss_b)
    for _ in range(2):
        lost = _union_by(parts, loser, len(geoms))
        together = _loss_m(parts, geoms[loser], lost[loser], pts, pt_part)
        flip = together > other_pays + ROUNDING_SLACK_M  # clearly more, not a tie
        if not flip.any():
            break
        other_pays = np.where(flip, together, other_pays)
        loser = np.where(flip, a + b - loser, loser)
    lost = _union_by(parts, loser, len(geoms))
    out = geoms.copy()
    has = np.array([g is not None for g in lost])
    out[has] = shapely.difference(geoms[has], lost[has])
    return np.array([_polygonal(g) or geoms[i] for i, g in enumerate(out)], dtype=object)


def _nearer_sides(triangles: np.ndarray, owner: np.ndarray, geoms: np.ndarray,
                  reach_m: float) -> np.ndarray:
    """``owner`` (a feature per gap triangle), changed where a triangle has points farther than
    ``reach_m`` from its owner's boundary and a feature touching it is clearly nearer to all
    of them: the one with the least such distance.

    The midway move in :func:`clean_coverage` halves a side's growth across a sliver, as the
    other side's boundary runs along it; it cannot where the owner is near at the triangle's
    corners only. A ragged outline running into a gap between two neighbours (a spike, a
    detached fragment) would otherwise grow a bridge across the gap, its sides as far from the
    owner's boundary as the corners it spans are apart.
    """
    bnd = shapely.boundary(geoms)
    corners = shapely.get_coordinates(triangles).reshape(len(triangles), 4, 2)[:, :3]
    near = shapely.distance(shapely.points(corners), bnd[owner][:, None])
    side = np.hypot(*np.moveaxis(np.roll(corners, -1, axis=1) - corners, 2, 0))
    # distance grows at most 1:1 along an edge, so no point of it is farther than this
    bound = ((near + np.roll(near, -1, axis=1) + side) / 2).max(axis=1)
    suspect = np.flatnonzero(bound > reach_m)
    if not len(suspect):
        return owner
    xy, pt_tri = shapely.get_coordinates(shapely.segmentize(
        shapely.boundary(triangles[suspect]), OVERLAP_SAMPLE_M), return_index=True)
    pts = shapely.points(xy)
    # only the owner's boundary around a triangle can be within reach_m of it (faster)
    x0, y0, x1, y1 = shapely.bounds(triangles[suspect]).T
    around = shapely.intersection(bnd[owner[suspect]], shapely.box(
        x0 - reach_m, y0 - reach_m, x1 + reach_m, y1 + reach_m))
    own = np.zeros(len(suspect))
    np.maximum.at(own, pt_tri, np.nan_to_num(shapely.distance(pts, around[pt_tri]),
                                              nan=np.inf))
    far = np.flatnonzero(own > reach_m)
    if not len(far):
        return owner
    # the few far ones: the whole boundaries of their owners and of the features touching them
    t, f = shapely.STRtree(geoms).query(triangles[suspect[far]], predicate="dwithin",
                                        distance=1e-6)
    t, f = np.r_[t, np.arange(len(far))], np.r_[f, owner[suspect[far]]]
    point, pair = _ragged(np.searchsorted(pt_tri, far[t]),
                          np.searchsorted(pt_tri, far[t], "right"))
    cost = np.zeros(len(t))
    np.maximum.at(cost, pair, shapely.distance(pts[point], bnd[f[pair]]))
    costs = pd.DataFrame({"t": t, "f": f, "cost": cost}).sort_values("cost")
    mine = costs[costs["f"].to_numpy() == owner[suspect[far]][costs["t"].to_numpy()]]
    own_cost = mine.groupby("t")["cost"].max().reindex(range(len(far))).to_numpy()
    best = costs.drop_duplicates("t").set_index("t").reindex(range(len(far)))
    better = best["cost"].to_numpy() < own_cost - ROUNDING_SLACK_M
    out = owner.copy()
    out[suspect[far[better]]] = best["f"].to_numpy()[better].astype(int)
    return out


def close_gaps(geoms: np.ndarray, width_m: float = GAP_WIDTH_M,
               inlet_m: float = INLET_WIDTH_M) -> np.ndarray:
    """``geoms`` (metric CRS) with the gaps between neighbours handed out: holes of their
    union narrower than ``width_m``, and inlets open to the outside narrower than ``inlet_m``
    (what closing the union's outline with a disc that wide adds; a wider inlet is left, as
    closing it would bulge across its mouth). A gap that only one feature borders is its own.

    Each gap is cut in triangles, each going to the feature nearest to the middle of its longest
    edge: a long thin triangle along a sliver goes to the side it lies along, so a side grows
    by at most the gap's width (the midway move in :func:`clean_coverage` then halves that).
    A triangle with points farther than half of ``width_m`` from its side, which that move
    cannot bring back, goes to a side it touches that is clearly nearer to all of them
    (:func:`_nearer_sides`).
    """
    polys = shapely.get_parts(shapely.union_all(geoms))
    rings, ring_of = shapely.get_rings(polys, return_index=True)
    holes = shapely.polygons(rings[np.r_[False, ring_of[1:] == ring_of[:-1]]])
    if len(holes):
        holes = holes[2 * shapely.length(shapely.maximum_inscribed_circle(holes, 0.05))
                      <= width_m]
    filled = shapely.union_all(shapely.polygons(shapely.get_exterior_ring(polys)))
    closed = shapely.buffer(shapely.buffer(filled, inlet_m / 2), -inlet_m / 2)
    inlets = shapely.get_parts(shapely.difference(closed, filled))
    gaps = np.r_[holes, inlets[shapely.get_type_id(inlets) == shapely.GeometryType.POLYGON]]
    # between neighbours only: a hole in one feature, or a notch of its outline, is its own
    gap, feature = shapely.STRtree(geoms).query(gaps, predicate="dwithin", distance=1e-6)
    sides = pd.Series(feature).groupby(gap).nunique()
    gaps = gaps[sides.index[sides.to_numpy() >= 2]]
    if not len(gaps):
        return geoms
    triangles = shapely.get_parts(shapely.constrained_delaunay_triangles(gaps))
    corners = shapely.get_coordinates(triangles).reshape(len(triangles), 4, 2)
    length = np.hypot(*np.moveaxis(corners[:, 1:] - corners[:, :-1], 2, 0))
    k = np.argmax(length, axis=1)
    rows = np.arange(len(triangles))
    middle = (corners[rows, k] + corners[rows, k + 1]) / 2
    tri, nearest = shapely.STRtree(geoms).query_nearest(shapely.points(middle),
                                                        all_matches=False)
    nearest = _nearer_sides(triangles[tri], nearest, geoms, width_m / 2)
    out = geoms.copy()
    for g, mine in pd.Series(tri).groupby(nearest):
        grown = shapely.union_all(np.r_[[geoms[g]], triangles[mine.to_numpy()]])
        out[g] = _polygonal(grown) or geoms[g]
    return out


def _move_spots(moved: np.ndarray) -> tuple[list[shapely.Geometry], np.ndarray]:
    """Where ``moved`` is not a valid coverage, and which polygons: invalid polygons' reported
    points, else the edges where neighbours overlap or do not match."""
    bad = ~shapely.is_valid(moved)
    spots = []
    for geom in moved[bad]:
        found = re.search(r"\[(\S+) (\S+)\]", shapely.is_valid_reason(geom))
        spots.append(shapely.Point(float(found[1]), float(found[2])) if found
                     else shapely.centroid(geom))
    if not spots and not shapely.coverage_is_valid(moved):
        edges = shapely.coverage_invalid_edges(moved)
        bad = ~shapely.is_empty(edges)
        spots = list(shapely.get_parts(edges[bad]))
    return spots, np.flatnonzero(bad)


def _settle_junctions(target: pd.DataFrame, claimed: pd.MultiIndex, boundaries: np.ndarray,
                      put_back: pd.MultiIndex, rounds: int = 8) -> pd.DataFrame:
    """``target`` (x, y by vertex key) with each point where three or more polygons meet moved
    to the point nearest, in least squares, to all their original ``boundaries`` (the mean of
    the nearest points, repeated from there), so that a junction of slivers lands in their
    middle. Left at the plain mean: a vertex put back (``put_back``), and a junction that slid
    onto an edge two of its polygons share in the original (there the least-squares point of
    three boundaries, two of them one line, is on that line). Left where it is: a junction
    the move brings no nearer to the farthest of them. ``claimed``: (x, y, polygon) per polygon
    at a vertex."""
    here = claimed.droplevel(2)
    count = pd.Series(1, index=here).groupby(level=[0, 1]).sum()
    junction = count.index[count.to_numpy() >= 3].difference(put_back)
    rows = here.isin(junction)
    if not rows.any():
        return target
    key = here[rows]
    bnd = boundaries[claimed.get_level_values(2).to_numpy()[rows]]
    pos = target.reindex(junction)
    for _ in range(rounds):
        at = shapely.points(pos.reindex(key).to_numpy())
        near = shapely.get_coordinates(shapely.shortest_line(at, bnd))[1::2]
        pos = pd.DataFrame(near, index=key, columns=["x", "y"]).groupby(level=[0, 1]).mean()

    def apart(xy: np.ndarray) -> pd.Series:
        return pd.Series(shapely.distance(shapely.points(xy), bnd), index=key)

    start = np.column_stack([key.get_level_values(0), key.get_level_values(1)]).astype(float)
    settled = apart(pos.reindex(key).to_numpy())
    pos = pos.reindex(junction)
    slid = ((settled < JUNCTION_ON_M).groupby(level=[0, 1]).sum() >= 2).reindex(
        junction).to_numpy()
    pos[slid] = target.reindex(junction)[slid]
    stay = (settled.groupby(level=[0, 1]).max() >= apart(start).groupby(level=[0, 1]).max()
            ).reindex(junction).to_numpy() & ~slid
    pos.loc[stay, "x"] = junction.get_level_values(0)[stay]
    pos.loc[stay, "y"] = junction.get_level_values(1)[stay]
    out = target.copy()
    out.loc[junction, ["x", "y"]] = pos[["x", "y"]].to_numpy()
    return out


def clean_coverage(geoms: np.ndarray, lost_m: float = LOST_VERTEX_M) -> np.ndarray:
    """A valid coverage (no overlaps, sliver gaps closed, shared edges identical) close to
    ``geoms`` (metric CRS).

    Overlaps go to the side that moves less without them (:func:`resolve_overlaps`), narrow
    gaps to their nearest side (:func:`close_gaps`), and ``coverage_clean`` makes shared edges
    identical. Such an edge follows one side's original boundary, so every vertex is then moved
    to the mean of the nearest points on the original boundaries of the polygons sharing it
    (original vertices the cleaning left more than ``lost_m`` away first inserted where they
    project): a shared edge runs midway, each side moving about half the disagreement; a
    junction of three or more goes where it is nearest to all of them. Where a move
    would make a polygon invalid or overlap a neighbour, the vertices near that spot move half
    as far, then a quarter, then not at all.
    """
    clean = shapely.coverage_clean(close_gaps(resolve_overlaps(geoms)),
                                   snapping_distance=SNAP_M)
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    pts = shapely.points(coords)
    clean_bnd = shapely.boundary(clean)
    far = np.flatnonzero(shapely.distance(pts, clean_bnd[idx]) > lost_m)
    proj = shapely.get_coordinates(shapely.shortest_line(pts[far], clean_bnd[idx[far]]))[1::2]
    if len(proj):
        tree = shapely.STRtree(shapely.points(proj))
        poly_i, pt_i = tree.query(clean_bnd, predicate="dwithin", distance=1e-6)
        for i, group in pd.Series(pt_i).groupby(poly_i):
            clean[i] = shapely.snap(clean[i], shapely.multipoints(proj[group.to_numpy()]), 1e-6)
    vc, vi = shapely.get_coordinates(clean, return_index=True)
    near = shapely.get_coordinates(
        shapely.shortest_line(shapely.points(vc), shapely.boundary(geoms)[vi]))[1::2]
    claims = pd.DataFrame({"x": near[:, 0], "y": near[:, 1]}, index=_key(vc, vi))
    put_back = pd.MultiIndex.from_arrays([[], []])
    if len(proj):
        lost = pd.DataFrame({"x": coords[far, 0], "y": coords[far, 1]},
                            index=_key(proj, idx[far])).groupby(level=[0, 1, 2]).mean()
        hit = claims.index.isin(lost.index)
        claims.loc[hit, ["x", "y"]] = lost.reindex(claims.index[hit]).to_numpy()
        put_back = claims.index[hit].droplevel(2).unique()
    claims = claims.groupby(level=[0, 1, 2]).mean()
    target = claims.groupby(level=[0, 1]).mean()
    target = _settle_junctions(target, claims.index, shapely.boundary(geoms), put_back)
    keys = _key(vc)
    code, unique = pd.factorize(keys)
    factor = np.ones(len(unique))  # how far along its move each vertex goes
    goal = target.reindex(keys).to_numpy()
    for _ in range(12):
        new = vc + factor[code][:, None] * (goal - vc)
        moved = shapely.set_coordinates(clean.copy(), new)
        spots, bad = _move_spots(moved)
        if not spots:
            return moved
        near_spot = shapely.STRtree(shapely.points(new)).query(
            np.array(spots, dtype=object), predicate="dwithin", distance=MOVE_SPOT_M)[1]
        near_spot = np.unique(code[near_spot])
        if not (factor[near_spot] > 0).any():  # not caused here: hold the whole polygons
            near_spot = np.unique(code[np.isin(vi, bad)])
            if not (factor[near_spot] > 0).any():
                break
        factor[near_spot] = np.where(factor[near_spot] > 0.2, factor[near_spot] / 2, 0.0)
    return clean


def _boundary_chunks(boundaries: np.ndarray, size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Each boundary cut into linestrings of at most ``size`` segments, with their owner."""
    parts, owner = shapely.get_parts(boundaries, return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    starts = np.searchsorted(part_of, np.arange(len(parts)))
    ends = np.append(starts[1:], len(coords))
    pieces = np.maximum(ends - starts - 1 + size - 1, 0) // size
    piece_part = np.repeat(np.arange(len(parts)), pieces)
    first = starts[piece_part] + size * (
        np.arange(len(piece_part)) - np.repeat(np.cumsum(pieces) - pieces, pieces))
    vertex, piece = _ragged(first, np.minimum(first + size + 1, ends[piece_part]))
    return shapely.linestrings(coords[vertex], indices=piece), owner[piece_part]


def _directed_m(src: np.ndarray, dst: np.ndarray, spacing: float = 15.0,
                window: float = MAX_DISPLACEMENT_M + 2 * ROUNDING_SLACK_M) -> np.ndarray:
    """Per feature, the largest distance from a point of ``src`` (sampled every ``spacing``)
    to ``dst`` of the same feature; an index of short pieces keeps it near-linear."""
    xy, owner = shapely.get_coordinates(shapely.segmentize(src, spacing), return_index=True)
    pts = shapely.points(xy)
    pieces, piece_owner = _boundary_chunks(dst)
    pi, ci = shapely.STRtree(pieces).query(pts, predicate="dwithin", distance=window)
    same = owner[pi] == piece_owner[ci]
    pi, ci = pi[same], ci[same]
    nearest = np.full(len(pts), np.inf)
    np.minimum.at(nearest, pi, shapely.distance(pts[pi], pieces[ci]))
    far = np.flatnonzero(~np.isfinite(nearest))
    if len(far):  # beyond the window: measure exactly
        nearest[far] = shapely.distance(pts[far], dst[owner[far]])
    out = np.zeros(len(src))
    np.maximum.at(out, owner, nearest)
    return out


def displacement_m(full: np.ndarray, display: np.ndarray) -> np.ndarray:
    """Hausdorff distance between boundaries, per feature, in the units of the inputs (metres).

    Features of up to 2,000 vertices: GEOS with segments densified fourfold. Larger ones
    (dissolved kecamatan and up), where that is quadratic: both directed distances from points
    every 15 m, through an index of short boundary pieces.
    """
    a, b = shapely.boundary(full), shapely.boundary(display)
    small = shapely.get_num_coordinates(a) <= 2_000
    out = np.empty(len(a))
    out[small] = shapely.hausdorff_distance(a[small], b[small], densify=0.25)
    if (~small).any():
        out[~small] = np.maximum(_directed_m(a[~small], b[~small]),
                                 _directed_m(b[~small], a[~small]))
    return out


def _longest_segment(geoms: np.ndarray) -> np.ndarray:
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    same = owner[1:] == owner[:-1]
    out = np.zeros(len(geoms))
    np.maximum.at(out, owner[1:][same], np.hypot(*np.diff(xy, axis=0)[same].T))
    return out


def _displacement_checked(full: np.ndarray, display: np.ndarray) -> np.ndarray:
    """:func:`displacement_m`, and the larger of it and both directed distances from points
    every :data:`CHECK_SPACING_M` where it might be near the limit: GEOS samples a segment at
    its quarters, so along a segment of length L it can miss up to about L / 8."""
    moved = displacement_m(full, display)
    a, b = shapely.boundary(full), shapely.boundary(display)
    miss = np.maximum(_longest_segment(a), _longest_segment(b)) / 8
    near = np.flatnonzero(moved + miss > MAX_DISPLACEMENT_M - CHECK_MARGIN_M)
    if len(near):
        moved[near] = np.maximum.reduce([moved[near],
                                         _directed_m(a[near], b[near], CHECK_SPACING_M),
                                         _directed_m(b[near], a[near], CHECK_SPACING_M)])
    return moved


def geojson_bytes(geoms: np.ndarray, codes: list[str], names: list[str]) -> int:
    """Size of a compact GeoJSON FeatureCollection of (kode, nama, geometry)."""
    features = [{"type": "Feature", "properties": {"kode": k, "nama": n},
                 "geometry": shapely.geometry.mapping(g)} for k, n, g in zip(codes, names, geoms)]
    return len(json.dumps({"type": "FeatureCollection", "features": features},
                          separators=(",", ":"), ensure_ascii=False).encode())


def _edges(coverage: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges of a valid coverage (lines between the points where three or more polygons
    meet, or closed rings), and (edge, polygon) pairs: the one or two polygons along each."""
    lines = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(coverage))))
    middle = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    edge, poly = shapely.STRtree(shapely.boundary(coverage)).query(
        middle, predicate="dwithin", distance=1e-6)
    return lines, edge, poly


def _ragged(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ``range(starts[i], stops[i])`` concatenated, and the ``i`` of each element."""
    lengths = stops - starts
    which = np.repeat(np.arange(len(starts)), lengths)
    first = np.cumsum(lengths) - lengths
    return starts[which] + np.arange(lengths.sum()) - first[which], which


def simplify_keep(xy: np.ndarray, line: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Douglas-Peucker on many lines at once, with a tolerance per vertex: the mask of the
    vertices kept. ``line`` numbers each vertex's line (in order); both ends of a line are kept,
    and a closed line also keeps its vertex farthest from its start."""
    first = np.r_[True, line[1:] != line[:-1]]
    last = np.r_[line[1:] != line[:-1], True]
    keep = first | last
    s, e = np.flatnonzero(first), np.flatnonzero(last)
    closed = (e - s >= 3) & np.all(xy[s] == xy[e], axis=1)
    if closed.any():
        inner, which = _ragged(s[closed] + 1, e[closed])
        dist = np.hypot(*(xy[inner] - xy[s[closed]][which]).T)
        order = np.lexsort((-dist, which))
        far = inner[order][np.r_[True, which[order][1:] != which[order][:-1]]]
        keep[far] = True
        s, e = np.r_[s[~closed], s[closed], far], np.r_[e[~closed], far, e[closed]]
    while True:
        s, e = s[e - s >= 2], e[e - s >= 2]
        if not len(s):
            return keep
        inner, which = _ragged(s + 1, e)
        a, ab = xy[s][which], (xy[e] - xy[s])[which]
        length2 = (ab**2).sum(axis=1)
        t = np.clip(((xy[inner] - a) * ab).sum(axis=1) / np.where(length2 > 0, length2, 1), 0, 1)
        excess = np.hypot(*(xy[inner] - a - t[:, None] * ab).T) - tolerance[inner]
        order = np.lexsort((-excess, which))
        head = order[np.r_[True, which[order][1:] != which[order][:-1]]]
        split = excess[head] > 0
        k = inner[head[split]]
        keep[k] = True
        s, e = np.r_[s[which[head[split]]], k], np.r_[k, e[which[head[split]]]]


def _faces_to_features(faces: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each face, the reference feature it overlaps most (-1: none, a gap): by a point
    well inside the face where there is one, else by area of overlap."""
    owner = np.full(len(faces), -1)
    tree = shapely.STRtree(reference)
    circle = shapely.maximum_inscribed_circle(faces, 1e-5)
    deep = shapely.length(circle) * 111_000 > DEEP_FACE_M  # degrees to metres, roughly
    face_i, ref_i = tree.query(shapely.get_point(circle[deep], 0), predicate="within")
    single = np.bincount(face_i, minlength=deep.sum()) == 1
    deep_i = np.flatnonzero(deep)
    owner[deep_i[face_i[single[face_i]]]] = ref_i[single[face_i]]
    rest = np.flatnonzero(owner < 0)
    face_i, ref_i = tree.query(faces[rest], predicate="intersects")
    area = shapely.area(shapely.intersection(faces[rest][face_i], reference[ref_i]))
    best = pd.DataFrame({"f": face_i, "r": ref_i, "a": area}).sort_values(
        "a", ascending=False).drop_duplicates("f")
    best = best[best["a"] > 0.5 * shapely.area(faces[rest][best["f"].to_numpy()])]
    owner[rest[best["f"].to_numpy()]] = best["r"].to_numpy()
    return owner


def _thin_vertices(coverage: np.ndarray, xy: np.ndarray, width_m: float = FINE_WIDTH_M
                   ) -> np.ndarray:
    """Which vertices ``xy`` (of the coverage's edges) lie on a part of a polygon narrower
    than ``width_m``: what opening the polygon with a disc that wide removes (not counting
    the hairlines it leaves along straight edges)."""
    r = width_m / 2
    opened = shapely.buffer(shapely.buffer(coverage, -r, join_style="mitre"), r,
                            join_style="mitre")
    thin = shapely.get_parts(shapely.difference(coverage, opened))
    thin = thin[shapely.area(thin) > 1e-4 * shapely.length(thin)]
    out = np.zeros(len(xy), bool)
    if len(thin):
        out[shapely.STRtree(thin).query(shapely.points(xy), predicate="dwithin",
                                        distance=1e-3)[0]] = True
    return out


def _round_display(xy: np.ndarray, fine: np.ndarray, coarse_m: np.ndarray) -> np.ndarray:
    """Vertices (EPSG:4326) rounded to :data:`DISPLAY_DECIMALS` decimals; to
    :data:`FINE_DECIMALS` where ``fine``; and one or both coordinates to one decimal fewer
    (a character less each) where that moves the vertex at most ``coarse_m`` metres."""
    lat = np.radians(np.mean(xy[:, 1])) if len(xy) else 0.0
    scale = np.array([111_320.0 * np.cos(lat), 110_574.0])  # metres per degree
    five, four = np.round(xy, DISPLAY_DECIMALS), np.round(xy, DISPLAY_DECIMALS - 1)
    (dx5, dy5), (dx4, dy4) = ((five - xy) * scale).T, ((four - xy) * scale).T
    both = np.hypot(dx4, dy4) <= coarse_m
    x_only, y_only = np.hypot(dx4, dy5) <= coarse_m, np.hypot(dx5, dy4) <= coarse_m
    use_x = both | (x_only & ~(y_only & (np.abs(dy4) < np.abs(dx4))))
    use_y = both | (y_only & ~use_x)
    out = np.column_stack([np.where(use_x, four[:, 0], five[:, 0]),
                           np.where(use_y, four[:, 1], five[:, 1])])
    return np.where(fine[:, None], np.round(xy, FINE_DECIMALS), out)


def _rebuild(lines: np.ndarray, fine: np.ndarray, coarse_m: np.ndarray, reference: np.ndarray
             ) -> np.ndarray:
    """Polygons on the display grid from the edges ``lines`` (EPSG:4326), one per ``reference``
    feature (None where nothing is left).

    Vertices are rounded by :func:`_round_display` (``fine`` and ``coarse_m`` per vertex, in
    order); a copy of a vertex in several lines (an end) rounds alike. Then all lines are
    snap-rounded together (a vertex within half a grid cell of another line becomes a vertex of
    it too), so neighbours' shared edges stay identical and no polygon crosses another; each
    face between them goes to the reference feature it overlaps most.
    """
    xy = _round_display(shapely.get_coordinates(lines), fine, coarse_m)
    noded = shapely.union_all(shapely.set_coordinates(lines.copy(), xy),
                              grid_size=10.0**-FINE_DECIMALS)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    owner = _faces_to_features(faces, reference)
    out = np.full(len(reference), None, dtype=object)
    for r, rows in pd.Series(np.flatnonzero(owner >= 0)).groupby(owner[owner >= 0]):
        parts = faces[rows.to_numpy()]
        out[r] = parts[0] if len(parts) == 1 else shapely.coverage_union_all(parts)
    return shapely.transform(out, lambda xy: np.round(xy, FINE_DECIMALS))


def _simplify_edges(xy: np.ndarray, line: np.ndarray, tolerance: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges (vertices ``xy`` by ``line``) simplified with a tolerance per vertex: (lines,
    mask of the vertices kept, tolerance used). An edge simplified across another edge, or
    across itself, is kept whole."""
    for _ in range(4):
        keep = simplify_keep(xy, line, tolerance)
        simple = shapely.linestrings(xy[keep], indices=line[keep])
        a, b = shapely.STRtree(simple).query(simple, predicate="crosses")
        bad = np.unique(np.r_[a, b, np.flatnonzero(~shapely.is_simple(simple))])
        if not len(bad):
            break
        tolerance = np.where(np.isin(line, bad), 0.0, tolerance)
    return simple, keep, tolerance


def _cleaning_m(full: np.ndarray, coverage: np.ndarray, base: np.ndarray, moved: np.ndarray
                ) -> np.ndarray:
    """How far cleaning alone moved each feature, measured as closely as the display where
    that is beyond the limit (to tell the source's disagreements from simplifying)."""
    out = base.copy()
    over = moved > MAX_DISPLACEMENT_M
    out[over] = np.maximum(base[over], _displacement_checked(full[over], coverage[over]))
    return out


def display_level(full_metric: np.ndarray, metric_crs: CRS,
                  coverage: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Display geometry of one level's features: (EPSG:4326 on the display grid, figures).

    ``coverage`` is their clean coverage (:func:`clean_coverage` of ``full_metric`` if not
    given). Its edges are simplified and rounded each once, so that neighbours keep sharing
    them: a vertex may move within what is left of :data:`MAX_DISPLACEMENT_M` where it lies,
    given how far cleaning put it from the original boundaries on both sides (less
    :data:`ROUNDING_SLACK_M` for rounding): up to :data:`COARSE_ROUNDING_M` of that for dropping
    a decimal, the rest for simplifying it away. A part narrower than :data:`FINE_WIDTH_M`
    keeps its vertices, with :data:`FINE_DECIMALS` decimals. A feature still beyond the limit
    (less :data:`CHECK_MARGIN_M`, measured again densely where it may be near,
    :func:`_displacement_checked`), or beyond what cleaning alone moved it where that is more,
    gets half of that room on all its edges, then a quarter, then none.
    """
    if coverage is None:
        coverage = clean_coverage(full_metric)
    base = displacement_m(full_metric, coverage)  # measured again below where it matters
    aim = MAX_DISPLACEMENT_M - CHECK_MARGIN_M  # what sampling every few metres may still miss
    limit = np.where(base <= aim, aim, base + ROUNDING_SLACK_M)
    lines, edge, poly = _edges(coverage)
    xy, line = shapely.get_coordinates(lines, return_index=True)
    # how far each vertex is from the original boundaries of the polygons along its edge
    vertex, pair = _ragged(np.searchsorted(line, edge), np.searchsorted(line, edge, "right"))
    apart = np.zeros(len(xy))
    np.maximum.at(apart, vertex, shapely.distance(
        shapely.points(xy[vertex]), shapely.boundary(full_metric)[poly[pair]]))
    budget = np.clip(MAX_DISPLACEMENT_M - ROUNDING_SLACK_M - apart, 0.0, None)
    thin = _thin_vertices(coverage, xy)
    budget[thin] = 0.0  # a thin part keeps its shape, lest it collapse
    room = np.clip(budget - COARSE_ROUNDING_M, 0.0, None)  # for simplifying
    coarse = np.minimum(budget, COARSE_ROUNDING_M)  # for rounding to 4 decimals
    coarse[np.r_[True, line[1:] != line[:-1]] | np.r_[line[1:] != line[:-1], True]] = 0.0
    reference = gpd.GeoSeries(coverage, crs=metric_crs).to_crs(4326).values
    share = np.ones(len(coverage))  # of its room each feature's edges may use
    shown, moved = None, None
    for attempt in range(4):
        edge_share = pd.Series(share[poly]).groupby(edge).min().reindex(
            range(len(lines)), fill_value=1.0).to_numpy()
        simple, keep, tolerance = _simplify_edges(xy, line, room * edge_share[line])
        rebuilt = _rebuild(gpd.GeoSeries(simple, crs=metric_crs).to_crs(4326).values,
                           thin[keep], (coarse * edge_share[line])[keep], reference)
        missing = np.array([g is None for g in rebuilt])
        if shown is None:
            changed, moved = np.ones(len(rebuilt), bool), np.full(len(rebuilt), np.inf)
        else:
            changed = ~shapely.equals_exact(rebuilt, shown, 0.0)
        shown = rebuilt
        check = changed & ~missing
        moved[check] = _displacement_checked(full_metric[check], gpd.GeoSeries(
            shown[check], crs=4326).to_crs(metric_crs).values)
        moved[missing] = np.inf
        over = moved > limit
        if not over.any() or attempt == 3:
            break
        share[over] = 0.0 if attempt == 2 else share[over] / 2
    if missing.any():  # smaller than the grid: shown as it is, rounded
        shown[missing] = shapely.transform(reference[missing],
                                           lambda xy: np.round(xy, FINE_DECIMALS))
        moved[missing] = _displacement_checked(full_metric[missing], gpd.GeoSeries(
            shown[missing], crs=4326).to_crs(metric_crs).values)
    return shown, {
        "tolerance_m": round(float(tolerance.max()), 1) if len(tolerance) else 0.0,
        "max_displacement_m": round(float(moved.max()), 2) if len(moved) else 0.0,
        "over_limit": int((moved > MAX_DISPLACEMENT_M).sum()),
        "vertices": int(shapely.get_num_coordinates(shown).sum()),
        "_moved": moved, "_cleaning": _cleaning_m(full_metric, coverage, base, moved)}


def display_geometry(table: gpd.GeoDataFrame, metric_crs: CRS, progress: Progress | None = None,
                     kelurahan_clean: np.ndarray | None = None
                     ) -> tuple[np.ndarray, dict[str, dict]]:
    """Display geometry per level, and per level: features, bytes, displacement.

    ``kelurahan_clean`` is the clean coverage of the kelurahan (metric CRS, in table order)
    when already made, as for :func:`build_hierarchy`; the levels dissolved from it then only
    need their shared edges matched, not cleaning again.
    """
    result = np.empty(len(table), dtype=object)
    figures: dict[str, dict] = {}
    metric = table.geometry.to_crs(metric_crs).values
    for n, level in enumerate(reversed(LEVELS)):
        idx = np.flatnonzero((table["level"] == level).to_numpy())
        if not len(idx):
            continue
        _say(progress, 0.45 + 0.1 * n, f"Menyederhanakan geometri tampilan: {LEVEL_LABEL[level]}")
        coverage = kelurahan_clean if level == "kelurahan" else None
        if kelurahan_clean is not None and level != "kelurahan" \
                and table["dissolved"].iloc[idx].all():  # unions of a clean coverage
            coverage = shapely.coverage_clean(metric[idx], snapping_distance=SNAP_M)
        shown, fig = display_level(metric[idx], metric_crs, coverage)
        result[idx] = shown
        moved, cleaning = fig.pop("_moved"), fig.pop("_cleaning")
        over = np.flatnonzero(moved > MAX_DISPLACEMENT_M)
        # pembersihan_m: how far making the coverage alone moved it, before simplifying
        fig["over_limit_list"] = [
            {"kode": table["kode"].iat[idx[i]], "nama": table["nama"].iat[idx[i]],
             "pergeseran_m": round(float(moved[i]), 1),
             "pembersihan_m": round(float(cleaning[i]), 1),
             "sebab": "batasnya di berkas sumber berselisih dengan batas tetangga"
             if cleaning[i] > MAX_DISPLACEMENT_M else "penyederhanaan geometri tampilan"}
            for i in over[np.argsort(-moved[over])][:OVER_LIMIT_LISTED]]
        fig["features"] = len(idx)
        fig["geojson_bytes"] = geojson_bytes(shown, table["kode"].iloc[idx].tolist(),
                                             table["nama"].iloc[idx].tolist())
        figures[level] = fig
    return result, figures


# ---------------------------------------------------------------- quality

def _outside_indonesia(table: gpd.GeoDataFrame) -> np.ndarray:
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
    outside = _outside_indonesia(from_file)
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


# ---------------------------------------------------------------- store and re-link

def _relink(engine: Engine, conn) -> dict:  # noqa: ANN001
    """Re-link stored households to the new kelurahan, in ``conn``'s transaction."""
    return dict(link.relink_all(engine, conn=conn))


def _store(engine: Engine, table: gpd.GeoDataFrame, source: str) -> dict:
    """Replace all regions and re-link households in one transaction."""
    columns = ["kode", "nama", "level", "kode_induk", "area_km2", "geometry", "geometry_display"]
    with engine.begin() as conn:
        conn.execute(delete(store.regions))
        store.insert_regions(conn, table[columns], source)  # in the same transaction
        try:
            return _relink(engine, conn)
        except Exception as exc:  # the regions roll back with the links
            raise BoundaryImportFailed(
                f"{source}: batas wilayah tidak disimpan karena penautan ulang rumah tangga "
                f"gagal ({exc}). Laporkan ke pengelola aplikasi; data lama tetap utuh.") from exc


# ---------------------------------------------------------------- import

def import_boundaries(engine: Engine, path: object, *, fields: dict[str, str] | None = None,
                      crs: str | int | None = None, layer: str | None = None,
                      progress: Progress | None = None, source_name: str | None = None
                      ) -> BoundaryReport:
    """Read, check and store a boundary file, replacing all regions; then re-link households.

    Raises :class:`BoundaryImportFailed` (nothing changed) when the file cannot be used.
    """
    _say(progress, 0.0, "Membaca berkas batas wilayah")
    frame, name, fmt, used_layer = read_boundary_file(path, layer)
    name = source_name or name
    report = BoundaryReport(source=name, format=fmt, layer=used_layer, features=len(frame))
    if frame.empty:
        raise BoundaryImportFailed(f"{name}: berkas tidak berisi fitur.")
    mapping = detect_fields([str(c) for c in frame.columns if c != frame.geometry.name],
                            fields, name)
    table = normalise(frame, mapping, name, report)
    _say(progress, 0.1, "Mengubah koordinat ke WGS84")
    table = to_wgs84(table, crs, name, report)
    _say(progress, 0.2, "Memeriksa dan memperbaiki geometri")
    table = repair(table, report)
    if table.empty:
        raise BoundaryImportFailed(f"{name}: tidak ada fitur dengan kode dan poligon yang sah.")
    outside = _outside_indonesia(table)
    if outside.all():
        minx, miny, maxx, maxy = table.total_bounds
        swapped = INDONESIA_BOUNDS[1] <= minx and maxx <= INDONESIA_BOUNDS[3] and \
            INDONESIA_BOUNDS[0] <= miny and maxy <= INDONESIA_BOUNDS[2]
        raise BoundaryImportFailed(
            f"{name}: semua fitur berada di luar Indonesia (bujur {minx:.2f} s.d. {maxx:.2f}, "
            f"lintang {miny:.2f} s.d. {maxy:.2f}). "
            + ("Koordinatnya tampak tertukar (lintang, bujur); tukar urutannya di berkas sumber."
               if swapped else
               "Kemungkinan sistem koordinatnya salah; sebutkan yang benar dengan --crs."))
    table = merge_duplicates(table, name, report)
    metric_crs = table.estimate_utm_crs()
    _say(progress, 0.25, "Membersihkan tumpang tindih dan celah antar-tetangga")
    kel = (table["level"] == "kelurahan").to_numpy()
    clean = clean_coverage(table.geometry[kel].to_crs(metric_crs).values) if kel.any() else None
    _say(progress, 0.3, "Menyusun kecamatan dan kabupaten/kota")
    lat = abs(float(table.total_bounds[1::2].mean()))
    metres_per_degree = 111_320.0 * np.cos(np.radians(lat))
    table = build_hierarchy(table, metres_per_degree, None if clean is None else
                            gpd.GeoSeries(clean, crs=metric_crs).to_crs(table.crs).values)
    table["area_km2"] = table.geometry.to_crs(metric_crs).area / 1e6
    quality(table, metric_crs, report)
    table["geometry_display"], report.display = display_geometry(table, metric_crs, progress,
                                                                 clean)
    table["nama"] = table["nama"].where(table["nama"].notna(), table["kode"])
    report.levels = {lv: int((table["level"] == lv).sum()) for lv in LEVELS
                     if (table["level"] == lv).any()}
    _say(progress, 0.9, "Menyimpan dan menautkan ulang rumah tangga")
    report.relink = _store(engine, table, name)
    _say(progress, 1.0, "Selesai")
    return report


# ---------------------------------------------------------------- command line

def _field_pair(text: str) -> tuple[str, str]:
    role, sep, column = text.partition("=")
    if not sep or not role.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"tulis PERAN=KOLOM, mis. kode=KDEPUM (bukan '{text}')")
    return role.strip(), column.strip()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="GeoJSON, Shapefile (folder atau .zip), GeoPackage, "
                        "KML/KMZ atau GeoParquet")
    parser.add_argument("--field", action="append", type=_field_pair, default=[],
                        metavar="PERAN=KOLOM",
                        help=f"kolom untuk peran ({', '.join(FIELD_ALIASES)}), mis. "
                        "--field kode=KDEPUM --field nama=WADMKD")
    parser.add_argument("--crs", help="kode EPSG bila berkas tidak menyatakannya, mis. 32748")
    parser.add_argument("--layer", help="lapisan GeoPackage atau berkas di dalam .zip")
    parser.add_argument("--json", action="store_true", help="cetak laporan sebagai satu JSON")


def _cli_progress(fraction: float, message: str) -> None:
    width = 30
    done = int(round(fraction * width))
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction:4.0%} {message:<60}")
    if fraction >= 1:
        sys.stderr.write("\n")
    sys.stderr.flush()


def format_report(report: BoundaryReport) -> str:
    """The quality report as text (Indonesian), for the command line."""
    lines = [f"Berkas: {report.source} ({report.format})", f"Fitur dibaca: {report.features}",
             f"Geometri diperbaiki: {report.repaired}",
             "Wilayah disimpan: " + ", ".join(f"{LEVEL_LABEL[k]} {v}"
                                              for k, v in report.levels.items()),
             f"Kolom: {', '.join(f'{k}={v}' for k, v in report.fields.items())}",
             f"CRS sumber: {report.source_crs or '(tidak ada)'}"]
    for title, items in (("Tidak disimpan", report.dropped), ("Kode ganda", report.duplicates),
                         ("Tanpa nama", report.missing_names),
                         ("Di luar Indonesia", report.outside_indonesia),
                         ("Kode induk tidak cocok", report.parent_mismatch)):
        lines.append(f"{title}: {len(items)}")
        lines.extend(f"  - {json.dumps(i, ensure_ascii=False)}" for i in items[:10])
    lines.append("Tumpang tindih dan celah (per kabupaten/kota):")
    for c in report.coverage:
        lines.append(f"  {c['kode']} {c['nama'] or ''}: luas {fmt_num(c['area_km2'], 2)} km², "
                     f"tumpang tindih {fmt_num(c['overlap_km2'], 3)} km² "
                     f"({fmt_pct(100 * c['overlap_share'], 3)}), celah {fmt_int(c['gaps'])} "
                     f"({fmt_num(c['gap_km2'], 3)} km², {fmt_pct(100 * c['gap_share'], 3)})")
    lines.append("Jumlah kelurahan/desa per kecamatan:")
    lines.extend(f"  {k['kode']} {k['nama'] or ''}: {k['jumlah']}" for k in report.per_kecamatan)
    lines.append("Geometri tampilan:")
    for level, d in report.display.items():
        lines.append(f"  {LEVEL_LABEL[level]}: {fmt_int(d['features'])} fitur, "
                     f"{fmt_int(d['geojson_bytes'])} byte GeoJSON, pergeseran maks. "
                     f"{fmt_num(d['max_displacement_m'], 2)} m (toleransi "
                     f"{fmt_num(d['tolerance_m'], 1)} m, {d['over_limit']} > "
                     f"{MAX_DISPLACEMENT_M:.0f} m)")
        lines.extend(f"    - {o['kode']} {o['nama'] or ''}: {fmt_num(o['pergeseran_m'], 1)} m "
                     f"({o['sebab']}; pembersihan saja {fmt_num(o['pembersihan_m'], 1)} m)"
                     for o in d.get("over_limit_list", []))
    relink = report.relink or {}
    if "changed" in relink:
        lines.append(f"Penautan ulang rumah tangga: {fmt_int(relink.get('households', 0))} "
                     f"rumah tangga, {fmt_int(relink['changed'])} berubah tautan, belum tertaut "
                     f"{fmt_int(relink.get('unlinked_before', 0))} → "
                     f"{fmt_int(relink.get('unlinked_after', 0))}")
        warning = link.unlinked_warning(relink.get("unlinked_after", 0),
                                        relink.get("households", 0))
        if warning:
            lines.append(f"Peringatan: {warning}")
    else:
        lines.append(f"Penautan ulang rumah tangga: {json.dumps(relink, ensure_ascii=False)}")
    lines.extend(f"Catatan: {w}" for w in report.warnings)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        report = import_boundaries(store.get_engine(), args.file, fields=dict(args.field) or None,
                                   crs=args.crs, layer=args.layer,
                                   progress=None if args.json else _cli_progress)
    except BoundaryImportFailed as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
    else:
        print(format_report(report))
    return 0


__all__ = ["BoundaryImportFailed", "BoundaryReport", "FIELD_ALIASES", "UPLOAD_TYPES",
           "import_boundaries", "list_layers", "read_boundary_file"]
