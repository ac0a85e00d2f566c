"""geo.register_errors: one ImportFailed, whichever module a caller takes it from, and the
messages of a file that cannot be used at all."""

from __future__ import annotations

import io

from geo import households, register_files, register_values
from geo.register_errors import (
    ImportFailed,
    csv_broken,
    nothing_accepted,
    undecodable,
    undecodable_line,
)


def test_one_import_failed_under_every_name():
    assert issubclass(ImportFailed, Exception)
    assert households.ImportFailed is ImportFailed
    assert register_files.ImportFailed is ImportFailed
    assert register_values.ImportFailed is ImportFailed


def test_a_parser_error_names_the_line_it_names_or_where_reading_stopped():
    assert "setelah baris 1200" in str(csv_broken(ValueError("Error tokenizing data"), 0, 1201))
    assert "sekitar baris 17: jumlah kolom" in str(csv_broken(
        ValueError("Expected 3 fields in line 7, saw 4"), 10, 1))
    # an unclosed quote: pandas counts the row from 0 where it started parsing
    unclosed = str(csv_broken(ValueError("EOF inside string starting at row 3"), 10, 1))
    assert "sekitar baris 14: tanda kutip" in unclosed


def test_the_first_line_neither_utf8_nor_windows_1252_is_named():
    text = "kepala\nCafé\n".encode() + "Café\n".encode("cp1252") + b"rusak \x9d\n"
    assert undecodable_line(lambda: io.BytesIO(text)) == 4
    assert str(undecodable("a.csv", lambda: io.BytesIO(text))).startswith(
        "a.csv baris 4: pengodean teks tidak dikenali")
    assert undecodable_line(lambda: io.BytesIO("Café\n".encode("cp1252"))) is None


def test_a_refused_file_quotes_each_kind_of_reason_once_with_its_first_row():
    message = str(nothing_accepted("a.csv", 1234, [
        (2, "NIK_KRT: tertulis 15 angka (9971****8103)."),
        (3, "NIK_KRT: tertulis 15 angka (9971****2889)."),
        (4, "DESIL: desil harus 1–10, tertulis 0.")]))
    assert message.startswith("a.csv: tidak ada baris yang lolos pemeriksaan (1.234 baris")
    assert ("Contoh: baris 2 (juga baris lain): NIK_KRT: tertulis 15 angka (9971****8103); "
            "baris 4: DESIL: desil harus 1–10, tertulis 0. Perbaiki") in message
