"""The web page: library, edition preview and downloads, upload, glossary. ``create_app(out_dir)``.

Only files under the output folder are served (``safe_output_file``); every
page is a Jinja2 template with autoescaping; no response ever carries a stack
trace (a generic 500 handler); POST forms carry a per-session CSRF token and
must come from this origin. Uploaded pages are translated one at a time in a
background thread that loads the engine and glossary once; the upload page
polls ``/api/jobs/<id>`` for progress.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import threading
import time
import unicodedata
import uuid
from contextlib import asynccontextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..errors import BilingualError
from ..write import output_path

HERE = Path(__file__).resolve().parent
UPLOAD_LIMIT = 5 * 1024 * 1024  # bytes; a newspaper page is well under 1 MB
UPLOAD_SUFFIXES = (".txt", ".docx", ".html", ".htm")
UPLOADS_DIR = ".uploads"  # under the output folder; hidden, never listed or served
CSRF_COOKIE = "bilingual_csrf"
DOWNLOADS = {  # format -> Content-Type
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "tmx": "application/x-tmx+xml",
    "xliff": "application/xliff+xml",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}
CONTENT_TYPES = {".pdf": DOWNLOADS["pdf"], ".docx": DOWNLOADS["docx"], ".tmx": DOWNLOADS["tmx"],
                 ".xlf": DOWNLOADS["xliff"], ".html": DOWNLOADS["html"], ".json": DOWNLOADS["json"],
                 ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
# The app's own pages: scripts and styles from this server only.
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# A served edition file: nothing may be fetched or run, inline styles and embedded fonts only.
FILE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")
STEM_RE = re.compile(r"[^\w.\-]+", re.UNICODE)

log = logging.getLogger("bilingual.web")


# --- files ---------------------------------------------------------------------------------------


def safe_output_file(out_dir: Path, relative: str) -> Path | None:
    """The file ``relative`` names under ``out_dir``, or None when it is not a plain visible file inside it.

    Refused: absolute paths, ``..`` anywhere, hidden parts (temp ``.part`` files,
    the uploads folder), and anything whose real path (symlinks resolved) is
    outside ``out_dir``.
    """
    root = Path(out_dir).resolve()
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    candidate = (root / relative)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root) or not real.is_file():
        return None
    return real


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A header value safe for any name: an ASCII ``filename`` fallback plus RFC 5987 ``filename*``."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'[^A-Za-z0-9._\- ]+', "_", ascii_name).strip(" ._") or "download"
    suffix = Path(filename).suffix
    if suffix and not ascii_name.endswith(suffix) and suffix.isascii():
        ascii_name += suffix
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass
class EditionSummary:
    stem: str
    headline: str
    headline_en: str
    date: str
    paper: str
    articles: int
    engine: str
    formats: list[str]


def list_editions(out_dir: Path) -> list[EditionSummary]:
    """Every ``<stem>/<stem>.json`` in the output folder, newest date first."""
    found = []
    root = Path(out_dir)
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        summary = read_summary(root, folder.name)
        if summary is not None:
            found.append(summary)
    found.sort(key=lambda e: (e.date or "", e.stem), reverse=True)
    return found


def read_summary(out_dir: Path, stem: str) -> EditionSummary | None:
    json_file = safe_output_file(out_dir, f"{stem}/{stem}.json")
    if json_file is None:
        return None
    from ..model import Edition

    try:
        edition = Edition.from_json(json.loads(json_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, AttributeError, TypeError, KeyError, BilingualError):
        return None
    first = edition.articles[0] if edition.articles else None
    formats = [fmt for fmt in DOWNLOADS if output_path(out_dir, stem, fmt).is_file()]
    return EditionSummary(stem=stem, headline=first.headline.zh if first else "",
                          headline_en=(first.headline.en or "") if first else "",
                          date=edition.date or "", paper=edition.paper or "", articles=len(edition.articles),
                          engine=str((edition.signature or {}).get("engine") or ""), formats=formats)


def safe_stem(filename: str) -> str:
    """A folder name from an uploaded file's name: no path, no hidden dot, only word characters, . and -."""
    name = Path(filename.replace("\\", "/")).name
    stem = STEM_RE.sub("-", Path(name).stem).strip(".-")[:80]
    return stem or "page"


# --- upload jobs ---------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    filename: str
    stem: str
    state: str = "queued"  # queued | translating | done | failed
    progress: float = 0.0
    message: str = ""
    started: float = field(default_factory=time.time)


class Translator:
    """Translates uploaded pages one at a time in a background thread (engine + glossary loaded once)."""

    def __init__(self, out_dir: Path, glossary_paths):
        self.out_dir = Path(out_dir)
        self.glossary_paths = glossary_paths
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilingual-upload")
        self.resources = None

    def submit(self, filename: str, data: bytes) -> Job:
        with self.lock:
            stem = self._free_stem(safe_stem(filename))
            job = Job(id=uuid.uuid4().hex, filename=Path(filename).name, stem=stem)
            self.jobs[job.id] = job
        folder = self.out_dir / UPLOADS_DIR / job.id
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"{stem}{Path(filename).suffix.lower()}"
        source.write_bytes(data)
        self.executor.submit(self._run, job, source)
        return job

    def _free_stem(self, stem: str) -> str:
        taken = {j.stem for j in self.jobs.values()}
        candidate, n = stem, 2
        while candidate in taken or (self.out_dir / candidate).exists():
            candidate, n = f"{stem}-{n}", n + 1
        return candidate

    def _run(self, job: Job, source: Path) -> None:
        from ..batch import load_resources, translate_page
        from ..pipeline import Config

        config = Config(out_dir=self.out_dir, engine="auto", glossary_paths=self.glossary_paths)
        try:
            job.state, job.progress, job.message = "translating", 0.1, "loading the engine"
            if self.resources is None:
                self.resources = load_resources(config)
            job.progress, job.message = 0.3, "translating"
            result = translate_page(source, *self.resources, config, force=True)
        except BilingualError as e:
            job.state, job.message = "failed", _public_error(str(e), source, job.filename)
            return
        except Exception:  # logged for the operator; the user sees one generic line
            log.exception("upload %s failed", job.id)
            job.state, job.message = "failed", "internal error"
            return
        if result.status == "failed":
            job.state, job.message = "failed", _public_error(result.error or "failed", source, job.filename)
        else:
            job.state, job.progress = "done", 1.0
            job.message = f"{result.articles} articles, {result.segments} segments"

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _public_error(message: str, source: Path, filename: str) -> str:
    # The server's own paths are nobody's business: name the file as the user sent it.
    return message.replace(str(source), filename).replace(str(source.parent), "")


# --- the app -------------------------------------------------------------------------------------


def create_app(out_dir: Path, glossary_paths=None) -> FastAPI:
    """The web app over ``out_dir`` (created if missing); ``glossary_paths`` as for the translate command."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    translator = Translator(out_dir, glossary_paths)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        translator.shutdown()

    app = FastAPI(title="bilingual", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape is on for .html
    app.state.out_dir = out_dir
    app.state.translator = translator
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
        """Refuse a POST without this session's token or from another origin (403)."""
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

    @app.get("/edition/{stem}/preview")
    def preview(stem: str):
        path = safe_output_file(out_dir, output_path(Path(), stem, "html").as_posix())
        if path is None:
            raise HTTPException(404, "no preview")
        response = FileResponse(path, media_type=DOWNLOADS["html"])
        response.headers["Content-Security-Policy"] = FILE_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @app.get("/edition/{stem}/download/{fmt}")
    def download(stem: str, fmt: str):
        if fmt not in DOWNLOADS:
            raise HTTPException(404, "no such format")
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
        media = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        response = FileResponse(path, media_type=media)
        inline = path.suffix.lower() in (".html", ".pdf")
        response.headers["Content-Disposition"] = content_disposition(path.name, "inline" if inline else "attachment")
        response.headers["Content-Security-Policy"] = FILE_CSP
        return response

    @app.get("/upload", response_class=HTMLResponse)
    def upload_form(request: Request):
        return render(request, "upload.html", limit_mb=UPLOAD_LIMIT // (1024 * 1024), suffixes=UPLOAD_SUFFIXES)

    @app.post("/upload")
    async def upload(request: Request, page: UploadFile, csrf: str = Form("")):
        check_post(request, csrf)
        suffix = Path(page.filename or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"upload a {', '.join(UPLOAD_SUFFIXES)} file")
        data = await page.read(UPLOAD_LIMIT + 1)
        if len(data) > UPLOAD_LIMIT:
            raise HTTPException(413, f"the page is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB")
        if not data:
            raise HTTPException(400, "the file is empty")
        job = translator.submit(page.filename or f"page{suffix}", data)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(asdict(job), status_code=202)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        job = translator.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such upload")
        return render(request, "job.html", job=job)

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str):
        job = translator.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such upload")
        body = asdict(job)
        body["edition_url"] = f"/edition/{quote(job.stem)}" if job.state == "done" else None
        return body

    @app.get("/glossary", response_class=HTMLResponse)
    def glossary(request: Request, q: str = "", message: str = "", error: str = ""):
        files, terms = glossary_view(glossary_paths, q)
        return render(request, "glossary.html", q=q, terms=terms, files=files, message=message, error=error,
                      types=_term_types(), statuses=_term_statuses())

    @app.post("/glossary/add")
    def glossary_add(request: Request, zh: str = Form(""), en: str = Form(""), type: str = Form("term"),
                     status: str = Form("preferred"), note: str = Form(""), csrf: str = Form("")):
        check_post(request, csrf)
        from ..terms.edit import add_terms
        from ..terms.glossary import Term

        target = editable_glossary_file(glossary_paths)
        try:
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
        from ..terms.edit import format_row, write_checked
        from ..terms.glossary import Term, glossary_files

        paths = glossary_files(glossary_paths)
        if not 0 <= file < len(paths):
            raise HTTPException(400, "no such glossary file")
        path = paths[file]
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            return glossary_redirect(error=f"{path.name}: cannot read")
        if not 1 <= line <= len(lines) or lines[line - 1].split("\t")[0].strip() != old_zh:
            return glossary_redirect(error=f"{path.name}:{line}: the row changed meanwhile; search again")
        term = Term(zh=zh.strip(), en=en.strip(), type=type.strip(), status=status.strip(),
                    variants=tuple(v.strip() for v in variants.split("|") if v.strip()), note=note.strip())
        lines[line - 1] = format_row(term) + "\n"
        try:
            write_checked(path, "".join(lines), glossary_paths)
        except BilingualError as e:
            return glossary_redirect(error=str(e))
        return glossary_redirect(message=f"saved {term.zh}", q=term.zh)

    return app


def glossary_redirect(**params) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse("/glossary?" + urlencode(params), status_code=303)


def _term_types():
    from ..terms.glossary import TYPES

    return TYPES


def _term_statuses():
    from ..terms.glossary import STATUSES

    return STATUSES


def glossary_view(glossary_paths, query: str, limit: int = 200):
    """(file names, matching terms with their file index) for the glossary page."""
    from ..terms.glossary import glossary_files, load_glossary

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


def editable_glossary_file(glossary_paths) -> Path:
    """Where the web page adds terms: the first local (not national) glossary file, else local.tsv."""
    from ..terms.glossary import default_glossary_dir, is_national, glossary_files

    files = [f for f in glossary_files(glossary_paths) if not is_national(f)]
    if files:
        return files[0]
    folders = [Path(p) for p in (glossary_paths or [default_glossary_dir()]) if Path(p).is_dir()]
    if folders:
        return folders[0] / "local.tsv"
    raise HTTPException(400, "no glossary folder to add to")
