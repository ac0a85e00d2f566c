"""Ringkasan on one A4 page: the overview page's headline numbers with their change, the map
of the chosen need (same classes and colours as the screen), the kelurahan needing most action
per OPD, the largest coverage gaps, how fresh the data is, and the footer. Every number comes
from :class:`geo.views.overview_view.Overview`; nothing is counted here."""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo import indicators
from geo.fmt import fmt_date, fmt_period
from geo.indicators import NO_DATA
from geo.maps import Classes
from geo.sheets import cartography as carto
from geo.sheets.pdf import MUTED, Box, Sheet
from geo.sheets.sources import source_text
from geo.suppression import small_count_note
from geo.views.map_view import MapView
from geo.views.overview_view import Overview


def overview_pdf(ov: Overview, mapped: MapView | None, classes: Classes | None,
                 snapshot: dict, printed_by: str, printed_on: date | None = None) -> bytes:
    """The overview as a one-page A4 portrait PDF."""
    sheet = Sheet("A4", False, title=f"Ringkasan {ov.area} · {ov.period_label}",
                  author=printed_by)
    body = sheet.body
    y = sheet.title_block(f"Ringkasan {ov.area}", ov.freshness())
    half = (body.width - 12) / 2

    # headline numbers and their change
    rows = [[h.label, h.value, h.change if h.change is not None else "–", h.detail]
            for h in ov.headline]
    change_head = (f"Perubahan sejak {fmt_period(ov.previous)}" if ov.previous
                   else "Perubahan")
    y = sheet.table(body.x0, y, [150, 70, 90, body.width - 310],
                    ["Angka utama", "Nilai", change_head, "Keterangan"], rows, size=7.5,
                    align=["l", "r", "r", "l"]) - 8

    # the need map (left) with its legend; the top kelurahan per OPD (right)
    map_box = Box(body.x0, y - 400, body.x0 + half, y)
    kel_word = mapped.kel_word if mapped is not None else "Kelurahan"  # "Desa" in a kabupaten
    if mapped is not None and classes is not None:
        areas = mapped.areas
        values = mapped.values.reindex(areas["kode"]).to_numpy(dtype=float)
        names = pd.Series(areas["nama"].to_numpy(), index=areas["kode"].to_numpy())
        sheet.text(map_box.x0, map_box.y1 - 9, indicators.get(mapped.ind_id).label, 8.5,
                   bold=True)
        inner = Box(map_box.x0, map_box.y0 + 100, map_box.x1, map_box.y1 - 14)
        layout = carto.draw_areas(sheet, inner, areas, list(classes.color_of(values)), names,
                                  label_size=4.5)
        carto.frame(sheet, inner)
        carto.draw_north_arrow(sheet, inner.x1 - 14, inner.y1 - 26, 13)
        carto.draw_scale_bar(sheet, layout, inner.x0 + 8, inner.y0 + 10, 80)
        carto.draw_legend(sheet, map_box.x0, map_box.y0 + 94, "",
                          f"{mapped.unit} per {kel_word.lower()}", classes, mapped.decimals,
                          width=half)
    else:
        sheet.text(map_box.x0, map_box.y1 - 9, f"Peta: {NO_DATA}", 8.5)
    right = map_box.x1 + 12
    top_rows = [[agency, top.text("{name} ({count})")] for agency, top in ov.opd_top.items()]
    yy = sheet.paragraph(right, y + 1, half, f"{kel_word} dengan rumah tangga perlu tindakan "
                         "terbanyak, per OPD", 8, bold=True) - 3
    for agency, listing in top_rows:
        yy = sheet.paragraph(right, yy, half, f"{agency}: {listing}", 7) - 3
    yy -= 6
    yy = sheet.paragraph(right, yy, half, "Kesenjangan cakupan terbesar (layak, belum "
                         "menerima)", 8, bold=True) - 3
    yy = sheet.table(right, yy, [half * 0.25, half * 0.17, half * 0.2, half * 0.38],
                     ["Program", "Cakupan", "Belum menerima", f"{kel_word} terendah"],
                     [[g.program, g.coverage, g.not_covered, g.lowest]
                      for g in ov.coverage_gaps], size=6.5, align=["l", "r", "r", "l"])

    # notes: what the numbers are and where they come from
    y = min(map_box.y0, yy) - 10
    for note in [*ov.notes, source_text(snapshot), small_count_note()]:
        y = sheet.paragraph(body.x0, y, body.width, note, 6.8, color=MUTED,
                            min_y=body.y0) - 2
        if y < body.y0 + 8:
            break
    sheet.footer(printed_by, printed_on,
                 note=f"Periode data {fmt_period(snapshot['period'])} · diimpor "
                      f"{fmt_date(pd.Timestamp(snapshot['imported_at']))}")
    return sheet.pdf_bytes()
