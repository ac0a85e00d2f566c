"""geo.data_quality: per kelurahan links, conflicts, quarantine by reason and the share known
of each indicator; the list to verify first. The command: tests/test_cli_data_quality.py."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import data_quality, indicators
from geo.households import import_households
from tests import corpus


def _broken(frame: pd.DataFrame) -> None:
    """Two rows quarantined (desil 11, desil text), one register without a water column."""
    frame.loc[0, "DESIL"] = 11
    frame.loc[1, "DESIL"] = "miskin"
    for column in [c for c in frame.columns if "AIR" in c.upper()]:
        del frame[column]


@pytest.fixture
def imported(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    url = f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    engine = corpus.engine_with_regions(tmp_path)
    result = import_households(engine, corpus.csv_case(_broken)(tmp_path), "2026-09")
    return engine, result


def test_rows_and_quarantine_are_all_accounted_per_kelurahan(imported):
    engine, result = imported
    table, first = data_quality.load(engine)
    assert table["rumah_tangga"].sum() == result.counts["accepted"]
    assert table["dikarantina"].sum() == result.counts["quarantined"] == 2
    assert table["karantina_desil_luar"].sum() == 1 and table["karantina_desil_teks"].sum() == 1
    kel = table[table["kode"] != ""]
    assert (kel["tertaut_kode"] + kel["tertaut_nama"] + kel["tertaut_titik"]
            == kel["rumah_tangga"]).all()
    bad_row = corpus.kode_benar(0)
    assert table.set_index("kode").loc[bad_row, "dikarantina"] >= 1


def test_share_known_is_zero_for_a_column_the_register_lacks_and_one_for_a_full_one(imported):
    engine, _ = imported
    table, first = data_quality.load(engine)
    lived_in = table[table["rumah_tangga"] > 0]
    assert (lived_in["diketahui_air_minum_tidak_layak"] == 0).all()
    assert (lived_in["diketahui_miskin"] == 1).all()
    assert "air_minum_tidak_layak" not in table.attrs["available"]
    # a gap of the whole register is not an area's reason to be verified first
    assert not first["alasan"].str.contains("Air minum").any()


def test_verify_first_names_its_reasons():
    table = pd.DataFrame({
        "kode": ["a", "b", "c"], "nama": ["A", "B", "C"], "rumah_tangga": [100, 100, 50],
        "tertaut_kode": [100, 60, 50], "konflik": [0, 10, 0], "dikarantina": [0, 0, 20],
        "tertaut_kode_bagian": [1.0, 0.6, 1.0], "konflik_bagian": [0.0, 0.1, 0.0],
        "karantina_bagian": [0.0, 0.0, 20 / 70],
        **{f"diketahui_{i.id}": [1.0, 1.0, 0.2] for i in indicators.INDICATORS}})
    table.attrs["available"] = ["miskin"]
    first = data_quality.verify_first(table)
    assert first["kode"].tolist() == ["b", "c"]
    assert "60% tertaut lewat kode" in first["alasan"][0] and "10 konflik" in first["alasan"][0]
    assert "20 baris dikarantina" in first["alasan"][1]
    assert "sedikit diketahui: Rumah tangga miskin" in first["alasan"][1]


def test_page_shows_the_map_the_list_and_the_table(app_env):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page("pages/kualitas_data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Kualitas data"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Baris dikarantina"] != "0"
    at.selectbox(key="dq_measure").set_value("diketahui_rtlh").run()
    assert not at.exception
    assert any("Kelurahan yang perlu diverifikasi" in m.value for m in at.markdown)
    table = at.dataframe[-1].value
    assert {"Kode", "Tertaut lewat kode", "Dikarantina",
            "Diketahui: Rumah tidak layak huni (RTLH)"} <= set(table.columns)
    assert table["Diketahui: Rumah tidak layak huni (RTLH)"].str.endswith("%").any()
