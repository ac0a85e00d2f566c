"""Importing proposals: every row accounted for, a clear reason per broken row (file, row,
column), kelurahan linked by code or name, re-import replaces the file's rows whole."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import audit
from geo.proposals import decisions
from geo.proposals.importer import add_proposal, import_proposals, load_proposals, load_quarantine
from geo.register_errors import ImportFailed
from tests.proposal_fixtures import proposal_city, write_csv


@pytest.fixture
def city(engine):
    return proposal_city(engine)


def good(kel: pd.DataFrame, i: int, **extra: str) -> dict:
    return {"No. Usulan": f"U-{i}", "jenis_usul": "ASMAS", "kode_kelurahan": kel["kode"][i],
            "giat_teks": "Bedah rumah (rehab RTLH)", "vol": "3", "satuan": "unit",
            "pagu": "Rp 60.000.000", **extra}


def test_a_broken_file_gets_one_clear_reason_per_row_and_loses_nothing(engine, city, tmp_path):
    rows = [
        good(city, 0),
        good(city, 1, pagu="enam puluh juta"),  # bad money
        {**good(city, 2), "kode_kelurahan": "", "desa": "Kelurahan Antah Berantah",
         "kecamatan": city["kecamatan"][2]},  # unknown kelurahan
        good(city, 3, giat_teks="Pembangunan menara pandang"),  # unknown activity
        good(city, 4, vol=""),  # empty volume
        {**good(city, 5), "kode_kelurahan": "", "desa": city["nama"][5].upper(),
         "kecamatan": city["kecamatan"][5]},  # linked by name
        good(city, 6, pagu="1.250.000,00"),
    ]
    path = write_csv(tmp_path / "usulan_rusak.csv", rows)
    result = import_proposals(engine, path, user="operator1")
    assert result.rows_read == 7
    assert result.accepted + result.quarantined == result.rows_read
    assert (result.accepted, result.quarantined) == (3, 4)
    assert result.linked == {"kode": 2, "nama": 1}
    by_row = load_quarantine(engine).set_index("row_number")["reasons"]
    assert list(by_row.index) == [3, 4, 5, 6]  # the header is row 1
    assert "usulan_rusak.csv baris 3: kolom pagu" in by_row[3] and "rupiah" in by_row[3]
    assert "baris 4: kolom kelurahan" in by_row[4] and "Antah Berantah" in by_row[4]
    assert "baris 5: kolom giat_teks" in by_row[5] and "tidak ada di kamus" in by_row[5]
    assert "baris 6: kolom vol" in by_row[6] and "volume kosong" in by_row[6]
    stored = load_proposals(engine).set_index("id_usulan")
    assert stored.loc["U-0", "anggaran"] == 60_000_000
    assert stored.loc["U-6", "anggaran"] == 1_250_000
    assert stored.loc["U-5", "region_code"] == city["kode"][5]
    assert stored.loc["U-0", "opd"] == "Perkim/PUPR"  # from the kamus when the file is blank
    trail = audit.entries(engine, action="import_proposals")
    assert len(trail) == 1 and trail["pengguna"][0] == "operator1"


def test_blank_lines_are_not_rows_and_keep_the_row_numbers_after_them(engine, city, tmp_path):
    """A sheet formatted far below its data reads as blank rows (empty, "-", "nan"): they are
    neither read nor quarantined, and the rows after them keep their own line numbers."""
    blank = {h: "" for h in good(city, 0)}
    rows = [good(city, 0), blank, {h: "-" for h in blank}, {**blank, "vol": " nan "},
            good(city, 1, vol=""), *[blank] * 500, good(city, 2)]
    result = import_proposals(engine, write_csv(tmp_path / "usulan.csv", rows))
    assert (result.rows_read, result.accepted, result.quarantined) == (3, 2, 1)
    assert list(load_quarantine(engine)["row_number"]) == [6]  # header 1, U-0 2, blanks 3-5


def test_reimport_replaces_the_file_whole_and_keeps_decisions(engine, city, tmp_path):
    path = write_csv(tmp_path / "usulan.csv", [good(city, i) for i in range(4)])
    import_proposals(engine, path)
    decisions.decide(engine, "U-1", "ditolak", "perencana1", "Sudah ditangani APBN")
    path = write_csv(tmp_path / "usulan.csv", [good(city, i) for i in (1, 2)])
    result = import_proposals(engine, path)
    assert result.replaced == 4 and result.accepted == 2
    stored = load_proposals(engine).set_index("id_usulan")
    assert sorted(stored.index) == ["U-1", "U-2"]
    assert stored.loc["U-1", "status"] == "ditolak"
    assert stored.loc["U-1", "alasan"] == "Sudah ditangani APBN"


def test_an_id_used_by_another_file_is_quarantined_not_overwritten(engine, city, tmp_path):
    import_proposals(engine, write_csv(tmp_path / "a.csv", [good(city, 0)]))
    result = import_proposals(engine, write_csv(tmp_path / "b.csv", [good(city, 0),
                                                                      good(city, 0),
                                                                      good(city, 1)]))
    assert (result.rows_read, result.accepted, result.quarantined) == (3, 1, 2)
    assert "sudah dipakai usulan dari a.csv" in result.reasons[0]
    assert load_proposals(engine).set_index("id_usulan").loc["U-0", "source_file"] == "a.csv"


def test_xlsx_export_with_title_rows_and_sipd_headers(engine, city, tmp_path):
    frame = pd.DataFrame([{"id_unik": "X1", "profil": "POKIR", "id_kelurahan": city["kode"][3],
                           "nama_kamus": "Sambungan air minum (SR PDAM)", "volume": 12,
                           "rab": 30_000_000, "is_verif": 1, "pd_awal": "PUPR",
                           "file_foto": "foto1.jpg"}])
    path = tmp_path / "sipd.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Rekap usulan pokir 2027"]]).to_excel(writer, header=False, index=False)
        frame.to_excel(writer, startrow=2, index=False)
    result = import_proposals(engine, path)
    assert (result.rows_read, result.accepted) == (1, 1)
    row = load_proposals(engine).iloc[0]
    assert (row["sumber"], row["status"], row["anggaran"]) == ("pokir", "diverifikasi", 3e7)
    assert row["lampiran"] == "foto1.jpg"


def test_a_file_without_proposal_headers_fails_with_a_message(engine, city, tmp_path):
    path = tmp_path / "lain.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="lain.csv: kepala kolom usulan"):
        import_proposals(engine, path)


def test_the_entry_form_checks_like_a_file_row(engine, city):
    ident = add_proposal(engine, {"kode_kelurahan": city["kode"][2],
                                  "kegiatan": "Pembangunan jamban sehat", "volume": "4",
                                  "anggaran": ""}, "perencana1")
    row = load_proposals(engine).set_index("id_usulan").loc[ident]
    assert row["anggaran"] == 4 * 3_500_000  # the kamus' indicative cost × volume
    with pytest.raises(ValueError, match="volume"):
        add_proposal(engine, {"kode_kelurahan": city["kode"][2],
                              "kegiatan": "Pembangunan jamban sehat", "volume": "nol"}, "x")
