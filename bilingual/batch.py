"""The batch runner: many pages in, one edition folder per page out, a report for machines.

``run_batch(paths, config, jobs)`` hands each page to ``Pipeline.translate_page``: a page that
fails is recorded and the batch goes on. With ``jobs > 1`` pages are translated in worker
processes (forkserver context), each building one ``Pipeline`` (engine and glossary loaded
once) in its initializer.

Resume: every output is written through ``atomic_path`` (temp + rename) and the JSON is
written last with the source's hash in its signature. A page whose outputs are all present
and whose JSON signature matches this run's is skipped (``Pipeline.is_finished``); anything
else is redone. Temporary ``*.part`` files left by a killed run are removed before a page
is redone.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .config import Config
from .errors import BilingualError, InputError
from .files import write_json_atomic
from .pipeline import PageResult, Pipeline
from .read import is_page

REPORT_NAME = "report.json"


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
    return sorted(p for p in folder.rglob("*") if p.is_file() and is_page(p))


# --- worker processes -------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(config: Config) -> None:
    # Pages already run in parallel here: a long page's PDF parts render one after another in this
    # worker instead of starting a pool of their own on cores the other workers are using.
    config = replace(config, write=replace(config.write, pdf_jobs=1))
    try:
        _WORKER["pipeline"] = Pipeline(config).load()
    except BilingualError as e:  # kept, so each page reports why instead of a broken pool
        _WORKER["error"] = e


def _work(path: str, force: bool) -> PageResult:
    if "error" in _WORKER:
        return PageResult(path, Path(path).stem, "failed", error=str(_WORKER["error"]))
    return _WORKER["pipeline"].translate_page(Path(path), force)


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
              on_page: Callable[[PageResult], None] | None = None, pipeline: Pipeline | None = None) -> BatchResult:
    """Translate ``paths`` into ``config.out_dir``; return every page's result and write report.json.

    ``on_page`` is called in this process after each page (for progress display).
    ``pipeline``: an already loaded pipeline for ``jobs == 1`` (else one is made from ``config``).
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
            pipeline = pipeline if pipeline is not None else Pipeline(config).load()
            for p in todo:
                record(pipeline.translate_page(p, force))
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
        "formats": list(Pipeline(config).formats),
        "pages": [asdict(p) for p in batch.pages],
    }
    return write_json_atomic(path, report)


