"""geo.cli (parser, exit codes) and geo.cli.common: shared labels, progress only for a person."""

from __future__ import annotations

import argparse
import io

import pandas as pd
import pytest

from geo import store
from geo.cli import build_parser, common, exit_codes, main


def test_exit_codes_are_defined_once_and_documented():
    assert (exit_codes.OK, exit_codes.FAILED, exit_codes.USAGE, exit_codes.WARNINGS) == (0, 1, 2, 3)
    assert set(exit_codes.MEANING) == {0, 1, 2, 3}


def test_a_missing_argument_is_a_usage_error_in_indonesian(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["import-households", "berkas.csv"])  # --period missing
    assert exit_info.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert "pemakaian: python -m geo import-households" in err and "salah pakai" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["indicators", "--level", "desa"])
    assert exit_info.value.code == exit_codes.USAGE


@pytest.mark.parametrize(("argv", "said"), [
    (["import-households", "berkas.csv"], "argumen wajib belum diberikan: --period"),
    (["indicators", "--level", "desa"], "argumen --level: pilihan tidak sah: 'desa' (pilih dari"),
    (["indicators", "--bogus"], "argumen tidak dikenal: --bogus"),
    (["indicators", "--period"], "argumen --period: perlu satu nilai"),
    (["tidak-ada"], "argumen PERINTAH: pilihan tidak sah: 'tidak-ada'"),
], ids=["required", "choice", "unknown", "no_value", "command"])
def test_argparse_messages_are_in_indonesian(argv, said, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    err = capsys.readouterr().err
    assert said in err
    for english in ("the following", "invalid choice", "unrecognized", "expected one",
                    "choose from", "argument "):
        assert english not in err, err


def test_the_same_things_have_the_same_argument_names():
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction)).choices
    helps = {}
    for name, sub in commands.items():
        for action in sub._actions:
            for option in action.option_strings:
                helps.setdefault(option, set()).add(name)
    assert helps["--period"] == {"import-households", "import-referrals", "indicators",
                                 "data-quality", "kartu", "referrals", "sheet", "demo"}
    assert helps["--level"] == {"indicators", "data-quality", "compare", "transitions",
                                "referrals", "sheet"}
    assert helps["--format"] == {"indicators", "data-quality", "audit", "periods",
                                 "compare", "transitions", "referrals"}
    assert helps["--json"] == {"demo", "import-boundaries", "import-households",
                               "import-points", "import-referrals"}
    assert helps["--kecamatan"] == {"kartu", "sheet"} and helps["--out"] == {"kartu", "sheet"}


def test_count_labels_are_shared():
    assert set(store.COUNT_KEYS) <= set(common.COUNT_LABEL)
    lines = common.count_lines({"accepted": 1234, "unlinked": 5})
    assert lines == [f"  {'diterima':<22} {'1.234':>12}", f"  {'belum tertaut':<22} {'5':>12}"]
    assert (common.level_counts({"kelurahan": 45, "kota": 1})
            == "kelurahan/desa 45, kabupaten/kota 1")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_never_with_json(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not common.progress_wanted(argparse.Namespace(json=False))  # a pipe or a file
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert not common.progress_wanted(argparse.Namespace(json=True))
    assert common.progress_wanted(argparse.Namespace(json=False))
    assert common.progress_wanted(argparse.Namespace())  # tables: no --json option
    with common.progress_bar(True) as progress:
        progress(0.5, "Membaca baris")
    assert "Membaca baris" in terminal.getvalue()


def test_a_disabled_progress_bar_writes_nothing(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    with common.progress_bar(False) as progress:
        progress(0.5, "Membaca baris")
        progress(1.0, "Selesai.")
    assert err.getvalue() == ""


def test_warnings_go_to_stderr_with_their_code(capsys):
    assert common.warn([]) == exit_codes.OK
    assert common.warn(["awas"]) == exit_codes.WARNINGS
    assert common.fail("rusak") == exit_codes.FAILED
    assert capsys.readouterr().err == "Peringatan: awas\nGagal: rusak\n"


def test_tables_write_unknown_values_as_empty_or_null(capsys):
    table = pd.DataFrame({"kode": ["a", "b"], "miskin": pd.array([1, None], dtype="Int64")})
    common.write_table(table, "csv")
    assert capsys.readouterr().out.splitlines() == ["kode,miskin", "a,1", "b,"]
    assert common.records(table) == [{"kode": "a", "miskin": 1}, {"kode": "b", "miskin": None}]
