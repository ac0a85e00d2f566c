"""Reading a household register file: which format, encoding, delimiter, sheet and header row;
the rows as chunks of text with the row number a person sees; the original values of rows.

Which column is which is :mod:`geo.register_columns`' work (its names stay importable from
here); what the values mean (flags, codes, validation) is :mod:`geo.household_checks`'.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.register_columns import (
    EXTRA_COLUMNS,
    HEADER_ALIASES,
    SPLIT_CODE,
    TARGET_COLUMNS,
    canonical_column,
    check_overrides,
    detect_mapping,
    header_key,
    personal_header,
)
from geo.register_errors import ImportFailed, csv_broken
from geo.register_headers import (
    EXCEL_DIGITS,
    HEADER_SCAN_ROWS,
    _find_header,
    _header_names,
    _sheet_headers,
    _xlsx_text,
)

__all__ = [  # read here, and the column names kept importable from here
    "CHUNK_ROWS", "EXCEL_DIGITS", "EXTRA_FIELDS", "HEADER_SCAN_ROWS", "MAX_FILE_BYTES",
    "FileFormat", "Source", "detect_format", "original_rows", "read_chunks", "rows_json",
    "EXTRA_COLUMNS", "HEADER_ALIASES", "SPLIT_CODE", "TARGET_COLUMNS", "ImportFailed",
    "canonical_column", "check_overrides", "detect_mapping", "header_key", "personal_header",
]

MAX_FILE_BYTES = 2 * 1024**3  # larger files are refused before reading (state it in the UI)
CHUNK_ROWS = 100_000
HEAD_BYTES = 1 << 20  # the file's head: its format, encoding, delimiter and header are guessed
EXTRA_FIELDS = 8  # a data row may carry this many fields beyond the header (then quarantined)


# ====================================================================== reading

@dataclass
class Source:
    """A file to read again from the start: a path or the bytes of an upload."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    # CSV blocks of the last full read: (byte offset, byte length, first row number, rows);
    # lets the original text of a few rows be read again without parsing the whole file
    blocks: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, source: object, name: str | None = None) -> Source:
        if isinstance(source, (str, Path)):
            path = Path(source)
            if not path.is_file():
                raise ImportFailed(f"Berkas {path.name} tidak ditemukan ({path}).")
            return cls(name or path.name, path=path)
        if hasattr(source, "getvalue"):
            data = source.getvalue()
        elif hasattr(source, "read"):
            if hasattr(source, "seek"):
                source.seek(0)
            data = source.read()
        else:
            raise ImportFailed("Berkas tidak bisa dibaca: berikan jalur berkas atau unggahan.")
        return cls(name or Path(getattr(source, "name", "unggahan")).name, data=bytes(data))

    def size(self) -> int:
        return self.path.stat().st_size if self.path else len(self.data or b"")

    def open(self) -> io.BufferedIOBase:
        return open(self.path, "rb") if self.path else io.BytesIO(self.data or b"")

    def head(self, n: int | None = None) -> bytes:
        with self.open() as f:
            return f.read(HEAD_BYTES if n is None else n)


@dataclass
class FileFormat:
    kind: str  # csv | xlsx | parquet
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1  # 1-based line/row of the header
    headers: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    # XLSX: further sheets with the same header, imported after ``sheet`` (sheet, header row)
    more_sheets: list[tuple[str, int]] = field(default_factory=list)

    def sheets_note(self) -> str | None:
        """What the import reads when the register spans several sheets (said to the user)."""
        if not self.more_sheets:
            return None
        names = [self.sheet, *(s for s, _ in self.more_sheets)]
        return (f"Register terbagi di {len(names)} lembar berkepala kolom sama "
                f"({', '.join(names)}); semuanya diimpor berurutan. Nomor baris lembar "
                f"berikutnya melanjutkan nomor lembar sebelumnya (baris kepala dilewati).")


COMPRESSED = {b"\x1f\x8b": "gzip (.gz)", b"7z\xbc\xaf": "7-Zip (.7z)", b"Rar!": "RAR (.rar)",
              b"BZh": "bzip2 (.bz2)", b"\xfd7zXZ": "XZ (.xz)"}


def _utf16_without_bom(head: bytes) -> bool:
    """Text in UTF-16 without its byte-order mark: every other byte is 0 (ASCII letters)."""
    sample = head[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.9


def _zip_is_workbook(src: Source) -> tuple[bool, list[str]]:
    """Whether a ZIP file is an Excel workbook, and the names of its members."""
    import zipfile

    try:
        with zipfile.ZipFile(src.open()) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True, []  # a damaged workbook: openpyxl says so
    return "xl/workbook.xml" in names or "[Content_Types].xml" in names, names


def _sniff_kind(src: Source, head: bytes) -> str:
    suffix = Path(src.name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        workbook, names = _zip_is_workbook(src)
        if not workbook:
            shown = ", ".join(names[:5]) + (f" dan {len(names) - 5} lainnya"
                                             if len(names) > 5 else "")
            raise ImportFailed(
                f"{src.name}: berkas ini arsip ZIP, bukan CSV atau Excel (isinya: "
                f"{shown or 'kosong'}). Ekstrak dulu, lalu impor berkas CSV/XLSX di dalamnya.")
        return "xlsx"
    for magic, kind in COMPRESSED.items():
        if head.startswith(magic):
            raise ImportFailed(
                f"{src.name}: berkas ini terkompresi {kind}, bukan CSV. Ekstrak dulu, lalu "
                "impor berkas CSV/XLSX di dalamnya.")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            f"{src.name}: berkas Excel lama (.xls) belum didukung. Buka di Excel/LibreOffice "
            "dan simpan sebagai .xlsx atau CSV, lalu impor lagi.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"
    if _utf16_without_bom(head):
        raise ImportFailed(
            f"{src.name}: teks UTF-16 tanpa penanda urutan bita (BOM), pengodeannya tidak "
            "pasti. Simpan ulang sebagai CSV UTF-8 (Excel: \"CSV UTF-8 (Comma delimited)\").")
    if b"\x00" in head[:8192]:
        raise ImportFailed(
            f"{src.name}: bukan berkas teks/CSV yang bisa dibaca (berisi data biner). "
            "Pastikan yang dipilih berkas ekspornya (CSV, XLSX atau Parquet), bukan gambar, "
            "PDF atau dokumen lain.")
    if suffix in (".xlsx", ".xlsm") and head:
        raise ImportFailed(f"{src.name}: bernama .xlsx tetapi isinya bukan berkas Excel.")
    return "csv"


def _detect_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
        return "cp1252"


def _decode(head: bytes, encoding: str) -> str:
    return head.decode(encoding, errors="replace")


def _no_csv_field_limit() -> None:
    """Python's csv module stops at a field over 128 KiB with an English error; fields are read
    whole here and a row with one longer than ``PETA_MAX_FIELD_KB`` is quarantined with its
    reason instead (geo.household_checks)."""
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    lines = text.splitlines()[: HEADER_SCAN_ROWS + 5]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    return [row for row in csv.reader(lines, delimiter=delimiter)]


def _detect_delimiter(text: str) -> str:
    lines = [x for x in text.splitlines()[: HEADER_SCAN_ROWS + 20] if x.strip()]
    best, best_score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([x], delimiter=d))) - 1 for x in lines[:60]]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        score = sum(1 for c in counts if c == top) * top
        if score > best_score:
            best, best_score = d, score
    return best


def _size(n: int) -> str:
    """Bytes as a person reads them, Indonesian style: ``1,5 MB``."""
    from geo.fmt import fmt_num

    return f"{fmt_num(n / 1024**2, 1)} MB" if n >= 1024**2 else f"{fmt_num(n / 1024, 1)} KB"


def detect_format(src: Source, overrides: dict[str, str] | None = None,
                  sheet: str | None = None) -> FileFormat:
    """Kind, encoding, delimiter, sheet and header row of a file; ImportFailed if unusable."""
    overrides = overrides or {}
    size = src.size()
    if size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"{src.name}: berkas {_size(size)} melebihi batas {_size(MAX_FILE_BYTES)}. Pecah "
            "berkasnya (mis. per kecamatan) atau simpan sebagai Parquet (lebih ringkas).")
    head = src.head()
    if not head.strip(b" \r\n\t\xef\xbb\xbf"):
        raise ImportFailed(f"{src.name}: berkas kosong. Pilih berkas ekspor register yang berisi "
                           "data.")
    kind = _sniff_kind(src, head)
    if kind == "xlsx":
        return _detect_xlsx(src, overrides, sheet)
    if kind == "parquet":
        return _detect_parquet(src)
    encoding = _detect_encoding(head)
    text = _decode(head, encoding)
    _no_csv_field_limit()
    delimiter = _detect_delimiter(text)
    rows = _csv_rows(text, delimiter)
    at, score = _find_header(rows, overrides)
    if score < 2:
        raise ImportFailed(
            f"{src.name}: kepala kolom register tidak dikenali di {HEADER_SCAN_ROWS} baris "
            "pertama (dicari mis. ID_DTKS, NIK, KODE_DESA, DESIL). Pastikan baris kepala kolom "
            "ada, atau petakan kolom secara manual (--map KOLOM=kolom).")
    # csv.reader yields one row per physical line (blank lines too), so row = line
    return FileFormat("csv", encoding=encoding, delimiter=delimiter, header_row=at + 1,
                      headers=_header_names(rows, at))


def _open_workbook(src: Source):  # noqa: ANN202
    import openpyxl

    try:
        return openpyxl.load_workbook(src.open(), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001
        raise ImportFailed(f"{src.name}: berkas Excel tidak bisa dibuka ({type(err).__name__}). "
                           "Simpan ulang sebagai .xlsx atau CSV.") from err


def _detect_xlsx(src: Source, overrides: dict[str, str], sheet: str | None) -> FileFormat:
    wb = _open_workbook(src)
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise ImportFailed(f"{src.name}: lembar {sheet!r} tidak ada. Lembar yang ada: "
                               f"{', '.join(names)}.")
        found = []
        for name in [sheet] if sheet else names:
            ws = wb[name]
            rows = [[_xlsx_text(v) for v in r] for r in
                    ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS + 2, values_only=True)]
            at, score = _find_header(rows, overrides) if rows else (0, 0)
            found.append((name, at, score, rows))
        best = max(found, key=lambda f: f[2], default=None)
        if best is None or best[2] < 2:
            raise ImportFailed(
                f"{src.name}: tidak ada lembar berisi kepala kolom register (lembar: "
                f"{', '.join(names)}). Pilih lembar yang berisi data rumah tangga.")
        name, at, _, rows = best
        headers = _sheet_headers(src, wb[name], rows, at)
        # a register split over sheets (DTKS_1, DTKS_2): every sheet with the same header
        more = [(n, a + 1) for n, a, score, r in found if n != name and score >= 2
                and _sheet_headers(src, wb[n], r, a) == headers]
        more.sort(key=lambda s: names.index(s[0]))
        return FileFormat("xlsx", sheet=name, header_row=at + 1, headers=headers, sheets=names,
                          more_sheets=[s for s in more if names.index(s[0]) > names.index(name)]
                          + [s for s in more if names.index(s[0]) < names.index(name)])
    finally:
        wb.close()


def _detect_parquet(src: Source) -> FileFormat:
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(src.open()).schema_arrow
    except Exception as err:  # noqa: BLE001
        raise ImportFailed(f"{src.name}: berkas Parquet rusak ({type(err).__name__}).") from err
    return FileFormat("parquet", headers=list(schema.names))


def read_chunks(src: Source, fmt: FileFormat, chunk_rows: int = CHUNK_ROWS
                ) -> Iterator[pd.DataFrame]:
    """Chunks of text columns (the file's headers) with ``_row`` = the row number a person sees
    in the file. Blank rows come through as all-missing rows (dropped by the caller)."""
    if fmt.kind == "csv":
        yield from _csv_chunks(src, fmt, chunk_rows)
    elif fmt.kind == "xlsx":
        yield from _xlsx_chunks(src, fmt, chunk_rows)
    else:
        yield from _parquet_chunks(src, fmt, chunk_rows)


def _csv_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Blocks of whole lines parsed by pyarrow (fast, multi-threaded); a block holding blank
    lines or rows pyarrow refuses (a field too many or too few) is parsed by pandas instead,
    which keeps blank lines as rows so row numbers stay those of the file."""
    if fmt.encoding == "utf-16":
        yield from _csv_chunks_pandas(src.open(), fmt, chunk_rows, fmt.header_row + 1,
                                      skip=fmt.header_row)
        return
    try:
        yield from _csv_block_chunks(src, fmt, chunk_rows)
    except ImportFailed as err:
        raise ImportFailed(f"{src.name}: {err}") from err


def _csv_block_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    parts: list[pd.DataFrame] = []
    size = 0
    for frame in _csv_block_frames(src, fmt, chunk_rows):
        parts.append(frame if isinstance(frame, pd.DataFrame) else _arrow_to_pandas(frame))
        size += len(frame)
        if size >= chunk_rows:
            yield pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            parts, size = [], 0
    if parts:
        yield pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _csv_block_frames(src: Source, fmt: FileFormat, chunk_rows: int, rows_only: bool = False
                      ) -> Iterator[object]:
    """Per block: a pyarrow Table (with ``_row``) or, where pyarrow could not parse it, a pandas
    frame from the tolerant parser."""
    import pyarrow as pa

    start = fmt.header_row + 1
    src.blocks = []
    for offset, block in _csv_blocks(src, fmt, max(1 << 16, min(16 << 20, chunk_rows * 300))):
        table = _arrow_block(block, fmt)
        if table is None:
            frames = list(_csv_chunks_pandas(io.BytesIO(block), fmt, 1 << 30, start, skip=0))
            if not frames:
                continue
            frame = pd.concat(frames, ignore_index=True)
            src.blocks.append((offset, len(block), start, len(frame)))
            start += len(frame)
            yield frame
            continue
        table = table.append_column("_row", pa.array(np.arange(start, start + len(table))))
        src.blocks.append((offset, len(block), start, len(table)))
        start += len(table)
        yield table


def _arrow_to_pandas(table) -> pd.DataFrame:  # noqa: ANN001
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)


def _csv_blocks(src: Source, fmt: FileFormat, block_bytes: int
                ) -> Iterator[tuple[int, memoryview]]:
    """(byte offset, bytes) after the header, in blocks that end at a line end (views of one
    read each: a line cut by the block's end is read again with the next block)."""
    with src.open() as f:
        for _ in range(fmt.header_row):
            f.readline()
        pos = f.tell()
        while True:
            data = f.read(block_bytes)
            if not data:
                return
            cut = data.rfind(b"\n")
            if len(data) < block_bytes:  # the last block; a last line without its line end
                if data[cut + 1:].strip():
                    yield pos, memoryview(data + b"\n")
                elif cut >= 0:
                    yield pos, memoryview(data)[: cut + 1]
                return
            if cut < 0:  # a line longer than a block: a bigger block
                block_bytes *= 2
                f.seek(pos)
                continue
            yield pos, memoryview(data)[: cut + 1]
            pos += cut + 1
            f.seek(pos)


_ARROW_ENCODING = {"utf-8": "utf8", "utf-8-sig": "utf8", "cp1252": "cp1252"}


def _arrow_block(block: memoryview, fmt: FileFormat):  # noqa: ANN202
    """The block as a pyarrow Table of strings, or None if pyarrow cannot parse it exactly."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(block)),
            read_options=pcsv.ReadOptions(column_names=fmt.headers,
                                          encoding=_ARROW_ENCODING.get(fmt.encoding, "utf8")),
            # a blank line is a row of nulls, as in the pandas parser: row numbers stay right
            parse_options=pcsv.ParseOptions(delimiter=fmt.delimiter, quote_char='"',
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(  # large_string: pandas' own storage, no cast
                column_types={h: pa.large_string() for h in fmt.headers}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True))
    except pa.ArrowInvalid:
        return None
    # one array per column: the reader's chunks (~3.000 rows, one per thread's block) made
    # every later step per column and per chunk; checking took half as long again
    return table.combine_chunks()


def _csv_chunks_pandas(handle: io.BufferedIOBase, fmt: FileFormat, chunk_rows: int,
                       start: int, skip: int) -> Iterator[pd.DataFrame]:
    names = [*fmt.headers, *[f"_lebih_{i}" for i in range(EXTRA_FIELDS)]]
    first = start
    with handle:
        try:  # pandas tokenizes the first rows already when the reader is made
            reader = pd.read_csv(
                handle, sep=fmt.delimiter, encoding=fmt.encoding, header=None, names=names,
                skiprows=skip, dtype=str, keep_default_na=False, na_values=[""],
                skip_blank_lines=False, chunksize=chunk_rows, quotechar='"', index_col=False,
                engine="c", low_memory=True)
            for chunk in reader:
                chunk["_row"] = np.arange(start, start + len(chunk))
                start += len(chunk)
                yield chunk
        except pd.errors.ParserError as err:
            raise csv_broken(err, first - 1, start) from err


def _xlsx_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The rows of the register's sheet, then of every further sheet with the same header
    (their row numbers continue the previous sheet's: one number per row of the file)."""
    wb = _open_workbook(src)
    try:
        width = len(fmt.headers)
        names = [*fmt.headers, *[f"_lebih_{i}" for i in range(EXTRA_FIELDS)]]
        buf: list[list[object]] = []
        rows: list[int] = []
        row_no = fmt.header_row
        for sheet, header_row in [(fmt.sheet, fmt.header_row), *fmt.more_sheets]:
            ws = wb[sheet]
            for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
                row_no += 1
                cells = [_xlsx_text(v) for v in values[: width + EXTRA_FIELDS]]
                cells += [None] * (len(names) - len(cells))
                buf.append(cells)
                rows.append(row_no)
                if len(buf) >= chunk_rows:
                    yield _frame(buf, names, rows)
                    buf, rows = [], []
        if buf:
            yield _frame(buf, names, rows)
    finally:
        wb.close()


def _frame(buf: list[list[object]], names: list[str], rows: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(buf, columns=names, dtype=object).astype("str")
    frame = frame.where(pd.DataFrame(buf, columns=names).notna())
    frame["_row"] = rows
    return frame


def _parquet_chunks(src: Source, fmt: FileFormat, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    start = 2
    with src.open() as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=chunk_rows):
            frame = batch.to_pandas()
            out = pd.DataFrame(index=frame.index)
            for c in frame.columns:
                s = frame[c]
                if pd.api.types.is_float_dtype(s):
                    text = s.map(lambda v: None if pd.isna(v) else repr(float(v)))
                elif pd.api.types.is_datetime64_any_dtype(s):
                    text = s.dt.strftime("%Y-%m-%d")
                else:
                    text = s.astype(object).where(s.notna(), None).map(
                        lambda v: v if v is None else str(v))
                out[str(c)] = text.astype("str").where(s.notna())
            out["_row"] = np.arange(start, start + len(out))
            start += len(out)
            yield out


# ====================================================================== original values

def rows_json(chunk: pd.DataFrame, positions: list[int]) -> list[str]:
    """The original values of some rows, as JSON objects of header -> text (blank left out)."""
    if not positions:
        return []
    sub = chunk.iloc[positions]
    names = [str(c) for c in chunk.columns if c != "_row"]
    columns = [sub[c].tolist() for c in chunk.columns if c != "_row"]
    return [json.dumps({k: str(v) for k, v in zip(names, values)
                        if v is not None and v is not pd.NA and v == v},
                       ensure_ascii=False)
            for values in zip(*columns)]


def original_rows(src: Source, fmt: FileFormat, wanted: set[int], chunk_rows: int = CHUNK_ROWS
                  ) -> dict[int, str]:
    """The original values of the ``wanted`` rows (row numbers), read again from the file, as
    :func:`rows_json` gives them."""
    found: dict[int, str] = {}
    if fmt.kind == "csv" and src.blocks:
        found = _raw_lines(src, fmt, wanted)
        if len(found) == len(wanted):
            return found
    if fmt.kind == "csv" and fmt.encoding != "utf-16":
        import pyarrow as pa
        import pyarrow.compute as pc

        keys = pa.array(sorted(wanted), type=pa.int64())
        for part in _csv_block_frames(src, fmt, chunk_rows):
            if not isinstance(part, pd.DataFrame):  # pick the rows before converting
                part = _arrow_to_pandas(part.filter(pc.is_in(part["_row"], value_set=keys)))
            hit = np.flatnonzero(part["_row"].isin(wanted).to_numpy()).tolist()
            found.update(zip(part["_row"].to_numpy()[hit].tolist(), rows_json(part, hit)))
            if len(found) == len(wanted):
                break
        return found
    for chunk in read_chunks(src, fmt, chunk_rows):
        hit = np.flatnonzero(chunk["_row"].isin(wanted).to_numpy()).tolist()
        found.update(zip(chunk["_row"].to_numpy()[hit].tolist(), rows_json(chunk, hit)))
        if len(found) == len(wanted):
            break
    return found


def _raw_lines(src: Source, fmt: FileFormat, wanted: set[int]) -> dict[int, str]:
    """Original values of rows read straight from their lines (blocks where one line is one
    row), as JSON of header -> text."""
    found: dict[int, str] = {}
    _no_csv_field_limit()
    rows = np.array(sorted(wanted), dtype=np.int64)
    with src.open() as f:
        for offset, length, start, count in src.blocks:
            inside = rows[(rows >= start) & (rows < start + count)]
            if not len(inside):
                continue
            f.seek(offset)
            block = f.read(length)
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
            if len(ends) != count:  # a quoted value spans lines: not one line per row
                continue
            starts = np.concatenate([[0], ends[:-1] + 1])
            for r in inside.tolist():
                line = block[starts[r - start]:ends[r - start]]
                text = line.rstrip(b"\r").decode(fmt.encoding, errors="replace")
                values = next(csv.reader([text], delimiter=fmt.delimiter), [])
                found[r] = json.dumps({h: v for h, v in zip(fmt.headers, values) if v != ""},
                                      ensure_ascii=False)
    return found
