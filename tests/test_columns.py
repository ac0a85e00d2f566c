"""geo.columns: the area-table column names every page and export uses."""

from __future__ import annotations

from geo import indicators
from geo.columns import columns


def test_column_names_of_an_indicator():
    c = indicators.columns("rtlh")
    assert c == columns("rtlh")
    assert (c.count, c.persons, c.denominator, c.population, c.known, c.rate) == (
        "rtlh", "rtlh_jiwa", "rtlh_penyebut", "rtlh_semesta", "rtlh_diketahui", "rtlh_persen")


def test_an_area_table_has_those_columns():
    import pandas as pd

    hh = pd.DataFrame({"region_code": ["36.74.01.1001"] * 3, "jumlah_art": [2, 3, 4],
                       "desil": [1, 5, None]})
    table, _ = indicators.area_counts(indicators.prepare(hh), ids=("miskin",))
    assert set(columns("miskin")) <= set(table.columns)
