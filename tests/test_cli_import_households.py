"""geo.cli.import_households: --map is checked by argparse; warnings decide exit code 3.

The command's runs against real registers are in tests/test_households_import.py and
tests/test_households_values.py (``python -m geo import-households`` in a subprocess)."""

from __future__ import annotations

import argparse

import pytest

from geo.cli import exit_codes, main
from geo.cli.import_households import import_warnings, parse_map
from geo.households import ImportResult


def test_map_pairs():
    assert parse_map("NO RUMAH = id_keluarga") == ("NO RUMAH", "id_keluarga")
    assert parse_map("CATATAN=") == ("CATATAN", "")
    with pytest.raises(argparse.ArgumentTypeError, match="KOLOM_BERKAS=kolom"):
        parse_map("IDDTKS")


def test_a_malformed_map_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["import-households", "x.csv", "--period", "2026-09", "--map", "IDDTKS"])
    assert exit_info.value.code == exit_codes.USAGE
    assert "KOLOM_BERKAS=kolom" in capsys.readouterr().err


def _result(accepted: int, unlinked: int, unmapped: dict) -> ImportResult:
    return ImportResult(counts={"accepted": accepted, "unlinked": unlinked}, snapshot_id=1,
                        report={"unmapped_values": unmapped})


def test_warnings_the_caller_must_read():
    assert import_warnings(_result(100, 50, {})) == []
    unlinked = import_warnings(_result(100, 51, {}))
    assert len(unlinked) == 1 and "51 dari 100 rumah tangga" in unlinked[0]
    unmapped = import_warnings(_result(100, 0, {"sumber_air_minum": {"99": 2, "98": 1}}))
    assert len(unmapped) == 1 and "3 nilai berkode" in unmapped[0]
    assert "sumber_air_minum" in unmapped[0]


def test_a_failed_import_exits_1_with_the_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert main(["import-households", str(tmp_path / "tidak_ada.csv"), "--period",
                 "2026-09"]) == exit_codes.FAILED
    err = capsys.readouterr().err
    assert err.startswith("Gagal: ") and "tidak_ada.csv" in err
