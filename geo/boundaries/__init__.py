"""Boundary import: the GIS files of BIG, BPS or the city, in any common format, into ``regions``.

file -> read (GeoJSON, Shapefile folder/.zip, GeoPackage, KML/KMZ, GeoParquet) -> field mapping
-> WGS84 -> repair -> duplicate codes -> hierarchy (kecamatan, kota, provinsi dissolved from the
finest level) -> display geometry (a clean coverage simplified per level) -> quality report ->
store and re-link households, in one transaction.

Messages for users are Indonesian; they name the file, the feature (1-based, in file order) and
the field, and say what to do.

One module per step: ``read``, ``fields``, ``repair`` (CRS, validity, duplicate codes),
``hierarchy``, ``coverage`` and ``display`` (display geometry), ``quality``, ``importer`` (the
steps in order, storing); ``base`` holds what they share. The names callers use are
re-exported here; the functions ``repair`` and ``quality`` are not: they would hide the modules
of the same name. ``python -m geo import-boundaries`` is :mod:`geo.cli.import_boundaries`.
"""

from __future__ import annotations

from geo.boundaries.base import (
    INDONESIA_BOUNDS,
    LEVEL_LABEL,
    LEVELS,
    MAX_DISPLACEMENT_M,
    BoundaryImportFailed,
    BoundaryReport,
    Progress,
)
from geo.boundaries.coverage import clean_coverage, close_gaps, resolve_overlaps
from geo.boundaries.display import (
    displacement_m,
    display_geometry,
    display_level,
    geojson_bytes,
    simplify_keep,
)
from geo.boundaries.fields import FIELD_ALIASES, detect_fields, normalise
from geo.boundaries.hierarchy import build_hierarchy
from geo.boundaries.importer import import_boundaries
from geo.boundaries.quality import coverage_quality
from geo.boundaries.read import UPLOAD_TYPES, list_layers, read_boundary_file
from geo.boundaries.repair import merge_duplicates, to_wgs84

__all__ = [
    "FIELD_ALIASES", "INDONESIA_BOUNDS", "LEVELS", "LEVEL_LABEL", "MAX_DISPLACEMENT_M",
    "UPLOAD_TYPES", "BoundaryImportFailed", "BoundaryReport", "Progress", "build_hierarchy",
    "clean_coverage", "close_gaps", "coverage_quality", "detect_fields", "displacement_m",
    "display_geometry", "display_level", "geojson_bytes", "import_boundaries", "list_layers",
    "merge_duplicates", "normalise", "read_boundary_file", "resolve_overlaps", "simplify_keep",
    "to_wgs84",
]
