"""The Data page in a real browser: upload a register, import it, read the account."""

from __future__ import annotations

from sqlalchemy import create_engine

from geo import store
from geo.demo import write_demo
from tests.browser import launch, streamlit_server, tracked_page
from tests.conftest import DEMO_SEED

ROWS = 400


AFTER = "getComputedStyle(e, '::after').content.replace(/^\"|\"$/g, '')"  # words drawn after e


def shown_words(locator) -> str:  # noqa: ANN001
    """The words a reader sees in an element: where ui.control_words set its own (English)
    text to size 0, the Indonesian words drawn after it."""
    return locator.evaluate(f"e => getComputedStyle(e).fontSize === '0px' ? {AFTER} : "
                            "e.textContent")


def test_upload_and_import_a_register_in_the_browser(demo_db_url, tmp_path):
    from playwright.sync_api import sync_playwright

    from geo import accounts

    files = write_demo(tmp_path / "files", n=ROWS, seed=DEMO_SEED)
    # on the demo the app opens without login, but the first real import needs an admin
    accounts.add_user(store.get_engine(demo_db_url), "admin", "admin", "sandi-admin-1")
    with streamlit_server(demo_db_url) as url, sync_playwright() as p:
        browser = launch(p)
        page, external = tracked_page(browser)
        page.goto(f"{url}/data", wait_until="domcontentloaded")
        page.get_by_label("Nama pengguna").fill("admin", timeout=60_000)
        page.wait_for_function(  # the stylesheet arrives in the same run as the form
            "() => [...document.querySelectorAll('style')]"
            ".some(s => s.textContent.includes('stFileUploaderDropzone'))", timeout=30_000)
        enter_hint = shown_words(page.locator('[data-testid="InputInstructions"] > span'))
        page.get_by_label("Kata sandi").fill("sandi-admin-1")
        page.get_by_role("button", name="Masuk").click()
        dropzone = page.locator('[data-testid="stFileUploaderDropzone"]').first
        upload_words = [shown_words(dropzone.locator(s)) for s in (
            'button [data-testid="stMarkdownContainer"] p',
            '[data-testid="stFileUploaderDropzoneInstructions"] span')]
        letter = tmp_path / "surat.pdf"  # refused by the uploader itself: no Python sees it
        letter.write_bytes(b"%PDF-1.4 surat")
        page.locator('input[type="file"]').first.set_input_files(str(letter))
        refused_chip = page.locator('[data-testid="stFileChip"][aria-invalid="true"]').first
        refused_chip.wait_for(timeout=30_000)
        refused_words = refused_chip.evaluate(f"e => {AFTER}")
        page.locator('input[type="file"]').first.set_input_files(str(files.register))
        period = page.get_by_label("Periode data (TTTT-BB)")
        period.wait_for(timeout=60_000)
        period.fill("2026-10")
        period.press("Enter")
        page.get_by_role("button", name="Impor", exact=True).click(timeout=60_000)
        page.get_by_text("Periode 2026-10 tersimpan.").wait_for(timeout=120_000)
        page.get_by_text(f"Hasil impor {files.register.name}").wait_for(timeout=30_000)
        page.locator('[data-testid="stMetricValue"]').nth(7).wait_for(timeout=30_000)
        body = page.locator('[data-testid="stMain"]').inner_text()
        labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        browser.close()
    snap = store.snapshot_for(create_engine(demo_db_url), "2026-10")
    assert snap["rows_read"] == ROWS
    assert snap["accepted"] + snap["quarantined"] == ROWS
    assert f"Hasil impor {files.register.name}" in body
    shown = dict(zip([t.strip() for t in labels], [v.strip() for v in values]))
    assert shown["Baris dibaca"] == str(ROWS)
    assert shown["Diterima"] == str(snap["accepted"])
    assert shown["Dikarantina"] == str(snap["quarantined"])
    assert external == [], f"requests left the machine: {external[:5]}"
    # Streamlit's own English words on these controls are shown in Indonesian
    assert enter_hint == "Tekan Enter untuk mengirim"
    assert upload_words == ["Pilih berkas", "Tarik berkas ke sini · paling besar 200 MB per berkas"]
    assert refused_words == ("Tidak diterima: jenis berkas bukan yang tertera di atas, atau lebih "
                             "dari 200 MB")
