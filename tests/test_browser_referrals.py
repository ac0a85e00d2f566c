"""The Rujukan SLRT page in Chromium on a live `streamlit run` of the demo city: the referral
map draws its kelurahan, the service points layer draws its points with their key, the backlog
table names the OPD with the backlog; nothing is requested from outside the machine."""

from __future__ import annotations

import time

import pytest

from tests.browser import launch, map_frame, streamlit_server, tracked_page

pytestmark = pytest.mark.browser


def settle(page, seconds: float = 1.5) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not page.locator('[data-testid="stStatusWidget"]').is_visible():
            break
        time.sleep(0.3)
    time.sleep(seconds)


def test_referral_map_points_layer_and_backlog(demo_db_url):
    from playwright.sync_api import sync_playwright

    with streamlit_server(demo_db_url) as base, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.goto(f"{base}/rujukan")
        frame, polygons = map_frame(page)
        assert polygons == 44
        assert "Rujukan per 1.000 rumah tangga" in frame.locator(".peta-legend").inner_text()
        page.get_by_text("Tampilkan titik layanan (Puskesos, SLRT, puskesmas, …)").click()
        settle(page)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            frame, polygons = map_frame(page)
            if polygons > 44:
                break
            time.sleep(0.5)
        assert polygons > 44  # the points are circles on top of the kelurahan
        assert "Puskesos" in frame.locator(".peta-titik").inner_text()
        page.get_by_text("Backlog per OPD", exact=True).click()
        settle(page)
        assert page.get_by_text("Rujukan terbuka per OPD / lembaga tujuan").is_visible()
        assert not page.locator('[data-testid="stException"]').count()
        assert external == []
        browser.close()
