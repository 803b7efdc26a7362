"""The batch runner: many pages in, one edition folder per page out, a report for machines.

``run_batch(paths, config, jobs)`` translates each page on its own: a page that
fails is recorded and the batch goes on. With ``jobs > 1`` pages are translated
in worker processes (forkserver context), each loading the engine and the
glossary once in its initializer.

Resume: every output is written through ``atomic_path`` (temp + rename) and the
JSON is written last with ``source_sha256`` in its signature. A page whose
outputs are all present and whose JSON signature matches this run's engine,
glossary, tool, write options and the source's hash is skipped; anything else
is redone. Temporary ``*.part`` files left by a killed run are removed before a
page is redone.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .errors import BilingualError, InputError, read_input_bytes
from .pipeline import Config
from .write import atomic_path, output_path

PAGE_SUFFIXES = (".txt", ".docx", ".html", ".htm")
REPORT_NAME = "report.json"


@dataclass
class PageResult:
    """What became of one page: status is ``done``, ``skipped`` (already finished) or ``failed``."""

    source: str
    stem: str
    status: str
    articles: int = 0
    segments: int = 0
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    flagged: int = 0  # segments with a quality flag (missed term, number mismatch, untranslated ...)
    summary: str | None = None  # the edition's readable quality summary (``summarize_report``)


@dataclass
class BatchResult:
    pages: list[PageResult]
    report: Path | None = None
    interrupted: bool = False

    @property
    def failed(self) -> list[PageResult]:
        return [p for p in self.pages if p.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for p in self.pages if p.status == status)


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files as given; folders to the pages inside them (recursively); glob patterns expanded.

    Order is kept and a file named twice is taken once. A pattern that matches
    nothing is an InputError; a missing plain file is kept, so the batch reports
    it as a failed page and processes the others.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if any(ch in item for ch in "*?["):
            if path.is_absolute():
                matches = sorted(Path(path.anchor).glob(str(path.relative_to(path.anchor))))
            else:
                matches = sorted(Path().glob(item))
            if not matches:
                raise InputError("no file matches this pattern", item)
            for match in matches:
                if match.is_dir():
                    found.extend(_pages_in(match))
                elif match.is_file():
                    found.append(match)
        elif path.is_dir():
            found.extend(_pages_in(path))
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _pages_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                  and not p.name.startswith("."))


def source_digest(path: Path) -> str:
    """sha256 of the page's bytes (raises InputError naming the file when it cannot be read)."""
    return hashlib.sha256(read_input_bytes(path, "page")).hexdigest()


def expected_signature(engine, glossary, config: Config, digest: str) -> dict:
    """The signature a finished edition of this source, made by this run, carries in its JSON."""
    signature = dict(engine.signature())
    if glossary is not None:
        signature["glossary"] = glossary.version
    signature["tool"] = f"bilingual {__version__}"
    signature["source_sha256"] = digest
    signature["write"] = f"{config.write.layout}/{config.write.paper}/{config.write.cjk_font}"
    return signature


def page_outputs(stem: str, config: Config) -> list[Path]:
    return [output_path(config.out_dir, stem, fmt) for fmt in config.formats]


def is_finished(stem: str, config: Config, signature: dict) -> bool:
    """True when every requested output exists and the JSON's signature equals ``signature``."""
    if not all(p.is_file() for p in page_outputs(stem, config)):
        return False
    json_path = output_path(config.out_dir, stem, "json")
    if "json" not in config.formats:
        return False  # without the JSON there is nothing that proves the outputs belong together
    try:
        stored = json.loads(json_path.read_text(encoding="utf-8")).get("signature")
    except (OSError, ValueError, AttributeError):
        return False
    return stored == signature


def remove_stale_parts(page_dir: Path) -> list[Path]:
    """Delete temporary ``.*.part`` files a killed run left in a page's output folder."""
    removed = []
    if page_dir.is_dir():
        for part in page_dir.glob(".*.part"):
            try:
                part.unlink()
                removed.append(part)
            except OSError:
                pass
    return removed


def translate_page(path: Path, engine, glossary, config: Config, force: bool = False) -> PageResult:
    """Translate one page (or skip it when already finished); never raises for a bad page."""
    from .pipeline import read_edition, translate_read_edition, write_edition

    started = time.monotonic()
    path = Path(path)
    result = PageResult(source=str(path), stem=path.stem, status="failed")
    try:
        digest = source_digest(path)
        signature = expected_signature(engine, glossary, config, digest)
        if not force and is_finished(path.stem, config, signature):
            result.status = "skipped"
            result.outputs = [str(p) for p in page_outputs(path.stem, config)]
            _count_from_json(result, output_path(config.out_dir, path.stem, "json"))
            return result
        remove_stale_parts(Path(config.out_dir) / path.stem)
        edition = read_edition(path, config)
        edition = translate_read_edition(edition, engine, glossary, config)
        edition.signature = {**(edition.signature or {}), "source_sha256": digest,
                             "write": signature["write"]}
        written = write_edition(edition, config)
        result.status = "done"
        result.stem = edition.stem
        result.outputs = [str(p) for p in written]
        _count(result, edition)
    except BilingualError as e:
        result.error = str(e)
    except MemoryError:
        result.error = f"{path}: out of memory"
    except Exception as e:  # an unexpected bug on one page must not stop the batch
        result.error = f"{path}: internal error: {type(e).__name__}: {e}".replace("\n", " ")
    finally:
        result.seconds = round(time.monotonic() - started, 3)
    return result


def _count_from_json(result: PageResult, json_path: Path) -> None:
    from .model import Edition

    try:
        edition = Edition.from_json(json.loads(json_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, BilingualError):
        return
    _count(result, edition)


def _count(result: PageResult, edition) -> None:
    from .write.report import summarize_report

    result.articles = len(edition.articles)
    result.segments = sum(1 for _ in edition.segments())
    result.flagged = sum(1 for s in edition.segments() if s.flags)
    result.summary = summarize_report(edition)


# --- worker processes -------------------------------------------------------------------------

_WORKER: dict = {}


def load_resources(config: Config):
    """The engine and glossary a run needs (loaded once per process)."""
    from .engines import load_engine
    from .terms.glossary import load_glossary

    glossary = load_glossary(config.glossary_paths)
    engine = load_engine(config.engine, config.data_dir)
    return engine, glossary


def _init_worker(config: Config) -> None:
    _WORKER["config"] = config
    # Pages already run in parallel here: a long page's PDF parts render one after another in this
    # worker instead of starting a pool of their own on cores the other workers are using.
    os.environ.setdefault("BILINGUAL_PDF_JOBS", "1")
    try:
        _WORKER["engine"], _WORKER["glossary"] = load_resources(config)
    except BilingualError as e:  # kept, so each page reports why instead of a broken pool
        _WORKER["error"] = e


def _work(path: str, force: bool) -> PageResult:
    if "error" in _WORKER:
        return PageResult(path, Path(path).stem, "failed", error=str(_WORKER["error"]))
    return translate_page(Path(path), _WORKER["engine"], _WORKER["glossary"], _WORKER["config"], force)


def duplicate_stems(paths: list[Path]) -> dict[Path, Path]:
    """Pages whose stem an earlier page already has (they would write the same output folder)."""
    first: dict[str, Path] = {}
    dupes = {}
    for p in paths:
        if p.stem in first:
            dupes[p] = first[p.stem]
        else:
            first[p.stem] = p
    return dupes


def run_batch(paths: list[Path], config: Config, jobs: int = 1, force: bool = False,
              on_page: Callable[[PageResult], None] | None = None, resources=None) -> BatchResult:
    """Translate ``paths`` into ``config.out_dir``; return every page's result and write report.json.

    ``on_page`` is called in this process after each page (for progress display).
    ``resources``: an already loaded (engine, glossary) for ``jobs == 1``.
    """
    results: list[PageResult] = []

    def record(result: PageResult) -> None:
        results.append(result)
        if on_page is not None:
            on_page(result)

    dupes = duplicate_stems(paths)
    todo = []
    for p in paths:
        if p in dupes:
            record(PageResult(str(p), p.stem, "failed",
                              error=f"{p}: same name as {dupes[p]}; both would write {Path(config.out_dir) / p.stem}"))
        else:
            todo.append(p)
    batch = BatchResult(results)
    try:
        if jobs <= 1 or len(todo) <= 1:
            engine, glossary = resources if resources is not None else load_resources(config)
            for p in todo:
                record(translate_page(p, engine, glossary, config, force))
        else:
            _run_pool(todo, config, jobs, force, record)
    except KeyboardInterrupt:
        batch.interrupted = True
        batch.report = write_batch_report(batch, config)
        raise
    batch.report = write_batch_report(batch, config)
    return batch


def _run_pool(todo: list[Path], config: Config, jobs: int, force: bool, record) -> None:
    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context,
                               initializer=_init_worker, initargs=(config,))
    pending = {pool.submit(_work, str(p), force): p for p in todo}
    try:
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                p = pending.pop(future)
                try:
                    record(future.result())
                except BrokenProcessPool:
                    record(PageResult(str(p), p.stem, "failed",
                                      error=f"{p}: a worker process died (out of memory or killed)"))
                except BilingualError as e:  # the initializer failed: engine or glossary cannot load
                    record(PageResult(str(p), p.stem, "failed", error=str(e)))
                except Exception as e:
                    record(PageResult(str(p), p.stem, "failed", error=f"{p}: internal error: {type(e).__name__}"))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_batch_report(batch: BatchResult, config: Config) -> Path:
    """``<out>/report.json``: totals and one entry per page, written atomically."""
    path = Path(config.out_dir) / REPORT_NAME
    report = {
        "tool": f"bilingual {__version__}",
        "finished": not batch.interrupted,
        "totals": {s: batch.count(s) for s in ("done", "skipped", "failed")} | {"pages": len(batch.pages)},
        "formats": list(config.formats),
        "pages": [asdict(p) for p in batch.pages],
    }
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def jobs_default() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
