"""Tables out: Excel (.xlsx) with a "Catatan" sheet, CSV for an Indonesian Excel (``;``,
decimal comma, UTF-8 with BOM) and plain CSV for machines (``,``, snake_case ids, UTF-8).

Every cell goes through :func:`geo.exports.cells.cell_value`: numbers stay numbers, unknown
values are empty cells (never 0) and text that a spreadsheet would run as a formula is
neutralised with a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from geo import indicators
from geo.exports import registry
from geo.exports.cells import cell_value, neutralise
from geo.fmt import fmt_date

MAX_WIDTH = 60
HEADER_WIDTH = 24  # a column is at least as wide as its label, up to this; longer ones wrap
INT_FORMAT = "#,##0"
FLOAT_FORMAT = "#,##0.0#"
EMPTY_NOTE = ("Sel kosong", f"{indicators.NO_DATA}: nilai tidak ada di register, atau diketahui "
              "untuk terlalu sedikit rumah tangga wilayah itu (bukan 0).")
QUOTE_NOTE = ("Teks diawali '", "Tanda ' ditambahkan di depan teks yang diawali = + - @ agar "
              "tidak dibaca sebagai rumus oleh program lembar kerja.")


@dataclass(frozen=True)
class Table:
    """One table to export: ``frame`` has column ids (snake_case or already a label);
    ``labels`` id → header (default: the label registry); ``formats`` id → Excel format
    (default: by the registry's kind of column)."""

    frame: pd.DataFrame
    name: str = "Data"
    labels: Mapping[str, str] | None = None
    formats: Mapping[str, str] | None = None

    def headers(self) -> list[str]:
        given = self.labels or {}
        return [given.get(c) or registry.label(str(c)) for c in self.frame.columns]

    def format_of(self, column: str) -> str | None:
        given = self.formats if self.formats is not None else registry.number_formats(
            [str(c) for c in self.frame.columns])
        return given.get(column)


@dataclass(frozen=True)
class Notes:
    """The "Catatan" sheet: what the table shows and how it was counted."""

    period: str  # e.g. "Periode data September 2026 · diimpor 22 Nov 2026"
    filters: str = ""
    indicators: Sequence[str] = ()  # indicator ids whose definitions are listed
    suppression: str = ""  # the small-count note, or why counts are not hidden
    source: str = ""  # the register's file
    imported: object = None  # the import date (datetime or text)
    lines: Sequence[tuple[str, str]] = ()  # more (Keterangan, Isi) rows
    settings: Sequence[str] = ()  # the definition settings in force
    detail: pd.DataFrame | None = field(default=None)  # a table below the notes

    def frame(self) -> pd.DataFrame:
        imported = self.imported
        period = self.period.removeprefix("Periode data ")
        if imported is not None and not isinstance(imported, str):
            imported = fmt_date(pd.Timestamp(imported))
        rows = [("Periode data", period),
                ("Filter", self.filters or "Tanpa filter (semua rumah tangga)"),
                *([("Sumber data", self.source)] if self.source else []),
                *([("Tanggal impor", imported)] if imported else []),
                *[(indicators.get(i).label,
                   f"{indicators.get(i).definition} Penyebut: {indicators.get(i).denominator_label}"
                   f" yang nilainya diketahui. OPD: {indicators.get(i).opd}.")
                  for i in self.indicators],
                ("Angka kecil", self.suppression or "Tidak disembunyikan."),
                *self.lines,
                *[("Pengaturan definisi", line) for line in self.settings],
                EMPTY_NOTE, QUOTE_NOTE]
        return pd.DataFrame(rows, columns=["Keterangan", "Isi"])


def snapshot_source(snapshot: Mapping | None) -> dict[str, object]:
    """``source`` and ``imported`` of :class:`Notes` from a snapshot row."""
    if not snapshot:
        return {}
    return {"source": str(snapshot.get("source_file") or "–")
            + (" (data contoh, fiktif)" if snapshot.get("is_demo") else ""),
            "imported": None if snapshot.get("imported_at") is None
            else pd.Timestamp(snapshot["imported_at"])}


# ------------------------------------------------------------------ Excel

def _write_sheet(sheet, table: Table, start_row: int = 1) -> None:  # noqa: ANN001
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    headers = table.headers()
    for j, header in enumerate(headers, start=1):
        cell = sheet.cell(row=start_row, column=j, value=neutralise(str(header)))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(len(str(h)), HEADER_WIDTH) for h in headers]  # long labels wrap
    for j, column in enumerate(table.frame.columns):
        fmt = table.format_of(str(column))
        for i, raw in enumerate(table.frame[column].tolist()):
            value = cell_value(raw)
            if value is None:
                continue
            cell = sheet.cell(row=start_row + 1 + i, column=j + 1)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl guesses
                if i < 500:
                    widths[j] = max(widths[j], len(value))
            else:
                cell.number_format = fmt or (
                    INT_FORMAT if isinstance(value, int) or value.is_integer() else FLOAT_FORMAT)
                if i < 500:
                    widths[j] = max(widths[j], len(f"{value:,}"))
    for j, width in enumerate(widths, start=1):
        letter = get_column_letter(j)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, min(MAX_WIDTH, width + 2))


def xlsx(tables: Sequence[Table], notes: Notes | pd.DataFrame
         | tuple[pd.DataFrame, pd.DataFrame | None] | None = None) -> bytes:
    """An .xlsx with one sheet per table (bold labels, frozen header row, numbers with
    ``#,##0``/``0.0`` formats) and a last sheet "Catatan": the notes, then (if any) a detail
    table (e.g. one row per indicator) two rows below."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.name))
        _write_sheet(sheet, table)
        sheet.freeze_panes = "A2"
    if notes is not None:
        if isinstance(notes, Notes):
            head, detail = notes.frame(), notes.detail
        elif isinstance(notes, tuple):
            head, detail = notes
        else:
            head, detail = notes, None
        sheet = book.create_sheet("Catatan")
        _write_sheet(sheet, Table(head, formats={}))
        if detail is not None and len(detail):
            _write_sheet(sheet, Table(detail, formats={}), start_row=len(head) + 3)
        sheet.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return (name.strip() or "Data")[:31]


# ------------------------------------------------------------------ CSV

def _number_text(value: float | int, decimal: str) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", decimal)


def _csv(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _cells(frame: pd.DataFrame, decimal: str) -> list[list[str]]:
    columns = [frame[c].tolist() for c in frame.columns]
    rows = []
    for values in zip(*columns):
        row = []
        for raw in values:
            value = cell_value(raw)
            row.append("" if value is None else value if isinstance(value, str)
                       else _number_text(value, decimal))
        rows.append(row)
    return rows


def csv_excel(table: Table | pd.DataFrame) -> bytes:
    """CSV that an Indonesian Excel opens by double-click: ``;`` between cells, decimal
    comma, no thousands separator, Indonesian headers, UTF-8 with BOM. Read back with
    ``pd.read_csv(f, sep=";", decimal=",")``."""
    table = table if isinstance(table, Table) else Table(table)
    headers = [neutralise(str(h)) for h in table.headers()]
    return _csv([headers, *_cells(table.frame, ",")], ";", "utf-8-sig")


def csv_machine(frame: pd.DataFrame | Table) -> bytes:
    """Plain CSV for programs: ``,`` between cells, decimal point, the snake_case column ids,
    UTF-8 without BOM (text neutralised all the same)."""
    frame = frame.frame if isinstance(frame, Table) else frame
    headers = [neutralise(str(c)) for c in frame.columns]
    return _csv([headers, *_cells(frame, ".")], ",", "utf-8")
