"""The map page on a phone (390×844, a phone's browser) in Chromium on a live `streamlit run`:
the controls are folded above the map, and the legend does not cover the city."""

from __future__ import annotations

import time

import pytest

from geo import store
from tests.browser import LOCAL_PREFIXES, launch, map_frame, streamlit_server
from tests.map_fixtures import write_city

pytestmark = pytest.mark.browser

PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")

# In the map's frame: the legend's box, the box around every polygon, how much of that box the
# legend covers, and how many polygons have their centre under the legend.
LEGEND_OVER_CITY = """() => {
    const legend = document.querySelector('.peta-legend').getBoundingClientRect();
    const boxes = [...document.querySelectorAll('path.leaflet-interactive')]
        .map(p => p.getBoundingClientRect());
    const x0 = Math.min(...boxes.map(r => r.left)), y0 = Math.min(...boxes.map(r => r.top));
    const x1 = Math.max(...boxes.map(r => r.right)), y1 = Math.max(...boxes.map(r => r.bottom));
    const ix = Math.max(0, Math.min(x1, legend.right) - Math.max(x0, legend.left));
    const iy = Math.max(0, Math.min(y1, legend.bottom) - Math.max(y0, legend.top));
    const under = boxes.filter(r => {
        const cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
        return cx >= legend.left && cx <= legend.right && cy >= legend.top && cy <= legend.bottom;
    }).length;
    return {share: ix * iy / ((x1 - x0) * (y1 - y0)), under: under, polygons: boxes.length,
            legendWidth: legend.width, mapWidth: window.innerWidth};
}"""


@pytest.fixture(scope="module")
def city_url(tmp_path_factory) -> str:  # noqa: ANN001
    path = tmp_path_factory.mktemp("browser_phone") / "city.sqlite"
    engine = store.get_engine(f"sqlite:///{path}")
    write_city(engine, n=3_000)
    engine.dispose()
    return f"sqlite:///{path}"


def test_phone_map_controls_folded_above_and_legend_off_the_city(city_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with streamlit_server(city_url) as url, sync_playwright() as p:
        browser = launch(p)
        external: list[str] = []
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, user_agent=PHONE_AGENT)
        ctx.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES)
               else external.append(r.url))
        page = ctx.new_page()
        page.goto(url, wait_until="domcontentloaded")
        frame, polygons = map_frame(page)
        time.sleep(2)  # the map settles at its zoom

        # the controls: one folded line above the map, opened with a tap
        folded = page.locator('[data-testid="stExpander"]').filter(has_text="Pilihan peta")
        assert folded.count() == 1
        assert not page.get_by_text("Tingkat wilayah").is_visible()
        map_box = frame.frame_element().bounding_box()
        assert folded.bounding_box()["y"] + folded.bounding_box()["height"] <= map_box["y"]
        assert map_box["width"] <= 390

        frame.frame_element().scroll_into_view_if_needed()
        time.sleep(1)
        page.screenshot(path=str(tmp_path / "phone_map.png"))
        seen = frame.evaluate(LEGEND_OVER_CITY)
        assert seen["polygons"] == polygons
        assert seen["legendWidth"] <= 0.5 * seen["mapWidth"], seen  # the small phone legend
        assert seen["share"] < 0.15, seen  # a corner of the city's box at most
        assert seen["under"] <= 0.05 * polygons, seen  # no area hidden under it

        folded.locator("summary").click()
        page.get_by_text("Tingkat wilayah").wait_for(timeout=30_000)
        assert not external, external
        browser.close()
