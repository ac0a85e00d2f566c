"""Map sheets (geo.sheets.map_sheet): paper, text, embedded fonts, and each area coloured as
on the screen's legend, read back from the PDF with poppler."""

from __future__ import annotations

import numpy as np
import pytest
from reportlab.lib.colors import HexColor
from shapely.geometry import Point

from geo import indicators, store
from geo.filters import Filters
from geo.fmt import fmt_period
from geo.maps import NO_DATA_LABEL, classify
from geo.sheets import cartography
from geo.sheets.map_sheet import sheet_for
from geo.suppression import small_count_note
from tests import pdf_tools
from tests.map_fixtures import write_city

DPI = 50


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    engine = store.get_engine(f"sqlite:///{tmp_path_factory.mktemp('sheet') / 'sheet.sqlite'}")
    write_city(engine, n=1500, n_kelurahan=20, n_kecamatan=4)
    yield engine
    engine.dispose()


def _write(tmp_path, sheet, name="sheet.pdf"):
    path = tmp_path / name
    path.write_bytes(sheet.pdf)
    return path


def test_a4_portrait_sheet_holds_title_period_legend_scale_and_embeds_its_fonts(city, tmp_path):
    sheet = sheet_for(city, "miskin", printed_by="uji")
    path = _write(tmp_path, sheet)
    assert pdf_tools.info(path)["Page size"].startswith("595.276 x 841.89")
    text = " ".join(pdf_tools.text(path, layout=False).split())
    assert indicators.get("miskin").label in text
    assert fmt_period("2026-09") in text
    for label in sheet.classes.labels(1):  # "9,9 – 23,1": Indonesian decimals
        assert label in text and "," in label
    assert NO_DATA_LABEL in text
    assert "Skala 1:" in text and " km" in text
    assert indicators.get("miskin").definition in text
    assert "Dicetak oleh uji" in text
    fonts = pdf_tools.fonts(path)
    assert fonts and all(emb == "yes" for _, emb in fonts), fonts


def test_a3_landscape_sheet_of_one_kecamatan(city, tmp_path):
    names = store.region_list(city).set_index("kode")["nama"]
    kec = sorted(k for k in names.index if k.count(".") == 2)[0]
    sheet = sheet_for(city, "rtlh", filters=Filters(kecamatan=(kec,)), paper="A3",
                      landscape=True, printed_by="uji")
    path = _write(tmp_path, sheet)
    assert pdf_tools.info(path)["Page size"].startswith("1190.55 x 841.89")
    text = " ".join(pdf_tools.text(path, layout=False).split())
    assert f"Kecamatan {names[kec]}" in text and "per kelurahan" in text


def test_hidden_small_counts_say_so_on_the_sheet(city, tmp_path):
    text = pdf_tools.text(_write(tmp_path, sheet_for(city, "miskin_ekstrem", hide=True)),
                          layout=False)
    assert small_count_note()[:40] in " ".join(text.split())


@pytest.mark.parametrize(("paper", "landscape"), [("A4", False), ("A3", True)])
def test_areas_are_coloured_as_the_legend_says_for_their_class(city, tmp_path, paper,
                                                               landscape):
    sheet = sheet_for(city, "sanitasi_tidak_layak", paper=paper, landscape=landscape)
    path = _write(tmp_path, sheet)
    image = pdf_tools.render(path, DPI, tmp_path)
    height_pt = image.shape[0] * 72 / DPI
    layout = sheet.layout
    # the screen's classes for the same values
    table, _ = indicators.area_counts(indicators.prepare(
        store.load_households(city, 1)))
    rates = table["sanitasi_tidak_layak_persen"]
    areas = store.load_regions(city, level="kelurahan", display=True)
    values = rates.reindex(areas["kode"]).to_numpy(dtype=float)
    screen = classify(values)
    assert screen == sheet.classes
    expected = screen.color_of(values)
    geoms = cartography.projected(areas)
    checked = 0
    for geom, color in zip(geoms, expected):
        inner = geom.buffer(-6 / layout.k)  # 6 pt inside the border
        if inner.is_empty:
            continue
        spot = _free_point(inner, layout)
        if spot is None:
            continue
        x, y = spot
        px, py = round(x * DPI / 72), round((height_pt - y) * DPI / 72)
        got = image[py, px].astype(int)
        want = np.array([round(255 * v) for v in HexColor(color).rgb()])
        assert np.abs(got - want).max() <= 3, (color, got.tolist())
        checked += 1
    assert checked >= 8
    assert len(set(expected)) >= 3  # several classes seen, not one colour everywhere


def _free_point(inner, layout):
    """A page point inside ``inner`` (projected) away from every label, or None."""
    x0, y0, x1, y1 = inner.bounds
    for fx in np.linspace(0.1, 0.9, 9):
        for fy in np.linspace(0.1, 0.9, 9):
            px, py = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
            if not inner.contains(Point(px, py)):
                continue
            x, y = (float(v[0]) for v in layout.to_page(np.array([px]), np.array([py])))
            if not any(r[0] - 3 <= x <= r[2] + 3 and r[1] - 3 <= y <= r[3] + 3
                       for _, r in layout.labels):
                return x, y
    return None


def test_labels_never_overlap(city):
    sheet = sheet_for(city, "miskin")
    boxes = [r for _, r in sheet.layout.labels]
    assert boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_scale_text_rounds_to_two_significant_digits():
    layout = cartography.MapLayout(box=None, crs=None, minx=0, miny=0, k=72 / 0.0254 / 45321,
                                   x0=0, y0=0)
    assert cartography.scale_text(layout) == "Skala 1:45.000"
    assert cartography.distance_text(500) == "500 m"
    assert cartography.distance_text(2000) == "2 km"
    assert cartography.distance_text(2500) == "2,5 km"
