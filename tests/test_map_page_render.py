"""Pieces of the map page without a browser: escaping in the rendered HTML, labels that fit,
clustered household points, and the downloadable table."""

from __future__ import annotations

import io

import folium
import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import shapely

from geo.maps import (
    add_point_clusters,
    choropleth,
    classify,
    escape,
    escape_all,
    fitting_labels,
    grid_clusters,
)

PAYLOAD = "<img src=x onerror=alert(1)>"
TEMPLATE = "`${alert(2)}`"


def squares() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "kode": ["99.71.01.1001", "99.71.01.1002", "99.71.01.1003"],
        "nama": [PAYLOAD, TEMPLATE, "Sukamaju"],
    }, geometry=[shapely.box(106.60, -6.30, 106.70, -6.20),
                 shapely.box(106.70, -6.30, 106.80, -6.20),
                 shapely.box(106.80, -6.30, 106.801, -6.299)], crs=4326)


def test_names_from_data_are_escaped_in_tooltips_labels_and_legend():
    areas = squares()
    values = pd.Series([10.0, 20.0, np.nan], index=areas["kode"])
    tooltip = pd.DataFrame({"Kelurahan": areas["nama"].to_numpy()}, index=areas["kode"])
    m = choropleth(areas, values, title=PAYLOAD, unit="%", tooltip_rows=tooltip,
                   note=TEMPLATE, labels=areas.set_index("kode")["nama"])
    html = m.get_root().render()
    assert PAYLOAD not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "${alert(2)}" not in html
    assert "Tidak ada data" in html  # the area without a value is named in the legend


def test_a_column_is_escaped_as_each_of_its_values_and_missing_is_a_dash():
    values = [PAYLOAD, TEMPLATE, "1.234", "Sukamaju", "{{ x }}", "a\x1fb<", 7]
    assert escape_all(values) == [escape(v) for v in values]
    assert escape_all(["1.234", "12,5%"]) == ["1.234", "12,5%"]  # nothing to escape
    assert escape_all([None, np.nan, pd.NA, "x"]) == ["–", "–", "–", "x"]
    assert escape_all([]) == []


def test_labels_only_where_the_name_fits():
    areas = squares()
    names = areas.set_index("kode")["nama"]
    placed = {text for _lat, _lon, text in fitting_labels(areas, names, (600, 400))}
    assert "Sukamaju" not in placed  # a sliver of 0,001° cannot hold a name
    assert TEMPLATE in placed


def test_grid_clusters_count_every_located_household_once():
    rng = np.random.default_rng(1)
    lon = rng.uniform(106.6, 106.7, 500)
    lat = rng.uniform(-6.3, -6.2, 500)
    lon[:5] = np.nan  # no location: not drawn
    hit = rng.random(500) < 0.3
    cells = grid_clusters(lon, lat, hit, (106.6, -6.3, 106.7, -6.2), cells=8, k=1)
    assert cells["n"].sum() == 495 and cells["hits"].sum() == hit[5:].sum()
    assert grid_clusters(lon, lat, hit, (106.6, -6.3, 106.7, -6.2), cells=8)["n"].min() >= 5
    assert len(cells) <= 64
    assert cells["lon"].between(106.6, 106.7).all() and cells["lat"].between(-6.3, -6.2).all()


def test_point_tooltips_carry_counts_only():
    areas = squares()
    m = choropleth(areas, pd.Series([1.0, 2.0, 3.0], index=areas["kode"]), title="t", unit="%",
                   tooltip_rows=pd.DataFrame({"K": areas["nama"].to_numpy()},
                                             index=areas["kode"]),
                   classes=classify(np.array([1.0, 2.0, 3.0])))
    cells = pd.DataFrame({"lon": [106.65], "lat": [-6.25], "n": [1234], "hits": [56]})
    add_point_clusters(m, cells, "rumah tangga miskin")
    html = m.get_root().render()
    assert "1.234 rumah tangga · 56 rumah tangga miskin" in html
    few = pd.DataFrame({"lon": [106.65], "lat": [-6.25], "n": [7], "hits": [3]})
    add_point_clusters(m, few, "rumah tangga miskin")
    assert "7 rumah tangga · &lt; 5 rumah tangga miskin" in m.get_root().render()


def test_point_clusters_give_back_no_small_count_by_shade_or_sum():
    """A cell's shade is its share: were it exact, share × households would be a count the
    tooltip shows as "< 5". And the cells add up to the kelurahan's count: one more cell is
    hidden ("–") beside a small one, with the same shade."""
    import re

    from geo.maps import HIDDEN_SHARE_OPACITY

    m = folium.Map(tiles=None)
    cells = pd.DataFrame({"lon": [106.61, 106.62, 106.63], "lat": [-6.25] * 3,
                          "n": [7, 9, 20], "hits": [3, 6, 12]})
    add_point_clusters(m, cells, "rumah tangga miskin")
    html = m.get_root().render()
    assert "7 rumah tangga · &lt; 5" in html and "9 rumah tangga · – " in html
    assert "20 rumah tangga · 12 " in html
    shades = [float(x) for x in re.findall(r'"fillOpacity": ([0-9.]+)', html)]
    assert shades == [HIDDEN_SHARE_OPACITY, HIDDEN_SHARE_OPACITY, round(0.35 + 0.6 * 12 / 20, 3)]


def test_excel_and_csv_exports_hold_the_table():
    from geo import exports

    table = pd.DataFrame({"kode": ["99.71.01.1001"], "nama": [PAYLOAD], "rumah_tangga": [1234],
                          "miskin_persen": [12.5]})
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx(
        [exports.Table(table, "miskin", exports.labels(table.columns, "Kelurahan"))],
        pd.DataFrame({"Keterangan": ["Filter"], "Isi": ["x"]}))))
    sheet = book["miskin"]
    assert [c.value for c in sheet[1]] == ["Kode wilayah", "Kelurahan", "Rumah tangga",
                                           "Rumah tangga miskin (desil 1–4), %"]
    assert [c.value for c in sheet[2]] == ["99.71.01.1001", PAYLOAD, 1234, 12.5]
    assert book["Catatan"]["B2"].value == "x"
    text = exports.csv_machine(table).decode("utf-8")
    assert text.splitlines()[1] == f"99.71.01.1001,{PAYLOAD},1234,12.5"


def test_three_class_methods_give_the_asked_number_of_classes():
    from geo.maps import PALETTES

    values = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 30, np.nan])
    for method in ("quantile", "natural", "equal"):
        classes = classify(values, k=5, method=method, palette="Blues")
        assert len(classes.breaks) == 5 and classes.breaks[-1] == 30 and classes.lower == 1
        assert set(classes.colors) <= set(PALETTES["Blues"])
        assert classes.color_of(np.array([np.nan]))[0] == "#d9d9d9"
    equal = classify(values, k=5, method="equal")
    assert equal.labels(0) == ["1 – 6", "7 – 12", "13 – 18", "19 – 24", "25 – 30"]
    assert len(classify(values, k=3).breaks) == 3


def test_a_count_legend_never_overlaps_and_names_each_whole_number_once():
    """Counts are whole numbers: "0", "1 – 8", "9 – 10", not "0 – 0", "0 – 8", "8 – 10"."""
    counts = np.array([0.0] * 12 + [1, 2, 3, 5, 8, 8, 9, 10, np.nan])
    classes = classify(counts, k=5)
    assert classes.labels(0) == ["0", "1 – 5", "6 – 10"]
    colors = classes.color_of(np.arange(11.0))
    for value in range(11):  # each whole number in the class whose label names it
        label = classes.labels(0)[classes.colors.index(colors[value])]
        lo, _, hi = label.partition(" – ")
        assert int(lo) <= value <= int(hi or lo)
    rates = classify(np.array([0.5, 1.5, 2.7, 3.3, 8.1]), k=5)  # not counts: edges as they are
    assert rates.labels(1)[0] == "0,5 – 1,3"


def test_rate_classes_close_together_get_the_decimals_that_tell_them_apart():
    """Shares linked by code of 99,4-100 %: "99,6 – 99,6" twice told a planner nothing."""
    rates = np.array([99.4, 99.55, 99.6, 99.62, 99.64, 99.66, 99.7, 99.8, 100.0])
    labels = classify(rates, k=5).labels(1)
    assert len(set(labels)) == len(labels)
    assert all(lo != hi for lo, _, hi in (label.partition(" – ") for label in labels))
    assert labels[0] == "99,40 – 99,58"
    spread = classify(np.array([14.7, 25.9, 31.6, 38.1, 52.2, 85.7]), k=5)
    assert all(len(label.split(" – ")[0].split(",")[1]) == 1 for label in spread.labels(1))
    first_alone = classify(np.array([0.0] * 12 + [10.0, 20.0, 45.5, 60.0]), k=5)
    assert first_alone.labels(1)[0] == "0,0"  # one value, not "0,0 – 0,0"
    nothing = classify(np.array([np.nan, np.nan]))  # nothing known: no class to name
    assert nothing.labels(0) == [] and nothing.labels(1) == []
