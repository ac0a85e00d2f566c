"""The area layer of a map as the browser gets it: compact, and light enough for a province.

``folium.GeoJson`` embeds its data with ``json.dumps`` (a space after every comma) and walks
every coordinate in Python for the map's bounds; at Banten's 1.552 kelurahan/desa that is
4,5 MB of page and 2 s of server time per rerun. :class:`AreaLayer` is a ``folium.GeoJson``
whose geometry is written by GEOS (``shapely.to_geojson``, no spaces), each area's text kept
between reruns (the display geometry of a level is shared and does not change with filters),
and whose bounds are known. A layer still over :data:`LAYER_BUDGET_BYTES` is sent with one
decimal fewer (0,0001° ≈ 11 m): every vertex is rounded alike, so neighbours still share
their edges exactly. Many areas (over :data:`CANVAS_FROM_AREAS`) are drawn on one canvas
(``prefer_canvas``) rather than as thousands of SVG paths, so the page does not freeze.

The geometry does not change with filters, so it is published once as a file the app serves
(:func:`served_geometry`, :mod:`geo.static_files`); the browser fetches it once per page load
and keeps it (:data:`_FETCH_JS`), and each rerun sends only the areas' tooltips and the style
switch. Before that, every filter change at
a province sent 3,9 MB again and ``st_folium`` hashed and dedented it (half of the rerun).
When the folder cannot be written the geometry is embedded as before.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo import static_files
from geo.boundaries.display import DISPLAY_DECIMALS
from geo.leaflet_render import PlainTextElement

# the layer's share of the 4 MB a province's kelurahan map may send to the browser (the style
# switch, labels, legend and the rest of the map's script take the remainder)
LAYER_BUDGET_BYTES = 3_500_000
CANVAS_FROM_AREAS = 300  # more areas than this: Leaflet's canvas renderer
_CACHE_LIMIT = 50_000  # geometry texts kept (areas × decimals), then started afresh
_TEXT: dict[tuple[int, int], tuple[object, str]] = {}


def _geometry_text(geoms: np.ndarray, decimals: int) -> list[str]:
    """GeoJSON text of each geometry at ``decimals``, remembered per geometry object (the
    object is kept with its text, so its id cannot be reused while remembered)."""
    out: list[str | None] = []
    missing = []
    for i, geom in enumerate(geoms):
        hit = _TEXT.get((id(geom), decimals))
        if hit is not None and hit[0] is geom:
            out.append(hit[1])
        else:
            out.append(None)
            missing.append(i)
    if missing:
        if len(_TEXT) + len(missing) > _CACHE_LIMIT:
            _TEXT.clear()
        todo = geoms[missing]
        if decimals < DISPLAY_DECIMALS:
            todo = shapely.transform(todo, lambda xy: np.round(xy, decimals))
        for i, text in zip(missing, shapely.to_geojson(todo)):
            out[i] = text
            _TEXT[(id(geoms[i]), decimals)] = (geoms[i], text)
    return out


def _heads(codes: list[str], props: list[dict] | None) -> list[str]:
    """Each feature's text up to its geometry; without ``props``: id only. Properties whose
    name starts with ``_`` stay on the server (what the style is made from)."""
    if props is None:
        return [f'{{"type":"Feature","id":{json.dumps(c)},"geometry":' for c in codes]
    return [f'{{"type":"Feature","id":{json.dumps(c)},"properties":'
            f'{_shown_json(p)},"geometry":' for c, p in zip(codes, props)]


def _shown_json(p: dict) -> str:
    return json.dumps({k: v for k, v in p.items() if not k.startswith("_")},
                      ensure_ascii=False, separators=(",", ":"))


def _within_budget(heads: list[str], geoms: np.ndarray, budget: int) -> str:
    """The FeatureCollection, one decimal fewer when over ``budget`` bytes."""
    geoms = np.asarray(geoms, dtype=object)

    def collection(texts: list[str]) -> str:
        body = ",".join(f"{h}{t}}}" for h, t in zip(heads, texts))
        # safe inside <script>: no "</" can close it
        return ('{"type":"FeatureCollection","features":[' + body + "]}").replace("</", "<\\/")

    text = collection(_geometry_text(geoms, DISPLAY_DECIMALS))
    if len(text.encode()) > budget:
        text = collection(_geometry_text(geoms, DISPLAY_DECIMALS - 1))
    return text


def layer_json(codes: list[str], props: list[dict], geoms: np.ndarray,
               budget: int = LAYER_BUDGET_BYTES) -> str:
    """The FeatureCollection as compact text (``id`` = kode), one decimal fewer when over
    ``budget`` bytes. Property values must already be escaped (geo.maps.escape); those whose
    name starts with ``_`` stay on the server (what the style is made from)."""
    return _within_budget(_heads(codes, props), geoms, budget)


def geometry_json(codes: list[str], geoms: np.ndarray, budget: int = LAYER_BUDGET_BYTES) -> str:
    """The areas' FeatureCollection without properties (``id`` = kode): what is published once
    and fetched by the browser (the properties come with each rerun, :func:`properties_json`)."""
    return _within_budget(_heads(codes, None), geoms, budget)


Props = Mapping[str, Sequence] | list[dict]
"""Each area's properties, in the codes' order: columns (name → values) or records."""


def properties_json(codes: list[str], props: Props, styles: Mapping | None = None) -> str:
    """The areas' properties as columns, ``{"id": [kode, ...], "p": {name: [value, ...]},
    "k": [name, ...], "s": styles}``, ``_`` properties left out; one ``json.dumps`` for all
    areas (safe in <script>). A property that is each area's kode (the clicked area's ``kode``,
    the tooltip's "Kode") is named in ``k`` rather than sent again. The browser gives each
    feature its row (:class:`_LayerData`); ``styles`` are the layer's style switches
    (:class:`AreaLayer`)."""
    codes = list(codes)
    shown = {c: v for c, v in _columns(props).items() if not str(c).startswith("_")}
    same = [c for c, values in shown.items() if values == codes]
    return _json({"id": codes, "p": {c: v for c, v in shown.items() if c not in same},
                  "k": same, "s": dict(styles or {})})


def _json(value: object) -> str:
    """Compact JSON, safe inside <script> (no ``<`` at all: it only occurs in strings)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _columns(props: Props) -> dict[str, list]:
    if isinstance(props, Mapping):
        return {c: v if isinstance(v, list) else list(v) for c, v in props.items()}
    names = list(dict.fromkeys(k for p in props for k in p))
    return {c: [p.get(c) for p in props] for c in names}


def _records(columns: dict[str, list]) -> list[dict]:
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


_SERVED: dict[tuple, tuple[np.ndarray, str]] = {}  # geometry objects and codes → their URL


def served_geometry(codes: list[str], geoms: np.ndarray,
                    budget: int = LAYER_BUDGET_BYTES) -> str | None:
    """URL of the published :func:`geometry_json` (:func:`geo.static_files.publish`), made once
    per set of geometry objects and codes; None when it cannot be published."""
    geoms = np.asarray(geoms, dtype=object)
    key = (tuple(codes), tuple(map(id, geoms)), budget)
    hit = _SERVED.get(key)
    if hit is not None and static_files.path_of(hit[1]).exists():
        return hit[1]
    url = static_files.publish(geometry_json(codes, geoms, budget))
    if url is not None:
        if len(_SERVED) > 32:
            _SERVED.clear()
        _SERVED[key] = (geoms, url)  # the objects are kept, so their ids are not reused
    return url


# The geometry's text is kept in the page (``window.parent``, the app's page, which outlives the
# map's frame: each rerun draws a new frame), so a filter change fetches nothing and parses the
# kept text; Streamlit's static files carry no caching headers, so the browser's own cache would
# download it again. Each area then gets this rerun's properties (one column each, by kode), and
# the areas are drawn under the layers added after them (points, markers), as when embedded.
_FETCH_JS = """(function () {
var url = __URL__, P = JSON.parse(document.getElementById(__DATA__).textContent), keep;
try { keep = window.parent.petaGeometri = window.parent.petaGeometri || {}; }
catch (e) { keep = {}; }
if (!keep[url] && Object.keys(keep).length >= 8) { for (var k in keep) { delete keep[k]; } }
var text = keep[url] ? Promise.resolve(keep[url]) : fetch(url).then(function (r) {
  if (!r.ok) { throw new Error("geometri peta " + url + ": HTTP " + r.status); }
  return r.text(); });
text.then(function (t) {
  keep[url] = t;
  var g = JSON.parse(t), at = {};
  P.id.forEach(function (k, i) { at[k] = i; });
  g.features.forEach(function (f) { var i = at[f.id], q = {};
    for (var c in P.p) { q[c] = P.p[c][i]; }
    P.k.forEach(function (c) { q[c] = f.id; }); f.properties = q; f.i = i; });
  __STYLES__(__LAYER__, P.s);
  __LAYER__.addData(g); __LAYER__.bringToBack();
});
})();"""

# Each area's style and highlight, as folium's styler asks for them (``<layer>.peta.style``):
# the few distinct styles of each kind, and each area's index into them (``of``, by the area's
# row ``f.i``).
_STYLES_JS = """(function (layer, S) { layer.peta = {};
  Object.keys(S).forEach(function (kind) { var list = S[kind];
    layer.peta[kind] = function (f) { return list[S.of[f.i]]; }; }); })"""


_PUBLISHED = re.compile(
    r'var url = ("[^"]+"), P = JSON\.parse\(document\.getElementById\(("[^"]+")\)')
_DATA = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)


def published_layers(page: str) -> list[tuple[str, dict]]:
    """(URL of the published geometry, this rerun's property columns) of each area layer in a
    map's rendered page (its HTML and script): what the browser joins (for tests and benches;
    read back from :data:`_FETCH_JS` and :meth:`_LayerData.data_html` as written)."""
    data = dict(_DATA.findall(page))
    out = []
    for url, name in _PUBLISHED.findall(page):
        columns = json.loads(data[json.loads(name)])
        columns["p"].update({c: list(columns["id"]) for c in columns["k"]})  # as joined
        out.append((json.loads(url), columns))
    return out


_EMBEDDED = re.compile(r'var g = (\{"type":"FeatureCollection".*?\});\n', re.S)


def embedded_layers(script: str) -> list[list[dict]]:
    """The features of each area layer a map's rendered script embeds (the geometry could not
    be published), as the browser adds them (for tests)."""
    return [json.loads(text)["features"] for text in _EMBEDDED.findall(script)]


class _LayerData(MacroElement):
    """Adds the areas to its parent :class:`AreaLayer` in the browser: fetched from ``url``
    (the geometry, cached by the browser) with ``props`` from this rerun, or embedded whole
    (``text``) when the geometry could not be published. ``st_folium`` renders the script
    macro of each element; the page's own render adds the same text to the root's script.

    The properties travel in the map's HTML (a JSON ``<script>`` element the script reads),
    not in its script: ``st_folium`` dedents, searches and hashes the script on every rerun,
    which at thousands of areas took a fifth of the rerun. The script carries a digest of
    them (:meth:`_data_id`), so a rerun with other numbers is still a new map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.script() }}
        {% endmacro %}
    """)

    def __init__(self, text: str = "", url: str | None = None, props: str = "",
                 styles: str = "{}") -> None:
        super().__init__()
        self._name = "AreaLayerData"
        self.text, self.url, self.props, self.styles = text, url, props, styles
        self._digest: str | None = None

    def script(self) -> str:
        layer = self._parent.get_name()
        if self.url is None:
            return (f"(function () {{ var g = {self.text};\n"
                    f"g.features.forEach(function (f, i) {{ f.i = i; }});\n"
                    f"{_STYLES_JS}({layer}, {self.styles});\n{layer}.addData(g); }})();")
        return (_FETCH_JS.replace("__URL__", json.dumps(self.url))
                .replace("__DATA__", json.dumps(self._data_id()))
                .replace("__STYLES__", _STYLES_JS).replace("__LAYER__", layer))

    def _data_id(self) -> str:
        """Named by content (``st_folium`` renames the elements between rendering the HTML
        and the script, so not by the element's name); the script changes with the data."""
        if self._digest is None:
            self._digest = hashlib.blake2b(self.props.encode(), digest_size=12).hexdigest()
        return f"peta-data-{self._digest}"

    def data_html(self) -> str:
        """The properties as a JSON element of the map's HTML (``props`` holds no ``<``)."""
        return f'<script type="application/json" id="{self._data_id()}">{self.props}</script>'

    def render(self, **kwargs: object) -> None:
        """As MacroElement's, without compiling megabytes of data as a Jinja template."""
        root = self.get_root()
        if self.url is not None:
            root.html.add_child(PlainTextElement(self.data_html()), name=self._data_id())
        root.script.add_child(PlainTextElement(self.script()), name=self.get_name())


def style_groups(props: Props) -> tuple[list[dict], list[int]]:
    """The distinct sets of ``_`` properties (all a style is made from: the fill class, the
    highlight flag), each as a feature for a style function, and each area's index into them:
    the style functions run once per set rather than once per area."""
    columns = _columns(props)
    hidden = [c for c in columns if str(c).startswith("_")]
    rows = len(next(iter(columns.values()))) if columns else 0
    keys = zip(*(columns[c] for c in hidden)) if hidden else [()] * rows
    index: dict[tuple, int] = {}
    of = [index.setdefault(key, len(index)) for key in keys]
    return [{"type": "Feature", "properties": dict(zip(hidden, key))} for key in index], of


class AreaLayer(folium.GeoJson):
    """``folium.GeoJson`` of areas with the compact data of :func:`layer_json`.

    The styles are made here from the properties (:func:`style_groups`) and sent as a few
    distinct styles with each area's index into them, which folium's styler reads; folium's
    own style map is a ``switch`` with a case per area, rendered by Jinja one id at a time
    (two thirds of a province's rerun). A style every area shares is folium's ``default``.
    The layer itself embeds one property-only stub feature (a feature without geometry,
    which Leaflet skips, so the tooltip finds its fields), and the data comes from
    :class:`_LayerData`. ``id`` is the kode.
    """

    def __init__(self, codes: list[str], props: Props, geoms: np.ndarray,
                 bounds: tuple[float, float, float, float], served: bool = True,
                 **kwargs: object) -> None:
        """``props``: each area's properties (:data:`Props`, in ``codes``' order)."""
        props = _columns(props)
        first = {c: values[0] for c, values in props.items()} if codes else {}
        stub = {"type": "Feature", "id": "", "properties": first, "geometry": None}
        super().__init__({"type": "FeatureCollection", "features": [stub]}, **kwargs)
        features, of = style_groups(props) if codes else ([], [])
        switches: dict[str, list] = {}
        for kind, wanted, function in (("style", self.style, self.style_function),
                                       ("highlight", self.highlight, self.highlight_function)):
            if not (codes and wanted):
                continue
            styles = [function(f) for f in features]
            keys = {folium.features.GeoJsonStyleMapper._to_key(style) for style in styles}
            if len(keys) == 1:  # the same for every area
                default = keys.pop()
            else:
                default = f"{self.get_name()}.peta.{kind}(feature)"
                switches[kind] = styles
            setattr(self, f"{kind}_map", {"default": default})
        if switches:
            switches["of"] = of
        self._bounds = bounds
        url = served_geometry(codes, geoms) if served else None
        if url is None:
            self.add_child(_LayerData(text=layer_json(codes, _records(props), geoms),
                                      styles=_json(switches)))
        else:
            self.add_child(_LayerData(url=url, props=properties_json(codes, props, switches)))

    def _get_self_bounds(self) -> list[list[float]]:
        minx, miny, maxx, maxy = self._bounds
        return [[miny, minx], [maxy, maxx]]

    def render(self, **kwargs: object) -> None:
        """folium's render without making the style maps again (from the stub)."""
        self.parent_map = folium.utilities.get_obj_in_upper_tree(self, folium.Map)
        folium.map.Layer.render(self, **kwargs)
