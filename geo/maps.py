"""Folium maps that work offline: choropleth, legend, escaped tooltips, local Leaflet.

``folium.Map`` lists Leaflet, jQuery, Bootstrap and awesome-markers from CDNs; the
``st_folium`` component waits for every one of them, so one unreachable script leaves the map
blank. Here a map lists only Leaflet, served by the app itself from ``static/leaflet``
(Streamlit's static serving, copied from the ``django-js-lib-leaflet`` package).
"""

from __future__ import annotations

import functools
import html
import json
import math
import shutil
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo import leaflet_render
from geo.config import OSM_TILES
from geo.fmt import fmt_num
from geo.map_layer import CANVAS_FROM_AREAS, AreaLayer
from geo.static_files import STATIC_DIR, STATIC_URL
from geo.suppression import count_text, hidden_cells, protected_texts
from geo.suppression import k as small_count

leaflet_render.install()  # finished layer text is not compiled again on every rerun

LEAFLET_URL = f"{STATIC_URL}/leaflet"  # where Streamlit serves static/leaflet
NO_DATA_COLOR = "#d9d9d9"
NO_DATA_LABEL = "Tidak ada data"  # grey: nothing, or too little, known (never a class, never 0)
# grey on a forum's map: no data, or a figure hidden so that no household can be recognised
HIDDEN_OR_NO_DATA_LABEL = "Tidak ada data atau disembunyikan"
BORDER_COLOR = "#4d4d4d"
LEGEND_ROOM_PX = 150  # map padding below the areas, where the legend sits

# ColorBrewer sequential palettes (5 classes), safe for colour-blind readers.
PALETTES: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "Blues": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "Purples": ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
    "YlGnBu": ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    "OrRd": ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"),
}


def grey_label(hide: bool) -> str:
    """The legend's grey: "Tidak ada data", or on a forum's map also "atau disembunyikan"."""
    return HIDDEN_OR_NO_DATA_LABEL if hide else NO_DATA_LABEL


def ensure_static_assets() -> Path:
    """Copy Leaflet's dist files into ``static/leaflet`` once; return that folder."""
    target = STATIC_DIR / "leaflet"
    if (target / "leaflet.js").exists() and (target / "leaflet.css").exists():
        return target
    source = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    target.mkdir(parents=True, exist_ok=True)
    with resources.as_file(source) as src:
        for name in ("leaflet.js", "leaflet.css"):
            shutil.copyfile(Path(src) / name, target / name)
        shutil.copytree(Path(src) / "images", target / "images", dirs_exist_ok=True)
    return target


def escape(value: object) -> str:
    """Text from data, safe in innerHTML, in a JS template literal *and* in text branca may
    compile as a Jinja template (``{{``, ``{%``, ``{#`` from data would be read as markup)."""
    return _escaped("" if value is None else str(value))


_UNSAFE = ("&", "<", ">", '"', "'", "`", "{", "}", "$")
_SEP = "\x1f"  # joins a column's texts for one pass (a value holding it is escaped alone)


def escape_all(values: Iterable[object], missing: str = "–") -> list[str]:
    """:func:`escape` of each value, a missing one (None, NaN, pd.NA) as ``missing``, in one
    pass over the column: a province's tooltips hold tens of thousands of texts, nearly all
    numbers and names with nothing to escape."""
    texts = list(values)
    if set(map(type, texts)) - {str}:  # our formatters' columns hold only texts
        texts = [missing if v is None or v is pd.NA or v != v else str(v) for v in texts]
    joined = _SEP.join(texts)
    if not any(c in joined for c in _UNSAFE):
        return texts
    if joined.count(_SEP) == len(texts) - 1:
        return _escape_text(joined).split(_SEP)
    return [_escaped(t) for t in texts]


@functools.lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> str:
    """(Remembered: a province's tooltips repeat the same names and numbers every rerun.)"""
    return _escape_text(text)


def _escape_text(text: str) -> str:
    text = html.escape(text, quote=True)
    return (text.replace("`", "&#96;").replace("${", "&#36;{")
            .replace("{", "&#123;").replace("}", "&#125;"))


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


def tiles_reachable(url: str = OSM_TILES, timeout: float = 1.5) -> bool:
    """Whether the tile server answers now. The basemap is an option, never required: it is
    only drawn when this says yes, so a map without internet is never left half-loaded."""
    probe = url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0")
    request = urllib.request.Request(probe, method="HEAD",
                                     headers={"User-Agent": "PetaSinergi/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status < 400
    except (OSError, ValueError):
        return False


def base_map(bounds: tuple[float, float, float, float], tiles: str | None = None,
             canvas: bool = False) -> folium.Map:
    """A Leaflet map fitted to ``bounds`` (minx, miny, maxx, maxy), loading only local files.

    ``tiles`` is an optional tile URL; the default is no basemap (the map needs no internet).
    ``canvas``: vector layers drawn on one canvas (many areas), not as SVG paths.
    """
    minx, miny, maxx, maxy = bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                   prefer_canvas=canvas, control_scale=False, zoom_snap=0.25)
    MetricScale().add_to(m)  # folium's scale shows miles too
    m.default_js = [("leaflet", f"{LEAFLET_URL}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]
    if tiles:
        folium.TileLayer(tiles, attr="&copy; OpenStreetMap", name="Peta dasar").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


# ------------------------------------------------------------------ classes and legend

@dataclass(frozen=True)
class Classes:
    """Class breaks (upper bounds, ascending) and their colours."""

    breaks: tuple[float, ...]
    colors: tuple[str, ...]
    lower: float
    whole: bool = False  # every value classified was a whole number (a count)

    def color_of(self, values: np.ndarray) -> np.ndarray:
        out = np.full(len(values), NO_DATA_COLOR, dtype=object)
        ok = ~np.isnan(values)
        idx = np.searchsorted(np.array(self.breaks), values[ok], side="left")
        out[ok] = np.array(self.colors, dtype=object)[np.minimum(idx, len(self.colors) - 1)]
        return out

    def labels(self, decimals: int = 1) -> list[str]:
        """"lo – hi" per class; one value (a single area, or every area alike) is shown as
        that value, not as the range "29,3 – 29,3"."""
        if not self.breaks:  # nothing known: no class, only "tidak ada data"
            return []
        edges = [self.lower, *self.breaks]
        if len(self.breaks) == 1 and fmt_num(self.lower, decimals) == fmt_num(
                self.breaks[0], decimals):
            return [fmt_num(self.breaks[0], decimals)]
        if self.whole and decimals == 0:
            return self._whole_labels()
        decimals = _distinct_decimals(edges, decimals)
        out = [f"{fmt_num(edges[i], decimals)} – {fmt_num(edges[i + 1], decimals)}"
               for i in range(len(self.breaks))]
        if self.lower == self.breaks[0]:  # the first class holds one value
            out[0] = fmt_num(self.lower, decimals)
        return out

    def _whole_labels(self) -> list[str]:
        """Counts: a class above a break starts at the next whole number ("0", "1 – 8",
        "9 – 10"), not at the break ("0 – 0", "0 – 8", "8 – 10" read as overlapping)."""
        out = []
        for i, top in enumerate(self.breaks):
            lo = math.ceil(self.lower) if i == 0 else math.floor(self.breaks[i - 1]) + 1
            hi = math.floor(top)
            out.append(fmt_num(lo, 0) if lo >= hi else f"{fmt_num(lo, 0)} – {fmt_num(hi, 0)}")
        return out


def _distinct_decimals(edges: list[float], decimals: int, most_extra: int = 2) -> int:
    """The fewest decimals from ``decimals`` (up to ``most_extra`` more) that write different
    edges differently: classes of rates close together ("99,6 – 99,6" twice) read apart."""
    values = sorted(set(edges))
    for extra in range(most_extra + 1):
        if len({fmt_num(v, decimals + extra) for v in values}) == len(values):
            return decimals + extra
    return decimals + most_extra


def classify(values: np.ndarray, k: int = 5, method: str = "quantile",
             palette: str = "YlOrRd") -> Classes:
    """Class breaks by ``quantile``, ``natural`` (Fisher-Jenks) or ``equal`` interval."""
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    colors = PALETTES[palette]
    if len(data) == 0:  # nothing known: no class at all, only "tidak ada data"
        return Classes((), (), 0.0)
    lo, hi = float(data.min()), float(data.max())
    uniq = np.unique(data)
    k = max(1, min(k, len(uniq)))
    whole = bool(np.all(data == np.round(data)))
    if k == 1 or hi == lo:  # no spread: one light class, never the darkest (all 0 is no alarm)
        return Classes((hi,), (colors[0],), lo, whole)
    if method == "equal":
        breaks = np.linspace(lo, hi, k + 1)[1:]
    elif method == "natural":
        import warnings

        import mapclassify

        with warnings.catch_warnings():  # "Numba not installed": fine for a few hundred areas
            warnings.simplefilter("ignore", UserWarning)
            breaks = mapclassify.FisherJenks(data, k=k).bins
    else:
        breaks = np.quantile(data, np.linspace(0, 1, k + 1)[1:])
    if whole:  # counts: breaks at whole numbers, so no class falls between two of them
        breaks = np.floor(np.round(breaks, 6))
    breaks = tuple(float(b) for b in np.unique(np.round(breaks, 6)))
    breaks = breaks[:-1] + (hi,)
    pick = np.linspace(0, len(colors) - 1, len(breaks)).round().astype(int)
    return Classes(breaks, tuple(colors[i] for i in pick), lo, whole)


# On a narrow map (a phone) the legend is smaller and leaves out the note (said above the
# map), so it stays in the strip kept free below the areas (LEGEND_ROOM_PX).
LEGEND_CSS = ("@media (max-width: 480px){.peta-legend>div{max-width:150px!important;"
              "font-size:10px!important;padding:4px 6px!important}"
              ".peta-legend .peta-legend-note{display:none}}")


class Legend(MacroElement):
    """A Leaflet control in the map's corner; its HTML is built (and escaped) in Python."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "peta-legend");
            div.innerHTML = {{ this.html_json }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.css = LEGEND_CSS
        self.html_json = json.dumps(html_text)


def legend_html(title: str, unit: str, classes: Classes, no_data: bool, note: str = "",
                decimals: int = 1, grey_label: str = NO_DATA_LABEL) -> str:
    rows = "".join(
        f'<div><span style="background:{c};display:inline-block;width:18px;height:12px;'
        f'margin-right:6px;border:1px solid #777"></span>{escape(label)}</div>'
        for c, label in zip(classes.colors, classes.labels(decimals)))
    if no_data or not classes.breaks:
        rows += (f'<div><span style="background:{NO_DATA_COLOR};display:inline-block;width:18px;'
                 f'height:12px;margin-right:6px;border:1px solid #777"></span>'
                 f'{escape(grey_label)}</div>')
    extra = (f'<div class="peta-legend-note" style="margin-top:4px;color:#555">'
             f'{escape(note)}</div>' if note else "")
    return (
        '<div style="background:rgba(255,255,255,0.9);padding:6px 8px;border-radius:4px;'
        'box-shadow:0 1px 4px rgba(0,0,0,0.35);font:11px/1.4 sans-serif;color:#222;'
        f'max-width:210px"><div style="font-weight:bold">{escape(title)}</div>'
        f'<div style="color:#555;margin-bottom:4px">{escape(unit)}</div>{rows}{extra}</div>'
    )


# ------------------------------------------------------------------ choropleth

@dataclass(frozen=True)
class Tooltip:
    """Tooltip rows: (property, label) pairs; properties must be escaped strings."""

    fields: tuple[tuple[str, str], ...]


def choropleth(
    areas: gpd.GeoDataFrame,
    values: pd.Series,
    *,
    title: str,
    unit: str,
    tooltip_rows: pd.DataFrame,
    classes: Classes | None = None,
    note: str = "",
    tiles: str | None = None,
    decimals: int = 1,
    highlight: set[str] | None = None,
    labels: pd.Series | Mapping[str, str] | None = None,
    size_px: tuple[int, int] = (900, 620),
    fill_opacity: float = 0.8,
    grey_label: str = NO_DATA_LABEL,
) -> folium.Map:
    """A choropleth of ``values`` (indexed by ``areas.kode``) with a legend and tooltips.

    ``tooltip_rows`` is indexed by kode; its columns are the tooltip's labels and its values
    are shown as text (escaped here). Areas without a value are grey and named so in the legend
    (``grey_label``: a forum's map says that some are hidden).
    ``labels`` (names indexed by kode) are drawn on the areas where they fit at ``size_px``.
    Each feature carries its ``kode`` property, so a click (``last_active_drawing``) names it.
    """
    vals = values.reindex(areas["kode"]).to_numpy(dtype=float)
    classes = classes or classify(vals)
    fill = classes.color_of(vals)
    names = labels
    labels = list(tooltip_rows.columns)
    keys = [f"t{i}" for i in range(len(labels))]
    codes = areas["kode"].tolist()
    same = len(tooltip_rows) == len(codes) and (tooltip_rows.index.to_numpy() == codes).all()
    rows = tooltip_rows if same else tooltip_rows.reindex(codes)
    props: dict[str, list] = {key: escape_all(rows[label].tolist())
                              for key, label in zip(keys, labels)}
    props["kode"] = escape_all(codes)
    props["_fill"] = fill.tolist()
    props["_hi"] = [bool(highlight and k in highlight) for k in codes]
    bounds = tuple(float(b) for b in areas.total_bounds)
    m = base_map(bounds, tiles=tiles, canvas=len(areas) > CANVAS_FROM_AREAS)
    # keep the bottom strip free for the legend (bottom right), so it hides no area
    minx, miny, maxx, maxy = bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(10, 10),
                 padding_bottom_right=(10, LEGEND_ROOM_PX))
    AreaLayer(
        props["kode"], props, areas.geometry.values, bounds,
        name=escape(title),
        style_function=lambda f: {
            "fillColor": f["properties"]["_fill"], "fillOpacity": fill_opacity,
            "color": "#111" if f["properties"]["_hi"] else BORDER_COLOR,
            "weight": 3 if f["properties"]["_hi"] else 0.8,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=keys, aliases=[escape(a) for a in labels],
                                      sticky=True, labels=True),
    ).add_to(m)
    Legend(legend_html(title, unit, classes, bool(np.isnan(vals).any()), note,
                       decimals, grey_label)).add_to(m)
    if names is not None:
        Labels(fitting_labels(areas, names, size_px)).add_to(m)
    return m


# ------------------------------------------------------------------ labels

LABEL_CSS = (".peta-label{background:none;border:none;white-space:nowrap;text-align:center;"
             "font:600 11px/1.2 sans-serif;color:#111;pointer-events:none;"
             "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}")
CHAR_PX = 6.6  # mean width of a character at the label's font, px


def fitting_labels(areas: gpd.GeoDataFrame, names: pd.Series | Mapping[str, str],
                   size_px: tuple[int, int] = (900, 620)) -> list[tuple[float, float, str]]:
    """(lat, lon, name) for the areas whose name fits inside them when the map shows all of
    ``areas`` at ``size_px``: the name's width must fit in the area's width at the label point
    and the area must be at least two lines tall. Remembered per set of geometry objects,
    names and size (the same on every filter change)."""
    geoms = areas.geometry.to_numpy()
    name_of = names if isinstance(names, Mapping) else dict(zip(names.index.tolist(),
                                                                 names.tolist()))
    texts = [name_of.get(code) for code in areas["kode"].tolist()]
    key = (tuple(map(id, geoms)), tuple(map(str, texts)), tuple(size_px))
    hit = _LABELS.get(key)
    if hit is None:
        if len(_LABELS) >= 16:
            _LABELS.clear()
        hit = _LABELS[key] = (geoms, _fitting(areas, geoms, texts, size_px))
    return hit[1]


_LABELS: dict[tuple, tuple[np.ndarray, list]] = {}  # geometry objects kept: ids stay theirs


def _fitting(areas: gpd.GeoDataFrame, geoms: np.ndarray, texts: list,
             size_px: tuple[int, int]) -> list[tuple[float, float, str]]:
    minx, miny, maxx, maxy = areas.total_bounds
    width_px, height_px = size_px
    deg_per_px = max((maxx - minx) / width_px, (maxy - miny) / height_px, 1e-9)
    known = np.array([g is not None and t is not None and not pd.isna(t)
                      for g, t in zip(geoms, texts)], dtype=bool)
    text_px = np.array([CHAR_PX * len(str(t)) + 6 for t in texts])
    x0, y0, x1, y1 = shapely.bounds(np.where(known, geoms, None)).T
    # only areas wide and tall enough in their bounds can hold their name (a province's
    # desa mostly cannot): the rest are not measured
    maybe = np.flatnonzero(known & ((x1 - x0) / deg_per_px >= text_px)
                           & ((y1 - y0) / deg_per_px >= 30))
    out = []
    points = shapely.point_on_surface(geoms[maybe])
    for i, point in zip(maybe, points):
        if point is None or point.is_empty:
            continue
        # width of the area along the label's row
        row = geoms[i].intersection(shapely.box(x0[i], point.y - 1e-9, x1[i], point.y + 1e-9))
        row_width = (row.bounds[2] - row.bounds[0]) if not row.is_empty else 0.0
        if row_width / deg_per_px >= text_px[i]:
            out.append((round(point.y, 6), round(point.x, 6), str(texts[i])))
    return out


class Labels(MacroElement):
    """Names drawn on the map (not interactive). Text is escaped in Python before it becomes
    HTML in the browser."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.data_json }}.forEach(function (d) {
            L.marker([d[0], d[1]], {interactive: false, keyboard: false,
                icon: L.divIcon({className: "peta-label", html: d[2], iconSize: null})
            }).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, labels: list[tuple[float, float, str]]) -> None:
        super().__init__()
        self._name = "Labels"
        self.css = LABEL_CSS
        self.data_json = json.dumps([[lat, lon, escape(text)] for lat, lon, text in labels])


# ------------------------------------------------------------------ household points

def grid_clusters(lon: np.ndarray, lat: np.ndarray, hit: np.ndarray,
                  bounds: tuple[float, float, float, float], cells: int = 24,
                  k: int | None = None) -> pd.DataFrame:
    """Households grouped in a ``cells`` × ``cells`` grid over ``bounds``: one row per cell
    holding at least ``k`` households (``PETA_SMALL_COUNT``, :func:`geo.suppression.k`), at the
    cell's centre (``lon``, ``lat``), with ``n`` households and ``hits`` among them.

    Server-side clustering: no marker-cluster plugin (it would load from a CDN). A cell of fewer
    than k households is not drawn at all, and no position is a household's own (nor the mean
    of a few): only the grid's cell centres leave the server.
    """
    k = k or small_count()
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat, hit = lon[ok], lat[ok], np.asarray(hit, dtype=bool)[ok]
    empty = pd.DataFrame({"lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float),
                          "n": pd.Series(dtype=int), "hits": pd.Series(dtype=int)})
    if not len(lon):
        return empty
    minx, miny, maxx, maxy = bounds
    dx = max((maxx - minx) / cells, 1e-9)
    dy = max((maxy - miny) / cells, 1e-9)
    ix = np.clip(((lon - minx) / dx).astype(int), 0, cells - 1)
    iy = np.clip(((lat - miny) / dy).astype(int), 0, cells - 1)
    key = iy * cells + ix
    uniq, inverse = np.unique(key, return_inverse=True)
    n = np.bincount(inverse)
    big = n >= k
    return pd.DataFrame({
        "lon": minx + (uniq[big] % cells + 0.5) * dx,
        "lat": miny + (uniq[big] // cells + 0.5) * dy,
        "n": n[big],
        "hits": np.bincount(inverse, weights=hit).astype(int)[big],
    })


HIDDEN_SHARE_OPACITY = 0.5  # a cell whose count is hidden: one shade, whatever the count


def add_point_clusters(m: folium.Map, clusters: pd.DataFrame, what: str,
                       color: str = "#08519c") -> folium.FeatureGroup:
    """Circles sized by household count; the tooltip says how many and how many count for
    ``what`` (the indicator's label), a count under k as ``< k`` and, so that the shown cells
    do not add up to the kelurahan's count less a small one, one more as "–" (as any column
    of counts, :func:`geo.suppression.protected_texts`). The shade tells the share only where
    the count is shown (an exact share × the cell's households would be the count). No name,
    NIK or address."""
    group = folium.FeatureGroup(name="Rumah tangga (dikelompokkan)")
    hits = protected_texts(pd.DataFrame({"hits": clusters["hits"].to_numpy(dtype=float)}))
    texts = hits["hits"].tolist()
    secret = hidden_cells(hits["hits"])
    for row, text, hidden in zip(clusters.itertuples(index=False), texts, secret):
        share = row.hits / row.n if row.n else 0.0
        folium.CircleMarker(
            location=[round(row.lat, 6), round(row.lon, 6)],
            radius=float(min(4 + 2.2 * np.sqrt(row.n), 22)),
            color="#ffffff", weight=1, fill=True, fill_color=color,
            fill_opacity=HIDDEN_SHARE_OPACITY if hidden else round(0.35 + 0.6 * share, 3),
            tooltip=folium.Tooltip(escape(f"{count_text(row.n)} rumah tangga · {text} {what}")),
        ).add_to(group)
    group.add_to(m)
    return group
