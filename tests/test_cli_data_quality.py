"""geo.cli.data_quality: ``python -m geo data-quality`` as CSV and JSON; unknown periods fail."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pandas as pd

from geo.cli import main
from tests.test_data_quality import imported  # noqa: F401  (the fixture)


def run_cli(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["data-quality", *argv]) == 0
    return out.getvalue()


def test_command_line_csv_and_json_with_the_share_known(imported):  # noqa: F811
    csv = pd.read_csv(io.StringIO(run_cli()), dtype={"kode": str}, keep_default_na=False)
    for column in ("kode", "nama", "rumah_tangga", "tertaut_kode", "tertaut_nama",
                   "tertaut_titik", "konflik", "dikarantina", "diketahui_miskin",
                   "diketahui_rtlh"):
        assert column in csv.columns
    rows = json.loads(run_cli("--level", "kecamatan", "--format", "json"))
    assert rows and all(0 <= r["diketahui_miskin"] <= 1 for r in rows
                        if r["diketahui_miskin"] is not None)
    json.loads(run_cli("--verval", "--format", "json"))


def test_command_line_unknown_period_fails(imported, capsys):  # noqa: F811
    assert main(["data-quality", "--period", "2019-01"]) == 1
    assert "2019-01" in capsys.readouterr().err
