"""Every download of the app and the CLI goes through here: Excel with Indonesian labels and a
"Catatan" sheet, CSV for Excel (``;``, decimal comma) and for machines (``,``, snake_case),
GeoPackage/GeoJSON per area for QGIS; text neutralised against formula injection."""

from geo.exports.areas import area_layer, geojson_bytes, geopackage_bytes, is_personal
from geo.exports.cells import cell_value, neutralise, safe_frame
from geo.exports.registry import label, labels, number_formats
from geo.exports.tables import Notes, Table, csv_excel, csv_machine, snapshot_source, xlsx

MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
}

__all__ = ["MIME", "Notes", "Table", "area_layer", "cell_value", "csv_excel", "csv_machine",
           "geojson_bytes", "geopackage_bytes", "is_personal", "label", "labels", "neutralise",
           "number_formats", "safe_frame", "snapshot_source", "xlsx"]
