"""Against a real `bilingual serve` on loopback: concurrent load, and a real browser (Playwright + Debian's chromium)
through upload -> progress -> preview -> PDF download."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
CHROMIUM = Path("/usr/bin/chromium")
HEADLINE = "坚决扛牢重大责任"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_serve", ROOT / "bench" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def server(tmp_path):
    bench = _bench()
    out = tmp_path / "out"
    out.mkdir()
    proc, url = bench.start_server(out)
    try:
        yield bench, out, url
    finally:
        bench.stop_server(proc)


def test_concurrent_downloads_and_uploads_have_no_errors(server):
    bench, out, url = server
    stem = bench.ensure_edition(out)
    result = asyncio.run(bench.run_load(url, stem, downloads=12, uploads=2, job_timeout=120))
    assert result["errors"] == []
    assert len(result["download"]) == 12 and len(result["upload"]) == 2
    assert len([p for p in out.iterdir() if p.is_dir() and p.name.startswith("load-")]) == 2


def test_browser_upload_progress_preview_pdf_download(server, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    _, out, url = server
    screenshot = tmp_path / "edition.png"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
            page.goto(url + "/upload")
            page.set_input_files("#page", str(SEED))
            page.click("#submit")
            page.wait_for_url("**/jobs/*")
            assert page.locator("#progress").count() == 1
            page.wait_for_selector("#edition-link:not([hidden])", timeout=120_000)
            assert page.locator("#state").inner_text() == "done"
            page.click("#edition-link")
            page.wait_for_selector("iframe.preview")
            frame = page.frame_locator("iframe.preview")
            frame.locator(f"text={HEADLINE}").first.wait_for(timeout=30_000)
            page.screenshot(path=str(screenshot), full_page=True)
            with page.expect_download() as info:
                page.click("#download-pdf")
            pdf = tmp_path / "download.pdf"
            info.value.save_as(str(pdf))
        finally:
            browser.close()
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert HEADLINE in text.replace("\n", "").replace(" ", "")
    assert screenshot.stat().st_size > 10_000
    try:
        shutil.copy(screenshot, "/tmp/web-screenshot.png")
    except OSError:
        pass


def test_browser_review_with_the_keyboard_regenerates_and_keeps_the_edit(tmp_path, translated_seed):
    """Open an edition, edit one sentence and approve another with the keyboard, wait for the files,
    download the PDF and find the new English in it; reload and see both edits kept."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    bench = _bench()
    out = tmp_path / "out"
    shutil.copytree(translated_seed, out)
    proc, url = bench.start_server(out)
    stem = SEED.stem
    edited = "Edited in the browser with the keyboard."
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                              "--disable-component-update", "--disable-sync", "--no-first-run"])
            try:
                page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
                page.goto(f"{url}/edition/{stem}")
                page.click("#review")
                page.wait_for_selector("#segments .seg textarea")
                total = int(page.locator("#counter").get_attribute("data-total"))
                rows = page.locator("#segments .seg")
                first = rows.nth(5).locator("textarea")
                first.click()
                first.fill(edited)
                first.press("Control+Enter")  # save, move to the next sentence
                expect = playwright_api.expect  # (the page's CSP forbids evaluated strings: locators only)
                expect(rows.nth(6).locator("textarea")).to_be_focused()
                page.keyboard.press("Control+Shift+Enter")  # approve the next one as it stands
                expect(page.locator("#counter")).to_have_text(f"2 of {total} reviewed")
                page.wait_for_selector("#regeneration[data-state='ready']", timeout=120_000)
                assert rows.nth(6).get_attribute("data-status") == "approved"
                page.screenshot(path=str(tmp_path / "review.png"), full_page=False)
                with page.expect_download() as info:
                    page.click("#download-pdf")
                pdf = tmp_path / "reviewed.pdf"
                info.value.save_as(str(pdf))
                page.reload()
                page.wait_for_selector("#segments .seg textarea")
                assert page.locator("#segments .seg").nth(5).locator("textarea").input_value() == edited
                assert page.locator("#counter").inner_text() == f"2 of {total} reviewed"
            finally:
                browser.close()
    finally:
        bench.stop_server(proc)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert edited in " ".join(text.split())
    try:
        shutil.copy(tmp_path / "review.png", "/tmp/review-screenshot.png")
    except OSError:
        pass
