"""Shared links carry a page's own choices (geo.links, ui.filters.Param), in Chromium on a live
`streamlit run`: a ranking link with custom weights reopens with the same weights and the same
order; a Lintas OPD link reopens on the chosen OPD."""

from __future__ import annotations

import time

import pytest

from geo import store
from tests.browser import launch, map_frame, streamlit_server, tracked_page
from tests.map_fixtures import write_city
from tests.test_browser_access import wait_text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def city_url(tmp_path_factory) -> str:  # noqa: ANN001
    path = tmp_path_factory.mktemp("browser_links") / "city.sqlite"
    engine = store.get_engine(f"sqlite:///{path}")
    write_city(engine, n=3_000)
    engine.dispose()
    return f"sqlite:///{path}"


def top_order(page) -> list[str]:  # noqa: ANN001
    """Kelurahan of the top-N table beside the map, in rank order (its accessible cells:
    Peringkat, Kelurahan, Skor, Perubahan)."""
    cells = page.locator('[data-testid="stDataFrame"]').first.locator("td").all_inner_texts()
    return cells[1::4]


def settled_order(page, differs_from: list[str] | None = None,  # noqa: ANN001
                  timeout_s: float = 60) -> list[str]:
    """The top order once it stops changing (and differs from ``differs_from``)."""
    deadline, last = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        time.sleep(1.5)
        try:
            order = top_order(page)
        except Exception:
            continue
        if order and order == last and order != differs_from:
            return order
        last = order
    raise AssertionError(f"the ranking did not settle (last: {last})")


def set_weight(page, label: str, value: int) -> None:  # noqa: ANN001
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(str(value))
    box.press("Enter")


def weight(page, label: str) -> str:  # noqa: ANN001
    return page.get_by_role("spinbutton", name=label, exact=True).input_value()


def test_a_shared_ranking_link_with_custom_weights_reproduces_the_order(city_url):
    from playwright.sync_api import sync_playwright

    with streamlit_server(city_url) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.goto(f"{url}/prioritas", wait_until="domcontentloaded")
        map_frame(page)
        equal = settled_order(page)
        set_weight(page, "Rumah tangga miskin (desil 1–4)", 0)
        time.sleep(2)
        set_weight(page, "Rumah tidak layak huni (RTLH)", 5)
        custom = settled_order(page, differs_from=equal)
        link = page.evaluate("location.href")
        assert "bobot=" in link

        # the link, opened by someone else (a new browser context: no session state)
        other, external_b = tracked_page(browser)
        other.goto(link, wait_until="domcontentloaded")
        map_frame(other)
        assert settled_order(other) == custom != equal
        assert weight(other, "Rumah tidak layak huni (RTLH)") == "5"
        assert weight(other, "Rumah tangga miskin (desil 1–4)") == "0"
        assert not external and not external_b
        browser.close()


def test_a_shared_lintas_opd_link_opens_on_the_chosen_opd(city_url):
    from playwright.sync_api import sync_playwright

    with streamlit_server(city_url) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.goto(f"{url}/lintas_opd?opd=Disdik&ukuran=persen", wait_until="domcontentloaded")
        frame, _ = map_frame(page)
        wait_text(page, "Satu OPD: peta dan urutan kelurahan")
        legend = frame.locator(".peta-legend").inner_text(timeout=30_000)
        assert "Perlu tindakan Disdik" in legend and "% rumah tangga" in legend
        href = page.evaluate("location.href")
        assert "opd=Disdik" in href and "ukuran=persen" in href
        assert not external
        browser.close()
