"""Against a real `bilingual serve` on loopback: concurrent load, and a real browser (Playwright + Debian's chromium)
through upload -> progress -> preview -> PDF download."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import RepeatDeflate

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
CHROMIUM = Path("/usr/bin/chromium")
HEADLINE = "坚决扛牢重大责任"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, with nothing of its own reaching for the network: started once for the module
    (about 2 s of CPU a start); each test opens its own context (no cookies or storage shared)."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    playwright = playwright_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@contextmanager
def new_page(browser, **options):
    """A page in a fresh context of the module's browser, closed with its context."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def _bench():
    spec = importlib.util.spec_from_file_location("bench_serve", ROOT / "bench" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _serve(out: Path):
    bench = _bench()
    out.mkdir()
    proc, url = bench.start_server(out)
    try:
        yield bench, out, url
    finally:
        bench.stop_server(proc)


@pytest.fixture
def server(tmp_path):
    """A server of the test's own: for what depends on the server's whole life (its peak memory) or on an empty
    output folder."""
    yield from _serve(tmp_path / "out")


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One server for the tests whose jobs and files cannot meet: the load test's ``load-*`` editions, refused
    requests, and a failed upload (which leaves no edition)."""
    yield from _serve(tmp_path_factory.mktemp("shared-server") / "out")


@pytest.mark.slow
def test_concurrent_downloads_and_uploads_have_no_errors(shared_server, translated_seed):
    bench, out, url = shared_server
    shutil.copytree(translated_seed / SEED.stem, out / SEED.stem)  # the edition the downloads ask for
    stem = bench.ensure_edition(out)  # (found: not translated again)
    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # (the module's Playwright holds this thread's loop)
        result = thread.submit(asyncio.run, bench.run_load(url, stem, downloads=12, uploads=2, job_timeout=120)).result()
    assert result["errors"] == []
    assert len(result["download"]) == 12 and len(result["upload"]) == 2
    assert len([p for p in out.iterdir() if p.is_dir() and p.name.startswith("load-")]) == 2


@pytest.mark.slow
def test_browser_upload_progress_preview_pdf_download(browser, server, tmp_path):
    _, out, url = server
    screenshot = tmp_path / "edition.png"
    with new_page(browser, accept_downloads=True, viewport={"width": 1280, "height": 900}) as page:
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
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert HEADLINE in text.replace("\n", "").replace(" ", "")
    assert screenshot.stat().st_size > 10_000
    try:
        shutil.copy(screenshot, "/tmp/web-screenshot.png")
    except OSError:
        pass


@pytest.mark.slow
def test_browser_review_with_the_keyboard_regenerates_and_keeps_the_edit(browser, tmp_path, translated_seed):
    """Open an edition, edit one sentence and approve another with the keyboard, wait for the files,
    download the PDF and find the new English in it; reload and see both edits kept."""
    bench = _bench()
    out = tmp_path / "out"
    shutil.copytree(translated_seed, out)
    proc, url = bench.start_server(out)
    stem = SEED.stem
    edited = "Edited in the browser with the keyboard."
    try:
        with new_page(browser, accept_downloads=True, viewport={"width": 1280, "height": 900}) as page:
            page.goto(f"{url}/edition/{stem}")
            page.click("#review")
            page.wait_for_selector("#segments .seg textarea")
            total = int(page.locator("#counter").get_attribute("data-total"))
            rows = page.locator("#segments .seg")
            first = rows.nth(5).locator("textarea")
            first.click()
            first.fill(edited)
            first.press("Control+Enter")  # save, move to the next sentence
            from playwright.sync_api import expect  # (the page's CSP forbids evaluated strings: locators only)
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
        bench.stop_server(proc)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert edited in " ".join(text.split())
    try:
        shutil.copy(tmp_path / "review.png", "/tmp/review-screenshot.png")
    except OSError:
        pass


def _request_head(url: str, path: str, length: int, cookie: str | None, query: str = "") -> bytes:
    """Send only the headers of a POST with a ``length``-byte body to the real server; its answer (no body sent)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    head = (f"POST {path}{'?' + query if query else ''} HTTP/1.1\r\nHost: {parts.netloc}\r\nOrigin: {url}\r\n"
            f"Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n"
            + (f"Cookie: bilingual_csrf={cookie}\r\n" if cookie else "") + "\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode())
        return sock.recv(4096)


def test_real_server_refuses_an_oversize_upload_before_its_body_is_sent(shared_server):
    import httpx

    _, _, url = shared_server
    with httpx.Client(base_url=url) as client:
        client.get("/upload")
        token = client.cookies.get("bilingual_csrf")
    # The answer comes back while not one byte of the 200 MB body has been sent.
    assert _request_head(url, "/upload", 200_000_000, token, f"csrf={token}").startswith(b"HTTP/1.1 413")
    assert _request_head(url, "/upload", 1_000_000, None).startswith(b"HTTP/1.1 403")
    with socket_to(url) as sock:  # a rebinding page's Host
        sock.sendall(b"GET /glossary HTTP/1.1\r\nHost: attacker.example:8765\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 421")


def socket_to(url: str):
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


@pytest.mark.slow
def test_jobs_survive_a_server_restart_in_the_browser(browser, tmp_path):
    """Upload three pages, kill the server at once (as a crash would), start it again on the same folder: the
    job pages in Chromium show the jobs resumed and finished, and the editions open."""
    import os
    import signal

    import httpx

    bench = _bench()
    out = tmp_path / "out"
    out.mkdir()
    proc, url = bench.start_server(out)
    ids = []
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            client.get("/upload")
            token = client.cookies.get("bilingual_csrf")
            for n in range(3):  # short pages: what is under test is the queue, not the translation
                r = client.post("/upload", params={"csrf": token}, headers={"Origin": url, "Accept": "application/json"},
                                files={"page": (f"restart-{n}.txt", short_page(n), "text/plain")})
                assert r.status_code == 202, r.text
                ids.append(r.json()["id"])
            before = client.get(f"/api/jobs/{ids[-1]}").json()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert before["state"] == "queued" and before["position"] >= 1  # it was waiting when the server died
    proc, url = bench.start_server(out)
    try:
        with new_page(browser, viewport={"width": 390, "height": 844}) as page:
            page.goto(f"{url}/jobs/{ids[-1]}")
            assert page.locator("#state").inner_text() in ("queued", "translating", "done")
            page.wait_for_selector("#edition-link:not([hidden])", timeout=180_000)
            assert page.locator("#state").inner_text() == "done"
            assert page.locator("#cancel-form").is_hidden()
            page.screenshot(path=str(tmp_path / "job-after-restart.png"), full_page=True)
            page.click("#edition-link")
            page.wait_for_selector("#quality")
            assert "restart-2" in page.url
            for job_id in ids[:-1]:
                page.goto(f"{url}/jobs/{job_id}")
                page.wait_for_selector("#edition-link:not([hidden])", timeout=180_000)
    finally:
        bench.stop_server(proc)
    assert not any((out / ".uploads").iterdir())  # every source removed once translated
    try:
        shutil.copy(tmp_path / "job-after-restart.png", "/tmp/job-after-restart.png")
    except OSError:
        pass


def short_page(n: int) -> bytes:
    return (f"衡阳晚报第{n}号\n\n市民在雁峰公园散步。天气很好，大家心情愉快。\n\n"
            f"市委书记出席第{n}次活动并讲话。\n").encode("utf-8")


def _zip_bomb(path: Path, unzipped: int) -> None:
    """A DOCX whose document.xml unzips to ``unzipped`` bytes of Chinese paragraphs (a few hundred KB zipped)."""
    import zipfile

    paragraph = "<w:p><w:r><w:t>市民在公园散步，天气很好。</w:t></w:r></w:p>".encode()
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats'
            b'.org/wordprocessingml/2006/main"><w:body>')
    tail = b"</w:body></w:document>"
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
             b'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
             b'main+xml"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f._compressor = RepeatDeflate()  # the block deflated once, not 1,500 times
            f.write(head)
            block = paragraph * 4096
            for _ in range(unzipped // len(block)):
                f.write(block)
            f.write(tail)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.mark.slow
def test_a_docx_zip_bomb_fails_its_job_with_the_server_memory_bounded(server, tmp_path):
    import httpx

    _, out, url = server
    bomb = tmp_path / "bomb.docx"
    _zip_bomb(bomb, 300_000_000)
    assert bomb.stat().st_size < 2_000_000
    pid = _server_pid(url)
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/upload")
        token = client.cookies.get("bilingual_csrf")
        warm = client.post("/upload", params={"csrf": token}, headers={"Origin": url, "Accept": "application/json"},
                           files={"page": ("warm.txt", "市民在公园散步。\n".encode(), "text/plain")}).json()
        _wait(client, warm["id"])  # the engine and glossary loaded: the baseline includes them
        baseline = _peak_rss_mb(pid)
        r = client.post("/upload", params={"csrf": token}, headers={"Origin": url, "Accept": "application/json"},
                        files={"page": ("bomb.docx", bomb.read_bytes(), "application/octet-stream")})
        assert r.status_code in (202, 413), r.text
        if r.status_code == 202:
            status = _wait(client, r.json()["id"], limit=60)  # refused in seconds, not minutes of parsing
            assert status["state"] == "failed", status
        peak = _peak_rss_mb(pid)
    assert peak - baseline < 150, (baseline, peak)


def _server_pid(url: str) -> int:
    import subprocess as sp

    port = url.rsplit(":", 1)[1]
    found = sp.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(found.split("pid=")[1].split(",")[0])


def _wait(client, job_id: str, limit: float = 180) -> dict:
    import time

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not finished: {status}")


@pytest.mark.slow
def test_browser_failed_upload_offers_retry_and_no_edition_link_and_the_form_checks_first(browser, shared_server,
                                                                                          tmp_path):
    _, out, url = shared_server
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02" * 300)
    wrong = tmp_path / "page.pdf"
    wrong.write_bytes(b"%PDF-1.7\n")
    with new_page(browser, viewport={"width": 1280, "height": 900}) as page:
        page.goto(url + "/upload")
        page.set_input_files("#page", str(wrong))  # refused in the page: nothing is sent
        assert page.locator("#upload-error").is_visible() and page.locator("#submit").is_disabled()
        assert "not a page this tool reads" in page.locator("#upload-error").inner_text()
        page.set_input_files("#page", str(broken))
        page.click("#submit")
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("#job[data-state='failed']", timeout=120_000)
        assert not page.locator("#edition-link").is_visible()
        assert page.locator("#retry").is_visible() and not page.locator("#cancel").is_visible()
        assert "binary" in page.locator("#message").inner_text()
        page.click("#retry")
        page.wait_for_selector("#job[data-state='failed']", timeout=120_000)
        page.goto(url + "/edition/nothing-here")
        assert page.locator("#back").is_visible() and "There is no edition" in page.inner_text("#error-message")
