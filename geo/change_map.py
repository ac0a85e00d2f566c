"""Maps of change between two periods: the change in percentage points with diverging classes
centred on 0, and the two periods side by side with synced zoom, both offline.

``folium.plugins.DualMap`` loads Leaflet.Sync (and folium's CDN scripts) from the internet; the
app makes no outside requests, so :class:`SideBySide` is a DualMap whose two maps load only the
app's own Leaflet and are kept in step by a few lines of inline script.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import DualMap
from jinja2 import Template

from geo import change, indicators
from geo.fmt import fmt_num, fmt_period
from geo.maps import LEAFLET_URL, NO_DATA_LABEL, Classes, choropleth, classify
from geo.suppression import HIDDEN_TOO

# ColorBrewer RdBu (7): blue = better, red = worse, the middle class is "hardly changed"
BETTER_TO_WORSE = ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
STILL = 0.05  # |change| below this many points is shown as "tetap" (it rounds to 0,0)
_STEPS = (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50)
_COUNT_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def diverging_classes(values: np.ndarray, higher_is_worse: bool = True,
                      counts: bool = False) -> Classes:
    """Seven classes symmetric around 0 (three of fall, "tetap", three of rise) with round
    steps (whole numbers for ``counts``); blue where the change is better (a fall when
    ``higher_is_worse``)."""
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if len(data) == 0:
        return Classes((), (), 0.0)
    largest = float(np.abs(data).max())
    step = next((s for s in (_COUNT_STEPS if counts else _STEPS) if 3 * s >= largest),
                float(np.ceil(largest / 3)))
    top = max(3 * step, largest)
    # whole numbers: the middle class is exactly 0 (-1 < v <= 0), never a "-0" label
    still = (-1, 0) if counts else (-STILL, STILL)
    breaks = (-2 * step, -step, *still, step, 2 * step, top)
    colors = BETTER_TO_WORSE if higher_is_worse else BETTER_TO_WORSE[::-1]
    return Classes(breaks, colors, -top)


def _change_text(value: float) -> str:
    if np.isnan(value):
        return NO_DATA_LABEL
    return ("+" if value > 0 else "") + fmt_num(value, 1) + " poin"


def change_values(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """The numbers the change map colours: ``<id>_selisih`` of :func:`change.compare_tables`,
    indexed by area code (``python -m geo compare`` prints the same)."""
    return table.set_index("kode")[f"{ind_id}_{change.CHANGE}"].astype("float64")


def change_map(areas: gpd.GeoDataFrame, table: pd.DataFrame, ind_id: str, period_from: str,
               period_to: str, labels: pd.Series | None = None, tiles: str | None = None,
               size_px: tuple[int, int] = (620, 620)) -> folium.Map:
    """The change of ``ind_id`` in points per area (``table`` from compare_tables); grey
    "tidak ada data" where either period is unknown."""
    ind = indicators.get(ind_id)
    values = change_values(table, ind_id)
    rows = table.set_index("kode")
    tooltip = pd.DataFrame({
        "Wilayah": rows["nama"],
        fmt_period(period_from): rate_texts(rows, ind_id, change.FROM),
        fmt_period(period_to): rate_texts(rows, ind_id, change.TO),
        "Perubahan": change_texts(rows, ind_id),
    }, index=rows.index)
    classes = diverging_classes(values.to_numpy(), ind.higher_is_worse)
    return choropleth(
        areas, values, title=f"Perubahan: {ind.label}",
        unit=f"poin persen, {fmt_period(period_from)} → {fmt_period(period_to)}",
        tooltip_rows=tooltip, classes=classes, labels=labels, tiles=tiles, size_px=size_px,
        note="biru: membaik, merah: memburuk; abu-abu: salah satu periode tidak ada data "
             "(atau disembunyikan: angka kecil)")


def _rate(value: float) -> str:
    return NO_DATA_LABEL if pd.isna(value) else f"{fmt_num(value, 1)} %"


def rate_texts(rows: pd.DataFrame, ind_id: str, side: str) -> list[str]:
    """One period's rates of a :func:`change.compare_tables` table as text: "–" where hidden
    for a forum, "tidak ada data" where unknown."""
    return [HIDDEN_TOO if x else _rate(v)
            for v, x in zip(rows[f"{ind_id}_{side}"], change.hidden(rows, ind_id, side))]


def change_texts(rows: pd.DataFrame, ind_id: str) -> list[str]:
    """The changes as text ("+1,2 poin"): "–" where either period's rate is hidden."""
    return [HIDDEN_TOO if x else _change_text(float(v))
            for v, x in zip(rows[f"{ind_id}_{change.CHANGE}"], change.hidden(rows, ind_id))]


class _Sync(MacroElement):
    """Keep two Leaflet maps at the same centre and zoom (inline script, nothing fetched)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (a, b) {
            var busy = false;
            function follow(x, y) {
                x.on("move zoom", function () {
                    if (busy) { return; }
                    busy = true;
                    y.setView(x.getCenter(), x.getZoom(), {animate: false});
                    busy = false;
                });
            }
            follow(a, b);
            follow(b, a);
        })({{ this.m1 }}, {{ this.m2 }});
        {% endmacro %}
    """)

    def __init__(self, m1: folium.Map, m2: folium.Map) -> None:
        super().__init__()
        self.m1, self.m2 = m1.get_name(), m2.get_name()


class SideBySide(DualMap):
    """Two maps side by side, zoom and pan in step, Leaflet from the app only."""

    default_js: list = []  # not Leaflet.Sync from a CDN
    default_css: list = []
    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")

    def __init__(self, left: folium.Map, right: folium.Map) -> None:
        super().__init__(location=left.location, tiles=None, zoom_snap=0.25)
        for own, source in ((self.m1, left), (self.m2, right)):
            own.default_js = [("leaflet", f"{LEAFLET_URL}/leaflet.js")]
            own.default_css = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]
            for child in list(source._children.values()):
                own.add_child(child)
        _Sync(self.m1, self.m2).add_to(self.m2)  # after both maps exist in the script

    def document(self) -> str:
        """The whole HTML page of both maps (for an iframe; Leaflet from the app's path)."""
        return self.get_root().render()


def side_by_side(areas: gpd.GeoDataFrame, table: pd.DataFrame, ind_id: str, period_from: str,
                 period_to: str, labels: pd.Series | None = None, tiles: str | None = None,
                 size_px: tuple[int, int] = (460, 460)) -> SideBySide:
    """The rate of ``ind_id`` in both periods, one class scale for both (so one colour means
    one value on either side)."""
    ind = indicators.get(ind_id)
    rows = table.set_index("kode")
    both = np.concatenate([rows[f"{ind_id}_{change.FROM}"].to_numpy(dtype=float),
                           rows[f"{ind_id}_{change.TO}"].to_numpy(dtype=float)])
    classes = classify(both, k=5, method="quantile")
    maps = []
    for period, side in ((period_from, change.FROM), (period_to, change.TO)):
        values = rows[f"{ind_id}_{side}"].astype("float64")
        tooltip = pd.DataFrame({"Wilayah": rows["nama"], ind.label: rate_texts(rows, ind_id, side)},
                               index=rows.index)
        maps.append(choropleth(areas, values, title=f"{ind.label} · {fmt_period(period)}",
                               unit="% rumah tangga", tooltip_rows=tooltip, classes=classes,
                               labels=labels, tiles=tiles, size_px=size_px))
    return SideBySide(*maps)


def net_out_of_poverty_map(areas: gpd.GeoDataFrame, moves: pd.DataFrame, period_from: str,
                           period_to: str, labels: pd.Series | None = None,
                           tiles: str | None = None, hide_small: bool = False,
                           size_px: tuple[int, int] = (620, 620),
                           texts: pd.DataFrame | None = None) -> folium.Map:
    """Net households out of poverty per area (``bersih_keluar_miskin`` of
    :func:`geo.transitions.transitions`): blue where more left poverty than fell into it.
    ``texts``: the moves as the page shows them (:func:`geo.transitions.counts_shown`, made
    here when None); with ``hide_small`` an area whose net is hidden there has no colour."""
    from geo.transitions import counts_shown

    rows = moves.set_index("kode")
    shown = counts_shown(moves, hide_small) if texts is None else texts.reindex(rows.index)
    values = rows["bersih_keluar_miskin"].astype("float64")
    if hide_small:
        values = values.where(shown["bersih_keluar_miskin"] != HIDDEN_TOO)
    tooltip = pd.DataFrame({  # an unknown count is "tidak ada data", never 0
        "Wilayah": rows["nama"],
        "Keluar dari miskin": shown["keluar_miskin"].to_numpy(),
        "Jatuh miskin": shown["jatuh_miskin"].to_numpy(),
        "Bersih": shown["bersih_keluar_miskin"].to_numpy(),
    }, index=rows.index)
    classes = diverging_classes(values.to_numpy(), higher_is_worse=False, counts=True)
    return choropleth(
        areas, values, title="Bersih keluar dari miskin",
        unit=f"rumah tangga, {fmt_period(period_from)} → {fmt_period(period_to)}",
        tooltip_rows=tooltip, classes=classes, labels=labels, tiles=tiles, size_px=size_px,
        decimals=0, note="keluar (desil 1–4 → 5–10) dikurangi jatuh (5–10 → 1–4)")
