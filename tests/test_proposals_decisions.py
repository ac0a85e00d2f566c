"""Decisions record who and when (and land in the audit trail); the berita acara Excel reads
back with the same ranking; the PDF embeds its fonts and its text is selectable."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import pytest

from geo import audit, store
from geo.cli import main
from geo.proposals import decisions, minutes
from geo.proposals.evidence import ranking
from geo.proposals.importer import import_proposals, load_proposals
from tests.proposal_fixtures import proposal_city, write_csv


@pytest.fixture
def engine_with_proposals(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'usulan.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    engine = store.get_engine(url)
    kel = proposal_city(engine)
    rows = [{"No. Usulan": f"U-{i}", "kode_kelurahan": code, "vol": str(1 + i % 4),
             "giat_teks": ("Bedah rumah (rehab RTLH)", "Pelatihan kerja berbasis kompetensi",
                           "Pembangunan pos kamling")[i % 3],
             "pagu": f"Rp {(i + 2) * 5_000_000:,}".replace(",", ".")}
            for i, code in enumerate(kel["kode"])]
    import_proposals(engine, write_csv(tmp_path / "usulan.csv", rows))
    return engine


def test_a_decision_writes_who_and_when_and_an_audit_row(engine_with_proposals):
    engine = engine_with_proposals
    when = decisions.decide(engine, "U-3", "diterima_opd", "perencana1", period="2026-09")
    decisions.decide(engine, "U-4", "ditolak", "perencana2", "Di luar kewenangan kota")
    history = decisions.history(engine)
    assert list(history["oleh"]) == ["perencana1", "perencana2"]
    assert history["pada"].notna().all()
    assert abs((history["pada"][0].tz_localize("UTC") if history["pada"][0].tzinfo is None
                else history["pada"][0]) - when).total_seconds() < 1
    stored = load_proposals(engine).set_index("id_usulan")
    assert stored.loc["U-3", "status"] == "diterima_opd"
    assert stored.loc["U-3", "periode_bukti"] == "2026-09"
    assert stored.loc["U-4", "alasan"] == "Di luar kewenangan kota"
    trail = audit.entries(engine, action="proposal_decision")
    assert list(trail["pengguna"]) == ["perencana1", "perencana2"]
    assert json.loads(trail["rincian"][1])["status"] == "ditolak"


def test_a_rejection_needs_a_reason_and_a_decision_needs_a_name(engine_with_proposals):
    with pytest.raises(ValueError, match="alasan"):
        decisions.decide(engine_with_proposals, "U-1", "ditolak", "perencana1", "  ")
    with pytest.raises(ValueError, match="siapa"):
        decisions.decide(engine_with_proposals, "U-1", "diterima_opd", "")
    with pytest.raises(ValueError, match="tidak ada"):
        decisions.decide(engine_with_proposals, "U-99", "diterima_opd", "perencana1")
    assert decisions.history(engine_with_proposals).empty


def test_the_berita_acara_excel_reads_back_with_the_same_ranking(engine_with_proposals):
    engine = engine_with_proposals
    decisions.decide(engine, "U-2", "ditolak", "perencana1", "Sudah ada program lain")
    book = minutes.minutes_for(engine, top=3, hide=False)
    back = minutes.read_ranking(book.excel())
    assert list(back["ID"]) == list(ranking(engine, top=3)["id"])
    assert list(back["Skor"]) == list(book.ranking["Skor"])
    row = back.set_index("ID").loc["U-2"]
    assert (row["Status"], row["Alasan"], row["Diputuskan oleh"]) == (
        "ditolak", "Sudah ada program lain", "perencana1")
    assert re.search(r"\d{1,2} \w{3} \d{4} \d\d:\d\d UTC", row["Diputuskan pada"])
    assert set(back.set_index("ID").loc[["U-0", "U-3"], "Bukti"]) <= {"ada", "tidak ada data"}
    assert back.set_index("ID").loc["U-2", "Skor"] == "tanpa skor"  # pos kamling: no indicator


def test_the_berita_acara_pdf_embeds_its_fonts(engine_with_proposals):
    data = minutes.minutes_for(engine_with_proposals, hide=True).pdf()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    assert b"BitstreamVeraSans" in data
    assert b"/Helvetica" not in data  # no font left unembedded


def test_proposals_import_command_counts_as_json(engine_with_proposals, tmp_path):
    code_of_one = store.region_list(engine_with_proposals).query("level == 'kelurahan'")["kode"]
    path = write_csv(tmp_path / "baru.csv", [
        {"No. Usulan": "B-1", "desa": "Tidak Ada", "giat_teks": "Bedah rumah (rehab RTLH)",
         "vol": "1", "pagu": "Rp 20.000.000"},
        {"No. Usulan": "B-2", "kode_kelurahan": code_of_one.iat[0],
         "giat_teks": "Bedah rumah (rehab RTLH)", "vol": "1", "pagu": "Rp 20.000.000"}])
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["proposals", "import", str(path), "--json"])
    counts = json.loads(out.getvalue())
    assert code == 3  # done, with warnings (the quarantined row) on stderr
    assert (counts["rows_read"], counts["accepted"], counts["quarantined"]) == (2, 1, 1)
    assert "baru.csv baris 2: kolom kelurahan" in counts["reasons"][0]
