"""Small table files read whole (geo/table_files.py): a referral log, service points and
Musrenbang proposals, each with the defects random byte damage found (session 19): an unclosed
quote, a byte no code page maps, a header without rows, a Windows-1252 byte far down the file.
A damaged file fails with an Indonesian message naming the file and line, and leaves the data in
force as it was; a file only partly Windows-1252 is read whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from geo import register_files
from geo.register_errors import ImportFailed
from tests.corpus import text_document
from tests.table_fixtures import KINDS, Kind


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def loaded(request, engine, tmp_path):
    """(kind, the clean file's lines, the rows stored from it)."""
    kind: Kind = request.param
    clean = kind.prepare(engine, tmp_path)
    kind.run(engine, tmp_path / "bersih.csv")
    before = kind.stored(engine)
    assert len(before)
    return kind, clean.split(b"\n"), before


def _damage(lines: list[bytes], line: int, sep: bytes, insert: bytes) -> bytes:
    """The file with ``insert`` written after the first separator of ``line`` (1 = header)."""
    out = list(lines)
    out[line - 1] = out[line - 1].replace(sep, sep + insert, 1)
    return b"\n".join(out)


def _refused(kind: Kind, engine: Engine, path: Path, before: pd.DataFrame, pattern: str) -> None:
    with pytest.raises(ImportFailed, match=pattern):
        kind.run(engine, path)
    pd.testing.assert_frame_equal(kind.stored(engine), before)


DAMAGED_LINES = {  # what is written into which line, and what the refusal must say
    "tanda_kutip_tak_ditutup": (4, b'"', r"rusak\.csv: berkas CSV rusak sekitar baris 4: "
                                         r"tanda kutip"),
    "bita_bukan_utf8_maupun_1252": (6, b"Caf\xe9 \x9d",
                                    r"rusak\.csv baris 6: pengodean teks tidak dikenali"),
}


@pytest.mark.parametrize("damage", DAMAGED_LINES, ids=list(DAMAGED_LINES))
def test_a_damaged_line_is_named_and_the_data_kept(damage, loaded, engine, tmp_path):
    line, insert, pattern = DAMAGED_LINES[damage]
    kind, lines, before = loaded
    path = tmp_path / "rusak.csv"
    path.write_bytes(_damage(lines, line, kind.sep, insert))
    _refused(kind, engine, path, before, pattern)


def test_a_header_without_rows_is_refused_and_keeps_the_data(loaded, engine, tmp_path):
    kind, lines, before = loaded
    path = tmp_path / "kosong.csv"
    path.write_bytes(lines[0] + b"\n\n\n")
    _refused(kind, engine, path, before, r"kosong\.csv: tidak ada baris data")


def test_a_windows_1252_byte_far_down_is_read_as_that_code_page(loaded, engine, tmp_path,
                                                                monkeypatch):
    """The encoding is guessed from the file's head; a byte beyond it that is not UTF-8 makes
    the whole file read again as Windows-1252 (``é`` stays ``é``), every row accounted."""
    kind, lines, before = loaded
    monkeypatch.setattr(register_files, "HEAD_BYTES", len(b"\n".join(lines[:3])))
    last = len([line for line in lines if line.strip()])
    column = lines[0].rstrip(b"\r").split(kind.sep).index(kind.text.encode())
    fields = lines[last - 1].split(kind.sep)
    fields[column] = b"Caf\xe9 " + fields[column]
    damaged = [*lines[:last - 1], kind.sep.join(fields), *lines[last:]]
    path = tmp_path / "bersih.csv"  # the last row is beyond the head read
    path.write_bytes(b"\n".join(damaged))
    result = kind.run(engine, path)
    counts = getattr(result, "counts", None)
    counts = counts if isinstance(counts, dict) else vars(result)
    assert (counts["rows_read"], counts["accepted"]) == (len(before), len(before))
    stored = kind.stored(engine).astype(str)
    assert stored.apply(lambda c: c.str.startswith("Café ")).to_numpy().sum() == 1


NOT_THIS_TABLE = {  # kind -> the refusal naming its missing columns
    "rujukan": r"catatan\.csv: kolom wajib tidak ditemukan",
    "titik": r"catatan\.csv: kolom lintang dan bujur tidak ditemukan",
    "usulan": r"catatan\.csv: kolom wajib tidak ada",
}


def test_a_document_that_is_no_such_table_is_refused_for_its_columns(loaded, engine,
                                                                     tmp_path):
    """Notes chosen by mistake: one line passes for a header (it names two register columns)
    and a line below it breaks as CSV. The refusal names the missing columns, not that line
    (the register's own case is in tests/corpus.py, dokumen_teks_bukan_register)."""
    kind, _, before = loaded
    _refused(kind, engine, text_document(tmp_path), before, NOT_THIS_TABLE[kind.name])
