"""Page basics of every printed sheet: paper, embedded fonts, title block, text, tables, footer.

Fonts are reportlab's bundled Bitstream Vera (TrueType), registered once and embedded (as
subsets) in every PDF, so text is selectable and prints the same everywhere without internet.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import reportlab
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from geo.fmt import fmt_date

PAPERS: dict[str, tuple[float, float]] = {"A4": A4, "A3": A3}  # portrait, in points
FONT, FONT_BOLD = "PetaVera", "PetaVera-Bold"
MARGIN = 34.0  # 12 mm
INK = HexColor("#222222")
MUTED = HexColor("#555555")
RULE = HexColor("#999999")
ZEBRA = HexColor("#f2f2f2")
FOOTER_HEIGHT = 26.0
APP_NAME = "Peta Sinergi"


def register_fonts() -> None:
    """Register the embedded TrueType fonts once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(folder, "VeraBd.ttf")))


def text_width(text: str, size: float, bold: bool = False) -> float:
    register_fonts()
    return pdfmetrics.stringWidth(text, FONT_BOLD if bold else FONT, size)


def page_size(paper: str = "A4", landscape: bool = False) -> tuple[float, float]:
    """(width, height) in points of ``A4``/``A3``, portrait or landscape."""
    if paper not in PAPERS:
        raise ValueError(f"Ukuran kertas {paper!r} tidak dikenal (pilih A4 atau A3).")
    size = PAPERS[paper]
    return turned(size) if landscape else size


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in points, origin bottom left."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


class Sheet:
    """A PDF of one or more pages of the same paper, drawn with reportlab's canvas.

    ``Sheet(paper="A4", landscape=False, title=..., author=...)``; draw with the methods below
    (or on ``sheet.canvas`` directly), ``next_page()`` between pages, ``pdf_bytes()`` at the end.
    """

    def __init__(self, paper: str = "A4", landscape: bool = False, title: str = "",
                 author: str = "") -> None:
        register_fonts()
        self.paper, self.landscape = paper, landscape
        self.width, self.height = page_size(paper, landscape)
        self._buffer = io.BytesIO()
        self.canvas = Canvas(self._buffer, pagesize=(self.width, self.height),
                             pageCompression=1, initialFontName=FONT, initialFontSize=8)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author or APP_NAME)
        self.canvas.setCreator(APP_NAME)
        self.pages = 1

    # ------------------------------------------------------------ regions of the page

    @property
    def body(self) -> Box:
        """The page inside the margins, above the footer."""
        return Box(MARGIN, MARGIN + FOOTER_HEIGHT, self.width - MARGIN, self.height - MARGIN)

    def next_page(self) -> None:
        self.canvas.showPage()
        self.pages += 1

    def pdf_bytes(self) -> bytes:
        self.canvas.save()
        return self._buffer.getvalue()

    # ------------------------------------------------------------ text

    def text(self, x: float, y: float, text: str, size: float = 8, bold: bool = False,
             color: object = INK, align: str = "left") -> None:
        """One line at baseline ``y``; ``align`` left, right or center of ``x``."""
        c = self.canvas
        c.setFillColor(color)
        c.setFont(FONT_BOLD if bold else FONT, size)
        draw = {"left": c.drawString, "right": c.drawRightString,
                "center": c.drawCentredString}[align]
        draw(x, y, text)

    def paragraph(self, x: float, y: float, width: float, text: str, size: float = 7.5,
                  bold: bool = False, color: object = INK, leading: float | None = None,
                  min_y: float | None = None) -> float:
        """Wrapped text whose first baseline is ``y - size``; returns the y below it. Lines that
        would fall under ``min_y`` are cut, the last one ending with "…"."""
        leading = leading or size * 1.28
        lines = simpleSplit(text, FONT_BOLD if bold else FONT, size, width)
        for i, line in enumerate(lines):
            y -= leading
            if min_y is not None and y - leading < min_y and i < len(lines) - 1:
                self.text(x, y + leading - size, line.rstrip() + " …", size, bold, color)
                return y
            self.text(x, y + leading - size, line, size, bold, color)
        return y

    def title_block(self, title: str, subtitle: str = "", box: Box | None = None) -> float:
        """The sheet's title and a subtitle line at the top of ``box`` (default: the body),
        with a rule under them; returns the y below."""
        box = box or self.body
        size = 17 if self.width > 700 else 15
        y = self.paragraph(box.x0, box.y1 + 2, box.width, title, size, bold=True)
        if subtitle:
            y = self.paragraph(box.x0, y - 1, box.width, subtitle, 9, color=MUTED)
        y -= 5
        self.canvas.setStrokeColor(RULE)
        self.canvas.setLineWidth(0.6)
        self.canvas.line(box.x0, y, box.x1, y)
        return y - 6

    def footer(self, printed_by: str, printed_on: date | None = None, note: str = "",
               page_text: str = "") -> None:
        """"Dicetak oleh … pada …" and the app's name under a rule at the bottom of the page;
        ``note`` (e.g. the data source) above it, ``page_text`` ("Halaman 2 dari 9") right."""
        c, y = self.canvas, MARGIN + FOOTER_HEIGHT - 6
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(MARGIN, y, self.width - MARGIN, y)
        when = fmt_date(printed_on or date.today())
        left = f"Dicetak oleh {printed_by} pada {when} · {APP_NAME}"
        if note:
            self.text(MARGIN, y - 9, note, 6.5, color=MUTED)
        self.text(MARGIN, y - (18 if note else 10), left, 6.5, color=MUTED)
        if page_text:
            self.text(self.width - MARGIN, y - (18 if note else 10), page_text, 6.5,
                      color=MUTED, align="right")

    # ------------------------------------------------------------ tables

    def table(self, x: float, y: float, widths: Sequence[float], header: Sequence[str],
              rows: Sequence[Sequence[str]], size: float = 7, align: Sequence[str] | None = None,
              section_rows: Sequence[int] = (), zebra: bool = True) -> float:
        """A simple ruled table whose top is at ``y``; returns the y below it.

        ``align`` per column (``l``/``r``/``c``; default: first left, others right); header
        cells wrap onto up to three lines; ``section_rows`` are row indexes drawn as bold group
        headings across the table (their first cell only)."""
        c = self.canvas
        align = list(align or ["l", *["r"] * (len(widths) - 1)])
        total = sum(widths)
        pad = 2.5
        head = size * 0.9  # header words must fit their column
        wrapped = [simpleSplit(h, FONT_BOLD, head, w - 2 * pad)[:3] or [""]
                   for h, w in zip(header, widths)]
        head_h = max(len(w) for w in wrapped) * head * 1.15 + 2 * pad
        c.setFillColor(HexColor("#e4e4e4"))
        c.rect(x, y - head_h, total, head_h, stroke=0, fill=1)
        cx = x
        for lines, w, a in zip(wrapped, widths, align):
            for i, line in enumerate(lines):
                ty = y - pad - head * (i + 0.85) * 1.1
                self._cell(cx, w, ty, line, head, True, a, pad)
            cx += w
        y -= head_h
        row_h = size * 1.55
        sections = set(section_rows)
        for r, row in enumerate(rows):
            if r in sections:
                y -= row_h
                self.text(x + pad, y + size * 0.45, row[0], size, bold=True)
                continue
            if zebra and r % 2:
                c.setFillColor(ZEBRA)
                c.rect(x, y - row_h, total, row_h, stroke=0, fill=1)
            y -= row_h
            cx = x
            for value, w, a in zip(row, widths, align):
                self._cell(cx, w, y + size * 0.45, str(value), size, False, a, pad)
                cx += w
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(x, y, x + total, y)
        return y - 2

    def _cell(self, x: float, w: float, y: float, text: str, size: float, bold: bool,
              align: str, pad: float) -> None:
        room = w - 2 * pad
        wide = text_width(text, size, bold)
        if wide > room:  # shrink a little before cutting ("tidak ada data" in a narrow column)
            size = max(size * 0.72, size * room / wide)
        while text and text_width(text, size, bold) > room and len(text) > 2:
            text = text[:-2].rstrip() + "…"
        if align == "r":
            self.text(x + w - pad, y, text, size, bold, align="right")
        elif align == "c":
            self.text(x + w / 2, y, text, size, bold, align="center")
        else:
            self.text(x + pad, y, text, size, bold)

    def swatch(self, x: float, y: float, color: str, w: float = 14, h: float = 9) -> None:
        """A colour box with a grey border (legend entries)."""
        c = self.canvas
        c.setFillColor(HexColor(color))
        c.setStrokeColor(HexColor("#777777"))
        c.setLineWidth(0.5)
        c.rect(x, y, w, h, stroke=1, fill=1)

    def white_box(self, box: Box) -> None:
        c = self.canvas
        c.setFillColor(white)
        c.rect(box.x0, box.y0, box.width, box.height, stroke=0, fill=1)
