"""Aggregates per area for QGIS: GeoPackage and GeoJSON with the area's geometry and the
indicator values of the export table (after suppression), nothing about any household.

Only ``kode``, ``nama`` and the table's columns are written; a column whose name says it is
personal (NIK, KK, names, addresses, coordinates) is refused, whatever the caller passes.
Counts hidden as small (``< 5``, ``–``) become empty (null) so the field stays numeric for
QGIS's symbology, and the feature's ``tersembunyi`` field names the hidden columns.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.exports.cells import cell_value, neutralise

PERSONAL_WORDS = {"nik", "kk", "alamat", "lintang", "bujur", "telepon", "hp", "ktp"}
PERSONAL_COLUMNS = {"nama_krt", "nama_art", "nama_kepala", "id_keluarga", "geometry_rumah"}
HIDDEN_FIELD = "tersembunyi"


def is_personal(column: str) -> bool:
    """A column a per-area export must not carry (by its name's words)."""
    name = column.lower()
    return name in PERSONAL_COLUMNS or bool(PERSONAL_WORDS & set(name.split("_")))


def area_layer(areas: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """One feature per area of ``table`` (column ``kode``, ``nama`` and values): the area's
    geometry from ``areas`` (kode, geometry), in EPSG:4326."""
    personal = [c for c in table.columns if is_personal(str(c))]
    if personal:
        raise ValueError(f"Kolom pribadi tidak boleh diekspor per wilayah: {', '.join(personal)}")
    geometry = areas.set_index("kode").geometry
    if areas.crs is not None:
        geometry = geometry.to_crs(4326)
    out = pd.DataFrame({"kode": table["kode"].astype(str).to_numpy()})
    hidden: list[list[str]] = [[] for _ in range(len(table))]
    for column in table.columns:
        if column == "kode":
            continue
        values = [cell_value(v) for v in table[column].tolist()]
        numeric = [v for v in values if v is not None and not isinstance(v, str)]
        if column == "nama" or not numeric:
            out[column] = pd.array([None if v is None else str(v) for v in values],
                                   dtype="string")
            continue
        for i, v in enumerate(values):
            if isinstance(v, str):  # a suppressed count ("< 5", "–"): empty, and named
                hidden[i].append(str(column))
                values[i] = None
        floats = any(isinstance(v, float) for v in values)
        out[column] = pd.array(values, dtype="Float64" if floats else "Int64")
    if any(hidden):
        out[HIDDEN_FIELD] = [", ".join(h) for h in hidden]
    return gpd.GeoDataFrame(out, geometry=geometry.reindex(out["kode"]).to_numpy(),
                            crs=4326)


def geojson_bytes(layer: gpd.GeoDataFrame) -> bytes:
    """The layer as GeoJSON (RFC 7946: EPSG:4326, lon/lat), empty values as null."""
    data = json.loads(layer.to_json(na="null", drop_id=True, to_wgs84=True))
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def geopackage_bytes(layer: gpd.GeoDataFrame, name: str = "wilayah") -> bytes:
    """The layer as a GeoPackage (one table ``name``), written in a private temporary
    folder."""
    with tempfile.TemporaryDirectory(prefix="peta-ekspor-") as folder:
        path = Path(folder) / "ekspor.gpkg"
        layer.to_file(path, layer=neutralise(name)[:60], driver="GPKG")
        return path.read_bytes()

