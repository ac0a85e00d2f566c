"""The berita acara as PDF (reportlab): landscape A4, the notes, the ranked proposals, the
unanswered need and the decisions. Text is set in Bitstream Vera (bundled with reportlab,
embedded as TrueType), so it is selectable and prints the same everywhere."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from geo.sheets.pdf import FONT, FONT_BOLD, register_fonts

if TYPE_CHECKING:
    import pandas as pd

    from geo.proposals.minutes import Minutes

BOLD = FONT_BOLD
RANK_COLUMNS = ["Peringkat OPD", "ID", "OPD", "Kelurahan", "Kegiatan", "Indikator",
                "Nilai indikator", "Peringkat kelurahan", "Rumah tangga perlu",
                "Biaya per rumah tangga perlu", "Skor", "Status", "Alasan"]
RANK_WIDTHS_CM = (1.4, 2.6, 1.8, 2.4, 3.4, 2.8, 1.4, 1.6, 1.3, 2.0, 1.1, 1.9, 3.6)


def _fonts() -> None:
    register_fonts()  # the printed sheets' embedded fonts: one registration for every PDF


def _table(frame: pd.DataFrame, columns: list[str], widths: list[float] | None = None
           ) -> LongTable:
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=6.5, leading=8)
    head = ParagraphStyle("head", parent=cell, fontName=BOLD)
    columns = [c for c in columns if c in frame.columns]
    data = [[Paragraph(c, head) for c in columns]]
    data += [[Paragraph(str(v), cell) for v in row] for row in
             frame[columns].astype(str).itertuples(index=False)]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the table's own default is Helvetica
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _canvas(*args: object, **kwargs: object) -> Canvas:
    """A canvas that starts in the embedded font (reportlab's default, Helvetica, would be
    listed in the PDF unembedded)."""
    kwargs.update(initialFontName=FONT, initialFontSize=8)
    return Canvas(*args, **kwargs)


def minutes_pdf(minutes: Minutes) -> bytes:
    """The berita acara PDF bytes."""
    _fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=1.2 * cm,
                            rightMargin=1.2 * cm, topMargin=1.2 * cm, bottomMargin=1.2 * cm,
                            title="Berita acara usulan Musrenbang", author="Peta Sinergi")
    title = ParagraphStyle("title", fontName=BOLD, fontSize=13, leading=16, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=10, leading=13, spaceBefore=8,
                        spaceAfter=4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=7.5, leading=9.5)
    story = [Paragraph("Berita acara: usulan Musrenbang dan bukti register", title)]
    for row in minutes.notes().itertuples(index=False):
        story.append(Paragraph(f"<b>{row.Hal}</b>: {row.Keterangan}".replace(
            "<b>", f'<font name="{BOLD}">').replace("</b>", "</font>"), body))
    story += [Paragraph("Usulan diperingkat menurut skor bukti", h2),
              _table(minutes.ranking, RANK_COLUMNS, [w * cm for w in RANK_WIDTHS_CM]),
              Paragraph("Kebutuhan yang belum dijawab usulan (top N per indikator OPD)", h2),
              _table(minutes.gaps, list(minutes.gaps.columns)),
              Spacer(1, 6),
              Paragraph("Keputusan (siapa dan kapan)", h2),
              _table(minutes.decisions, list(minutes.decisions.columns))
              if len(minutes.decisions) else Paragraph("Belum ada keputusan.", body)]
    doc.build(story, canvasmaker=_canvas)
    return buffer.getvalue()
