"""The Usulan Musrenbang forum view in Chromium on a live `streamlit run`: a forum account
logs in, the map draws the need choropleth of every kelurahan with the proposals over it, the
ranking and the unanswered need are shown, no decision form, nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo import store
from geo.proposals.demo import load_demo_proposals
from tests.access_fixtures import PASSWORD, real_city
from tests.browser import launch, map_frame, streamlit_server, tracked_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def forum_db(tmp_path_factory) -> tuple[str, dict]:
    folder: Path = tmp_path_factory.mktemp("browser_usulan")
    path = folder / "usulan.sqlite"
    info = real_city(path)
    engine = store.get_engine(f"sqlite:///{path}")
    result = load_demo_proposals(engine, folder)
    with_proposals = pd.read_sql_table("usulan", engine)["region_code"].nunique()
    engine.dispose()
    return f"sqlite:///{path}", {**info, "proposals": result.accepted,
                                 "kelurahan_with_proposals": with_proposals}


def test_the_forum_view_shows_the_map_ranking_and_unanswered_need(forum_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db_url, info = forum_db
    with streamlit_server(db_url) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.goto(f"{url}/usulan", wait_until="domcontentloaded")
        page.get_by_label("Nama pengguna").fill("forum", timeout=60_000)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.get_by_text("Usulan diperingkat menurut bukti").wait_for(timeout=90_000)
        frame, drawn = map_frame(page)
        n_kel = len(info["kelurahan"])
        # one polygon per kelurahan plus one circle per kelurahan with proposals
        assert drawn == n_kel + info["kelurahan_with_proposals"]
        legend = frame.locator(".leaflet-control").all_inner_texts()
        assert any("garis tebal: 10 teratas" in t for t in legend)
        body = page.locator("body").inner_text()
        assert "Kebutuhan yang belum dijawab usulan" in body
        assert "Simpan keputusan" not in body  # the forum looks, it does not decide
        assert "selalu disembunyikan" in body
        page.screenshot(path=str(tmp_path / "usulan_forum.png"), full_page=True)
        browser.close()
    assert external == []
