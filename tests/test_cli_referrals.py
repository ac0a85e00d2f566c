"""``python -m geo import-referrals``, ``referrals`` and ``import-points``: the counts, the
table per area (unknown empty in CSV, null in JSON) and the messages."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from geo import store
from geo.cli import main
from tests.referral_fixtures import generated_log, write


@pytest.fixture
def truth(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    return generated_log(store.get_engine(url))


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_import_referrals_json_counts_then_the_table(truth, tmp_path):
    path = write(truth.log, tmp_path)
    code, out, _ = run_cli("import-referrals", str(path), "--json")
    assert code == 0
    report = json.loads(out)
    assert {k: report[k] for k in ("rows_read", "accepted", "quarantined", "linked",
                                   "matched_to_register")} == {
        "rows_read": 280, "accepted": 280, "quarantined": 0, "linked": 280,
        "matched_to_register": 240}
    assert len(report["messages"]) == 40  # one note per referral from outside the register
    code, out, _ = run_cli("referrals", "--level", "kota", "--format", "json")
    row = json.loads(out)[0]
    assert row["rujukan"] == 280 and row["dari_luar_register"] == 40
    code, out, _ = run_cli("referrals", "--format", "csv")
    table = pd.read_csv(io.StringIO(out), dtype={"kode": str})
    assert list(table.columns[:10]) == ["kode", "nama", "rumah_tangga", "rujukan",
                                        "rujukan_per_1000", "terbuka", "median_hari_terbuka",
                                        "dari_luar_register", "eksklusi", "eksklusi_dirujuk"]
    assert "eksklusi_tanpa_rujukan" in table.columns
    assert table["rujukan"].sum() == 280


def test_referrals_without_a_log_fails_with_a_message(truth):
    code, _, err = run_cli("referrals")
    assert code == 1 and "Belum ada log rujukan SLRT" in err


def test_import_points_and_a_broken_log_message(truth, tmp_path):
    csv = tmp_path / "titik.csv"
    csv.write_text("NAMA,LATITUDE,LONGITUDE\nPos A,-6.95,110.1\nPos B,x,110.1\n",
                   encoding="utf-8")
    code, out, err = run_cli("import-points", str(csv), "--jenis", "slrt")
    assert code == 0 and "Pos SLRT 1" in out
    assert "titik.csv baris 3: LATITUDE/LONGITUDE: koordinat kosong atau bukan angka" in err
    bad = tmp_path / "log.csv"
    bad.write_text("NO_RUJUKAN,TANGGAL,NIK,KELURAHAN,STATUS\nR1,32/13/2025,9971000000000001,"
                   "Entah,Baru\nR2,01/02/2025,9971000000000002,Entah,Baru\n", encoding="utf-8")
    code, out, err = run_cli("import-referrals", str(bad))
    assert code == 0 and "dikarantina" in out
    assert "log.csv baris 2: TANGGAL: tanggal '32/13/2025' tidak terbaca" in err
    bad.write_text("NO_RUJUKAN,TANGGAL,NIK,KELURAHAN,STATUS\nR1,32/13/2025,9971000000000001,"
                   "Entah,Baru\n", encoding="utf-8")  # no row passes: the log in force stays
    code, out, err = run_cli("import-referrals", str(bad))
    assert code == 1 and "log.csv: tidak ada baris yang lolos pemeriksaan" in err
