"""geo.cli.demo: ``python -m geo demo`` refuses bad arguments with the usage code."""

from __future__ import annotations

import json

import pytest

from geo.cli import exit_codes, main


@pytest.mark.parametrize("value", ["-5", "0", "banyak", "99"])
def test_demo_command_refuses_a_bad_household_count(value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--households", value])
    assert exit_info.value.code == 2
    assert "--households" in capsys.readouterr().err


def test_demo_command_loads_a_small_city_quietly_as_json(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    monkeypatch.setenv("PETA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    from geo.cli import demo

    monkeypatch.setattr(demo, "load_demo", _small_demo(tmp_path))
    assert main(["demo", "--households", "300", "--json"]) == exit_codes.OK
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["rows_read"] == 300 and data["levels"]["kota"] == 1
    assert out.err == ""  # no progress bar with --json


def _small_demo(tmp_path):  # noqa: ANN202
    from geo.demo import load_demo

    def load(engine, n, seed, progress):  # noqa: ANN001, ANN202
        return load_demo(engine, n=n, seed=seed, progress=progress, out_dir=tmp_path / "files")

    return load
