"""The web app through FastAPI's TestClient: library, edition, downloads, upload, glossary, security."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import SEED

from bilingual.config import Config
from bilingual.web import create_app
from bilingual.web.files import content_disposition, safe_output_file

STEM = SEED.stem


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory, translated_seed) -> Path:
    out = tmp_path_factory.mktemp("web-out") / "output"
    shutil.copytree(translated_seed, out)  # uploads and edits must not touch the shared folder
    return out


@pytest.fixture(scope="module")
def glossary_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("glossary")
    (folder / "national.tsv").write_text("zh\ten\ttype\tstatus\tvariants\tnote\n"
                                         "市委书记\tSecretary of the {place} Municipal Party Committee\ttitle\t\t\t\n",
                                         encoding="utf-8")
    (folder / "local.tsv").write_text("zh\ten\ttype\tstatus\tvariants\tnote\n"
                                      "衡阳\tHengyang\tplace\t\t\t\n", encoding="utf-8")
    return folder


@pytest.fixture
def client(out_dir, glossary_dir):
    config = Config(out_dir=out_dir, engine="gloss", glossary_paths=[glossary_dir])
    with TestClient(create_app(config), raise_server_exceptions=False,
                    base_url="http://127.0.0.1:8000") as c:
        yield c


def test_library_lists_the_edition_with_headline_date_articles_engine(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "坚决扛牢重大责任" in page.text
    assert f'href="/edition/{STEM}"' in page.text
    assert '<td data-label="Engine">gloss</td>' in page.text
    assert '<td data-label="Articles" class="num">4 articles</td>' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_edition_page_has_preview_and_downloads(client):
    page = client.get(f"/edition/{STEM}")
    assert page.status_code == 200
    for fmt in ("pdf", "docx", "tmx", "xliff"):
        assert f"/edition/{STEM}/download/{fmt}" in page.text
    preview = client.get(f"/edition/{STEM}/preview")
    assert preview.status_code == 200
    assert preview.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in preview.headers["content-security-policy"]
    assert "坚决扛牢重大责任" in preview.text


@pytest.mark.parametrize("fmt,ctype,magic", [
    ("pdf", "application/pdf", b"%PDF"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ("tmx", "application/x-tmx+xml", b"<?xml"),
    ("xliff", "application/xliff+xml", b"<?xml"),
])
def test_downloads_have_type_and_safe_filename(client, fmt, ctype, magic):
    r = client.get(f"/edition/{STEM}/download/{fmt}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert r.content.startswith(magic)
    disposition = r.headers["content-disposition"]
    assert f'filename="{STEM}' in disposition and "filename*=UTF-8''" in disposition


def test_content_disposition_non_ascii_and_quotes():
    value = content_disposition('衡阳晚报 "x";\r\n.pdf')
    assert "\r" not in value and "\n" not in value
    ascii_part = value.split("filename*=")[0]
    assert '"x"' not in ascii_part and ascii_part.count('"') == 2
    assert "filename*=UTF-8''%E8%A1%A1%E9%98%B3" in value


@pytest.mark.parametrize("url", [
    "/files/../../../etc/passwd",
    "/files/%2e%2e/%2e%2e/etc/passwd",
    "/files/%2E%2E%2Fetc%2Fpasswd",
    "/files/..%2f..%2fetc%2fpasswd",
    "/files//etc/passwd",
    "/files/%2Fetc%2Fpasswd",
    f"/files/{STEM}/..%2F..%2F..%2Fetc%2Fpasswd",
    "/edition/..%2F..%2Fetc/download/pdf",
    "/edition/%2e%2e/download/pdf",
    "/files/.uploads/x",
])
def test_traversal_is_refused(client, url):
    r = client.get(url)
    assert r.status_code in (404, 400), (url, r.status_code)
    assert "root:" not in r.text


def test_symlink_out_of_the_folder_is_refused(client, out_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    link = out_dir / STEM / "leak.txt"
    link.symlink_to(secret)
    try:
        assert safe_output_file(out_dir, f"{STEM}/leak.txt") is None
        r = client.get(f"/files/{STEM}/leak.txt")
        assert r.status_code == 404 and "top secret" not in r.text
        inside = client.get(f"/files/{STEM}/{STEM}.json")
        assert inside.status_code == 200
    finally:
        link.unlink()


def test_no_stack_trace_on_internal_error(out_dir):
    app = create_app(Config(out_dir=out_dir))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail /home/x/.config")

    with TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1:8000") as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert "Traceback" not in r.text and "secret detail" not in r.text


def _token(client) -> str:
    client.get("/upload")
    return client.cookies.get("bilingual_csrf")


def _wait_job(client, job_id: str, limit: float = 120) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"upload {job_id} not finished in {limit} s: {status}")


def test_upload_without_token_or_from_another_origin_is_refused(client):
    files = {"page": ("p.txt", "标题\n\n正文。".encode(), "text/plain")}
    assert client.post("/upload", files=files, params={"csrf": ""}).status_code == 403
    token = _token(client)
    assert client.post("/upload", files=files, data={"csrf": token},  # a token in the body comes too late
                       headers={"Origin": "http://127.0.0.1:8000"}).status_code == 403
    r = client.post("/upload", files=files, params={"csrf": token}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_upload_type_and_size_are_bounded(client):
    token = _token(client)
    headers = {"Origin": "http://127.0.0.1:8000"}
    r = client.post("/upload", files={"page": ("x.exe", b"MZ", "application/octet-stream")},
                    params={"csrf": token}, headers=headers)
    assert r.status_code == 415
    big = b"a" * (5 * 1024 * 1024 + 1)
    r = client.post("/upload", files={"page": ("big.txt", big, "text/plain")}, params={"csrf": token},
                    headers=headers)
    assert r.status_code == 413
    txt = b"a" * 2_000_001  # under the web page's cap, over the text reader's 2 MB
    r = client.post("/upload", files={"page": ("big.txt", txt, "text/plain")}, params={"csrf": token},
                    headers=headers)
    assert r.status_code == 413 and "2 MB" in r.text


def test_upload_with_script_and_remote_urls_is_escaped_and_fetches_nothing(client, out_dir, monkeypatch):
    """A page with <script> and remote image/stylesheet URLs: shown as text in HTML and PDF; no connection made."""
    attempts = []
    real_connect = socket.socket.connect

    def recording_connect(self, address):
        if not str(address[0] if isinstance(address, tuple) else "127.").startswith(("127.", "::1")):
            attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    page = ("<html><head><link rel=stylesheet href='http://198.51.100.7/x.css'></head><body>"
            "<h1>衡阳新闻&lt;script&gt;alert(1)&lt;/script&gt;</h1>"
            "<p>市民在公园散步。<img src='http://198.51.100.7/a.png'> 天气很好。</p></body></html>")
    token = _token(client)
    r = client.post("/upload", files={"page": ("攻击 <b>.html", page.encode(), "text/html")},
                    params={"csrf": token}, headers={"Origin": "http://127.0.0.1:8000", "Accept": "application/json"})
    assert r.status_code == 202, r.text
    job = r.json()
    status = _wait_job(client, job["id"])
    assert status["state"] == "done", status
    stem = job["stem"]
    assert "/" not in stem and not stem.startswith(".")
    library = client.get("/").text
    assert "<script>alert" not in library
    edition = client.get(status["edition_url"])
    assert edition.status_code == 200 and "<script>alert" not in edition.text
    assert "&lt;script&gt;" in edition.text
    preview = client.get(f"/edition/{stem}/preview").text
    assert "<script>alert" not in preview and "&lt;script&gt;" in preview
    pdf = client.get(f"/edition/{stem}/download/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = _pdftotext(pdf.content, out_dir)
    assert "<script>" in text
    assert attempts == []


def _pdftotext(data: bytes, where: Path) -> str:
    path = where / ".check.pdf"
    path.write_bytes(data)
    try:
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    finally:
        path.unlink()


def test_glossary_search_add_edit_with_lint_and_csrf(client, glossary_dir):
    page = client.get("/glossary", params={"q": "衡阳"})
    assert page.status_code == 200 and "Hengyang" in page.text
    token = client.cookies.get("bilingual_csrf")
    origin = {"Origin": "http://127.0.0.1:8000"}
    # Without the token: refused, file unchanged.
    before = (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    r = client.post("/glossary/add", data={"zh": "雁城", "en": "Wild Goose City", "type": "place", "csrf": "x"},
                    headers=origin)
    assert r.status_code == 403
    assert (glossary_dir / "local.tsv").read_text(encoding="utf-8") == before
    # Add.
    r = client.post("/glossary/add", data={"zh": "雁城", "en": "Wild Goose City", "type": "place", "csrf": token},
                    headers=origin, follow_redirects=True)
    assert r.status_code == 200 and "added 雁城" in r.text
    assert "雁城\tWild Goose City\tplace" in (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    # Edit the row just added (file index and line from the search page).
    files = ["local.tsv", "national.tsv"]
    lines = (glossary_dir / "local.tsv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("雁城"))
    file_index = sorted(files).index("local.tsv")
    r = client.post("/glossary/edit", data={"file": file_index, "line": line, "old_zh": "雁城", "zh": "雁城",
                                            "en": "Goose City", "type": "place", "status": "preferred",
                                            "csrf": token}, headers=origin, follow_redirects=True)
    assert r.status_code == 200, r.text
    assert "雁城\tGoose City\tplace" in (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    # An edit that would not lint (unknown type) is refused and the file kept.
    kept = (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    r = client.post("/glossary/edit", data={"file": file_index, "line": line, "old_zh": "雁城", "zh": "雁城",
                                            "en": "", "type": "nonsense", "status": "preferred",
                                            "csrf": token}, headers=origin, follow_redirects=True)
    assert r.status_code == 200 and 'class="error"' in r.text
    assert (glossary_dir / "local.tsv").read_text(encoding="utf-8") == kept
