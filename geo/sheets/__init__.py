"""Printed sheets (PDF, vector, fonts embedded, no internet): map sheets and kartu kelurahan.

Reusable pieces, for any one-page summary that wants the same look:

- :mod:`geo.sheets.pdf` — ``Sheet(paper="A4"|"A3", landscape=False, title, author)``: a PDF
  of one or more pages with reportlab's bundled Vera fonts embedded. ``sheet.body`` (a
  :class:`~geo.sheets.pdf.Box` inside the margins, above the footer), ``title_block(title,
  subtitle)`` (returns the y below it), ``text``/``paragraph`` (wrapped, returns the y below),
  ``table(x, y, widths, header, rows, section_rows=...)``, ``swatch``,
  ``footer(printed_by, printed_on, note, page_text)``, ``next_page()``, ``pdf_bytes()``.
- :mod:`geo.sheets.cartography` — ``draw_areas(sheet, box, areas, fills, names, highlight)``
  draws areas (a GeoDataFrame with ``kode``, EPSG:4326) as vector paths in their UTM zone
  with greedy, non-colliding labels and returns a :class:`~geo.sheets.cartography.MapLayout`
  (projected metres → page points); ``draw_legend(sheet, x, y, title, unit, classes)`` (the
  screen's :class:`geo.maps.Classes`, with "Tidak ada data"), ``draw_scale_bar(sheet,
  layout, x, y)``, ``draw_north_arrow(sheet, x, y)``, ``frame(sheet, box)``.
- :mod:`geo.sheets.map_sheet` — ``draw_map_sheet``/``map_sheet_pdf`` (a map-page view:
  :class:`geo.views.map_view.MapView` + the page's classes) and ``sheet_for(engine, ...)``
  (``python -m geo sheet``).
- :mod:`geo.sheets.kartu` — ``kartu_data(engine, period, kecamatan)`` and
  ``kartu_pdf(data, ...)``: one A4 page per kelurahan (``python -m geo kartu``).
- :mod:`geo.sheets.sources` — ``load_period`` (snapshot + evaluated indicators) and
  ``source_text`` (data source and import date, for a sheet's notes).

Colours and classes are never computed here: a sheet takes :func:`geo.maps.classify`'s
classes, the numbers come from :mod:`geo.views.map_view` and
:func:`geo.indicator_table.indicator_table`, and small counts follow :mod:`geo.suppression`.
"""
