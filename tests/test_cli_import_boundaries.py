"""geo.cli.import_boundaries: ``python -m geo import-boundaries`` as JSON and as text."""

from __future__ import annotations

import json

from geo.cli import main
from tests.boundary_files import grid_city, write_geojson


def test_command_line_json_and_text(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETA_DB_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    frame = grid_city().rename(columns={"kode_kel": "ID", "nama_kel": "LABEL"})
    path = write_geojson(frame, tmp_path)
    assert main(["import-boundaries", str(path), "--json",
                 "--field", "kode=ID", "--field", "nama=LABEL"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["features"] == 6 and data["repaired"] == 0
    assert data["levels"] == {"kota": 1, "kecamatan": 2, "kelurahan": 6}

    assert main(["import-boundaries", str(path), "--field", "kode=ID",
                 "--field", "nama=LABEL"]) == 0
    out = capsys.readouterr().out
    assert "Fitur dibaca: 6" in out and "Kec 1" in out

    assert main(["import-boundaries", str(tmp_path / "tidak_ada.geojson")]) == 1
    assert "tidak_ada.geojson" in capsys.readouterr().err
