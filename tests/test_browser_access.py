"""Access in a real browser (Chromium) on real (not demo) data: logged out nothing is shown,
five wrong passwords lock an account, a forum account sees small counts hidden and no
household list, a kecamatan-scoped planner's map holds only that kecamatan, a direct URL to a
refused page is refused, and nothing leaves the machine."""

from __future__ import annotations

import time

import pytest

from geo import store
from tests.access_fixtures import PASSWORD, real_city
from tests.browser import launch, map_frame, streamlit_server, tracked_page
from tests.test_access import EXPECTED
from ui.frame import PAGES

TITLES = {path.removeprefix("pages/").removesuffix(".py"): title for path, title, _ in PAGES}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def real_url(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    path = tmp_path_factory.mktemp("browser_access") / "real.sqlite"
    return f"sqlite:///{path}", real_city(path)


def log_in(page, name: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    page.get_by_label("Nama pengguna").fill(name, timeout=60_000)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def main_text(page) -> str:  # noqa: ANN001
    return page.locator('[data-testid="stMain"]').inner_text()


def wait_text(page, text: str, timeout_s: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in main_text(page):
            return
        time.sleep(0.4)
    raise AssertionError(f"{text!r} never appeared; the page shows:\n{main_text(page)[:800]}")


def wait_for_failures(engine, name: str, count: int, timeout_s: float = 60) -> None:  # noqa: ANN001
    """Until the audit trail holds ``count`` failed logins of ``name`` (each form submission
    is handled before the next is sent)."""
    from geo import audit

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(audit.entries(engine, user=name, action="login_failed")) >= count:
            return
        time.sleep(0.3)
    raise AssertionError(f"failed login {count} of {name} was never recorded")


def test_access_in_the_browser(real_url):
    from playwright.sync_api import sync_playwright

    db_url, info = real_url
    with streamlit_server(db_url) as url, sync_playwright() as p:
        browser = launch(p)

        # logged out: only the login form, on every address, no polygon, no number
        page, external = tracked_page(browser)
        for path in ("", "/cakupan", "/data", "/lintas_opd"):
            page.goto(f"{url}{path}", wait_until="domcontentloaded")
            page.get_by_label("Nama pengguna").wait_for(timeout=60_000)
            time.sleep(1.0)
            assert page.locator("path.leaflet-interactive").count() == 0
            assert page.locator('[data-testid="stMetricValue"]').count() == 0
            assert page.locator('[data-testid="stDataFrame"]').count() == 0

        # five wrong passwords lock the account, even to the right password
        engine = store.get_engine(db_url)
        for attempt in range(1, 6):
            log_in(page, "kunci", "salah-sandi")
            wait_for_failures(engine, "kunci", attempt)
        log_in(page, "kunci")
        wait_text(page, "Akun terkunci")

        # the forum: small counts always hidden, no household list, Data page refused
        forum, _ = tracked_page(browser)
        forum.goto(f"{url}/lintas_opd", wait_until="domcontentloaded")
        log_in(forum, "forum")
        wait_text(forum, "Matriks kelurahan × OPD")
        assert "selalu disembunyikan" in main_text(forum)
        forum.goto(f"{url}/cakupan", wait_until="domcontentloaded")
        log_in(forum, "forum")  # a new page load is a new session
        wait_text(forum, "Cakupan program")
        assert "Daftar verifikasi" not in main_text(forum)
        forum.goto(f"{url}/data", wait_until="domcontentloaded")  # a direct URL
        log_in(forum, "forum")
        wait_text(forum, "tidak diizinkan membuka halaman Data")  # the page's own check
        assert forum.locator('input[type="file"]').count() == 0
        assert "Impor register" not in main_text(forum)

        # each role: the pages its navigation offers, and the download on its first page
        for role, pages in EXPECTED.items():
            visit, _ = tracked_page(browser)
            visit.goto(url, wait_until="domcontentloaded")
            log_in(visit, role)
            nav = visit.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
            try:
                nav.first.wait_for(timeout=60_000)
            except Exception as err:
                raise AssertionError(f"{role}: no navigation; page shows "
                                     f"{main_text(visit)[:300]!r}") from err
            titles = {t.strip().split("\n")[-1] for t in nav.all_inner_texts()}  # no icon
            assert titles == {TITLES[p] for p in pages}, role
            visit.close()

        # download buttons: the masked verification list is the operator's to download
        for role, can in (("perencana", False), ("operator", True)):
            visit, _ = tracked_page(browser)
            visit.goto(f"{url}/cakupan", wait_until="domcontentloaded")
            log_in(visit, role)
            visit.get_by_text("Daftar verifikasi", exact=True).click(timeout=60_000)
            wait_text(visit, "perlu diverifikasi")
            wait_text(visit, "Cara menghitung setiap angka")  # the page's end: all drawn
            button = visit.get_by_role("button", name="Unduh daftar verifikasi (Excel)")
            if can:
                button.wait_for(timeout=30_000)
            assert (button.count() == 1) is can, role
            visit.close()

        # a planner limited to one kecamatan: the map holds only its kelurahan
        camat, _ = tracked_page(browser)
        camat.goto(url, wait_until="domcontentloaded")
        log_in(camat, "camat")
        _, polygons = map_frame(camat)
        kel = info["kelurahan"]
        assert polygons == int((kel["kode_kec"] == info["kecamatan"]).sum())
        browser.close()
    assert external == [], f"requests left the machine: {external[:5]}"
