"""Service points (Puskesos, pos SLRT, panti, puskesmas, sekolah, kantor kelurahan) and the
distance from households to the nearest one of a type.

Points come from a CSV/XLSX with latitude and longitude columns or a GeoJSON of points, each
with a type (a column ``jenis``, or ``--jenis`` for the whole file). Importing a type replaces
that type's points in one transaction. Distances are straight lines in the UTM zone of the data
(a metric CRS), to the nearest point by a KD-tree; per kelurahan the median over households
that have a location. A type with no point, or a kelurahan without located households, gives
no distance ("tidak ada data"), never 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from sqlalchemy import Engine, delete, insert, select

from geo import link
from geo.referrals import vocab
from geo.referrals.tables import ensure, service_points
from geo.register_columns import HEADER_ALIASES, header_key
from geo.register_errors import (
    EXAMPLE_ROWS,
    HEADER_ONLY,
    ImportFailed,
    no_rows,
    nothing_accepted,
)
from geo.register_files import Source, detect_format
from geo.table_files import read_whole

POINT_HEADERS = {
    "lintang": HEADER_ALIASES["lintang"], "bujur": HEADER_ALIASES["bujur"],
    "nama": ("NAMA", "NAMA_TEMPAT", "NAMA_LAYANAN", "NAMA_FASILITAS", "NAME", "NAMOBJ"),
    "jenis": ("JENIS", "TIPE", "TYPE", "KATEGORI", "JENIS_LAYANAN", "JENIS_FASILITAS"),
}
INDONESIA = (94.0, -11.5, 141.5, 6.5)  # lon/lat box: a point outside it is a typing error


@dataclass
class PointImport:
    file: str
    counts: dict[str, int]
    quarantined: list[tuple[int, str]] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)

    def messages(self) -> list[str]:
        return [f"{self.file} baris {r}: {why}" for r, why in self.quarantined]


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _table_rows(src: Source) -> tuple[pd.DataFrame, dict[str, str]]:
    overrides = {a: c for c, aliases in POINT_HEADERS.items() for a in (c, *aliases)}
    fmt = detect_format(src, overrides=overrides)
    headers: dict[str, str] = {}
    index = {header_key(a): c for c, aliases in POINT_HEADERS.items() for a in (c, *aliases)}
    for h in fmt.headers:
        c = index.get(header_key(h))
        if c and c not in headers:
            headers[c] = h
    if "lintang" not in headers or "bujur" not in headers:
        raise ImportFailed(f"{src.name}: kolom lintang dan bujur tidak ditemukan (dicari mis. "
                           "LATITUDE/LAT dan LONGITUDE/LON/LNG).")
    frame = read_whole(src, fmt)  # after the columns: a file that is no list is named as such
    blank = frame.drop(columns="_row").isna().all(axis=1).to_numpy()
    frame = frame[~blank].reset_index(drop=True)
    out = pd.DataFrame({"_row": frame["_row"]})
    for c, h in headers.items():
        out[c] = frame[h]
    return out, headers


def _object(value: object) -> dict:
    """A JSON object as a dict; anything else (a list, a text, null) as an empty one."""
    return value if isinstance(value, dict) else {}


def _geojson_rows(src: Source) -> tuple[pd.DataFrame, dict[str, str]]:
    try:
        data = json.loads(src.open().read().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ImportFailed(f"{src.name}: GeoJSON tidak terbaca ({err}).") from err
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ImportFailed(f"{src.name}: bukan GeoJSON FeatureCollection (tidak ada daftar "
                           "\"features\"). Ekspor ulang titik layanan sebagai GeoJSON berisi "
                           "fitur Point.")
    index = {header_key(a): c for c, aliases in POINT_HEADERS.items() for a in (c, *aliases)}
    rows = []
    for i, feature in enumerate(features, start=1):  # each part may be of any JSON type
        feature = _object(feature)
        row = {"_row": i}
        for k, v in _object(feature.get("properties")).items():
            c = index.get(header_key(k))
            if c in ("nama", "jenis") and c not in row:
                row[c] = v
        geom = _object(feature.get("geometry"))
        coordinates = geom.get("coordinates")
        if geom.get("type") == "Point" and isinstance(coordinates, list) and \
                len(coordinates) >= 2:
            row["bujur"], row["lintang"] = coordinates[:2]
        else:
            row["_geom"] = str(geom.get("type") or "kosong")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["_row", "lintang", "bujur", "nama", "jenis", "_geom"])
    return frame, {"lintang": "geometry", "bujur": "geometry", "nama": "nama", "jenis": "jenis"}


def read_points(source: object, jenis: str | None = None, name: str | None = None
                ) -> tuple[pd.DataFrame, list[tuple[int, str]], str]:
    """(accepted points: jenis, nama, lintang, bujur; quarantined (row, reasons); file name)."""
    src = Source.of(source, name)
    forced = None
    if jenis is not None:
        forced = vocab.point_type(jenis)
        if forced is None:
            raise ImportFailed(f"jenis {jenis!r} tidak dikenal; pakai salah satu dari "
                               f"{vocab.listing(vocab.POINT_TYPES)}.")
    is_json = src.name.lower().endswith((".geojson", ".json"))
    frame, headers = _geojson_rows(src) if is_json else _table_rows(src)
    if frame.empty:  # nothing replaces the points in force
        raise no_rows(src.name, "daftar titik layanan",
                      "daftar \"features\" GeoJSON kosong" if is_json else HEADER_ONLY)
    good, bad = [], []
    for rec in frame.to_dict("records"):
        reasons = []
        lat, lon = _number(rec.get("lintang")), _number(rec.get("bujur"))
        if rec.get("_geom") and rec["_geom"] == rec["_geom"]:
            reasons.append(f"geometri {rec['_geom']} bukan titik (Point).")
        elif lat is None or lon is None:
            reasons.append(f"{headers['lintang']}/{headers['bujur']}: koordinat kosong atau "
                           f"bukan angka ({rec.get('lintang')!r}, {rec.get('bujur')!r}).")
        elif not (INDONESIA[0] <= lon <= INDONESIA[2] and INDONESIA[1] <= lat <= INDONESIA[3]):
            swapped = (INDONESIA[0] <= lat <= INDONESIA[2] and INDONESIA[1] <= lon <= INDONESIA[3])
            reasons.append(f"{headers['lintang']}/{headers['bujur']}: titik ({lat}, {lon}) di "
                           "luar Indonesia" + ("; lintang dan bujur tertukar?" if swapped else "."))
        kind = forced
        raw = rec.get("jenis")
        if raw is not None and raw == raw and str(raw).strip():
            kind = vocab.point_type(raw)
            if kind is None:
                reasons.append(f"{headers.get('jenis', 'jenis')}: jenis {raw!r} tidak dikenal; "
                               f"pakai salah satu dari {vocab.listing(vocab.POINT_TYPES)}.")
            elif forced and kind != forced:
                reasons.append(f"{headers.get('jenis', 'jenis')}: jenis {raw!r} bukan "
                               f"{forced} (--jenis).")
        elif kind is None:
            reasons.append("jenis kosong; isi kolom jenis atau pakai --jenis.")
        nama = rec.get("nama")
        if reasons:
            bad.append((int(rec["_row"]), "; ".join(reasons)))
        else:
            good.append({"jenis": kind, "nama": None if nama is None or nama != nama
                         else str(nama), "lintang": lat, "bujur": lon})
    return pd.DataFrame(good, columns=["jenis", "nama", "lintang", "bujur"]), bad, src.name


def import_points(engine: Engine, source: object, jenis: str | None = None,
                  name: str | None = None) -> PointImport:
    """Read and store service points, replacing the stored points of each type in the file."""
    ensure(engine)
    points, bad, file = read_points(source, jenis, name)
    if not len(points):  # a wrong file never replaces the points in force with nothing
        raise nothing_accepted(file, len(bad), bad[:EXAMPLE_ROWS])
    regions = link.RegionIndex.from_store(engine)
    links = link.link_frame(points[["lintang", "bujur"]], regions)
    points["region_code"] = links["region_code"].astype(object).where(
        links["region_code"].notna(), None).to_numpy()
    with engine.begin() as conn:
        for kind in sorted(set(points["jenis"])):
            conn.execute(delete(service_points).where(service_points.c.jenis == kind))
        conn.execute(insert(service_points), [
            {**rec, "source_file": file} for rec in points.to_dict("records")])
    counts = {"rows_read": len(points) + len(bad), "accepted": len(points),
              "quarantined": len(bad)}
    return PointImport(file, counts, bad, points["jenis"].value_counts().to_dict())


def load_points(engine: Engine, jenis: str | None = None) -> pd.DataFrame:
    """Stored points: jenis, nama, lintang, bujur, region_code."""
    ensure(engine)
    t = service_points
    query = select(t.c.jenis, t.c.nama, t.c.lintang, t.c.bujur, t.c.region_code).order_by(t.c.id)
    if jenis:
        query = query.where(t.c.jenis == jenis)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(),
                            columns=["jenis", "nama", "lintang", "bujur", "region_code"])


def metric_crs(lon: np.ndarray, lat: np.ndarray) -> CRS:
    """The UTM zone (WGS84) of the data's centre."""
    lon0, lat0 = float(np.nanmean(lon)), float(np.nanmean(lat))
    zone = int((lon0 + 180) // 6) + 1
    return CRS.from_epsg((32700 if lat0 < 0 else 32600) + zone)


def project(lon: np.ndarray, lat: np.ndarray, crs: CRS) -> np.ndarray:
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
    return np.column_stack([x, y])


def nearest_distance(lon: np.ndarray, lat: np.ndarray, p_lon: np.ndarray, p_lat: np.ndarray,
                     crs: CRS | None = None) -> np.ndarray:
    """Metres from each (lon, lat) to the nearest of the points (NaN for a missing location,
    all NaN when there is no point)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    out = np.full(len(lon), np.nan)
    p_lon, p_lat = np.asarray(p_lon, dtype=float), np.asarray(p_lat, dtype=float)
    has = ~(np.isnan(lon) | np.isnan(lat))
    if not len(p_lon) or not has.any():
        return out
    crs = crs or metric_crs(np.concatenate([lon[has], p_lon]), np.concatenate([lat[has], p_lat]))
    from scipy.spatial import cKDTree  # here: scipy.spatial takes 0,6 s to import

    tree = cKDTree(project(p_lon, p_lat, crs))
    out[has], _ = tree.query(project(lon[has], lat[has], crs))
    return out


def access_table(region_code: pd.Series, lon: np.ndarray, lat: np.ndarray,
                 points: pd.DataFrame, types: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per kelurahan (index) and type: ``jarak_<jenis>`` the median metres from households with
    a location to the nearest point of that type (NaN: no point of the type, or no located
    household), and ``rumah_tangga_bertitik``."""
    types = types or tuple(vocab.POINT_TYPES)
    codes = pd.Series(region_code).astype(object)
    located = ~(np.isnan(np.asarray(lon, float)) | np.isnan(np.asarray(lat, float)))
    frame = pd.DataFrame({"kode": codes.to_numpy(), "_bertitik": located})
    for kind in types:
        pts = points[points["jenis"] == kind]
        frame[f"jarak_{kind}"] = nearest_distance(lon, lat, pts["bujur"].to_numpy(),
                                                  pts["lintang"].to_numpy())
    frame = frame.dropna(subset=["kode"])
    g = frame.groupby("kode")
    out = pd.DataFrame({"rumah_tangga_bertitik": g["_bertitik"].sum().astype("int64")})
    for kind in types:
        out[f"jarak_{kind}"] = g[f"jarak_{kind}"].median().round(0)
    return out


def service_access(engine: Engine, period: str | None = None,
                   types: tuple[str, ...] | None = None) -> pd.DataFrame:
    """:func:`access_table` for the register of ``period`` (default: the newest) and the
    stored points; one row per kelurahan of the boundaries (``kode`` index)."""
    from geo import snapshot_cache, store

    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError("Belum ada data rumah tangga di basis data.")
    hh = snapshot_cache.load_households_fast(engine, snapshot,
                                             ["region_code", "lintang", "bujur"])
    table = access_table(hh["region_code"], hh["bujur"].to_numpy(dtype=float, na_value=np.nan),
                         hh["lintang"].to_numpy(dtype=float, na_value=np.nan),
                         load_points(engine), types)
    regions = store.region_list(engine)
    codes = regions.loc[regions["level"] == "kelurahan", "kode"]
    out = table.reindex(pd.Index(codes, name="kode"))
    out["rumah_tangga_bertitik"] = out["rumah_tangga_bertitik"].fillna(0).astype("int64")
    return out
