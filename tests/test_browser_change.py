"""The change modes of the map page in Chromium on a live `streamlit run`: the change map and
the two periods side by side are drawn, zooming one side zooms the other, and nothing is
requested from outside the machine (folium's DualMap would fetch Leaflet.Sync from a CDN)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geo import store
from tests.browser import launch, map_frame, streamlit_server, tracked_page
from tests.map_fixtures import write_city
from tests.test_browser_map import wait_for

pytestmark = pytest.mark.browser

N_KEL = 12

ZOOMS = """() => Object.keys(window).filter(k => k.startsWith("map_") && window[k]
    && typeof window[k].getZoom === "function").map(k => window[k].getZoom())"""


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory) -> str:
    folder: Path = tmp_path_factory.mktemp("browser_change")
    url = f"sqlite:///{folder / 'change.sqlite'}"
    engine = store.get_engine(url)
    first = write_city(engine, n=2_000, n_kelurahan=N_KEL, n_kecamatan=3, period="2026-03")
    later = first.drop(columns=["row_number"]).copy()
    rng = np.random.default_rng(2)
    later.loc[rng.random(len(later)) < 0.25, "desil"] = 7
    later.loc[later["region_code"] == later["region_code"].iloc[0], "desil"] = np.nan
    write_city(engine, n=2_000, n_kelurahan=N_KEL, n_kecamatan=3, period="2026-09",
               households=later)
    engine.dispose()
    return url


def _frames_with_polygons(page) -> list:  # noqa: ANN001
    out = []
    for frame in page.frames:
        try:
            n = frame.locator("path.leaflet-interactive").count()
        except Exception:
            continue
        if n:
            out.append((frame, n))
    return out


def test_change_map_and_side_by_side_are_drawn_offline_and_zoom_together(two_periods):
    from playwright.sync_api import sync_playwright

    with streamlit_server(two_periods) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.goto(f"{url}/?mode=banding", wait_until="domcontentloaded")
        map_frame(page)
        wait_for(lambda: sorted(n for _, n in _frames_with_polygons(page)) == [N_KEL, 2 * N_KEL],
                 timeout_s=90, what="the change map and the two maps side by side")
        frames = dict((n, f) for f, n in _frames_with_polygons(page))
        change, dual = frames[N_KEL], frames[2 * N_KEL]
        legend = change.locator(".peta-legend").inner_text()
        assert "Perubahan" in legend and "poin persen" in legend and "Tidak ada data" in legend
        before = dual.evaluate(ZOOMS)
        assert len(before) == 2 and before[0] == before[1]

        def side_by_side():  # noqa: ANN202  (found again: a rerun may redraw its iframe)
            return dict((n, f) for f, n in _frames_with_polygons(page))[2 * N_KEL]

        def zoomed_in() -> bool:
            maps = side_by_side()
            if maps.evaluate(ZOOMS)[0] > before[0]:
                return True
            maps.locator(".leaflet-control-zoom-in").first.click(timeout=5_000)
            return False

        wait_for(zoomed_in, what="the left map zoomed")
        wait_for(lambda: len(set(side_by_side().evaluate(ZOOMS))) == 1,
                 what="the right map followed")
        text = page.locator("body").inner_text()
        browser.close()
    assert "Paling membaik" in text and "Berdampingan" in text
    assert external == [], f"requests left the machine: {external[:5]}"
