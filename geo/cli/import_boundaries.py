"""``python -m geo import-boundaries``: arguments, the progress bar, the report as text."""

from __future__ import annotations

import argparse
import json

from geo import audit, link, store
from geo.boundaries.base import MAX_DISPLACEMENT_M, BoundaryImportFailed, BoundaryReport
from geo.boundaries.fields import FIELD_ALIASES
from geo.boundaries.importer import import_boundaries
from geo.cli import common
from geo.cli.common import COUNT_LABEL, LEVEL_LABELS
from geo.fmt import fmt_int, fmt_num, fmt_pct

HELP = "impor berkas batas wilayah"


def _field_pair(text: str) -> tuple[str, str]:
    role, sep, column = text.partition("=")
    if not sep or not role.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"tulis PERAN=KOLOM, mis. kode=KDEPUM (bukan '{text}')")
    return role.strip(), column.strip()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="BERKAS", help="GeoJSON, Shapefile (folder atau .zip), "
                        "GeoPackage, KML/KMZ atau GeoParquet")
    parser.add_argument("--field", action="append", type=_field_pair, default=[],
                        metavar="PERAN=KOLOM",
                        help=f"kolom untuk peran ({', '.join(FIELD_ALIASES)}), mis. "
                        "--field kode=KDEPUM --field nama=WADMKD (boleh berulang)")
    parser.add_argument("--crs", metavar="EPSG",
                        help="kode EPSG bila berkas tidak menyatakannya, mis. 32748")
    parser.add_argument("--layer", metavar="LAPISAN",
                        help="lapisan GeoPackage atau berkas di dalam .zip")
    common.add_json(parser, "laporan")


def relink_warning(report: BoundaryReport) -> str | None:
    """Most households left unlinked by the re-linking after these boundaries."""
    relink = report.relink or {}
    return link.unlinked_warning(relink.get("unlinked_after", 0), relink.get("households", 0))


def format_report(report: BoundaryReport) -> str:
    """The quality report as text (Indonesian), for the command line."""
    lines = [f"Berkas: {report.source} ({report.format})", f"Fitur dibaca: {report.features}",
             f"Geometri diperbaiki: {report.repaired}",
             f"Wilayah disimpan: {common.level_counts(report.levels)}",
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
        lines.append(f"  {LEVEL_LABELS[level]}: {fmt_int(d['features'])} fitur, "
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
                     f"{COUNT_LABEL['households']}, {fmt_int(relink['changed'])} "
                     f"{COUNT_LABEL['changed']}, {COUNT_LABEL['unlinked']} "
                     f"{fmt_int(relink.get('unlinked_before', 0))} → "
                     f"{fmt_int(relink.get('unlinked_after', 0))}")
        warning = relink_warning(report)
        if warning:
            lines.append(f"Peringatan: {warning}")
    else:
        lines.append(f"Penautan ulang rumah tangga: {json.dumps(relink, ensure_ascii=False)}")
    lines.extend(f"Catatan: {w}" for w in report.warnings)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        with common.progress_bar(common.progress_wanted(args)) as progress:
            report = import_boundaries(store.get_engine(), args.file,
                                       fields=dict(args.field) or None, crs=args.crs,
                                       layer=args.layer, progress=progress)
    except BoundaryImportFailed as exc:
        return common.fail(exc)
    audit.record_import(store.get_engine(), audit.CLI_USER, "import_boundaries", str(args.file))
    if args.json:
        common.print_json(report.to_dict())
    else:
        print(format_report(report))
    warning = relink_warning(report)
    return common.warn([warning] if warning else [])
