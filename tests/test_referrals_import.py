"""The referral log import: broken rows get clear messages (file, row, column), every row is
accounted for, the log is replaced whole or not at all, no raw NIK is stored."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from geo.referrals import log as referral_log
from geo.referrals import measures, vocab
from geo.referrals.tables import referral_quarantine, referrals
from geo.register_errors import ImportFailed
from tests.referral_fixtures import small_city

HEADER = "NO_RUJUKAN,TGL_RUJUKAN,NIK,KODE_WILAYAH,KEBUTUHAN,DIRUJUK_KE,STATUS\n"


def broken_log(households: pd.DataFrame) -> str:
    nik = households["nik_krt"].iat[0]
    code = households["region_code"].iat[0]
    return HEADER + "\n".join([
        f"R-1,14/03/2025,{nik},{code},BPJS,Dinas Sosial,Dirujuk",         # 2 fine
        f"R-2,31/02/2025,{nik},{code},BPJS,Dinas Sosial,Selesai",         # 3 bad date
        f"R-3,2025-03-15,{nik},{code},Pendidikan,Disdik,menunggu",        # 4 unknown status
        f"R-4,2025-03-16,{nik},99.99.99.9999,RTLH,Dinas Perkim,Baru",     # 5 unknown kelurahan
        f"R-5,2025-03-17,{nik},{code},Lansia,Dinas Sosial,Baru",          # 6 duplicate id
        f"R-5,2025-03-18,{nik},{code},Lansia,Dinas Sosial,Baru",          # 7 duplicate id
        f"R-6,2025-03-19,9971999999999999,{code},Bansos,Dinas Sosial,Baru",  # 8 matches nobody
        f"R-7,2025-03-20,3.67401E+15,{code},Bansos,Dinas Sosial,Baru",    # 9 NIK broken by Excel
        f"R-8,2025-03-21,,{code},Bansos,Dinas Sosial,Baru",               # 10 no identity
        f"R-9,kemarin,{nik},{code},ngopi,Dinas Sosial,Baru",              # 11 bad date, bad need
    ]) + "\n"


def test_a_broken_log_gets_clear_messages_and_every_row_is_accounted(engine, tmp_path):
    households = small_city(engine)
    path = tmp_path / "log_rusak.csv"
    path.write_text(broken_log(households), encoding="utf-8")
    result = referral_log.import_referrals(engine, path)
    c = result.counts
    assert c["rows_read"] == 10
    assert c["accepted"] + c["quarantined"] == c["rows_read"]
    assert c["accepted"] == 3  # rows 2, 5 and 8
    reasons = dict(result.quarantined)
    assert set(reasons) == {3, 4, 6, 7, 9, 10, 11}
    assert "TGL_RUJUKAN: tanggal '31/02/2025' tidak terbaca" in reasons[3]
    assert "STATUS: status 'menunggu' tidak dikenal" in reasons[4]
    assert "ID rujukan R-5 muncul lebih dari sekali (baris 6, 7)" in reasons[6]
    assert reasons[6] == reasons[7]
    assert "NIK: NIK rusak oleh Excel" in reasons[9]
    assert "ID DTKS, No. KK dan NIK kosong semua" in reasons[10]
    assert "TGL_RUJUKAN" in reasons[11] and "KEBUTUHAN: kebutuhan 'ngopi'" in reasons[11]
    messages = result.messages()
    assert any(m.startswith("log_rusak.csv baris 3: TGL_RUJUKAN") for m in messages)
    notes = dict(result.notes)
    assert "KODE_WILAYAH" in notes[5] and "kelurahan tidak dikenali" in notes[5]
    assert "99.99.99.9999" in notes[5]
    assert "tidak cocok dengan rumah tangga mana pun di register periode 2026-09" in notes[8]
    assert c["linked"] == 2 and c["matched_to_register"] == 2  # rows 2, 8; rows 2, 5
    with engine.connect() as conn:
        assert len(conn.execute(select(referral_quarantine)).all()) == 7
        stored = conn.execute(select(referrals)).mappings().all()
    assert len(stored) == 3


def test_no_raw_nik_or_kk_is_stored(engine, tmp_path):
    households = small_city(engine)
    path = tmp_path / "log.csv"
    path.write_text(broken_log(households), encoding="utf-8")
    referral_log.import_referrals(engine, path)
    nik = households["nik_krt"].iat[0]
    with engine.connect() as conn:
        text = repr(conn.execute(select(referrals)).all()) + repr(
            conn.execute(select(referral_quarantine)).all())
    assert nik not in text
    assert nik[:4] + "********" + nik[-4:] in text  # masked, for follow-up lists


def test_reimport_replaces_the_log_whole_and_a_failed_import_changes_nothing(engine, tmp_path):
    households = small_city(engine)
    first = tmp_path / "a.csv"
    first.write_text(broken_log(households), encoding="utf-8")
    referral_log.import_referrals(engine, first)
    broken = tmp_path / "bukan_log.csv"
    broken.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="bukan_log.csv"):
        referral_log.import_referrals(engine, broken)
    assert len(measures.load_referrals(engine)) == 3
    nik = households["nik_krt"].iat[1]
    second = tmp_path / "b.csv"
    second.write_text(HEADER + f"X-1,2025-05-01,{nik},,BPJS,Dinkes,Selesai\n"
                      "X-2,2025-05-02,{nik},,BPJS,Dinkes,Baru\n".replace("{nik}", nik)
                      .replace(",,", f",{households['region_code'].iat[1]},"),
                      encoding="utf-8")
    result = referral_log.import_referrals(engine, second)
    assert result.counts["accepted"] == 2
    assert measures.load_referrals(engine)["id_rujukan"].tolist() == ["X-1", "X-2"]
    assert measures.log_info(engine)["source_file"] == "b.csv"


def test_missing_required_columns_are_named(engine, tmp_path):
    small_city(engine)
    path = tmp_path / "kurang.csv"
    path.write_text("NO_RUJUKAN,NIK,KELURAHAN\nR-1,9971000000000001,X\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        referral_log.import_referrals(engine, path)
    assert "kurang.csv: kolom wajib tidak ditemukan: tanggal" in str(err.value)
    assert "status" in str(err.value)


def test_an_excel_log_reads_like_the_csv(engine, tmp_path):
    households = small_city(engine)
    frame = pd.DataFrame({
        "No Rujukan": ["R-1", "R-2"], "Tanggal Rujukan": ["14/03/2025", "2025-03-15"],
        "NIK": [households["nik_krt"].iat[0], households["nik_krt"].iat[1]],
        "Kode Wilayah": households["region_code"].iloc[:2].tolist(),
        "Status Rujukan": ["Tuntas", "Proses"],
        "Kategori": ["BPJS Kesehatan", "Beasiswa"],
    })
    path = tmp_path / "log.xlsx"
    frame.to_excel(path, index=False)
    result = referral_log.import_referrals(engine, path)
    assert result.counts == {"rows_read": 2, "accepted": 2, "quarantined": 0, "linked": 2,
                             "matched_to_register": 2}
    stored = measures.load_referrals(engine)
    assert stored["status"].tolist() == ["selesai", "ditangani"]
    assert stored["kebutuhan"].tolist() == ["kesehatan", "pendidikan"]
    assert stored["tanggal"].tolist() == ["2025-03-14", "2025-03-15"]


@pytest.mark.parametrize(("text", "iso"), [
    ("2025-03-14", "2025-03-14"), ("14/03/2025", "2025-03-14"), ("14-03-2025", "2025-03-14"),
    ("14.3.2025", "2025-03-14"), ("2025-03-14 10:22:00", "2025-03-14"), ("31/02/2025", None),
    ("1999-12-31", None), ("kemarin", None), ("", None), (None, None)])
def test_dates_are_read_in_one_place(text, iso):
    d = vocab.parse_date(text)
    assert (d.isoformat() if d else None) == iso


def test_wording_of_needs_and_statuses_maps_to_one_code():
    assert vocab.need_code("BPJS") == vocab.need_code("Kesehatan / BPJS") == "kesehatan"
    assert vocab.need_code("Bedah rumah") == "rumah"
    assert vocab.status_code("Tuntas") == vocab.status_code("SELESAI") == "selesai"
    assert vocab.status_code("menunggu") is None
    assert vocab.point_type("Pustu") == "puskesmas"


def test_a_date_after_today_is_quarantined(engine, tmp_path):
    households = small_city(engine)
    nik, code = households["nik_krt"].iat[0], households["region_code"].iat[0]
    path = tmp_path / "masa_depan.csv"
    path.write_text(HEADER + f"R-1,2999-01-01,{nik},{code},BPJS,Dinkes,Baru\n"
                    f"R-2,2025-01-01,{nik},{code},BPJS,Dinkes,Baru\n", encoding="utf-8")
    result = referral_log.import_referrals(engine, path)
    assert result.counts["quarantined"] == 1 and result.counts["accepted"] == 1
    assert "TGL_RUJUKAN: tanggal 2999-01-01 belum terjadi" in result.quarantined[0][1]
