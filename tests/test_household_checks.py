"""geo.household_checks: one chunk checked and converted to typed canonical columns, with the
reasons a person reads."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from geo import store
from geo.household_checks import NOTES, Issues, convert_chunk
from geo.household_plan import plan_import
from geo.households import ImportFailed, import_households
from geo.register_files import Source, read_chunks
from tests import corpus


def _converted(tmp_path, text: str):  # noqa: ANN202
    path = tmp_path / "cek.csv"
    path.write_text(text, encoding="utf-8")
    src = Source.of(path)
    plan = plan_import(src)
    chunk = next(read_chunks(src, plan.format))
    issues, repairs = Issues(), Counter()
    return convert_chunk(chunk, plan, issues, {}, repairs), issues, repairs


def test_convert_chunk_types_values_repairs_and_gives_reasons(tmp_path):
    typed, issues, repairs = _converted(tmp_path, (
        "ID_DTKS,NIK_KRT,NAMA_KRT,DESIL,JML_ART,KODE_WILAYAH,LATITUDE,LONGITUDE\n"
        "1,3171010101010001,Ani,2,3,9971010001,\"-6,2\",106.8\n"
        "2,3171010101010002.0,Budi,11,0,9971010001,106.8,-6.2\n"
        "3,3.17101010101E+15,=SUM(A1),x,2,9971010001,,\n"
        "TOTAL,,,,,,,\n"))
    assert typed["row_number"].tolist() == [2, 3, 4, 5]
    assert typed["nik_krt"].tolist()[:2] == ["3171010101010001", "3171010101010002"]
    assert repairs["nik_krt_akhiran_.0_dihapus"] == 1
    assert typed["desil"].iat[0] == 2 and typed["jumlah_art"].iat[0] == 3
    assert (typed["lintang"].iat[0], typed["bujur"].iat[0]) == (-6.2, 106.8)
    assert (typed["lintang"].iat[1], typed["bujur"].iat[1]) == (-6.2, 106.8)  # swapped back
    assert typed["_catatan"].iat[1] == NOTES["koordinat_tertukar"]
    assert repairs["koordinat_tertukar_dibalik"] == 1
    assert 0 not in issues.reasons
    assert issues.kinds["desil_luar"] == 1 and issues.kinds["art_salah"] == 1
    assert issues.kinds["nik_krt_ilmiah"] == 1 and issues.kinds["desil_teks"] == 1
    assert issues.kinds["rumus"] == 1 and issues.kinds["baris_total"] == 1
    assert any("DESIL" in r and "11" in r for r in issues.reasons[1])
    assert any("rumus" in r for r in issues.reasons[2])


def test_personal_numbers_never_in_reasons(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    def cut(frame):  # every NIK but the first one digit short
        frame.loc[1:, "NIK_KRT"] = frame.loc[1:, "NIK_KRT"].str[:15]

    result = import_households(engine, corpus.csv_case(cut)(tmp_path), "2026-09")
    q = store.load_quarantine(engine, result.snapshot_id)
    assert len(q) == corpus.ROWS - 1
    assert not q["reasons"].str.contains(r"\d{10}").any()
    assert q["reasons"].str.contains(r"\*{4}").all()
    cut_all = corpus.csv_case(lambda f: f.__setitem__("NIK_KRT", f["NIK_KRT"].str[:15]))
    with pytest.raises(ImportFailed) as refused:  # none passes: the reasons quoted, masked
        import_households(engine, cut_all(tmp_path), "2026-09")
    assert "tertulis 15 angka (9971****" in str(refused.value)
    assert not re.search(r"\d{10}", str(refused.value))


def test_implausible_numbers_are_quarantined_with_a_reason_never_nulled(tmp_path):
    """Issue 20, finding 8: household size 1–30, floor area finite and > 0, every number
    finite; out of range means quarantined with the reason."""
    typed, issues, _ = _converted(tmp_path, (
        "ID_DTKS,DESIL,JML_ART,LUAS_LANTAI,JML_LANSIA,LATITUDE,LONGITUDE\n"
        "1,2,3,36,1,-6.2,106.8\n"
        "2,2,1e9,36,0,,\n"
        "3,2,12345678901234567890,36,0,,\n"
        "4,2,4,inf,0,,\n"
        "5,2,4,nan,0,,\n"
        "6,2,4,0,0,,\n"
        "7,2,4,36,inf,,\n"
        "8,2,4,36,99,,\n"
        "9,2,4,36,0,inf,106.8\n"
        "10,2,31,36,0,,\n"))
    assert 0 not in issues.reasons
    assert sorted(issues.reasons) == list(range(1, 10))
    assert issues.kinds["art_luar"] == 3
    assert "JML_ART: jumlah anggota rumah tangga 1e9 tidak masuk akal: harus 1–30" in (
        issues.reasons[1][0])
    assert issues.kinds["luas_salah"] == 3 and issues.kinds["angka_luar"] == 2
    assert issues.kinds["koordinat_teks"] == 1
    assert all(issues.reasons[i] for i in range(1, 10))


def test_a_long_field_is_read_up_to_the_setting(tmp_path, monkeypatch):
    """Issue 20, finding 10: no '_csv.Error: field larger than field limit'; a field over
    PETA_MAX_FIELD_KB quarantines its row with the reason, one under it is read."""
    text = ("ID_DTKS,DESIL,JML_ART,KODE_WILAYAH,ALAMAT\n1,2,3,9971010001,Jl. Melati\n"
            "2,2,3,9971010001," + "x" * 200_000 + "\n")
    typed, issues, _ = _converted(tmp_path, text)
    assert list(issues.reasons) == [1]
    assert issues.reasons[1][0].startswith("ALAMAT: isian 195 KB terlalu panjang (batas 128 KB")
    monkeypatch.setenv("PETA_MAX_FIELD_KB", "256")
    typed, issues, _ = _converted(tmp_path, text)
    assert not issues.reasons and len(typed["alamat"].iat[1]) == 200_000


def _kill_the_writer() -> None:
    """SIGKILL the SQLite writer process this test's import started (its child)."""
    import os
    import signal
    from pathlib import Path

    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"geo.sqlite_writer" in cmd:
            os.kill(int(proc.name), signal.SIGKILL)


def test_the_writer_dying_is_a_message_not_a_traceback(tmp_path):
    import pytest

    from geo.households import ImportFailed

    engine = corpus.engine_with_regions(tmp_path)
    path = corpus.write_csv(corpus.clean(), tmp_path / "register.csv")
    killed = []

    def progress(fraction: float, text: str) -> None:
        if fraction > 0 and not killed:
            _kill_the_writer()
            killed.append(text)

    with pytest.raises(ImportFailed, match=r"register\.csv: penyimpanan ke basis data gagal, "
                                           r"data lama tidak berubah \(.*berhenti: \S"):
        import_households(engine, path, "2026-09", progress=progress)
    assert killed and store.list_snapshots(engine).empty
