"""The Ringkasan page in Chromium on a live `streamlit run`: at 1366×768 it fits the screen
(the element Streamlit scrolls does not scroll), shows the indicator table's numbers, requests
nothing from outside the machine; leadership (pimpinan) lands on it after logging in."""

from __future__ import annotations

import time

import pytest

from geo import store
from geo.fmt import fmt_int, fmt_pct
from geo.indicator_table import indicator_table
from tests.access_fixtures import real_city
from tests.browser import LOCAL_PREFIXES, launch, map_frame, streamlit_server
from tests.map_fixtures import write_city
from tests.test_browser_access import log_in, wait_text

pytestmark = pytest.mark.browser

SCROLL = """() => {
    const main = document.querySelector('[data-testid="stMain"]')
        || document.querySelector('section.main');
    return {main: main.scrollHeight, mainView: main.clientHeight,
            doc: document.documentElement.scrollHeight, view: window.innerHeight};
}"""


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory) -> str:  # noqa: ANN001
    path = tmp_path_factory.mktemp("browser_overview") / "city.sqlite"
    engine = store.get_engine(f"sqlite:///{path}")
    write_city(engine, n=1_800, period="2026-08")
    write_city(engine, n=2_400, period="2026-09")
    engine.dispose()
    return f"sqlite:///{path}"


def screen(browser, width: int = 1366, height: int = 768):  # noqa: ANN001, ANN201
    external: list[str] = []
    ctx = browser.new_context(viewport={"width": width, "height": height})
    ctx.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES)
           else external.append(r.url))
    return ctx.new_page(), external


def metric_values(page) -> list[str]:  # noqa: ANN001
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def test_overview_fits_1366x768_shows_the_tables_numbers_offline(two_periods):
    from playwright.sync_api import sync_playwright

    engine = store.get_engine(two_periods)
    kota = indicator_table(engine, "2026-09", "kota")[0].iloc[0]
    engine.dispose()
    with streamlit_server(two_periods) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = screen(browser)
        page.goto(f"{url}/ringkasan", wait_until="domcontentloaded")
        _frame, polygons = map_frame(page)
        assert polygons == 44  # one map: the kelurahan of the city
        wait_text(page, "Kesenjangan cakupan terbesar")
        time.sleep(2)  # the last elements settle
        values = metric_values(page)
        assert values[:3] == [fmt_int(kota["rumah_tangga"]), fmt_pct(kota["miskin_persen"]),
                              fmt_pct(kota["miskin_ekstrem_persen"])]
        assert "perubahan dibanding Agustus 2026" in page.locator(
            '[data-testid="stMain"]').inner_text()
        size = page.evaluate(SCROLL)
        assert size["main"] <= size["mainView"] + 1, size  # nothing to scroll in the page
        assert size["doc"] <= size["view"] + 1, size
        assert not external, external
        browser.close()


def test_leadership_lands_on_the_overview(tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "real.sqlite"
    real_city(path)
    with streamlit_server(f"sqlite:///{path}") as url, sync_playwright() as p:
        browser = launch(p)
        page, external = screen(browser)
        page.goto(url, wait_until="domcontentloaded")
        log_in(page, "pimpinan")
        wait_text(page, "Kesenjangan cakupan terbesar")
        assert page.locator("h1").first.inner_text() == "Ringkasan"
        assert "belum ada periode sebelumnya" in page.locator(
            '[data-testid="stMain"]').inner_text()
        assert not external, external
        browser.close()
