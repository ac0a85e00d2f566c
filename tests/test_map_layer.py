"""geo.map_layer: the area layer as the browser gets it — compact text, one decimal fewer over
the budget (neighbours still sharing their edges), and a canvas for many areas."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import shapely

from geo.demo import build_city
from geo.map_layer import CANVAS_FROM_AREAS, layer_json
from geo.maps import choropleth


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
        assert html.count('"type":"Feature"') == len(frame)  # each area once, compact


def test_style_mapping_matches_folium_per_feature_mapping():
    import folium

    from geo.map_layer import style_mapping

    codes = [f"99.71.01.{1001 + i}" for i in range(9)]
    props = [{"t0": f"Kel {i}", "_fill": ["#fee5d9", "#fcae91", "#d9d9d9"][i % 3],
              "_hi": i == 4} for i in range(9)]

    def style(f):  # noqa: ANN001, ANN202
        return {"fillColor": f["properties"]["_fill"],
                "weight": 3 if f["properties"]["_hi"] else 0.8}

    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": c, "properties": p, "geometry": None}
        for c, p in zip(codes, props)]}
    layer = folium.GeoJson(features)
    expected = folium.features.GeoJsonStyleMapper(features, "feature.id", layer).get_style_map(
        style)
    got = style_mapping(codes, props, style)
    assert {k: sorted(v) if isinstance(v, list) else v for k, v in got.items()} == \
        {k: sorted(v) if isinstance(v, list) else v for k, v in expected.items()}
