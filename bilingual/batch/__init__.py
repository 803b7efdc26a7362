"""The batch runner: many pages in, one edition folder per page out, a report for machines.

``run_batch(paths, config, jobs)`` hands each page to ``Pipeline.translate_page``: a page that
fails is recorded and the batch goes on. With ``jobs > 1`` pages are translated in worker
processes (``pool.PagePool``: a dead worker is replaced and its page retried once; workers die
with their parent), each loading one ``Pipeline`` (engine and glossary loaded once).

Resume: every output is written through ``atomic_path`` (temp + rename) and the JSON is
written last with the source's hash in its signature. A page whose outputs are all present
and whose JSON signature matches this run's is skipped (``Pipeline.is_finished``); anything
else is redone. Temporary ``*.part`` files a killed run left anywhere under the output folder
are removed when a batch starts (those of a writer still running are left alone).

Executors: ``run_batch`` translates in this process for one job, else hands the pages to
``pool.PagePool`` (``executor="local"``), or to Ray actors on a cluster (``executor="ray"``:
``ray_executor.RayExecutor``, imported only then). An executor has one small shape: ``run(paths, force,
record)`` calling ``record`` with each ``PageResult`` (made by ``Pipeline.translate_page`` wherever the
page runs) and, when interrupted, ``in_flight`` (the pages it was translating) before re-raising.

Interruption: Ctrl-C, or SIGTERM/SIGHUP turned into one by ``signals_interrupt`` (the CLI does
that), stops the pages in flight (their temporary files removed), writes ``report.json`` with
``finished: false`` and every page's state (``done`` for a page whose JSON this run wrote, as on disk,
even when its result never came back; ``interrupted`` for the others in flight, ``not started`` for the
rest), and raises ``BatchInterrupted`` carrying the batch.
"""

from __future__ import annotations

import signal
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import __version__
from ..config import Config
from ..errors import BilingualError, InputError, OutputError, UsageError, printable
from ..files import page_stem, remove_stale_parts, write_json_atomic
from ..pipeline import PageResult, Pipeline, read_edition_json
from ..read import is_page
from ..write import output_path
from .pool import PagePool, Work, translate_in_worker

EXECUTORS = ("local", "ray")
RAY_OUTPUTS = ("shared", "driver")  # who writes a page's files: the actors (shared storage), or the driver
RAY_MISSING = "--executor ray needs Ray, which is not installed: pip install 'bilingual[ray]'"
REPORT_NAME = "report.json"
INTERRUPTED = "interrupted"  # a page being translated when the batch was stopped
NOT_STARTED = "not started"


@dataclass
class BatchResult:
    pages: list[PageResult]
    report: Path | None = None
    interrupted: bool = False
    report_error: str | None = None  # why report.json could not be written (a read-only output folder ...)
    warnings: list[str] = field(default_factory=list)  # about the run, each once (a memory left out ...)
    actors: int = 0  # Ray actors the batch ran (executor "ray")
    ray_startup_seconds: float | None = None  # starting or joining the Ray runtime, when the batch did
    ray_shutdown_seconds: float | None = None  # stopping it again

    @property
    def failed(self) -> list[PageResult]:
        return [p for p in self.pages if p.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for p in self.pages if p.status == status)


class Interrupted(KeyboardInterrupt):
    """A signal asked the run to stop (``signals_interrupt``); ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


class BatchInterrupted(KeyboardInterrupt):
    """The batch was stopped; ``batch`` holds what was done (its report already written)."""

    def __init__(self, batch: BatchResult, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.batch = batch
        self.signum = signum


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """While inside, SIGTERM (and SIGHUP, unless ignored as under nohup) stop the run as Ctrl-C does.

    Only in the main thread (where Python handles signals); elsewhere it does nothing.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise Interrupted(signum)

    previous = {}
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is None:
            continue
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:  # nohup: a closed terminal must not stop the run
            continue
        previous[signum] = current
        signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files as given; folders to the pages inside them (recursively); glob patterns expanded.

    Order is kept and a file named twice is taken once. A pattern that matches
    nothing is an InputError; a missing plain file (or a symlink loop) is kept, so the batch
    reports it as a failed page and processes the others.
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
        try:
            key = p.resolve()
        except (OSError, RuntimeError):  # a symlink loop: kept as named, it fails alone when read
            key = p.absolute()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _pages_in(folder: Path) -> list[Path]:
    # A symlink that leads nowhere (a loop, a missing target) is listed too: it fails alone, saying why.
    return sorted(p for p in folder.rglob("*") if is_page(p) and (p.is_file() or p.is_symlink()))


def duplicate_stems(paths: list[Path]) -> dict[Path, Path]:
    """Pages whose output name an earlier page already has (they would write the same output folder)."""
    first: dict[str, Path] = {}
    dupes = {}
    for p in paths:
        stem = page_stem(p)
        if stem in first:
            dupes[p] = first[stem]
        else:
            first[stem] = p
    return dupes


@dataclass(frozen=True)
class RayOptions:
    """How ``executor="ray"`` runs: ``address`` of a cluster (None: a local runtime started for the batch),
    ``outputs`` (``RAY_OUTPUTS``), and options for ``ray.init`` when the batch starts the runtime."""

    address: str | None = None
    outputs: str = "shared"
    init: dict = field(default_factory=dict)


def require_ray() -> None:
    """UsageError saying how to install Ray unless it can be imported (imports it)."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise UsageError(RAY_MISSING) from None


def run_batch(paths: list[Path], config: Config, jobs: int | None = 1, force: bool = False,
              on_page: Callable[[PageResult], None] | None = None, pipeline: Pipeline | None = None,
              work: Work = translate_in_worker, executor: str = "local",
              ray_options: RayOptions | None = None) -> BatchResult:
    """Translate ``paths`` into ``config.out_dir``; return every page's result and write report.json.

    ``on_page`` is called in this process after each page (for progress display).
    ``pipeline``: an already loaded pipeline for ``jobs == 1`` and for the Ray executor's driver (else one
    is made from ``config``).
    ``work``: what a worker does with a page (tests give one that makes a page kill its worker).
    ``executor``: ``local`` (this process, or ``jobs`` worker processes) or ``ray`` (Ray actors; ``jobs``
    None: one per CPU of the cluster), with ``ray_options`` saying how.
    Raises ``BatchInterrupted`` when interrupted (see the module docstring).
    """
    if executor not in EXECUTORS:
        raise UsageError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if executor == "ray":
        require_ray()
    results: list[PageResult] = []
    batch = BatchResult(results)
    started_ns = time.time_ns()

    def record(result: PageResult) -> None:
        results.append(result)
        for warning in result.warnings:
            if warning not in batch.warnings:
                batch.warnings.append(warning)
        if on_page is not None:
            on_page(result)

    remove_stale_parts(Path(config.out_dir), recursive=True)
    dupes = duplicate_stems(paths)
    todo = []
    for p in paths:
        if p in dupes:
            record(PageResult(printable(str(p)), page_stem(p), "failed",
                              error=f"{printable(str(p))}: same name as {printable(str(dupes[p]))}; both would "
                                    f"write {printable(str(Path(config.out_dir) / page_stem(p)))}"))
        else:
            todo.append(p)
    in_flight: list[str] = []
    try:
        if executor == "ray":
            from .ray_executor import RayExecutor  # Ray is imported only when asked for

            own = pipeline is None
            pipeline = Pipeline(config).load() if own else pipeline
            options = ray_options or RayOptions()
            cluster = RayExecutor(config, pipeline, jobs, options.address, options.outputs, work, options.init)
            try:
                cluster.run(todo, force, record)
            finally:
                in_flight[:] = cluster.in_flight
                batch.ray_startup_seconds = cluster.startup_seconds
                batch.ray_shutdown_seconds = cluster.shutdown_seconds
                batch.actors = cluster.actors
                if own:
                    pipeline.close()
        elif (jobs or 1) <= 1 or len(todo) <= 1:
            own = pipeline is None
            pipeline = Pipeline(config).load() if own else pipeline
            try:
                for p in todo:
                    in_flight[:] = [str(p)]
                    result = pipeline.translate_page(p, force)
                    in_flight.clear()
                    record(result)
            finally:
                if own:
                    pipeline.close()
        else:
            pool = PagePool(config, jobs or 1, work)
            try:
                pool.run(todo, force, record)
            finally:
                in_flight[:] = pool.in_flight
    except KeyboardInterrupt as interrupt:
        batch.interrupted = True
        seen = {r.source for r in results}
        for p in todo:
            if printable(str(p)) not in seen:
                status = INTERRUPTED if str(p) in in_flight else NOT_STARTED
                # Counted as it is on disk: a worker wrote the JSON (the last file) before its result came back,
                # which may be a page handed out as the stop came (in no list of pages in flight yet).
                done = _finished_during_run(p, config, started_ns)
                if done is not None:
                    results.append(done)
                    continue
                results.append(PageResult(printable(str(p)), page_stem(p), status))
                # A worker killed after its grace period may have left temporary files (only a dead writer's go).
                remove_stale_parts(Path(config.out_dir) / page_stem(p))
        _write_report(batch, config)
        raise BatchInterrupted(batch, getattr(interrupt, "signum", signal.SIGINT)) from None
    # Leftovers of writers that died during the run (a killed batch's orphaned workers finish dying meanwhile).
    remove_stale_parts(Path(config.out_dir), recursive=True)
    _write_report(batch, config)
    return batch


def _finished_during_run(page: Path, config: Config, started_ns: int) -> PageResult | None:
    """A done result for an in-flight page whose edition JSON, written last, was written during this run."""
    path = output_path(Path(config.out_dir), page_stem(page), "json")
    try:
        if path.stat().st_mtime_ns < started_ns:
            return None
        edition = read_edition_json(path)
    except (OSError, BilingualError):
        return None
    result = PageResult(printable(str(page)), page_stem(page), "done",
                        outputs=[str(p) for p in Pipeline(config).outputs(page_stem(page))])
    result.count(edition)
    return result


def _write_report(batch: BatchResult, config: Config) -> None:
    try:
        batch.report = write_batch_report(batch, config)
    except OutputError as e:  # the pages are what matters; the caller says the report is missing
        batch.report_error = str(e)


def write_batch_report(batch: BatchResult, config: Config) -> Path:
    """``<out>/report.json``: totals and one entry per page, written atomically."""
    path = Path(config.out_dir) / REPORT_NAME
    totals = {s: batch.count(s) for s in ("done", "skipped", "failed")} | {"pages": len(batch.pages)}
    if batch.interrupted:
        totals |= {"interrupted": batch.count(INTERRUPTED), "not_started": batch.count(NOT_STARTED)}
    report = {
        "tool": f"bilingual {__version__}",
        "finished": not batch.interrupted,
        "totals": totals,
        "formats": list(Pipeline(config).formats),
        "pages": [asdict(p) for p in batch.pages],
    }
    if batch.warnings:
        report["warnings"] = batch.warnings
    return write_json_atomic(path, report)

