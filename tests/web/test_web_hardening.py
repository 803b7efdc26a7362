"""The web page against hostile requests and in everyday use: Host checks (DNS rebinding), bodies refused before
they are read, bad edition JSON, odd edition names, error pages, the library, the glossary page, jobs that
outlive the app, uploads cleaned up."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import SEED

from bilingual.config import Config
from bilingual.web import create_app
from bilingual.web.jobs import JOBS_FILE, UPLOADS_DIR

STEM = SEED.stem
ORIGIN = {"Origin": "http://127.0.0.1:8000"}
HEADER = "zh\ten\ttype\tstatus\tvariants\tnote\n"


@pytest.fixture
def out_dir(tmp_path, translated_seed) -> Path:
    out = tmp_path / "output"
    shutil.copytree(translated_seed, out)
    return out


@pytest.fixture
def glossary_dir(tmp_path) -> Path:
    folder = tmp_path / "glossary"
    folder.mkdir()
    (folder / "national.tsv").write_text(HEADER + "市委书记\tSecretary of the {place} Municipal Party Committee\ttitle"
                                                  "\t\t\t\n", encoding="utf-8")
    (folder / "local.tsv").write_text(HEADER + "衡阳\tHengyang\tplace\t\t\t\n", encoding="utf-8")
    return folder


def make_client(out_dir, glossary_dir, **kwargs) -> TestClient:
    config = Config(out_dir=out_dir, engine="gloss", glossary_paths=[glossary_dir])
    return TestClient(create_app(config, **kwargs), raise_server_exceptions=False, base_url="http://127.0.0.1:8000")


@pytest.fixture
def client(out_dir, glossary_dir):
    with make_client(out_dir, glossary_dir) as c:
        c.get("/")
        yield c


def token(client) -> str:
    return client.cookies.get("bilingual_csrf")


def wait_job(client, job_id: str, limit: float = 120) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not finished in {limit} s: {status}")


def upload(client, name: str, data: bytes) -> dict:
    r = client.post("/upload", files={"page": (name, data, "text/plain")}, params={"csrf": token(client)},
                    headers={**ORIGIN, "Accept": "application/json"})
    assert r.status_code == 202, r.text
    return r.json()


# -- Host and Origin ------------------------------------------------------------------------------


def test_a_rebinding_host_is_refused_even_with_a_matching_origin(client, glossary_dir):
    evil = {"Host": "attacker.example:8765", "Origin": "http://attacker.example:8765"}
    page = client.get("/glossary", headers=evil)
    assert page.status_code == 421 and "bilingual_csrf" not in page.headers.get("set-cookie", "")
    before = (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    r = client.post("/glossary/add", headers=evil, data={"zh": "雁城", "en": "Goose City", "type": "place",
                                                          "csrf": token(client)})
    assert r.status_code == 421
    r = client.post("/upload", headers=evil, params={"csrf": token(client)},
                    files={"page": ("p.txt", "标题\n\n正文。".encode(), "text/plain")})
    assert r.status_code == 421
    assert (glossary_dir / "local.tsv").read_text(encoding="utf-8") == before
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_hosts_the_server_was_started_for_are_answered(out_dir, glossary_dir):
    with make_client(out_dir, glossary_dir, allowed_hosts=["0.0.0.0", "newsroom.lan"]) as c:
        assert c.get("/", headers={"Host": "newsroom.lan:8000"}).status_code == 200
        assert c.get("/", headers={"Host": "0.0.0.0:8000"}).status_code == 421  # a wildcard names no host
        assert c.get("/", headers={"Host": "other.lan"}).status_code == 421


def test_an_origin_of_another_allowed_host_is_still_cross_site(client):
    r = client.post("/glossary/add", data={"zh": "雁城", "en": "Goose City", "type": "place", "csrf": token(client)},
                    headers={"Origin": "http://localhost:8000"})  # Host is 127.0.0.1:8000
    assert r.status_code == 403


# -- bodies refused before they are read ----------------------------------------------------------


class Body:
    """An ASGI receive() that streams ``total`` bytes of upload in 64 KB chunks and counts what was taken."""

    def __init__(self, total: int, head: bytes = b""):
        self.total, self.sent, self.head = total, 0, head

    async def __call__(self):
        if self.sent == 0 and self.head:
            self.sent = len(self.head)
            return {"type": "http.request", "body": self.head, "more_body": True}
        if self.sent >= self.total:
            return {"type": "http.request", "body": b"", "more_body": False}
        chunk = min(65536, self.total - self.sent)
        self.sent += chunk
        return {"type": "http.request", "body": b"a" * chunk, "more_body": self.sent < self.total}


def post_streamed(app, total: int, query: str, cookie: str | None, length: bool) -> tuple[int, int]:
    """POST /upload with a ``total``-byte multipart body straight through ASGI; (status, bytes the app read)."""
    boundary = "XyZ"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"page\"; filename=\"big.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode()
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000"),
               (b"content-type", f"multipart/form-data; boundary={boundary}".encode())]
    if cookie:
        headers.append((b"cookie", f"bilingual_csrf={cookie}".encode()))
    if length:
        headers.append((b"content-length", str(total).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/upload", "raw_path": b"/upload", "query_string": query.encode(), "headers": headers,
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "root_path": ""}
    body = Body(total, head)
    status = []

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    asyncio.run(app(scope, body, send))
    return status[0], body.sent


def test_a_streamed_oversize_upload_is_refused_before_1_mb_is_read(out_dir, glossary_dir):
    app = create_app(Config(out_dir=out_dir, engine="gloss", glossary_paths=[glossary_dir]))
    total = 200_000_000
    # No token: refused before any of the body is read (413 on its length, else 403 on the token).
    status, read = post_streamed(app, total, "", None, True)
    assert status == 413 and read < 1_000_000, (status, read)
    status, read = post_streamed(app, total, "", None, False)
    assert status == 403 and read < 1_000_000, (status, read)
    status, read = post_streamed(app, 3_000_000, "", None, True)  # a length under the cap: the token decides
    assert status == 403 and read < 1_000_000, (status, read)
    # With the token and a Content-Length over the cap: 413 at once.
    status, read = post_streamed(app, total, "csrf=tok", "tok", True)
    assert status == 413 and read < 1_000_000, (status, read)
    # With the token and no length (chunked): reading stops at the cap, not at 200 MB.
    status, read = post_streamed(app, total, "csrf=tok", "tok", False)
    assert status == 413 and read <= 5_200_000, (status, read)
    assert not (out_dir / UPLOADS_DIR).exists() or not any((out_dir / UPLOADS_DIR).iterdir())


def test_a_large_form_post_is_refused_on_its_length(client):
    r = client.post("/glossary/add", content=b"zh=" + b"x" * 300_000, headers={
        **ORIGIN, "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


# -- the library ------------------------------------------------------------------------------------


def test_one_bad_edition_json_never_takes_the_library_down(client, out_dir):
    good = json.loads((out_dir / STEM / f"{STEM}.json").read_text(encoding="utf-8"))
    bad = {
        "bad-signature": {**good, "signature": "not a dict"},
        "bad-date": {**good, "date": 20230819},
        "bad-articles": {**good, "articles": [{"id": 1}]},
    }
    for stem, data in bad.items():
        (out_dir / stem).mkdir()
        (out_dir / stem / f"{stem}.json").write_text(json.dumps(data), encoding="utf-8")
    (out_dir / "deep").mkdir()
    (out_dir / "deep" / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    page = client.get("/")
    assert page.status_code == 200, page.text
    assert "坚决扛牢重大责任" in page.text  # the good one is still there
    unreadable = page.text.split('id="unreadable"')[1]
    for stem in (*bad, "deep"):
        assert f"<li>{stem}</li>" in unreadable
        assert client.get(f"/edition/{stem}").status_code == 404


@pytest.mark.parametrize("name", ["my page (1)", "page [2]+extra", "第 3 版 + 副刊"])
def test_editions_with_spaces_brackets_and_plus_open(client, out_dir, name):
    folder = out_dir / name
    shutil.copytree(out_dir / STEM, folder)
    for f in list(folder.iterdir()):
        f.rename(folder / f.name.replace(STEM, name))
    data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    data["source"] = f"{name}.txt"
    (folder / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    library = client.get("/").text
    from urllib.parse import quote
    link = f'href="/edition/{quote(name, safe="/")}"'
    assert link in library
    assert client.get(f"/edition/{quote(name)}").status_code == 200
    assert client.get(f"/edition/{quote(name)}/preview").status_code == 200
    assert client.get(f"/edition/{quote(name)}/review").status_code == 200
    pdf = client.get(f"/edition/{quote(name)}/download/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_library_search_paging_counts_file_and_dateline(client, out_dir):
    good = json.loads((out_dir / STEM / f"{STEM}.json").read_text(encoding="utf-8"))
    for n in range(60):
        stem = f"page-{n:02d}"
        (out_dir / stem).mkdir()
        one = {**good, "source": f"{stem}.txt", "date": None, "paper": None, "articles": good["articles"][:1]}
        if n == 7:  # a page whose masthead gave nothing: the dateline does
            article = json.loads(json.dumps(good["articles"][0]))
            article["byline"], article["headline"] = "新华社北京6月12日电", "独一无二的标题"
            article["heads"].pop("byline", None)
            article["heads"]["headline"] = {**article["heads"]["headline"], "zh": "独一无二的标题"}
            one["articles"] = [article]
        (out_dir / stem / f"{stem}.json").write_text(json.dumps(one, ensure_ascii=False), encoding="utf-8")
    first = client.get("/").text
    assert "61 editions" in first and "page 1 of 2" in first
    assert "1 article<" in first and "1 articles" not in first
    assert re.search(r"page-\d\d\.txt<div class=\"where\">made 20\d\d-", first)  # the file name and when made
    second = client.get("/", params={"page": 2}).text
    assert "page 2 of 2" in second and 'rel="prev"' in second
    found = client.get("/", params={"q": "独一无二"}).text
    assert "1 of 61 editions match" in found and "page-07" in found
    assert "6月12日" in found and "(dateline)" in found and "新华社" in found
    assert "No edition matches" in client.get("/", params={"q": "nothing like this"}).text


def test_delete_moves_an_edition_aside_and_retranslate_is_offered(client, out_dir):
    page = client.get("/").text
    assert f'action="/edition/{STEM}/retranslate"' in page and f'action="/edition/{STEM}/delete"' in page
    assert client.post(f"/edition/{STEM}/delete", data={"csrf": "wrong"}, headers=ORIGIN).status_code == 403
    r = client.post(f"/edition/{STEM}/delete", data={"csrf": token(client)}, headers=ORIGIN, follow_redirects=True)
    assert r.status_code == 200 and f"deleted {STEM}" in r.text
    assert not (out_dir / STEM).exists()
    kept = list((out_dir / ".bilingual" / "deleted").iterdir())
    assert len(kept) == 1 and (kept[0] / f"{STEM}.json").is_file()
    assert client.get(f"/files/.bilingual/deleted/{kept[0].name}/{STEM}.json").status_code == 404


def test_edition_page_shows_the_quality_report(client):
    page = client.get(f"/edition/{STEM}").text
    assert 'id="quality"' in page and "Quality report:" in page
    assert "What the flags mean" in page and "missed-term" in page and "a glossary term or name is not rendered" in page
    assert 'id="names"' in page and "Names to confirm" in page  # the seed's names (刘越高 ...)


# -- errors, HEAD, favicon -------------------------------------------------------------------------


def test_browsers_get_an_html_error_page_with_a_way_back_and_scripts_get_json(client):
    r = client.get("/edition/nothing-here", headers={"Accept": "text/html", "Referer": "http://127.0.0.1:8000/glossary"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'id="back" href="/glossary"' in r.text and '"detail"' not in r.text
    r = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert r.status_code == 404 and 'id="back" href="/"' in r.text
    api = client.get("/api/jobs/nothing")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    assert "detail" in api.json()
    big = client.post("/upload", params={"csrf": token(client)}, headers={**ORIGIN, "Accept": "text/html"},
                      files={"page": ("x.exe", b"MZ", "application/octet-stream")})
    assert big.status_code == 415 and "<html" in big.text and "upload a .txt" in big.text


def test_head_and_favicon(client):
    assert client.head("/").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon" and icon.content[:4] == b"\0\0\1\0"
    assert 'rel="icon"' in client.get("/").text


def test_upload_form_checks_type_and_size_in_the_page(client):
    page = client.get("/upload").text
    assert '<script src="/static/upload.js">' in page
    limits = json.loads(page.split('data-limits="')[1].split('"')[0].replace("&#34;", '"'))
    assert limits[".txt"] == 2_000_000 and limits[".docx"] == 5_000_000
    assert ".txt, .md, .text up to 2 MB" in page
    assert 'action="/upload?csrf=' in page


# -- the glossary page -----------------------------------------------------------------------------


def test_glossary_page_counts_pages_and_says_where_terms_go(client, glossary_dir):
    rows = "".join(f"词{n:03d}\tWord {n}\tterm\t\t\t\n" for n in range(250))
    (glossary_dir / "local.tsv").write_text(HEADER + rows, encoding="utf-8")
    page = client.get("/glossary").text
    assert "showing 1–200 of 251 terms" in page and "page 1 of 2" in page
    assert "showing 201–251 of 251" in client.get("/glossary", params={"page": 2}).text
    assert "New terms go to <strong>local.tsv</strong>" in page
    add_form = page.split('action="/glossary/add"')[1].split("</form>")[0]
    assert "<option selected>term</option>" in add_form and "<option selected>title" not in add_form
    empty = client.get("/glossary", params={"q": "无此词语"}).text
    assert "No term matches “无此词语”" in empty
    assert str(glossary_dir) not in page


def test_no_server_path_in_glossary_messages(client, glossary_dir, out_dir):
    r = client.post("/glossary/add", data={"zh": "衡阳", "en": "Heng Yang", "type": "nonsense", "csrf": token(client)},
                    headers=ORIGIN, follow_redirects=True)
    assert 'class="error"' in r.text
    for folder in (glossary_dir, glossary_dir.resolve(), out_dir):
        assert str(folder) not in r.text


@pytest.mark.parametrize("sep", ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"])
def test_no_line_separator_reaches_a_glossary_file_from_the_web(client, glossary_dir, sep):
    r = client.post("/glossary/add", data={"zh": "雁城", "en": f"Goose{sep}City", "type": "place",
                                           "note": f"a{sep}雁峰\tHidden row\tplace", "csrf": token(client)},
                    headers=ORIGIN, follow_redirects=True)
    assert r.status_code == 200 and "added 雁城" in r.text, r.text[-500:]
    text = (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    assert len(text.splitlines()) == 3, repr(text)  # header, 衡阳, 雁城: no hidden second row
    line = text.splitlines()[2]
    assert line.startswith("雁城\tGoose City\tplace")
    lines = text.splitlines(keepends=True)
    r = client.post("/glossary/edit", data={"file": 0, "line": 3, "old_zh": "雁城", "zh": "雁城",
                                            "en": f"Wild{sep}Goose City", "type": "place", "status": "preferred",
                                            "variants": f"Yancheng{sep}|Goose", "note": f"x{sep}y",
                                            "csrf": token(client)}, headers=ORIGIN, follow_redirects=True)
    assert r.status_code == 200 and "saved 雁城" in r.text
    text = (glossary_dir / "local.tsv").read_text(encoding="utf-8")
    assert len(text.splitlines()) == len(lines) == 3
    assert "雁城\tWild Goose City\tplace\tpreferred\tYancheng|Goose\tx y\n" in text


# -- jobs ------------------------------------------------------------------------------------------


def test_an_upload_is_cleaned_up_named_by_its_file_and_a_failed_one_leaves_its_name_free(client, out_dir):
    bad = upload(client, "版面.txt", b"\x00\x01binary\x02" * 100)
    assert wait_job(client, bad["id"])["state"] == "failed"
    good = upload(client, "版面.txt", "衡阳晚报 2023年8月19日\n\n市民在公园散步。\n".encode())
    assert good["stem"] == "版面"  # not 版面-2: the failed upload reserved nothing
    status = wait_job(client, good["id"])
    assert status["state"] == "done", status
    assert status["message"].startswith("1 article,")
    assert not (out_dir / UPLOADS_DIR / good["id"]).exists()  # the source is gone once translated
    assert (out_dir / UPLOADS_DIR / bad["id"]).is_dir()  # a failed one's is kept for "try again"
    data = json.loads((out_dir / "版面" / "版面.json").read_text(encoding="utf-8"))
    assert data["source"] == "版面.txt"  # no server path
    library = client.get("/").text
    assert "uploaded 20" in library and "版面.txt" in library


def test_jobs_outlive_the_app_and_queued_ones_run_after_a_restart(out_dir, glossary_dir):
    with make_client(out_dir, glossary_dir) as c:
        c.get("/")
        done = upload(c, "first.txt", "市民在公园散步。\n".encode())
        assert wait_job(c, done["id"])["state"] == "done"
    # A job that was waiting when the server stopped: its record and its source are in the output folder.
    jobs = json.loads((out_dir / JOBS_FILE).read_text(encoding="utf-8"))
    waiting = {**jobs["jobs"][0], "id": "f" * 32, "filename": "second.txt", "stem": "second", "state": "queued",
               "finished": None, "message": ""}
    jobs["jobs"].append(waiting)
    (out_dir / JOBS_FILE).write_text(json.dumps(jobs), encoding="utf-8")
    (out_dir / UPLOADS_DIR / waiting["id"]).mkdir(parents=True)
    (out_dir / UPLOADS_DIR / waiting["id"] / "second.txt").write_text("天气很好。\n", encoding="utf-8")
    with make_client(out_dir, glossary_dir) as c:
        assert c.get(f"/api/jobs/{done['id']}").json()["state"] == "done"
        status = wait_job(c, waiting["id"])
        assert status["state"] == "done", status
        assert (out_dir / "second" / "second.json").is_file()
        page = c.get(f"/jobs/{waiting['id']}").text
        assert "Open the edition" in page and 'href="/edition/second"' in page


def test_jobs_show_queue_position_and_progress_and_can_be_cancelled_and_retried(client, out_dir):
    text = ("市民在公园散步，天气很好。" * 3 + "\n\n") * 40
    first = upload(client, "one.txt", text.encode())
    second = upload(client, "two.txt", text.encode())
    queued = client.get(f"/api/jobs/{second['id']}").json()
    if queued["state"] == "queued":
        assert queued["position"] >= 1 and queued["cancellable"]
    cancelled = client.post(f"/jobs/{second['id']}/cancel", data={"csrf": token(client)},
                            headers={**ORIGIN, "Accept": "application/json"})
    assert cancelled.status_code == 200
    assert wait_job(client, second["id"])["state"] == "cancelled"
    seen_progress = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        s = client.get(f"/api/jobs/{first['id']}").json()
        if s["state"] == "translating" and s["total"]:
            seen_progress.add((s["done"], s["total"]))
        if s["state"] == "done":
            break
        time.sleep(0.02)
    assert s["state"] == "done"
    assert seen_progress and all(0 <= d <= t for d, t in seen_progress)
    assert not (out_dir / "two").exists()  # nothing written for the cancelled one
    status = client.get(f"/api/jobs/{second['id']}").json()
    assert status["retry"]
    page = client.get(f"/jobs/{second['id']}").text
    assert 'id="retry-form"' in page and 'id="retry-form" hidden' not in page
    retried = client.post(f"/jobs/{second['id']}/retry", data={"csrf": token(client)}, headers=ORIGIN,
                          follow_redirects=False)
    assert retried.status_code == 303
    assert wait_job(client, second["id"])["state"] == "done"
    assert (out_dir / "two" / "two.json").is_file()


def test_an_uploaded_html_page_without_a_paper_name_does_not_take_its_file_stem_as_one(client):
    page = "<html><head><title>公园</title></head><body><h1>市民在公园散步</h1><p>市民在公园散步。天气很好。</p></body></html>"
    r = client.post("/upload", files={"page": ("park-page.html", page.encode(), "text/html")},
                    params={"csrf": token(client)}, headers={**ORIGIN, "Accept": "application/json"})
    status = wait_job(client, r.json()["id"])
    assert status["state"] == "done", status
    preview = client.get("/edition/park-page/preview").text
    masthead = preview.split('<header class="masthead">')[1].split("</header>")[0]
    nameplate = masthead.split('<p class="nameplate">')[1].split("</p>")[0]
    assert "park-page" not in masthead and "Chinese\u2013English parallel edition" in nameplate


def test_the_shipped_glossary_is_editable_with_its_file_named(out_dir):
    with TestClient(create_app(Config(out_dir=out_dir, engine="gloss")), raise_server_exceptions=False,
                    base_url="http://127.0.0.1:8000") as c:
        page = c.get("/glossary", params={"q": "刘越高"}).text
    assert "hengyang.tsv:" in page and '<button type="submit">Save</button>' in page
