"""geo/leaflet_render.py: a map's HTML is the same with finished text kept as text."""

from __future__ import annotations

import re

import branca.element
import numpy as np
import pandas as pd

from geo import leaflet_render
from geo.maps import add_point_clusters, choropleth, classify
from tests.test_map_page_render import PAYLOAD, squares

NAME_WITH_BRACES = "Kampung {{ Jinja }} {% raw %}"  # data that looks like a template


def _map_html() -> str:
    areas = squares()
    areas.loc[2, "nama"] = NAME_WITH_BRACES
    values = pd.Series([10.0, 20.0, np.nan], index=areas["kode"])
    tooltip = pd.DataFrame({"Kelurahan": areas["nama"].to_numpy()}, index=areas["kode"])
    m = choropleth(areas, values, title=PAYLOAD, unit="%", tooltip_rows=tooltip,
                   classes=classify(values.to_numpy(), k=3), note="catatan",
                   labels=areas.set_index("kode")["nama"])
    add_point_clusters(m, pd.DataFrame({"lat": [-6.25], "lon": [106.65], "n": [12],
                                        "hits": [5]}), "miskin")
    html = m.get_root().render()
    return re.sub(r"[0-9a-f]{32}", "ID", html)  # element ids are random


def test_the_rendered_map_is_the_same_as_brancas() -> None:
    leaflet_render.uninstall()
    try:
        shipped = _map_html()
    finally:
        leaflet_render.install()
    assert branca.element.Element is leaflet_render.PlainTextElement
    assert _map_html() == shipped


def test_plain_text_is_kept_and_markup_still_compiles() -> None:
    plain = leaflet_render.PlainTextElement("var a = {\"b\": 1};\n")
    assert plain.render() == "var a = {\"b\": 1};"
    marked = leaflet_render.PlainTextElement("x = {{ 1 + 1 }}")
    assert marked.render() == "x = 2"
