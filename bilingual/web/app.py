"""The web page's routes: library, edition preview and downloads, upload, jobs, glossary. ``create_app(config)``.

Every page is a Jinja2 template with autoescaping; no response ever carries a stack trace (a
generic 500 handler); a browser gets an HTML error page with a way back, a script (``/api/``, or
``Accept: application/json``) gets JSON. Before anything else (``RequestGuard``) a request must name
one of the hosts the server was started for (the loopback names, ``--host``, ``--allow-host``: a
DNS-rebinding page reaching 127.0.0.1 under its own name is refused with 421), and its body may not
exceed what the route takes: a larger ``Content-Length`` is refused before a byte is read, and
reading stops at the limit when the length is not given. POSTs carry a per-session CSRF token and
must come from this origin; an upload is refused on its token before its body is read. File serving
is ``files``; upload jobs are ``jobs``; glossary edits go through ``bilingual.terms.edit`` (linted
before they are written).
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import secrets
import shutil
import time
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..config import Config, shipped_glossary_dir
from ..errors import BilingualError, ConflictError
from ..pipeline import Pipeline, read_edition_json
from ..read import READERS
from ..terms.edit import add_terms, clean_field, default_edit_file, replace_row
from ..terms.glossary import STATUSES, TYPES, Term, display_path, glossary_files, load_glossary
from ..write import WRITERS, content_type, output_path
from ..write.html import FLAG_MEANINGS
from ..write.report import build_report
from .files import content_disposition, is_edition_name, list_editions, read_summary, safe_output_file
from .jobs import UploadQueue
from .review import Review, counts, glossary_is_newer, review_view, segment_view

HERE = Path(__file__).resolve().parent
# The web page's own cap on an upload; a reader's own limit applies when it is lower.
UPLOAD_CAP = 5_000_000
UPLOAD_LIMITS = {suffix: min(UPLOAD_CAP, r.max_bytes) for r in READERS for suffix in r.suffixes}
UPLOAD_SUFFIXES = tuple(UPLOAD_LIMITS)
# "… .txt, .md, .text up to 2 MB; .docx up to 5 MB; …" for the upload form.
UPLOAD_HINT = "; ".join(f"{', '.join(r.suffixes)} up to {min(UPLOAD_CAP, r.max_bytes) / 1e6:g} MB" for r in READERS)
MULTIPART_SLACK = 64_000  # the form's boundaries, headers and token around the file
CSRF_COOKIE = "bilingual_csrf"
MAX_EDIT_BYTES = 64_000  # one sentence's English, with room to spare
MAX_FORM_BYTES = 256_000  # a glossary row, a button
LIBRARY_PAGE = 50
GLOSSARY_PAGE = 200
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The app's own pages: scripts and styles from this server only.
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# A served edition file: nothing may be fetched or run, inline styles and embedded fonts only.
FILE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")

log = logging.getLogger("bilingual.web")


def host_name(value: str) -> str:
    """The host of a Host header or an origin's netloc, lower-case, without port or brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.index("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def body_limit(method: str, path: str) -> int:
    """The largest body a request to ``path`` may carry."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return 0
    if path == "/upload":
        return UPLOAD_CAP + MULTIPART_SLACK
    if path.startswith("/api/"):
        return MAX_EDIT_BYTES
    return MAX_FORM_BYTES


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request is larger than this page takes ({limit / 1e6:g} MB)")


class RequestGuard:
    """ASGI middleware run before anything else: the Host must be one the server was started for, and the
    body no larger than the route takes (refused on ``Content-Length``, or counted while it is read). On the
    way out it adds the security headers, and the session's CSRF cookie to an HTML page that made one.

    Pure ASGI (not ``BaseHTTPMiddleware``), so a body found too large while a route reads it is an ordinary
    HTTPException for the error handlers."""

    def __init__(self, app, allowed_hosts: set[str]):
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if not host:
            return await _plain(send, 400, "a request must name its Host")
        if host_name(host) not in self.allowed_hosts:
            return await _plain(send, 421, "this server does not answer for that host name "
                                           "(start it with --allow-host NAME to allow one)")
        limit = body_limit(scope["method"], scope["path"])
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return await _plain(send, 400, "a bad Content-Length")
            if int(length) > limit:
                return await _plain(send, 413, f"the request is larger than this page takes ({limit / 1e6:g} MB)")
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        cookies = headers.get("cookie", "")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                names = {k.lower() for k, _ in out}
                for name, value in ((b"content-security-policy", APP_CSP), (b"x-content-type-options", "nosniff"),
                                    (b"referrer-policy", "same-origin")):
                    if name not in names:
                        out.append((name, value.encode("latin-1")))
                content = dict(out).get(b"content-type", b"")
                token = scope.get("state", {}).get("csrf")
                if token and content.startswith(b"text/html") and f"{CSRF_COOKIE}=" not in cookies:
                    out.append((b"set-cookie", f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=strict".encode()))
                message = {**message, "headers": out}
            await send(message)

        return await self.app(scope, counted, with_headers)


async def _plain(send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def create_app(config: Config, allowed_hosts: list[str] | tuple[str, ...] = ()) -> FastAPI:
    """The web app over ``config.out_dir`` (created if missing), translating uploads with ``config``.

    ``allowed_hosts``: host names besides the loopback ones the page may be reached by (``--host``); a
    wildcard address (0.0.0.0, ::) names no host and adds none.
    """
    out_dir = Path(config.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    glossary_paths = config.glossary_paths
    review = Review(config)
    uploads = UploadQueue(config, review)
    hosts = {host_name(h) for h in (*LOOPBACK_HOSTS, *allowed_hosts) if h and h not in ("0.0.0.0", "::")}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        uploads.shutdown()
        review.shutdown()

    app = FastAPI(title="bilingual", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape is on for .html
    app.state.out_dir = out_dir
    app.state.uploads = uploads
    app.state.review = review
    app.state.allowed_hosts = hosts
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.add_middleware(RequestGuard, allowed_hosts=hosts)

    def wants_json(request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return request.url.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)

    def error_page(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        referer = request.headers.get("referer", "")
        back = urlsplit(referer).path if referer and host_name(urlsplit(referer).netloc) in hosts else ""
        if not back or back == request.url.path:
            back = "/"
        return render(request, "error.html", status=status, code=status, message=message, back=back)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: "There is nothing at this address.", 405: "This address does not take that request."}
        message = exc.detail if isinstance(exc.detail, str) and exc.detail not in ("Not Found", "Method Not Allowed") \
            else messages.get(exc.status_code, "The request was refused.")
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        missing = sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()})
        return error_page(request, 400, "the form is incomplete or wrong: " + ", ".join(missing))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        log.error("internal error on %s", request.url.path, exc_info=exc)
        return Response("internal error\n", status_code=500, media_type="text/plain")

    def csrf_token(request: Request) -> str:
        token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf", None)
        if not token:
            token = secrets.token_urlsafe(32)
            request.state.csrf = token
        return token

    def check_post(request: Request, token: str) -> None:
        """Refuse a POST without this session's token (form field, ``csrf`` query parameter or X-CSRF-Token
        header) or from another origin (403)."""
        token = token or request.headers.get("x-csrf-token", "") or request.query_params.get("csrf", "")
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not token or not hmac.compare_digest(cookie, token):
            raise HTTPException(403, "missing or wrong form token; reload the page")
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        origin = request.headers.get("origin")
        referer = request.headers.get("referer")
        if origin is not None and origin != "null":
            if origin != own or host_name(urlsplit(origin).netloc) not in hosts:
                raise HTTPException(403, "cross-site request refused")
        elif referer:
            if not (referer == own or referer.startswith(own + "/")):
                raise HTTPException(403, "cross-site request refused")
        else:
            raise HTTPException(403, "cross-site request refused (no Origin or Referer)")

    def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("csrf", csrf_token(request))
        return templates.TemplateResponse(request, name, context, status_code=status)

    def public(message: str) -> str:
        """A message with the server's own folders taken out (a person sees file names, not paths)."""
        for folder in [out_dir, *(Path(p) for p in glossary_paths or [shipped_glossary_dir()])]:
            for form in {str(folder), str(folder.resolve())}:
                message = message.replace(form.rstrip("/") + "/", "").replace(form, Path(form).name)
        return message

    # -- the library ------------------------------------------------------------------------------

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def library(request: Request, q: str = "", page: int = 1, message: str = "", error: str = ""):
        found = list_editions(out_dir)
        uploaded = uploads.uploaded()
        editions = [e for e in found.editions if not q.strip() or e.matches(q.strip())]
        pages = max(1, math.ceil(len(editions) / LIBRARY_PAGE))
        page = min(max(1, page), pages)
        shown = editions[(page - 1) * LIBRARY_PAGE: page * LIBRARY_PAGE]
        rows = [{"e": e, "uploaded": uploaded.get(e.stem)} for e in shown]
        return render(request, "library.html", rows=rows, total=len(found.editions), matching=len(editions),
                      q=q, page=page, pages=pages, unreadable=found.unreadable, message=message, error=error,
                      time_label=time_label)

    @app.api_route("/favicon.ico", methods=["GET", "HEAD"])
    def favicon():
        return FileResponse(HERE / "static" / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "max-age=86400"})

    def edition_or_404(stem: str):
        summary = read_summary(out_dir, stem) if is_edition_name(stem) else None
        if summary is None:
            raise HTTPException(404, "There is no edition of that name (or its JSON cannot be read).")
        return summary

    @app.api_route("/edition/{stem}", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def edition(request: Request, stem: str):
        summary = edition_or_404(stem)
        quality = quality_view(load_edition(stem))
        return render(request, "edition.html", edition=summary, has_preview="html" in summary.formats,
                      quality=quality)

    def load_edition(stem: str):
        path = safe_output_file(out_dir, f"{stem}/{stem}.json") if is_edition_name(stem) else None
        if path is None:
            raise HTTPException(404, "There is no edition of that name.")
        try:
            return read_edition_json(path)
        except BilingualError:
            raise HTTPException(404, "This edition's JSON cannot be read.") from None

    @app.post("/edition/{stem}/delete")
    def delete_edition(request: Request, stem: str, csrf: str = Form("")):
        """Move an edition's folder aside (``.bilingual/deleted/``): gone from the library, recoverable by hand."""
        check_post(request, csrf)
        edition_or_404(stem)
        if stem in uploads.active_stems():
            return library_redirect(error=f"{stem} is being translated; wait for it or cancel it first")
        with review.lock(stem):
            target = out_dir / ".bilingual" / "deleted" / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(out_dir / stem), str(target))
        return library_redirect(message=f"deleted {stem} (kept in the output folder's .bilingual/deleted/)")

    @app.get("/edition/{stem}/review", response_class=HTMLResponse)
    def review_page(request: Request, stem: str):
        edition = load_edition(stem)
        current = current_glossary_version()
        return render(request, "review.html", stem=stem, view=review_view(edition), summary=read_summary(out_dir, stem),
                      outdated=glossary_is_newer(edition, current), regeneration=review.status(stem).to_dict())

    def current_glossary_version() -> str | None:
        try:
            return load_glossary(glossary_paths).version
        except BilingualError:
            return None

    @app.post("/api/edition/{stem}/segments/{segment_id}")
    async def save_segment(request: Request, stem: str, segment_id: str):
        check_post(request, "")
        if int(request.headers.get("content-length") or 0) > MAX_EDIT_BYTES:
            raise HTTPException(413, "the English is too long")
        try:
            body = json.loads(await request.body())
            en, base = str(body["en"]), body.get("base")
            status, by = str(body.get("status") or "translated"), (str(body.get("by") or "")[:80] or None)
        except (ValueError, KeyError, TypeError):
            raise HTTPException(400, "expected JSON {en, base, status}") from None
        load_edition(stem)
        try:
            edition, seg, regen = await run_in_threadpool(review.save, stem, segment_id, en,
                                                          None if base is None else str(base), status, by)
        except ConflictError as e:
            return JSONResponse({"error": e.message}, status_code=409)
        except BilingualError as e:
            return JSONResponse({"error": e.message}, status_code=400)
        part = next((p for a in edition.articles for p, s in a.heads() if s is seg), "body")
        return {"segment": segment_view(seg, part, edition.names), **counts(edition),
                "regeneration": regen.to_dict()}

    @app.get("/api/edition/{stem}/status")
    def edition_status(stem: str):
        load_edition(stem)
        return review.status(stem).to_dict()

    @app.post("/edition/{stem}/retranslate")
    def retranslate(request: Request, stem: str, csrf: str = Form("")):
        check_post(request, csrf)
        load_edition(stem)
        job = uploads.retranslate(stem)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/edition/{stem}/preview")
    def preview(stem: str):
        path = safe_output_file(out_dir, output_path(Path(), stem, "html").as_posix()) if is_edition_name(stem) \
            else None
        if path is None:
            raise HTTPException(404, "This edition has no HTML preview.")
        response = FileResponse(path, media_type=WRITERS["html"].content_type)
        response.headers["Content-Security-Policy"] = FILE_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @app.get("/edition/{stem}/download/{fmt}")
    def download(stem: str, fmt: str):
        if fmt not in WRITERS or not is_edition_name(stem):
            raise HTTPException(404, "There is no such format.")
        if WRITERS[fmt].proof:  # made on demand from the edition as it stands now
            edition = load_edition(stem)
            with review.lock(stem):
                Pipeline(config).write(edition, formats=(fmt,), only=True)
        path = safe_output_file(out_dir, output_path(Path(), stem, fmt).as_posix())
        if path is None:
            raise HTTPException(404, f"This edition has no {fmt.upper()} file.")
        return file_response(path)

    @app.get("/files/{relative:path}")
    def files(relative: str):
        path = safe_output_file(out_dir, relative)
        if path is None:
            raise HTTPException(404, "There is no such file.")
        return file_response(path)

    def file_response(path: Path) -> FileResponse:
        response = FileResponse(path, media_type=content_type(path))
        inline = path.suffix.lower() in (".html", ".pdf")
        response.headers["Content-Disposition"] = content_disposition(path.name, "inline" if inline else "attachment")
        response.headers["Content-Security-Policy"] = FILE_CSP
        return response

    # -- uploads and jobs -------------------------------------------------------------------------

    @app.api_route("/upload", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def upload_form(request: Request):
        return render(request, "upload.html", hint=UPLOAD_HINT, suffixes=UPLOAD_SUFFIXES,
                      limits=json.dumps(UPLOAD_LIMITS))

    @app.post("/upload")
    async def upload(request: Request):
        # Token and origin first, from the URL and headers: a request that fails them is refused before a byte
        # of its body is read (RequestGuard already refused a Content-Length over the cap).
        check_post(request, "")
        form = await request.form(max_files=1, max_fields=8)
        page = form.get("page")
        if page is None or isinstance(page, str):
            raise HTTPException(400, "choose a page to upload")
        filename = page.filename or ""
        suffix = Path(filename).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"upload a {', '.join(UPLOAD_SUFFIXES)} file, not "
                                     f"{suffix or 'a file without a suffix'}")
        limit = UPLOAD_LIMITS[suffix]
        data = await page.read(limit + 1)
        await form.close()
        if len(data) > limit:
            raise HTTPException(413, f"a {suffix} page may be at most {limit / 1e6:g} MB")
        if not data.strip():
            raise HTTPException(400, "the file is empty")
        job = await run_in_threadpool(uploads.submit, filename or f"page{suffix}", data)
        if wants_json(request):
            return JSONResponse(uploads.public(job), status_code=202)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def job_or_404(job_id: str):
        job = uploads.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "There is no such upload (it may be older than the jobs this server keeps).")
        return job

    def job_body(job) -> dict:
        body = uploads.public(job)
        page = "review" if job.kind == "retranslate" else ""
        body["edition_url"] = f"/edition/{quote(job.stem, safe='')}/{page}".rstrip("/") if job.state == "done" \
            else None
        return body

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        return render(request, "job.html", job=job_body(job_or_404(job_id)), time_label=time_label)

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str):
        return job_body(job_or_404(job_id))

    @app.post("/jobs/{job_id}/cancel")
    def job_cancel(request: Request, job_id: str, csrf: str = Form("")):
        check_post(request, csrf)
        job_or_404(job_id)
        job = uploads.cancel(job_id)
        return job_answer(request, job)

    @app.post("/jobs/{job_id}/retry")
    def job_retry(request: Request, job_id: str, csrf: str = Form("")):
        check_post(request, csrf)
        job_or_404(job_id)
        try:
            job = uploads.retry(job_id)
        except BilingualError as e:
            raise HTTPException(409, e.message) from None
        return job_answer(request, job)

    def job_answer(request: Request, job):
        if wants_json(request):
            return job_body(job)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    # -- the glossary -----------------------------------------------------------------------------

    def edit_target() -> Path | None:
        try:
            return default_edit_file(glossary_paths, shipped_glossary_dir())
        except BilingualError:
            return None

    @app.get("/glossary", response_class=HTMLResponse)
    def glossary(request: Request, q: str = "", page: int = 1, message: str = "", error: str = ""):
        view = glossary_view(glossary_paths, q, page)
        target = edit_target()
        return render(request, "glossary.html", q=q, view=view, message=public(message), error=public(error),
                      types=TYPES, statuses=STATUSES, target=target.name if target is not None else None)

    @app.post("/glossary/add")
    def glossary_add(request: Request, zh: str = Form(""), en: str = Form(""), type: str = Form("term"),
                     status: str = Form("preferred"), note: str = Form(""), csrf: str = Form("")):
        check_post(request, csrf)
        try:
            target = default_edit_file(glossary_paths, shipped_glossary_dir())
            term = Term(zh=clean_field(zh), en=clean_field(en), type=type.strip(), status=status.strip(),
                        note=clean_field(note))
            added = add_terms(target, [term], glossary_paths)
        except BilingualError as e:
            return glossary_redirect(error=public(str(e)), q=clean_field(zh))
        where = target.name
        return glossary_redirect(message=f"added {term.zh} to {where}" if added
                                 else f"{term.zh} → {term.en} is already in the glossary", q=term.zh)

    @app.post("/glossary/edit")
    def glossary_edit(request: Request, file: int = Form(...), line: int = Form(...), old_zh: str = Form(...),
                      zh: str = Form(""), en: str = Form(""), type: str = Form("term"),
                      status: str = Form("preferred"), variants: str = Form(""), note: str = Form(""),
                      csrf: str = Form("")):
        check_post(request, csrf)
        paths = glossary_files(glossary_paths)
        if not 0 <= file < len(paths):
            raise HTTPException(400, "There is no such glossary file.")
        term = Term(zh=clean_field(zh), en=clean_field(en), type=type.strip(), status=status.strip(),
                    variants=tuple(clean_field(v) for v in variants.split("|") if clean_field(v)),
                    note=clean_field(note))
        try:
            replace_row(paths[file], line, old_zh, term, glossary_paths)
        except BilingualError as e:
            return glossary_redirect(error=public(str(e)), q=old_zh)
        return glossary_redirect(message=f"saved {term.zh} in {paths[file].name}", q=term.zh)

    return app


def time_label(seconds: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds)) if seconds else ""


def library_redirect(**params) -> RedirectResponse:
    return RedirectResponse("/?" + urlencode(params), status_code=303)


def glossary_redirect(**params) -> RedirectResponse:
    return RedirectResponse("/glossary?" + urlencode(params), status_code=303)


def quality_view(edition) -> dict:
    """What the edition page shows of the quality report: flag counts with their meaning, flagged sentences,
    missed terms, names to confirm."""
    report = build_report(edition)
    flags = [{"flag": f, "count": n, "meaning": FLAG_MEANINGS.get(f, "")} for f, n in report["flags"].items() if n]
    return {
        "segments": report["segments"],
        "flagged_count": report["segments_flagged"],
        "flags": flags,
        "legend": [{"flag": f, "meaning": m} for f, m in FLAG_MEANINGS.items()],
        "flagged": report["flagged"][:100],
        "missed": [{"zh": m["zh"], "en": m["en"], "count": len(m["segments"])} for m in report["terms_missed"]],
        "names": [{"zh": n.get("zh", ""), "en": n.get("en", "")} for n in report["names"] if isinstance(n, dict)],
    }


def glossary_view(glossary_paths, query: str, page: int = 1, limit: int = GLOSSARY_PAGE) -> dict:
    """One page of the terms matching ``query``, each with its file index and line, and the counts."""
    files = glossary_files(glossary_paths)
    index = {str(f.resolve()): i for i, f in enumerate(files)}
    index.update({str(f): i for i, f in enumerate(files)})
    index.update({display_path(f): i for i, f in enumerate(files)})  # the shipped files' "glossary/x.tsv"
    view = {"files": [f.name for f in files], "rows": [], "error": None, "matching": 0, "total": 0, "page": 1,
            "pages": 1, "first": 0, "last": 0}
    try:
        glossary = load_glossary(glossary_paths)
    except BilingualError as e:
        view["error"] = str(e)
        for f in files:
            view["error"] = view["error"].replace(str(f.parent) + "/", "")
        return view
    needle = query.strip().casefold()
    matching = [t for t in glossary.terms
                if not needle or any(needle in s.casefold() for s in (t.zh, t.en, *t.variants))]
    pages = max(1, math.ceil(len(matching) / limit))
    page = min(max(1, page), pages)
    shown = matching[(page - 1) * limit: page * limit]
    for term in shown:
        file_index = _file_index(term.file, files, index)
        view["rows"].append({"zh": term.zh, "en": term.en, "type": term.type, "status": term.status,
                             "variants": "|".join(term.variants), "note": term.note, "file": file_index,
                             "file_name": files[file_index].name if file_index is not None else "",
                             "line": term.line})
    view.update(matching=len(matching), total=len(glossary.terms), page=page, pages=pages,
                first=(page - 1) * limit + 1 if shown else 0, last=(page - 1) * limit + len(shown))
    return view


def _file_index(name, files, index):
    if name is None:
        return None
    if name in index:
        return index[name]
    try:
        return index.get(str(Path(name).resolve()))
    except OSError:
        return None
