"""The map page's printed sheets in Chromium on a live `streamlit run`: the PDF downloaded for
the view on screen has the screen's legend, the paper asked for, and the kartu button gives one
page per kelurahan of the chosen kecamatan."""

from __future__ import annotations

import re

import pytest

from geo import store
from tests import pdf_tools
from tests.browser import launch, map_frame, streamlit_server, tracked_page
from tests.map_fixtures import write_city

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def city_url(tmp_path_factory) -> tuple[str, str, str, int]:
    folder = tmp_path_factory.mktemp("browser_sheets")
    url = f"sqlite:///{folder / 'sheets.sqlite'}"
    engine = store.get_engine(url)
    write_city(engine, n=2_000, n_kelurahan=14, n_kecamatan=3)
    names = store.region_list(engine)
    engine.dispose()
    kec = names[names["level"] == "kecamatan"].iloc[0]
    n_kel = int((names["kode_induk"] == kec["kode"]).sum())
    return url, kec["kode"], kec["nama"], n_kel


def download(page, label: str, path):  # noqa: ANN001, ANN201
    button = page.get_by_role("button", name=re.compile(re.escape(label)))
    button.scroll_into_view_if_needed(timeout=60_000)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    info.value.save_as(path)
    return info.value.suggested_filename


def test_sheet_and_kartu_downloads_of_the_view_on_screen(city_url, tmp_path):
    from playwright.sync_api import sync_playwright

    db_url, kec, kec_name, n_kel = city_url
    with streamlit_server(db_url) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        # an indicator with no count of 1–4 there: every kelurahan coloured (hidden ones are not)
        page.goto(f"{url}/?indikator=sanitasi_tidak_layak&kec={kec}",
                  wait_until="domcontentloaded")
        frame, _ = map_frame(page)
        screen_legend = frame.locator(".peta-legend").inner_text(timeout=10_000)
        limits = re.findall(r"\d[\d.]*,\d – \d[\d.]*,\d", screen_legend)
        assert len(limits) >= 3

        name = download(page, "Unduh lembar peta (PDF)", tmp_path / "a4.pdf")
        assert name.endswith("_A4.pdf") and "sanitasi_tidak_layak" in name
        assert pdf_tools.info(tmp_path / "a4.pdf")["Page size"].startswith("595.276 x 841.89")
        text = " ".join(pdf_tools.text(tmp_path / "a4.pdf", layout=False).split())
        assert "Sanitasi tidak layak" in text and f"Kecamatan {kec_name}" in text
        for limit in limits:  # the screen's classes, the same limits on paper
            assert limit in text

        paper = page.locator('[data-testid="stSelectbox"]').filter(has_text="Kertas")
        paper.locator("input").click()
        page.get_by_role("option", name="A3 mendatar").click()
        page.wait_for_timeout(1500)
        name = download(page, "Unduh lembar peta (PDF)", tmp_path / "a3.pdf")
        assert name.endswith("_A3_mendatar.pdf")
        assert pdf_tools.info(tmp_path / "a3.pdf")["Page size"].startswith("1190.55 x 841.89")

        download(page, "Unduh kartu kelurahan (PDF)", tmp_path / "kartu.pdf")
        assert pdf_tools.info(tmp_path / "kartu.pdf")["Pages"] == str(n_kel)
        assert external == []
        browser.close()
