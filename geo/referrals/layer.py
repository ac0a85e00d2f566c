"""Service points as an optional layer on any folium map: one small circle per point, a colour
per type, the type and name in the tooltip (escaped), and a small key in the corner."""

from __future__ import annotations

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.maps import escape
from geo.referrals import vocab

COLORS = {"puskesos": "#d7301f", "slrt": "#7a0177", "panti": "#fd8d3c", "puskesmas": "#1a9850",
          "sekolah": "#2c7fb8", "kantor_kelurahan": "#525252"}


class PointKey(MacroElement):
    """The colour key of the point types shown, top right (Leaflet core only)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topright"});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "peta-titik");
            div.innerHTML = {{ this.html_json }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, types: list[str]) -> None:
        import json

        super().__init__()
        rows = "".join(
            f'<div><span style="background:{COLORS[t]};display:inline-block;width:10px;'
            f'height:10px;border-radius:5px;margin-right:5px;border:1px solid #fff"></span>'
            f"{escape(vocab.POINT_TYPES[t][0])}</div>" for t in types)
        self.html_json = json.dumps(
            '<div style="background:rgba(255,255,255,0.9);padding:4px 7px;border-radius:4px;'
            'box-shadow:0 1px 4px rgba(0,0,0,0.35);font:11px/1.4 sans-serif;color:#222">'
            f'<div style="font-weight:bold">Titik layanan</div>{rows}</div>')


def add_service_points(m: folium.Map, points: pd.DataFrame,
                       types: tuple[str, ...] | None = None) -> list[str]:
    """Draw ``points`` (jenis, nama, lintang, bujur) of ``types`` (default: all) on ``m``;
    returns the types drawn."""
    shown = [t for t in (types or tuple(vocab.POINT_TYPES)) if (points["jenis"] == t).any()]
    for kind in shown:
        group = folium.FeatureGroup(name=escape(vocab.POINT_TYPES[kind][0]))
        for row in points[points["jenis"] == kind].itertuples(index=False):
            label = vocab.POINT_TYPES[kind][0] + (f": {row.nama}" if row.nama else "")
            folium.CircleMarker(
                location=[round(row.lintang, 6), round(row.bujur, 6)], radius=5,
                color="#ffffff", weight=1.5, fill=True, fill_color=COLORS[kind],
                fill_opacity=0.95, tooltip=folium.Tooltip(escape(label)),
            ).add_to(group)
        group.add_to(m)
    if shown:
        PointKey(shown).add_to(m)
    return shown
