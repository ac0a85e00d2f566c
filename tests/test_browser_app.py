"""The real thing: `streamlit run`, headless Chromium, the choropleth drawn with no internet."""

from __future__ import annotations

import pytest

from tests.browser import LOCAL_PREFIXES, launch, map_frame, streamlit_server

pytestmark = pytest.mark.browser


def test_choropleth_is_drawn_offline_with_its_legend(demo_db_url):
    from playwright.sync_api import sync_playwright

    external: list[str] = []
    with streamlit_server(demo_db_url) as url, sync_playwright() as p:
        browser = launch(p)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES)
               else external.append(r.url))
        page = ctx.new_page()
        page.goto(url, wait_until="domcontentloaded")
        frame, polygons = map_frame(page)
        legend = frame.locator(".peta-legend").inner_text(timeout=10_000)
        browser.close()
    assert polygons >= 40  # one per kelurahan of the demo city
    assert "miskin" in legend.lower() and "%" in legend
    assert external == [], f"requests left the machine: {external[:5]}"
