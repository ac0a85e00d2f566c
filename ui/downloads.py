"""The download buttons of a table, side by side: Excel, "CSV (Excel)", "CSV (mesin)" and, for
a table per area, GeoPackage and GeoJSON for QGIS. Files are built by :mod:`geo.exports` only
when a button is clicked, and every download is audited (:func:`ui.auth.download_button`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import exports
from ui import auth

FORMATS = {  # format: (button label, file name ending, help)
    "xlsx": ("Excel", "xlsx", "Lembar kerja dengan judul kolom berbahasa Indonesia, angka "
             "sebagai angka, dan lembar “Catatan” (periode, filter, definisi, sumber)."),
    "csv_excel": ("CSV (Excel)", "excel.csv", "Pemisah titik koma dan koma desimal: terbuka rapi "
                  "di Excel berbahasa Indonesia."),
    "csv": ("CSV (mesin)", "mesin.csv", "Pemisah koma, titik desimal dan nama kolom asli "
            "(snake_case), UTF-8: untuk program dan skrip."),
    "gpkg": ("GeoPackage", "gpkg", "Batas wilayah beserta nilai indikatornya, untuk QGIS. "
             "Tanpa data rumah tangga."),
    "geojson": ("GeoJSON", "geojson", "Batas wilayah beserta nilai indikatornya (EPSG:4326). "
                "Tanpa data rumah tangga."),
}
TABLE_FORMATS = ("xlsx", "csv_excel", "csv")
AREA_FORMATS = (*TABLE_FORMATS, "gpkg", "geojson")


def builder(fmt: str, table: Callable[[], exports.Table],
            notes: Callable[[], object] | None = None,
            machine: Callable[[], pd.DataFrame] | None = None,
            layer: Callable[[], gpd.GeoDataFrame] | None = None) -> Callable[[], bytes]:
    """The function that builds one file (called only on a click)."""
    if fmt == "xlsx":
        return lambda: exports.xlsx([table()], notes() if notes else None)
    if fmt == "csv_excel":
        return lambda: exports.csv_excel(table())
    if fmt == "csv":
        return lambda: exports.csv_machine(machine() if machine else table().frame)
    if fmt == "gpkg":
        return lambda: exports.geopackage_bytes(layer())  # type: ignore[misc]
    return lambda: exports.geojson_bytes(layer())  # type: ignore[misc]


def table_downloads(stem: str, key: str, table: Callable[[], exports.Table],
                    notes: Callable[[], object] | None = None,
                    machine: Callable[[], pd.DataFrame] | None = None,
                    layer: Callable[[], gpd.GeoDataFrame] | None = None,
                    formats: Sequence[str] | None = None, what: str = "download",
                    container: object = None, title: str = "Unduh tabel:") -> None:
    """One row of download buttons for ``table`` (file names ``stem.ext``). ``machine``: the
    table with snake_case ids for "CSV (mesin)" (default: the table's own columns);
    ``layer``: the areas with geometry (adds GeoPackage and GeoJSON)."""
    formats = list(formats or (AREA_FORMATS if layer else TABLE_FORMATS))
    where = container or st
    where.caption(title)
    columns = where.columns([1] * len(formats) + [max(1, 6 - len(formats))])
    for column, fmt in zip(columns, formats):
        label, ending, helptext = FORMATS[fmt]
        separator = "_" if ending.endswith(".csv") else "."  # peta_x_excel.csv, peta_x.xlsx
        auth.download_button(column, label, builder(fmt, table, notes, machine, layer),
                             f"{stem}{separator}{ending}", what=what,
                             mime=exports.MIME[ending.rsplit(".", 1)[-1]],
                             icon=":material/download:", key=f"{key}_{fmt}", help=helptext)
