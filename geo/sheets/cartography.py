"""Maps on paper: areas as vector paths in a projected (metric) frame, labels that do not
collide, the legend of the screen's classes, a scale bar and a north arrow."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from reportlab.lib.colors import HexColor, black, white
from shapely.geometry import MultiPolygon, Polygon

from geo.fmt import fmt_int
from geo.maps import BORDER_COLOR, NO_DATA_COLOR, NO_DATA_LABEL, Classes
from geo.sheets.pdf import INK, MUTED, Box, Sheet, text_width

PT_PER_M = 72 / 0.0254  # points per metre of paper


@dataclass
class MapLayout:
    """Where the map landed: projected metres → page points (``x = x0 + (X - minx) * k``)."""

    box: Box
    crs: object
    minx: float
    miny: float
    k: float  # page points per projected metre
    x0: float
    y0: float
    labels: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)

    def to_page(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.x0 + (np.asarray(xs) - self.minx) * self.k, \
            self.y0 + (np.asarray(ys) - self.miny) * self.k

    def lonlat_to_page(self, lon: float, lat: float) -> tuple[float, float]:
        point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(self.crs)
        x, y = self.to_page(point.x.to_numpy(), point.y.to_numpy())
        return float(x[0]), float(y[0])

    @property
    def scale_denominator(self) -> float:
        """The map's scale 1 : N on paper."""
        return PT_PER_M / self.k


def projected(areas: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The areas' geometry in their UTM zone (metres), so shapes, labels and the scale bar
    are true on paper."""
    crs = areas.estimate_utm_crs() if areas.crs and areas.crs.is_geographic else areas.crs
    return areas.geometry.to_crs(crs)


def fit(geoms: gpd.GeoSeries, box: Box, pad: float = 6) -> MapLayout:
    minx, miny, maxx, maxy = geoms.total_bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    k = min((box.width - 2 * pad) / w, (box.height - 2 * pad) / h)
    x0 = box.x0 + (box.width - w * k) / 2
    y0 = box.y0 + (box.height - h * k) / 2
    return MapLayout(box, geoms.crs, minx, miny, k, x0, y0)


def _rings(geom: object) -> list[np.ndarray]:
    polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom] if isinstance(
        geom, Polygon) else []
    out = []
    for poly in polys:
        out.append(np.asarray(poly.exterior.coords))
        out.extend(np.asarray(r.coords) for r in poly.interiors)
    return out


def draw_areas(sheet: Sheet, box: Box, areas: gpd.GeoDataFrame, fills: list[str],
               names: pd.Series | None = None, highlight: set[str] | None = None,
               label_size: float = 6.5, border: str = BORDER_COLOR,
               layout: MapLayout | None = None) -> MapLayout:
    """Fill each area of ``areas`` (with ``kode``) with its colour as a vector path inside
    ``box``; outline ``highlight`` codes heavily; write ``names`` (by kode) where they fit.

    Labels are placed greedily, largest area first, at each area's representative point; a
    label whose box would overlap one already placed, or leave the map box, is skipped."""
    geoms = projected(areas)
    layout = layout or fit(geoms, box)
    c = sheet.canvas
    c.saveState()
    path = c.beginPath()
    path.rect(box.x0, box.y0, box.width, box.height)
    c.clipPath(path, stroke=0, fill=0)
    c.setLineJoin(1)
    codes = areas["kode"].tolist()
    for geom, color in zip(geoms, fills):
        rings = _rings(geom)
        if not rings:
            continue
        p = c.beginPath()
        for ring in rings:
            xs, ys = layout.to_page(ring[:, 0], ring[:, 1])
            p.moveTo(xs[0], ys[0])
            for x, y in zip(xs[1:], ys[1:]):
                p.lineTo(x, y)
            p.close()
        c.setFillColor(HexColor(color))
        c.setStrokeColor(HexColor(border))
        c.setLineWidth(0.5)
        c.drawPath(p, stroke=1, fill=1, fillMode=1)  # even-odd: holes stay holes
    if highlight:
        for geom, code in zip(geoms, codes):
            if code not in highlight:
                continue
            p = c.beginPath()
            for ring in _rings(geom):
                xs, ys = layout.to_page(ring[:, 0], ring[:, 1])
                p.moveTo(xs[0], ys[0])
                for x, y in zip(xs[1:], ys[1:]):
                    p.lineTo(x, y)
                p.close()
            c.setStrokeColor(black)
            c.setLineWidth(1.8)
            c.drawPath(p, stroke=1, fill=0)
    if names is not None:
        layout.labels = _place_labels(sheet, layout, geoms, codes, names, label_size)
    c.restoreState()
    return layout


def _place_labels(sheet: Sheet, layout: MapLayout, geoms: gpd.GeoSeries, codes: list[str],
                  names: pd.Series, size: float
                  ) -> list[tuple[str, tuple[float, float, float, float]]]:
    points = geoms.representative_point()
    order = np.argsort(-geoms.area.to_numpy(), kind="stable")
    placed: list[tuple[str, tuple[float, float, float, float]]] = []
    box = layout.box
    c = sheet.canvas
    for i in order:
        name = names.get(codes[i])
        if name is None or (isinstance(name, float) and math.isnan(name)) or not str(name):
            continue
        name = str(name)
        px, py = layout.to_page(np.array([points.iloc[i].x]), np.array([points.iloc[i].y]))
        x, y = float(px[0]), float(py[0])
        w = text_width(name, size) + 2
        rect = (x - w / 2, y - size * 0.45, x + w / 2, y + size * 0.85)
        if rect[0] < box.x0 or rect[2] > box.x1 or rect[1] < box.y0 or rect[3] > box.y1:
            continue
        if any(not (rect[2] < r[0] or rect[0] > r[2] or rect[3] < r[1] or rect[1] > r[3])
               for _, r in placed):
            continue
        placed.append((name, rect))
        c.setFillColor(white)
        c.setFillAlpha(0.65)
        c.rect(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1], stroke=0, fill=1)
        c.setFillAlpha(1)
        sheet.text(x, y, name, size, color=INK, align="center")
    return placed


# ------------------------------------------------------------------ legend, scale, north

def draw_legend(sheet: Sheet, x: float, y: float, title: str, unit: str, classes: Classes,
                decimals: int = 1, width: float = 170, no_data: bool = True,
                grey_label: str = NO_DATA_LABEL) -> float:
    """The screen's legend on paper (same class limits and colours, Indonesian numbers), with
    "Tidak ada data" (``grey_label``) in grey; top at ``y``, returns the y below it."""
    y = sheet.paragraph(x, y, width, title, 8.5, bold=True)
    y = sheet.paragraph(x, y, width, unit, 7, color=MUTED) - 3
    rows = list(zip(classes.colors, classes.labels(decimals)))
    if no_data or not classes.breaks:
        rows.append((NO_DATA_COLOR, grey_label))
    for color, label in rows:
        y -= 12
        sheet.swatch(x, y, color)
        sheet.text(x + 20, y + 2, label, 7.5)
    return y - 4


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``metres``."""
    if metres <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(metres))
    return max(m * power for m in (1, 2, 5) if m * power <= metres)


def distance_text(metres: float) -> str:
    return f"{fmt_int(metres / 1000)} km" if metres >= 1000 and metres % 1000 == 0 else (
        f"{metres / 1000:g} km".replace(".", ",") if metres >= 1000 else f"{fmt_int(metres)} m")


def scale_text(layout: MapLayout) -> str:
    """"Skala 1:45.000" (rounded to two significant digits)."""
    n = layout.scale_denominator
    digits = max(0, int(math.floor(math.log10(n))) - 1)
    return f"Skala 1:{fmt_int(round(n / 10 ** digits) * 10 ** digits)}"


def draw_scale_bar(sheet: Sheet, layout: MapLayout, x: float, y: float,
                   max_width: float = 120) -> None:
    """A scale bar of two segments (metres/kilometres) from ``(x, y)`` and the scale ratio."""
    length = nice_length(max_width / layout.k)
    w = length * layout.k
    c = sheet.canvas
    c.setLineWidth(0.5)
    c.setStrokeColor(black)
    for i in range(2):
        c.setFillColor(black if i == 0 else white)
        c.rect(x + i * w / 2, y, w / 2, 3.5, stroke=1, fill=1)
    sheet.text(x, y + 6, "0", 6.5, align="center")
    sheet.text(x + w / 2, y + 6, distance_text(length / 2), 6.5, align="center")
    sheet.text(x + w, y + 6, distance_text(length), 6.5, align="center")
    sheet.text(x, y - 8, scale_text(layout), 6.5, color=MUTED)


def draw_north_arrow(sheet: Sheet, x: float, y: float, size: float = 18) -> None:
    """An arrow pointing up (north: the UTM grid's north is true north to within a degree
    for a city) with "U" (utara) above it; ``(x, y)`` is its foot."""
    c = sheet.canvas
    half = size * 0.32
    p = c.beginPath()
    p.moveTo(x, y + size)
    p.lineTo(x - half, y)
    p.lineTo(x, y + size * 0.28)
    p.close()
    c.setFillColor(black)
    c.setStrokeColor(black)
    c.setLineWidth(0.6)
    c.drawPath(p, stroke=1, fill=1)
    p = c.beginPath()
    p.moveTo(x, y + size)
    p.lineTo(x + half, y)
    p.lineTo(x, y + size * 0.28)
    p.close()
    c.setFillColor(white)
    c.drawPath(p, stroke=1, fill=1)
    sheet.text(x, y + size + 3, "U", 8, bold=True, align="center")


def frame(sheet: Sheet, box: Box) -> None:
    c = sheet.canvas
    c.setStrokeColor(HexColor("#bbbbbb"))
    c.setLineWidth(0.5)
    c.rect(box.x0, box.y0, box.width, box.height, stroke=1, fill=0)

