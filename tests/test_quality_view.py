"""geo.views.quality_view without Streamlit: the Kualitas data page's metrics, notes, map
values and the list to verify first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import data_quality, indicators
from geo.views import quality_view as qv


def table(stray_households: int = 3) -> pd.DataFrame:
    t = pd.DataFrame({
        "kode": ["99.71.01.1001", "99.71.01.1002", data_quality.UNLINKED_CODE],
        "nama": ["Satu", "Dua", data_quality.UNLINKED_NAME],
        "rumah_tangga": [100, 50, stray_households],
        "tertaut_kode": [90, 50, 0],
        "konflik": [2, 0, 0],
        "dikarantina": [1, 0, 0],
        "tertaut_kode_bagian": [0.9, 1.0, np.nan],
        "diketahui_rtlh": [np.nan, 0.5, np.nan],
    })
    t.attrs["available"] = [i.id for i in indicators.INDICATORS if i.id != "rtlh"]
    return t


def test_metrics_and_notes():
    v = qv.quality_view(table(), pd.DataFrame(columns=["nama", "rumah_tangga", "alasan"]))
    assert v.metrics() == [("Rumah tangga tersimpan", "153"), ("Tertaut lewat kode", "91,5%"),
                           ("Konflik kode–titik", "2"), ("Baris dikarantina", "1")]
    assert v.stray_note().startswith("3 rumah tangga belum tertaut dan 0 baris karantina")
    assert v.missing_note() == ("Tidak tersedia di register ini (tidak ada rumah tangga yang "
                                "nilainya diketahui): Rumah tidak layak huni (RTLH).")
    assert qv.quality_view(table(0), v.first).stray_note() is None


def test_map_values_leave_unknown_as_no_data():
    v = qv.quality_view(table(), pd.DataFrame())
    values, tooltip = v.map_values("diketahui_rtlh")
    assert list(values.index) == ["99.71.01.1001", "99.71.01.1002"]
    assert np.isnan(values.iat[0]) and values.iat[1] == 50.0
    assert list(tooltip["Diketahui: Rumah tidak layak huni (RTLH)"]) == [indicators.NO_DATA,
                                                                         "50,0%"]


def test_first_table():
    first = pd.DataFrame({"nama": ["Dua"], "rumah_tangga": [1234], "alasan": ["konflik"]})
    shown = qv.quality_view(table(), first).first_table()
    assert shown.to_dict("records") == [{"Kelurahan": "Dua", "Rumah tangga": "1.234",
                                         "Alasan": "konflik"}]
