"""The map explorer in Chromium on a live `streamlit run`: switch indicator and level, read the
legend and count the polygons; a kelurahan named like an HTML payload shows as text; nothing
is requested from outside the machine; the areas' geometry is fetched once per set of areas."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from geo import store
from tests.browser import launch, map_frame, streamlit_server, tracked_page
from tests.map_fixtures import write_city

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def city_url(tmp_path_factory) -> tuple[str, dict]:
    folder: Path = tmp_path_factory.mktemp("browser_map")
    url = f"sqlite:///{folder / 'map.sqlite'}"
    engine = store.get_engine(url)
    from tests.map_fixtures import city_regions

    regions, _ = city_regions()
    kel = regions[regions["level"] == "kelurahan"]
    # rename the largest kelurahan, so its name fits as a label too
    target = kel.loc[kel["area_km2"].idxmax(), "kode"]
    hh = write_city(engine, n=3_000, rename={target: PAYLOAD})
    counts = {level: int((regions["level"] == level).sum()) for level in ("kelurahan",
                                                                           "kecamatan", "kota")}
    engine.dispose()
    per_kecamatan = kel["kode"].str[:8].value_counts().to_dict()
    return url, {"target": target, "counts": counts, "households": len(hh),
                 "per_kecamatan": per_kecamatan}


def wait_for(predicate, timeout_s: float = 60, what: str = "") -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.4)
    raise AssertionError(f"timed out waiting for {what}")


def polygons(page) -> int:  # noqa: ANN001
    _frame, n = map_frame(page)
    return n


def href(page) -> str:  # noqa: ANN001
    """The address bar now (``page.url`` can lag behind history.replaceState)."""
    return page.evaluate("location.href")


def legend(page) -> str:  # noqa: ANN001
    frame, _ = map_frame(page)
    return frame.locator(".peta-legend").inner_text(timeout=10_000)


def test_switch_indicator_and_level_and_escape_names_offline(city_url):
    from playwright.sync_api import sync_playwright

    db_url, info = city_url
    dialogs: list[str] = []
    with streamlit_server(db_url) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        geometry: list[str] = []  # the published area geometry the maps fetch
        page.on("request", lambda r: geometry.append(r.url) if "/app/static/peta/" in r.url
                else None)
        page.goto(url, wait_until="domcontentloaded")

        # default: poverty share per kelurahan
        assert polygons(page) == info["counts"]["kelurahan"]
        text = legend(page)
        assert "Rumah tangga miskin" in text and "% rumah tangga" in text
        assert "per kelurahan" in text
        fills = map_frame(page)[0].locator("path.leaflet-interactive").evaluate_all(
            "ps => ps.map(p => p.getAttribute('fill'))")
        # each area in its class's colour (the styles come by index); none in Leaflet's blue
        assert len(set(fills)) > 2 and None not in fills and "#3388ff" not in fills, fills

        # switch the indicator in its select box
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Indikator").first
        box.locator("input").click()
        page.keyboard.type("Sanitasi tidak")
        page.keyboard.press("Enter")
        wait_for(lambda: "Sanitasi tidak layak" in legend(page), what="the sanitation legend")

        # switch the level: one polygon per kecamatan, then the city
        levels = page.locator('[data-testid="stRadio"]').filter(has_text="Tingkat wilayah")
        levels.get_by_text("Kecamatan", exact=True).click()
        wait_for(lambda: polygons(page) == info["counts"]["kecamatan"]
                 and "per kecamatan" in legend(page), what="kecamatan polygons")
        assert "Sanitasi tidak layak" in legend(page)
        levels.get_by_text("Kota", exact=True).click()
        wait_for(lambda: polygons(page) == info["counts"]["kota"], what="one city polygon")
        assert "tingkat=kota" in href(page) and "indikator=sanitasi_tidak_layak" in href(page)

        # a click on a kecamatan chooses it: its kelurahan are shown, the link says so
        levels.get_by_text("Kecamatan", exact=True).click()
        wait_for(lambda: polygons(page) == info["counts"]["kecamatan"], what="kecamatan again")
        frame, _ = map_frame(page)
        # a click event on the polygon itself (its box centre may lie outside a concave shape)
        frame.locator("path.leaflet-interactive").first.dispatch_event("click")
        wait_for(lambda: "kec=" in href(page) and polygons(page) < info["counts"]["kelurahan"]
                 and "per kelurahan" in legend(page), what="the clicked kecamatan's kelurahan")
        kec = href(page).split("kec=")[1].split("&")[0]
        assert polygons(page) == info["per_kecamatan"][kec]
        fetched = list(geometry)  # six maps drawn, four sets of areas

        # the hostile name: one kelurahan chosen through the link, label + tooltip as text
        page.goto(f"{url}/?kel={info['target']}", wait_until="domcontentloaded")
        wait_for(lambda: polygons(page) >= 1 and PAYLOAD in map_frame(page)[0].locator(
            ".peta-label").all_inner_texts(), what="the payload drawn as a label")
        frame, _ = map_frame(page)
        box = frame.locator("path.leaflet-interactive").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        wait_for(lambda: frame.locator(".leaflet-tooltip").count() > 0, what="a tooltip")
        tooltip = frame.locator(".leaflet-tooltip").first.inner_text()
        assert frame.locator("img[src='x']").count() == 0
        page_text = page.locator("body").inner_text()
        browser.close()
    assert PAYLOAD in tooltip or "rumah tangga" in tooltip  # a point tooltip may win the hover
    assert PAYLOAD in page_text  # sidebar, summary and table show it as text
    assert dialogs == [], f"a script from data ran: {dialogs}"
    assert external == [], f"requests left the machine: {external[:5]}"
    # each set of areas fetched once; a rerun (another indicator, a level shown again) sends
    # only colours and tooltips
    assert len(fetched) == len(set(fetched)) == 4, fetched
