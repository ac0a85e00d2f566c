"""The map sheet: any view of the map page as an A4/A3 PDF, portrait or landscape.

The numbers and the classes are the screen's: the values come from
:func:`geo.views.map_view.map_view` and the classes from :func:`geo.maps.classify` (the page
passes its own :class:`geo.maps.Classes`), so each area has the colour it has on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from geo import indicators, store
from geo.filters import Filters
from geo.fmt import fmt_date, fmt_period
from geo.indicators import DEFAULT_SETTINGS, Settings
from geo.maps import Classes, classify
from geo.sheets import cartography as carto
from geo.sheets.pdf import MUTED, Box, Sheet
from geo.sheets.sources import load_period, source_text
from geo.suppression import small_count_note
from geo.views import map_view as mv
from geo.views.map_view import MapView

METHODS = {"quantile": "kuantil", "natural": "Jenks (alami)", "equal": "interval sama"}
INTERACTIVE_NOTES = ("Klik", "Lingkaran")  # map-page captions about clicking and points
NOT_HIDDEN_NOTE = ("Angka kecil (< 5) tidak disembunyikan di lembar ini: jangan tampilkan di "
                   "forum terbuka.")


@dataclass(frozen=True)
class PrintedSheet:
    pdf: bytes
    layout: carto.MapLayout  # where the map landed (tests read colours at area points)
    classes: Classes


def sheet_title(mapped: MapView) -> str:
    return indicators.get(mapped.ind_id).label


def sheet_subtitle(mapped: MapView, description: str, period: str) -> str:
    return (f"{mv.MEASURES[mapped.measure]} per {mapped.level_label.lower()} · {description} · "
            f"periode {fmt_period(period)}")


def sheet_notes(mapped: MapView, description: str, snapshot: dict, settings: Settings,
                classification: str = "") -> list[str]:
    """What the sheet says beside the map, in order."""
    ind = indicators.get(mapped.ind_id)
    totals = " · ".join(f"{label}: {value}" for label, value in mapped.metrics())
    notes = [f"Total wilayah ini: {totals}.", *mapped.total_captions(),
             f"Cara menghitung: {ind.definition} Penyebut persentase: {ind.denominator_label} "
             f"yang nilainya diketahui. Pemilik indikator: {ind.opd}.",
             f"Filter: {description}."]
    if mapped.warning:
        notes.append(mapped.warning)
    notes += [n for n in mapped.notes if not n.startswith(INTERACTIVE_NOTES)]
    if classification:
        notes.append(classification)
    notes.append(source_text(snapshot))
    notes.append("Pengaturan definisi: " + "; ".join(settings.describe()))
    notes.append(small_count_note() if mapped.hide else NOT_HIDDEN_NOTE)
    return notes


def draw_map_sheet(sheet: Sheet, mapped: MapView, classes: Classes, description: str,
                   snapshot: dict, settings: Settings, printed_by: str,
                   printed_on: date | None = None, classification: str = "") -> carto.MapLayout:
    """One page: title, the choropleth with labels, north arrow and scale bar, the legend,
    the notes (definition, filters, source, settings, suppression) and the footer."""
    big = sheet.paper == "A3"
    f = 1.3 if big else 1.0
    body = sheet.body
    top = sheet.title_block(sheet_title(mapped),
                            sheet_subtitle(mapped, description, snapshot["period"]))
    if sheet.landscape:
        side = 190 * f
        map_box = Box(body.x0, body.y0, body.x1 - side - 12, top)
        col = Box(map_box.x1 + 12, body.y0, body.x1, top)
        legend_x, legend_y, notes_box = col.x0, col.y1, col
    else:
        map_box = Box(body.x0, body.y0 + (body.y1 - body.y0) * 0.33, body.x1, top)
        below = Box(body.x0, body.y0, body.x1, map_box.y0 - 10)
        legend_x, legend_y = below.x0, below.y1
        notes_box = Box(below.x0 + 185 * f, below.y0, below.x1, below.y1)
    areas = mapped.areas
    values = mapped.values.reindex(areas["kode"]).to_numpy(dtype=float)
    fills = list(classes.color_of(values))
    names = pd.Series(areas["nama"].to_numpy(), index=areas["kode"].to_numpy())
    layout = carto.draw_areas(sheet, map_box, areas, fills, names, label_size=6 * f)
    carto.frame(sheet, map_box)
    carto.draw_north_arrow(sheet, map_box.x1 - 18 * f, map_box.y1 - 34 * f, 18 * f)
    carto.draw_scale_bar(sheet, layout, map_box.x0 + 12, map_box.y0 + 14, 110 * f)
    y = carto.draw_legend(sheet, legend_x, legend_y,
                          indicators.get(mapped.ind_id).label,
                          f"{mapped.unit} per {mapped.level_label.lower()}", classes,
                          mapped.decimals, width=(notes_box.width if sheet.landscape
                                                  else 175 * f), grey_label=mapped.grey_label)
    if sheet.landscape:
        notes_box = Box(notes_box.x0, notes_box.y0, notes_box.x1, y - 6)
    size = 7.0 * (1.2 if big else 1.0)
    y = notes_box.y1
    for note in sheet_notes(mapped, description, snapshot, settings, classification):
        y = sheet.paragraph(notes_box.x0, y, notes_box.width, note, size, color=MUTED,
                            min_y=notes_box.y0) - 3
        if y < notes_box.y0 + size:
            break
    sheet.footer(printed_by, printed_on,
                 note=f"Periode data {fmt_period(snapshot['period'])} · diimpor "
                      f"{fmt_date(pd.Timestamp(snapshot['imported_at']))}")
    return layout


def map_sheet_pdf(mapped: MapView, classes: Classes, description: str, snapshot: dict,
                  settings: Settings, printed_by: str, paper: str = "A4",
                  landscape: bool = False, printed_on: date | None = None,
                  classification: str = "") -> PrintedSheet:
    """The map sheet of a map-page view as a PDF (see :func:`draw_map_sheet`)."""
    sheet = Sheet(paper, landscape, title=f"{sheet_title(mapped)} · "
                  f"{fmt_period(snapshot['period'])}", author=printed_by)
    layout = draw_map_sheet(sheet, mapped, classes, description, snapshot, settings,
                            printed_by, printed_on, classification)
    return PrintedSheet(sheet.pdf_bytes(), layout, classes)


def classification_text(method: str, k: int) -> str:
    return (f"Klasifikasi: {METHODS.get(method, method)}, {k} kelas (sama dengan peta di "
            "layar); wilayah abu-abu tidak masuk kelas mana pun.")


def sheet_for(engine: Engine, ind_id: str, level: str = "kelurahan", period: str | None = None,
              filters: Filters | None = None, settings: Settings = DEFAULT_SETTINGS,
              hide: bool = False, measure: str = "persen", method: str = "quantile",
              k: int = 5, paper: str = "A4", landscape: bool = False,
              printed_by: str = "", printed_on: date | None = None) -> PrintedSheet:
    """The map sheet the map page would print for these choices (``python -m geo sheet``).
    Raises LookupError (no such period, no area for the filter) with an Indonesian message."""
    filters = filters or Filters()
    snapshot, prepared = load_period(engine, period, settings)
    regions = store.load_regions(engine, display=True)
    shown = mv.shown_level(filters, level)
    areas = regions[regions["level"] == shown].reset_index(drop=True)
    kelurahan = regions[regions["level"] == "kelurahan"].reset_index(drop=True)
    names = regions.set_index("kode")["nama"]
    mapped = mv.map_view(prepared, filters, ind_id, level, measure, areas, names, settings,
                         kelurahan=kelurahan, hide=hide)
    if mapped is None:
        raise LookupError(f"Tidak ada wilayah untuk filter {filters.describe(names.to_dict())}"
                          " (periksa kode kecamatan/kelurahan).")
    classes = classify(mapped.values.to_numpy(), k=k, method=method, palette=mapped.palette)
    return map_sheet_pdf(mapped, classes, filters.describe(names.to_dict()), snapshot,
                         settings, printed_by, paper, landscape, printed_on,
                         classification_text(method, k))
