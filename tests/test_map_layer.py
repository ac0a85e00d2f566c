"""geo.map_layer: the area layer as the browser gets it — compact text, one decimal fewer over
the budget (neighbours still sharing their edges), a canvas for many areas, and the geometry
published once for the browser to fetch and cache, each rerun sending only tooltips and styles."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import shapely

from geo import map_layer, static_files
from geo.demo import build_city
from geo.map_layer import CANVAS_FROM_AREAS, layer_json
from geo.maps import choropleth
from tests.map_fixtures import drawn_areas, published_url


def city():  # noqa: ANN201
    kel, _ = build_city(7)
    return kel["kode_kel"].tolist(), kel.geometry.values


def neighbours(geoms: np.ndarray) -> dict[tuple[int, int], float]:
    """Length of the boundary each touching pair shares."""
    a, b = shapely.STRtree(geoms).query(geoms, predicate="touches")
    keep = a < b
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[a[keep]]),
                                                 shapely.boundary(geoms[b[keep]])))
    return dict(zip(zip(a[keep].tolist(), b[keep].tolist()), shared.tolist()))


def test_layer_is_compact_keyed_by_kode_and_keeps_style_inputs_on_the_server():
    codes, geoms = city()
    props = [{"t0": f"Kel {i}", "kode": c, "_fill": "#fff", "_hi": False}
             for i, c in enumerate(codes)]
    text = layer_json(codes, props, geoms)
    data = json.loads(text)
    assert [f["id"] for f in data["features"]] == codes
    assert set(data["features"][0]["properties"]) == {"t0", "kode"}
    assert ", " not in text and ": " not in text
    drawn = shapely.from_geojson([json.dumps(f["geometry"]) for f in data["features"]])
    assert shapely.equals_exact(drawn, geoms, tolerance=1e-9).all()  # under budget: as stored


def test_over_budget_one_decimal_fewer_and_neighbours_still_share_edges():
    codes, geoms = city()
    props = [{"kode": c} for c in codes]
    full = layer_json(codes, props, geoms)
    small = layer_json(codes, props, geoms, budget=len(full) - 1)
    assert len(small) < len(full)
    data = json.loads(small)
    numbers = re.findall(r"-?\d+\.(\d+)", json.dumps([f["geometry"] for f in data["features"]]))
    assert max(len(n) for n in numbers) <= 4
    drawn = shapely.from_geojson([json.dumps(f["geometry"]) for f in data["features"]])
    before, after = neighbours(geoms), neighbours(drawn)
    assert set(before) <= set(after)
    assert all(after[pair] > 0.9 * length for pair, length in before.items())


def test_many_areas_are_drawn_on_a_canvas_few_as_svg():
    kel, _ = build_city(7, n_kelurahan=CANVAS_FROM_AREAS + 20, n_kecamatan=9, radius_km=30)
    areas = kel.rename(columns={"kode_kel": "kode", "nama_kel": "nama"})
    many = areas.iloc[: CANVAS_FROM_AREAS + 1]
    few = areas.iloc[:10]
    for frame, canvas in ((many, True), (few, False)):
        values = pd.Series(np.arange(len(frame), dtype=float), index=frame["kode"])
        tooltip = pd.DataFrame({"Kelurahan": frame["nama"].to_numpy()}, index=frame["kode"])
        html = choropleth(frame, values, title="t", unit="%", tooltip_rows=tooltip
                          ).get_root().render()
        assert f'"preferCanvas": {"true" if canvas else "false"}' in html
        assert len(drawn_areas(html)) == len(frame)  # each area once


def test_each_area_gets_the_style_its_own_properties_give():
    from geo.map_layer import style_groups

    fills = ["#fee5d9", "#fcae91", "#d9d9d9"]
    props = {"t0": [f"Kel {i}" for i in range(9)], "_fill": [fills[i % 3] for i in range(9)],
             "_hi": [i == 4 for i in range(9)]}
    features, of = style_groups(props)
    assert len(features) == 4  # a style function runs once per distinct set, not per area
    for i in range(9):
        assert features[of[i]]["properties"] == {"_fill": props["_fill"][i],
                                                 "_hi": props["_hi"][i]}


def test_unknown_areas_are_drawn_grey_and_the_rest_in_their_class_colour():
    from geo.maps import NO_DATA_COLOR, classify

    areas = city_areas()
    values = pd.Series(np.arange(len(areas), dtype=float), index=areas["kode"])
    values.iloc[::5] = np.nan  # unknown: grey, never the colour of 0
    tooltip = pd.DataFrame({"Kelurahan": areas["nama"].to_numpy()}, index=areas["kode"])
    html = choropleth(areas, values, title="t", unit="%", tooltip_rows=tooltip
                      ).get_root().render()
    (_url, columns), = map_layer.published_layers(html)
    styles = columns["s"]["style"]
    drawn = [styles[i]["fillColor"] for i in columns["s"]["of"]]
    want = classify(values.to_numpy()).color_of(values.to_numpy()).tolist()
    assert drawn == want
    assert {drawn[i] for i in range(0, len(areas), 5)} == {NO_DATA_COLOR}
    assert NO_DATA_COLOR not in {drawn[i] for i in range(1, len(areas), 5)}
    assert ".peta.style(feature)" in html and len(styles) < 10  # no case per area
    assert "highlight" not in columns["s"]  # the same for every area: folium's default


def small_map(areas, scale: float = 1.0):  # noqa: ANN001, ANN201
    values = pd.Series(np.arange(len(areas), dtype=float) * scale, index=areas["kode"])
    tooltip = pd.DataFrame({"Kelurahan": areas["nama"].to_numpy(),
                            "Nilai": [f"{v:g}" for v in values]}, index=areas["kode"])
    return choropleth(areas, values, title="t", unit="%", tooltip_rows=tooltip)


def city_areas():  # noqa: ANN201
    kel, _ = build_city(7)
    return kel.rename(columns={"kode_kel": "kode", "nama_kel": "nama"})


def test_geometry_is_published_once_and_each_rerun_sends_only_tooltips_and_styles():
    areas = city_areas()
    first, again = small_map(areas).get_root().render(), small_map(areas, 2.0).get_root().render()
    url = published_url(first)
    assert url is not None and url == published_url(again)  # same geometry, same file
    assert '"coordinates"' not in first  # the page holds no geometry, only the URL
    data = json.loads(static_files.path_of(url).read_text())
    assert [f["id"] for f in data["features"]] == areas["kode"].tolist()
    assert all("properties" not in f for f in data["features"])
    drawn = drawn_areas(again)  # the file's geometry with this rerun's tooltips
    assert [f["properties"]["t1"] for f in drawn] == [f"{2.0 * i:g}" for i in range(len(areas))]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in drawn])
    assert shapely.equals_exact(geoms, areas.geometry.values, tolerance=1e-9).all()


def test_st_folium_gets_the_properties_in_the_html_and_a_new_script_for_new_numbers():
    import streamlit_folium as sf

    def sent(fmap) -> tuple[str, str]:  # noqa: ANN001 - as st_folium makes its arguments
        fmap.get_root().render()
        fmap.render()
        return sf._get_html(fmap), sf._get_map_string(fmap)

    areas = city_areas()
    (html, script), (_html2, script2) = sent(small_map(areas)), sent(small_map(areas, 2.0))
    (_url, columns), = map_layer.published_layers(html + script)  # the script finds its data
    assert columns["p"]["t1"][:3] == ["0", "1", "2"]
    assert columns["id"][5] not in script  # st_folium dedents and hashes the script: no data
    assert html.count(columns["id"][5]) == 1  # each kode once, though "kode" is a property
    assert columns["p"]["kode"] == columns["id"]  # (the browser gives it from the id)
    assert script != script2  # other numbers: a new map (st_folium keys it by its script)


def test_when_the_static_folder_cannot_be_written_the_geometry_is_embedded(tmp_path,
                                                                           monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("")
    monkeypatch.setattr(static_files, "STATIC_DIR", blocker)
    map_layer._SERVED.clear()
    areas = city_areas()
    html = small_map(areas).get_root().render()
    assert published_url(html) is None
    assert [f["id"] for f in drawn_areas(html)] == areas["kode"].tolist()


def test_published_files_are_named_by_content_written_whole_and_kept_bounded(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setattr(static_files, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(static_files, "KEEP_FILES", 3)
    urls = [static_files.publish(f'{{"n":{i}}}') for i in range(5)]
    assert static_files.publish('{"n":4}') == urls[4]
    files = sorted(p.name for p in (tmp_path / static_files.PUBLISHED).iterdir())
    assert len(files) == 3 and not any(name.startswith(".tmp") for name in files)
    assert json.loads(static_files.path_of(urls[4]).read_text()) == {"n": 4}
