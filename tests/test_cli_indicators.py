"""``python -m geo indicators``: the table behind the map for the whole register."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pandas as pd
import pytest

from geo import indicators, store
from geo.cli import main
from tests.map_fixtures import write_city

pytestmark = pytest.mark.both_backends  # the indicator table on SQLite and PostgreSQL


@pytest.fixture
def city_db(db_url, monkeypatch) -> pd.DataFrame:
    url = db_url
    monkeypatch.setenv("PETA_DB_URL", url)
    hh = write_city(store.get_engine(url), n=800, n_kelurahan=12, n_kecamatan=3)
    return hh


def run_cli(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["indicators", *argv]) == 0
    return out.getvalue()


def test_csv_per_kelurahan_has_every_indicator_and_matches_the_rules(city_db):
    table = pd.read_csv(io.StringIO(run_cli()), dtype={"kode": str})
    assert list(table.columns[:4]) == ["kode", "nama", "rumah_tangga", "jiwa"]
    for ind_id in indicators.NEED_INDICATORS:
        assert ind_id in table.columns
    assert len(table) == 12 and table["rumah_tangga"].sum() == len(city_db)
    flags = indicators.evaluate(city_db)
    expected = flags.groupby(city_db["region_code"].to_numpy())["sanitasi_tidak_layak"].sum()
    got = table.set_index("kode")["sanitasi_tidak_layak"]
    assert got.reindex(expected.index).tolist() == expected.tolist()
    assert table["jiwa"].sum() == city_db["jumlah_art"].sum()


def test_json_per_kecamatan_and_kota_sum_to_the_register(city_db):
    kec = json.loads(run_cli("--level", "kecamatan", "--format", "json"))
    assert len(kec) == 3 and sum(r["miskin"] for r in kec) == int((city_db["desil"] <= 4).sum())
    kota = json.loads(run_cli("--level", "kota", "--format", "json", "--period", "2026-09"))
    assert len(kota) == 1 and kota[0]["rumah_tangga"] == len(city_db)


def test_unknown_period_fails_with_a_message(city_db, capsys):
    assert main(["indicators", "--period", "2019-01"]) == 1
    assert "2019-01" in capsys.readouterr().err


RTLH_COLUMNS = ("luas_lantai", "jenis_lantai", "jenis_dinding", "jenis_atap")


@pytest.fixture
def city_without_rtlh(db_url, monkeypatch) -> pd.DataFrame:
    """A register exported without the house columns RTLH needs."""
    from geo.demo import build_city, generate_households

    url = db_url
    monkeypatch.setenv("PETA_DB_URL", url)
    kel, river = build_city(7, n_kelurahan=12, n_kecamatan=3)
    hh = generate_households(kel, river, 600, 7)
    hh["region_code"], hh["link_method"] = hh["kode_benar"], "kode"
    for column in RTLH_COLUMNS:
        hh[column] = None
    return write_city(store.get_engine(url), n_kelurahan=12, n_kecamatan=3, households=hh)


def test_an_indicator_whose_columns_are_absent_is_empty_in_csv_and_null_in_json(
        city_without_rtlh):
    table = pd.read_csv(io.StringIO(run_cli()), dtype={"kode": str}, keep_default_na=False)
    assert (table["rtlh"] == "").all() and (table["rtlh_persen"] == "").all()
    assert (table["rtlh_diketahui"].astype(float) == 0).all()
    assert (table["miskin"] != "").all()  # what the register holds is still counted
    rows = json.loads(run_cli("--format", "json"))
    assert all(r["rtlh"] is None and r["rtlh_persen"] is None for r in rows)
    assert all(isinstance(r["miskin"], int) for r in rows)
    kota = json.loads(run_cli("--level", "kota", "--format", "json"))
    assert kota[0]["rtlh"] is None and kota[0]["rtlh_diketahui"] == 0
