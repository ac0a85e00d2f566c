"""The import itself: every step in order, then regions replaced and households re-linked
in one transaction, so a failure leaves the database as it was; then the Parquet caches of the
snapshots whose households moved are built again (:func:`geo.snapshot_cache.warm_after_import`)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from sqlalchemy import Engine, delete
from sqlalchemy.exc import OperationalError

from geo import cube, dataset_relink, snapshot_cache, snapshot_writer, store
from geo.boundaries.base import (
    INDONESIA_BOUNDS,
    LEVELS,
    BoundaryImportFailed,
    BoundaryReport,
    Progress,
    say,
)
from geo.boundaries.coverage import clean_coverage
from geo.boundaries.display import display_geometry
from geo.boundaries.fields import detect_fields, normalise
from geo.boundaries.hierarchy import build_hierarchy
from geo.boundaries.limits import check_vertices, simplify_large
from geo.boundaries.quality import outside_indonesia, quality
from geo.boundaries.read import read_boundary_file
from geo.boundaries.repair import merge_duplicates, repair, to_wgs84


def _relink(engine: Engine, conn) -> dict:  # noqa: ANN001
    """Re-link stored households to the new kelurahan, in ``conn``'s transaction."""
    return dict(snapshot_writer.relink_all(engine, conn=conn))


def _store(engine: Engine, table: gpd.GeoDataFrame, source: str) -> dict:
    """Replace all regions and re-link households in one transaction."""
    columns = ["kode", "nama", "level", "kode_induk", "area_km2", "geometry", "geometry_display"]
    try:
        return _store_in(engine, table, source, columns)
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        raise BoundaryImportFailed(
            f"{source}: basis data sedang dipakai proses lain (mis. impor register rumah "
            "tangga); batas wilayah tidak disimpan, data lama tetap utuh. Coba lagi setelah "
            "proses itu selesai.") from exc


def _store_in(engine: Engine, table: gpd.GeoDataFrame, source: str, columns: list[str]
              ) -> dict:
    relinked: dict = {}
    try:
        with engine.begin() as conn:
            conn.execute(delete(store.regions))
            store.insert_regions(conn, table[columns], source)  # in the same transaction
            try:
                relinked = _relink(engine, conn)
            except Exception as exc:  # the regions roll back with the links
                if isinstance(exc, OperationalError) and "locked" in str(exc):
                    raise  # said as "in use" by _store
                raise BoundaryImportFailed(
                    f"{source}: batas wilayah tidak disimpan karena penautan ulang rumah tangga "
                    f"gagal ({exc}). Laporkan ke pengelola aplikasi; data lama tetap utuh."
                ) from exc
    except BaseException:  # dataset periods written again with new links: not kept
        dataset_relink.finish(relinked.pop("datasets", []), committed=False)
        raise
    dataset_relink.finish(relinked.pop("datasets", []), committed=True)  # the old ones go
    return relinked



def import_boundaries(engine: Engine, path: object, *, fields: dict[str, str] | None = None,
                      crs: str | int | None = None, layer: str | None = None,
                      progress: Progress | None = None, source_name: str | None = None
                      ) -> BoundaryReport:
    """Read, check and store a boundary file, replacing all regions; then re-link households.

    Raises :class:`BoundaryImportFailed` (nothing changed) when the file cannot be used.
    """
    say(progress, 0.0, "Membaca berkas batas wilayah")
    frame, name, fmt, used_layer = read_boundary_file(path, layer)
    name = source_name or name
    report = BoundaryReport(source=name, format=fmt, layer=used_layer, features=len(frame))
    if frame.empty:
        raise BoundaryImportFailed(f"{name}: berkas tidak berisi fitur.")
    check_vertices(frame, name)  # before any work on a huge file
    mapping = detect_fields([str(c) for c in frame.columns if c != frame.geometry.name],
                            fields, name)
    table = normalise(frame, mapping, name, report)
    say(progress, 0.1, "Mengubah koordinat ke WGS84")
    table = to_wgs84(table, crs, name, report)
    table = simplify_large(table, report)
    say(progress, 0.2, "Memeriksa dan memperbaiki geometri")
    table = repair(table, report)
    if table.empty:
        raise BoundaryImportFailed(f"{name}: tidak ada fitur dengan kode dan poligon yang sah.")
    outside = outside_indonesia(table)
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
    say(progress, 0.25, "Membersihkan tumpang tindih dan celah antar-tetangga")
    kel = (table["level"] == "kelurahan").to_numpy()
    clean = clean_coverage(table.geometry[kel].to_crs(metric_crs).values) if kel.any() else None
    say(progress, 0.3, "Menyusun kecamatan dan kabupaten/kota")
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
    say(progress, 0.9, "Menyimpan dan menautkan ulang rumah tangga")
    report.relink = _store(engine, table, name)
    if report.relink.get("relinked"):  # the first map load after new boundaries is fast
        say(progress, 0.95, "Menyiapkan cache tampilan peta")
        snapshot_cache.warm_after_import(engine, report.relink["relinked"])
        cube.build_after_import(engine, report.relink["relinked"])
    say(progress, 1.0, "Selesai")
    return report

