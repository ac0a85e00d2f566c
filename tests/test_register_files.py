"""geo.register_files: reading a register file (format, encoding, header row, chunks with the
row number a person sees, original values read again)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo import register_files, store
from geo.households import import_households
from geo.register_files import Source, detect_format, original_rows, read_chunks
from tests import corpus


def test_names_callers_import_from_here_stay_importable():
    for name in register_files.__all__:
        assert getattr(register_files, name) is not None, name


def test_header_below_title_rows_and_original_rows_read_again(tmp_path):
    src = Source.of(corpus.title_rows(tmp_path))
    fmt = detect_format(src)
    assert (fmt.kind, fmt.encoding, fmt.delimiter) == ("csv", "utf-8", ",")
    assert fmt.header_row == 4 and fmt.headers[0] == "ID_DTKS"
    chunks = list(read_chunks(src, fmt, chunk_rows=10))
    rows = pd.concat(chunks, ignore_index=True)
    assert rows["_row"].tolist() == list(range(5, 5 + corpus.ROWS))
    wanted = {5, 5 + corpus.ROWS - 1}
    found = original_rows(src, fmt, wanted, chunk_rows=10)
    assert set(found) == wanted
    assert json.loads(found[5])["ID_DTKS"] == rows["ID_DTKS"].iat[0]
    assert json.loads(found[5])["NAMA_KRT"] == rows["NAMA_KRT"].iat[0]


def test_windows_1252_text_is_read_right(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    result = import_households(engine, corpus.windows_1252(tmp_path), "2026-09")
    assert result.report["format"]["encoding"] == "cp1252"
    stored = store.load_households(engine, result.snapshot_id).sort_values("row_number")
    assert stored["nama_krt"].iat[0] == "Siti Ma’ruf"
    assert stored["alamat"].iat[1] == "Jl. Café No. 3"


def test_row_numbers_are_spreadsheet_rows_after_a_multiline_value(tmp_path):
    """A quoted address spanning two lines is one row, as in Excel: the rows after it keep the
    number a planner sees in the spreadsheet (header = row 1), not the text line number."""
    engine = corpus.engine_with_regions(tmp_path)
    path = tmp_path / "alamat_dua_baris.csv"
    path.write_text(
        "ID_DTKS,NIK_KRT,NO_KK,NAMA_KRT,ALAMAT,DESIL,JML_ART,KODE_WILAYAH\n"
        "1,3171010101010001,3171010101010011,Ani,Jl. A,2,3,9971010001\n"
        '2,3171010101010002,3171010101010012,Budi,"Jl. B\nGang 5",3,4,9971010001\n'
        "3,3171010101010003,3171010101010013,Cici,Jl. C,12,4,9971010001\n", encoding="utf-8")
    result = import_households(engine, path, "2026-09")
    quarantine = store.load_quarantine(engine, result.snapshot_id)
    assert quarantine["row_number"].tolist() == [4]
    assert "DESIL" in quarantine["reasons"].iat[0]
    assert json.loads(quarantine["values_json"].iat[0])["NAMA_KRT"] == "Cici"


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_csv_read_in_blocks_keeps_every_row_and_its_number(tmp_path: Path, line_end: str):
    """Blocks end at line ends; blank lines, a quoted value over two lines, a line longer than a
    block and a last line without its line end all come through as the rows a spreadsheet shows,
    numbered as there (header = row 1)."""
    import csv
    import random

    rng = random.Random(3)
    lines = ["ID_DTKS,NAMA_KRT,ALAMAT,DESIL"]
    for i in range(6000):
        if rng.random() < 0.01:
            lines.append("")
        elif i == 2500:
            lines.append(f"{i},Budi,{'x' * 100_000},3")  # longer than a 64 KiB block
        elif i == 4000:
            lines.append(f'{i},"Siti{line_end}Aminah",Jl. Mawar,2')
        else:
            lines.append(f"{i},Nama {i},Jl. {rng.randint(1, 99)},{rng.randint(1, 10)}")
    path = tmp_path / "blok.csv"
    path.write_bytes((line_end.join(lines)).encode())  # no line end after the last row
    with open(path, newline="", encoding="utf-8") as f:
        want = [[v or None for v in rec] + [None] * (4 - len(rec))
                for rec in list(csv.reader(f))[1:]]

    src = Source.of(path)
    fmt = detect_format(src)
    got = pd.concat(list(read_chunks(src, fmt, chunk_rows=100)), ignore_index=True)
    assert got["_row"].tolist() == list(range(2, len(want) + 2))
    values = got[fmt.headers].astype(object)
    assert values.where(values.notna(), None).values.tolist() == want


# ---------------------------------------------------------------- clear messages (issue 20, 12)

def _register_bytes() -> bytes:
    return corpus.clean().drop(columns=["_kode_benar"]).to_csv(index=False).encode()


def test_a_gzip_named_csv_is_called_compressed_not_binary(tmp_path):
    import gzip

    path = tmp_path / "register.csv"
    path.write_bytes(gzip.compress(_register_bytes()))
    with pytest.raises(register_files.ImportFailed,
                       match=r"register\.csv: berkas ini terkompresi gzip"):
        detect_format(Source.of(path))


def test_a_zip_named_csv_lists_what_is_inside(tmp_path):
    import zipfile

    path = tmp_path / "register.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("dtks_september.csv", _register_bytes())
    with pytest.raises(register_files.ImportFailed) as info:
        detect_format(Source.of(path))
    assert "arsip ZIP, bukan CSV atau Excel (isinya: dtks_september.csv)" in str(info.value)
    assert "KeyError" not in str(info.value)


def test_utf16_without_bom_is_named(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_register_bytes().decode().encode("utf-16-le"))
    with pytest.raises(register_files.ImportFailed, match=r"UTF-16 tanpa penanda"):
        detect_format(Source.of(path))


# ---------------------------------------------------------------- XLSX sheets (issue 20, 9)

def test_a_register_over_two_sheets_is_read_whole_and_said(tmp_path):
    src = Source.of(corpus.xlsx_two_sheets(tmp_path))
    fmt = detect_format(src)
    assert (fmt.sheet, fmt.more_sheets) == ("DTKS_1", [("DTKS_2", 1)])
    assert "terbagi di 2 lembar berkepala kolom sama (DTKS_1, DTKS_2)" in fmt.sheets_note()
    rows = pd.concat(read_chunks(src, fmt))
    assert len(rows) == corpus.ROWS and rows["_row"].is_unique
    assert sorted(rows["ID_DTKS"]) == sorted(corpus.clean()["ID_DTKS"].astype(str))


def test_a_chosen_sheet_is_read_alone(tmp_path):
    fmt = detect_format(Source.of(corpus.xlsx_two_sheets(tmp_path)), sheet="DTKS_2")
    assert (fmt.sheet, fmt.more_sheets, fmt.sheets_note()) == ("DTKS_2", [], None)


def test_a_header_cell_merged_over_rows_reads_as_its_label(tmp_path):
    src = Source.of(corpus.xlsx_merged_label(tmp_path))
    fmt = detect_format(src)
    assert "ALAMAT" in fmt.headers and not [h for h in fmt.headers if h.startswith("KOLOM_")]
    rows = pd.concat(read_chunks(src, fmt))
    assert rows["ALAMAT"].tolist() == corpus.clean()["ALAMAT"].tolist()
