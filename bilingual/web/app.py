"""The web page's routes: library, edition preview and downloads, upload, glossary. ``create_app(config)``.

Every page is a Jinja2 template with autoescaping; no response ever carries a stack trace (a
generic 500 handler); POST forms carry a per-session CSRF token and must come from this
origin. File serving is ``files``; upload jobs are ``jobs``; glossary edits go through
``bilingual.terms.edit`` (linted before they are written).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..config import Config, shipped_glossary_dir
from ..errors import BilingualError, ConflictError
from ..pipeline import Pipeline, read_edition_json
from ..read import READERS
from ..terms.edit import add_terms, default_edit_file, replace_row
from ..terms.glossary import STATUSES, TYPES, Term, glossary_files, load_glossary
from ..write import WRITERS, content_type, output_path
from .files import content_disposition, list_editions, read_summary, safe_output_file, safe_stem
from .jobs import UploadQueue
from .review import Review, counts, glossary_is_newer, review_view, segment_view

HERE = Path(__file__).resolve().parent
# The web page's own cap on an upload; a reader's own limit applies when it is lower.
UPLOAD_CAP = 5_000_000
UPLOAD_LIMITS = {suffix: min(UPLOAD_CAP, r.max_bytes) for r in READERS for suffix in r.suffixes}
UPLOAD_SUFFIXES = tuple(UPLOAD_LIMITS)
# "… .txt, .md, .text up to 2 MB; .docx up to 5 MB; …" for the upload form.
UPLOAD_HINT = "; ".join(f"{', '.join(r.suffixes)} up to {min(UPLOAD_CAP, r.max_bytes) / 1e6:g} MB" for r in READERS)
CSRF_COOKIE = "bilingual_csrf"
MAX_EDIT_BYTES = 64_000  # one sentence's English, with room to spare
# The app's own pages: scripts and styles from this server only.
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# A served edition file: nothing may be fetched or run, inline styles and embedded fonts only.
FILE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")

log = logging.getLogger("bilingual.web")


def create_app(config: Config) -> FastAPI:
    """The web app over ``config.out_dir`` (created if missing), translating uploads with ``config``."""
    out_dir = Path(config.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    glossary_paths = config.glossary_paths
    review = Review(config)
    uploads = UploadQueue(config, review)

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
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", APP_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if CSRF_COOKIE not in request.cookies and response.headers.get("content-type", "").startswith("text/html"):
            token = getattr(request.state, "csrf", None)
            if token:
                response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response

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
        """Refuse a POST without this session's token (form field or X-CSRF-Token header) or from another
        origin (403)."""
        token = token or request.headers.get("x-csrf-token", "")
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not token or not hmac.compare_digest(cookie, token):
            raise HTTPException(403, "missing or wrong form token; reload the page")
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        origin = request.headers.get("origin")
        referer = request.headers.get("referer")
        if origin is not None and origin != "null":
            if origin != own:
                raise HTTPException(403, "cross-site request refused")
        elif referer:
            if not (referer == own or referer.startswith(own + "/")):
                raise HTTPException(403, "cross-site request refused")
        else:
            raise HTTPException(403, "cross-site request refused (no Origin or Referer)")

    def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("csrf", csrf_token(request))
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.get("/", response_class=HTMLResponse)
    def library(request: Request):
        return render(request, "library.html", editions=list_editions(out_dir))

    @app.get("/edition/{stem}", response_class=HTMLResponse)
    def edition(request: Request, stem: str):
        summary = read_summary(out_dir, stem) if safe_stem(stem) == stem else None
        if summary is None:
            raise HTTPException(404, "no such edition")
        has_preview = "html" in summary.formats
        return render(request, "edition.html", edition=summary, has_preview=has_preview)

    def load_edition(stem: str):
        path = safe_output_file(out_dir, f"{stem}/{stem}.json") if safe_stem(stem) == stem else None
        if path is None:
            raise HTTPException(404, "no such edition")
        try:
            return read_edition_json(path)
        except BilingualError:
            raise HTTPException(404, "this edition cannot be read") from None

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
        path = safe_output_file(out_dir, output_path(Path(), stem, "html").as_posix())
        if path is None:
            raise HTTPException(404, "no preview")
        response = FileResponse(path, media_type=WRITERS["html"].content_type)
        response.headers["Content-Security-Policy"] = FILE_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @app.get("/edition/{stem}/download/{fmt}")
    def download(stem: str, fmt: str):
        if fmt not in WRITERS:
            raise HTTPException(404, "no such format")
        if WRITERS[fmt].proof:  # made on demand from the edition as it stands now
            edition = load_edition(stem)
            with review.lock(stem):
                Pipeline(config).write(edition, formats=(fmt,), only=True)
        path = safe_output_file(out_dir, output_path(Path(), stem, fmt).as_posix())
        if path is None:
            raise HTTPException(404, "not found")
        return file_response(path)

    @app.get("/files/{relative:path}")
    def files(relative: str):
        path = safe_output_file(out_dir, relative)
        if path is None:
            raise HTTPException(404, "not found")
        return file_response(path)

    def file_response(path: Path) -> FileResponse:
        response = FileResponse(path, media_type=content_type(path))
        inline = path.suffix.lower() in (".html", ".pdf")
        response.headers["Content-Disposition"] = content_disposition(path.name, "inline" if inline else "attachment")
        response.headers["Content-Security-Policy"] = FILE_CSP
        return response

    @app.get("/upload", response_class=HTMLResponse)
    def upload_form(request: Request):
        return render(request, "upload.html", hint=UPLOAD_HINT, suffixes=UPLOAD_SUFFIXES)

    @app.post("/upload")
    async def upload(request: Request, page: UploadFile, csrf: str = Form("")):
        check_post(request, csrf)
        suffix = Path(page.filename or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"upload a {', '.join(UPLOAD_SUFFIXES)} file")
        limit = UPLOAD_LIMITS[suffix]
        data = await page.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"a {suffix} page may be at most {limit / 1e6:g} MB")
        if not data:
            raise HTTPException(400, "the file is empty")
        job = uploads.submit(page.filename or f"page{suffix}", data)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(asdict(job), status_code=202)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        job = uploads.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such upload")
        return render(request, "job.html", job=job)

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str):
        job = uploads.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such upload")
        body = asdict(job)
        page = "review" if job.kind == "retranslate" else ""
        body["edition_url"] = f"/edition/{quote(job.stem)}/{page}".rstrip("/") if job.state == "done" else None
        return body

    @app.get("/glossary", response_class=HTMLResponse)
    def glossary(request: Request, q: str = "", message: str = "", error: str = ""):
        files, terms = glossary_view(glossary_paths, q)
        return render(request, "glossary.html", q=q, terms=terms, files=files, message=message, error=error,
                      types=TYPES, statuses=STATUSES)

    @app.post("/glossary/add")
    def glossary_add(request: Request, zh: str = Form(""), en: str = Form(""), type: str = Form("term"),
                     status: str = Form("preferred"), note: str = Form(""), csrf: str = Form("")):
        check_post(request, csrf)
        try:
            target = default_edit_file(glossary_paths, shipped_glossary_dir())
            term = Term(zh=zh.strip(), en=en.strip(), type=type.strip(), status=status.strip(), note=note.strip())
            added = add_terms(target, [term], glossary_paths)
        except BilingualError as e:
            return glossary_redirect(error=str(e))
        return glossary_redirect(message=f"added {zh}" if added else f"{zh} is already there", q=zh)

    @app.post("/glossary/edit")
    def glossary_edit(request: Request, file: int = Form(...), line: int = Form(...), old_zh: str = Form(...),
                      zh: str = Form(""), en: str = Form(""), type: str = Form("term"),
                      status: str = Form("preferred"), variants: str = Form(""), note: str = Form(""),
                      csrf: str = Form("")):
        check_post(request, csrf)
        paths = glossary_files(glossary_paths)
        if not 0 <= file < len(paths):
            raise HTTPException(400, "no such glossary file")
        term = Term(zh=zh.strip(), en=en.strip(), type=type.strip(), status=status.strip(),
                    variants=tuple(v.strip() for v in variants.split("|") if v.strip()), note=note.strip())
        try:
            replace_row(paths[file], line, old_zh, term, glossary_paths)
        except BilingualError as e:
            return glossary_redirect(error=str(e))
        return glossary_redirect(message=f"saved {term.zh}", q=term.zh)

    return app


def glossary_redirect(**params) -> RedirectResponse:
    return RedirectResponse("/glossary?" + urlencode(params), status_code=303)


def glossary_view(glossary_paths, query: str, limit: int = 200):
    """(file names, matching terms with their file index) for the glossary page."""
    files = glossary_files(glossary_paths)
    index = {str(f.resolve()): i for i, f in enumerate(files)}
    index.update({str(f): i for i, f in enumerate(files)})
    try:
        glossary = load_glossary(glossary_paths)
    except BilingualError as e:
        return [f.name for f in files], [{"error": str(e)}]
    query = query.strip().lower()
    rows = []
    for term in glossary.terms:
        if query and query not in term.zh.lower() and query not in term.en.lower():
            continue
        file_index = _file_index(term.file, files, index)
        rows.append({"zh": term.zh, "en": term.en, "type": term.type, "status": term.status,
                     "variants": "|".join(term.variants), "note": term.note, "file": file_index,
                     "file_name": files[file_index].name if file_index is not None else "", "line": term.line})
        if len(rows) >= limit:
            break
    return [f.name for f in files], rows


def _file_index(name, files, index):
    if name is None:
        return None
    if name in index:
        return index[name]
    try:
        return index.get(str(Path(name).resolve()))
    except OSError:
        return None
