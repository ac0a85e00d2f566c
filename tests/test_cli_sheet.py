"""``python -m geo sheet``: the map sheet from the command line."""

from __future__ import annotations

import pytest

from geo import audit, indicators, store
from geo.cli import main
from geo.fmt import fmt_period
from tests import pdf_tools
from tests.map_fixtures import write_city


@pytest.fixture
def city_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    write_city(store.get_engine(url), n=900, n_kelurahan=12, n_kecamatan=3)
    return url


def test_sheet_writes_an_a4_pdf_with_label_period_legend_and_scale(city_db, tmp_path, capsys):
    out = tmp_path / "peta.pdf"
    assert main(["sheet", "--indicator", "miskin", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert pdf_tools.info(out)["Page size"].startswith("595.276 x 841.89")
    text = " ".join(pdf_tools.text(out, layout=False).split())
    assert indicators.get("miskin").label in text and fmt_period("2026-09") in text
    assert "Skala 1:" in text and "Tidak ada data" in text
    assert "Dicetak oleh (baris perintah)" in text
    trail = audit.entries(store.get_engine(city_db), action="download")
    assert '"perintah": "sheet"' in trail.iloc[-1]["rincian"]


def test_sheet_on_a3_landscape_for_one_kecamatan_at_kecamatan_level(city_db, tmp_path):
    names = store.region_list(store.get_engine(city_db)).set_index("kode")["nama"]
    kec = sorted(k for k in names.index if k.count(".") == 2)[1]
    out = tmp_path / "kec.pdf"
    assert main(["sheet", "--indicator", "rtlh", "--kecamatan", kec, "--paper", "A3",
                 "--landscape", "--period", "2026-09", "--out", str(out)]) == 0
    assert pdf_tools.info(out)["Page size"].startswith("1190.55 x 841.89")
    text = " ".join(pdf_tools.text(out, layout=False).split())
    assert f"Kecamatan {names[kec]}" in text
    out = tmp_path / "kota.pdf"
    assert main(["sheet", "--indicator", "rtlh", "--level", "kecamatan", "--out",
                 str(out)]) == 0
    assert "per kecamatan" in pdf_tools.text(out, layout=False)


def test_bad_period_or_area_fails_with_a_message_and_writes_nothing(city_db, tmp_path,
                                                                    capsys):
    out = tmp_path / "x.pdf"
    assert main(["sheet", "--indicator", "miskin", "--period", "2019-01",
                 "--out", str(out)]) == 1
    assert "2019-01" in capsys.readouterr().err
    assert main(["sheet", "--indicator", "miskin", "--kecamatan", "99.99.99",
                 "--out", str(out)]) == 1
    assert "Tidak ada wilayah" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(SystemExit) as exc:
        main(["sheet", "--indicator", "bukan_indikator", "--out", str(out)])
    assert exc.value.code == 2
