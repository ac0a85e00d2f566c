"""Register headers: finding the header row among title rows, naming its cells (merged cells
read as their label), and an XLSX cell as the text a CSV export would carry. Split from
geo/register_files.py (which reads the files)."""

from __future__ import annotations

import re
from collections import Counter

from geo.register_columns import canonical_column, header_key

HEADER_SCAN_ROWS = 30  # title rows above the header are looked for in this many rows


def _header_score(cells: list[object], overrides: dict[str, str]) -> int:
    keys = {header_key(o) for o in overrides}
    return sum(1 for c in cells if c is not None and str(c).strip() and (
        canonical_column(c) is not None or header_key(c) in keys))


def _find_header(rows: list[list[object]], overrides: dict[str, str]) -> tuple[int, int]:
    """(index of the header among ``rows``, its score)."""
    best, best_score = 0, -1
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _header_score(cells, overrides)
        if score > best_score:
            best, best_score = i, score
    return best, best_score


_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merged_ranges(src, ws) -> list[tuple[int, int, int, int]]:  # noqa: ANN001
    """The sheet's merged cells as (first column, first row, last column, last row), 1-based,
    read from the sheet's XML (openpyxl's read-only mode does not read them)."""
    import zipfile

    path = getattr(ws, "_worksheet_path", None)
    if not path:
        return []
    found, tail = [], b""
    try:
        with zipfile.ZipFile(src.open()) as zf, zf.open(path.lstrip("/")) as xml:
            while chunk := xml.read(1 << 20):
                text = tail + chunk
                found += [(_column_number(a), int(b), _column_number(c), int(d))
                          for a, b, c, d in _MERGE_RE.findall(text)]
                tail = text[-200:] if not text.endswith(b">") else b""
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return sorted(set(found))


def _sheet_headers(src, ws, rows: list[list[object]], at: int  # noqa: ANN001
                   ) -> list[str]:
    """Header names of a sheet; merged header cells read as their label (only looked up when
    a header cell is empty)."""
    if any(c is None or not str(c).strip() for c in rows[at]):
        return _header_names(rows, at, _merged_ranges(src, ws))
    return _header_names(rows, at)


def _header_names(rows: list[list[object]], at: int,
                  merged: list[tuple[int, int, int, int]] | None = None) -> list[str]:
    """Header cells; an empty one inside a merged cell (``merged``, 1-based ranges) takes the
    merged label, else the value from the row above (a CSV saved from merged cells)."""
    cells = list(rows[at])
    for c1, r1, c2, r2 in merged or []:
        if r1 <= at + 1 <= r2 and r1 - 1 < len(rows):
            label = rows[r1 - 1][c1 - 1] if c1 - 1 < len(rows[r1 - 1]) else None
            for col in range(c1 - 1, min(c2, len(cells))):
                if label is not None and (cells[col] is None or not str(cells[col]).strip()):
                    cells[col] = label
    above = rows[at - 1] if at > 0 else []
    names: list[str] = []
    seen: Counter = Counter()
    for i, c in enumerate(cells):
        text = "" if c is None else " ".join(str(c).split())
        if not text and i < len(above) and above[i] is not None and str(above[i]).strip():
            text = " ".join(str(above[i]).split())
        if not text:
            text = f"KOLOM_{i + 1}"
        seen[text] += 1
        names.append(text if seen[text] == 1 else f"{text}_{seen[text]}")
    while names and names[-1].startswith("KOLOM_") and all(
            len(r) <= len(names) - 1 or r[len(names) - 1] in (None, "") for r in rows[at:]):
        names.pop()
    return names


EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number


def _xlsx_text(value: object) -> object:
    """A cell as the text a CSV export would carry. A number of 16+ digits with no more than
    Excel's 15 significant digits (a NIK typed as a number) is written as Excel shows it,
    ``3.67401230485E+15``: its last digit may be lost, and the NIK check rejects it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)) and abs(value) >= 1e15 and float(value).is_integer():
        digits = str(int(value))
        if len(digits.rstrip("0")) <= EXCEL_DIGITS:
            return f"{float(value):.{EXCEL_DIGITS - 1}E}".replace("E+", "E+")
        return digits
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return f"{value:.1f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value)
    return text if text.strip() else None
