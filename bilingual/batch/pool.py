"""A small pool of worker processes for a batch: each loads the pipeline once and translates one page at a
time (``Pipeline.translate_page``); the parent hands out pages and collects results.

Why not ``concurrent.futures.ProcessPoolExecutor``: one worker that dies (the OOM killer, kill -9) breaks
the executor, every page still queued fails with it, and nothing says which page killed it; and its
workers, the forkserver and the resource tracker outlive a parent that is killed. Here:

- A worker that dies is replaced; the page it held is tried once more in a fresh worker, and if that one
  dies too, the page alone is reported failed. A worker that dies before it is ready is replaced a few
  times, then the pages left fail with one line saying so.
- Each worker holds a lifeline: the read end of a pipe whose write end only the parent has. However the
  parent dies (kill -9 included), the lifeline reads end-of-file; the worker stops its page as on SIGTERM
  (its temporary files removed) and exits, so nothing is left running.
- When the parent is interrupted (Ctrl-C, or SIGTERM turned into one by the CLI), ``run`` sends the
  workers SIGTERM, gives them ``GRACE_S`` to clean up (then kills them), records the results that had
  already arrived, sets ``unfinished`` (the pages in flight, then those never started) and re-raises.

The per-page work is a plain function (``translate_in_worker``) given to the pool, so another executor
(or a test that makes a page kill its worker) can use the same protocol.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Callable

from ..config import Config
from ..errors import BilingualError, printable
from ..files import page_stem
from ..pipeline import PageResult, Pipeline
from ..write import DEFAULT_FORMATS, WRITERS
from ..write.pdf import write_pdf

GRACE_S = 10.0  # how long a worker may take to stop its page after SIGTERM before it is killed
START_FAILURES = 3  # workers in a row that die before they are ready, per slot, before the pool gives up

Work = Callable[..., PageResult]  # (pipeline, path, force, source_name=None) -> PageResult


def translate_in_worker(pipeline: Pipeline, path: str, force: bool, source_name: str | None = None) -> PageResult:
    """What a worker does with a page (the default ``work``). ``source_name``: what the edition records as its
    source when ``path`` is a copy of the page (``Pipeline.translate_page``)."""
    return pipeline.translate_page(Path(path), force, source_name=source_name)


def preload_modules(config: Config) -> list[str]:
    """What the fork server imports before it forks a worker: the tables every page needs (``warm``), and
    WeasyPrint with the page-number font (``warm_pdf``) only when the batch writes a PDF."""
    formats = config.formats or DEFAULT_FORMATS
    pdf = any(WRITERS[name].write is write_pdf for name in formats if name in WRITERS)
    return [f"{__package__}.warm"] + ([f"{__package__}.warm_pdf"] if pdf else [])


def start_method() -> str:
    # forkserver: a clean process (no copy of the parent's open memory or threads), started fast.
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def failed(path: str, error: str) -> PageResult:
    return PageResult(printable(path), page_stem(path), "failed", error=error)


# --- in the worker ----------------------------------------------------------------------------------


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _watch_parent(lifeline: Connection) -> None:
    """Block until the parent is gone (the lifeline reads end-of-file), then stop this worker."""
    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    os.kill(os.getpid(), signal.SIGTERM)  # the page stops as on Ctrl-C: temporary files removed
    time.sleep(GRACE_S)
    os._exit(1)  # stuck in native code: go anyway


def _worker_main(conn: Connection, lifeline: Connection, config: Config, work: Work) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, _interrupt)
    threading.Thread(target=_watch_parent, args=(lifeline,), daemon=True).start()
    # Pages already run in parallel here: a long page's PDF parts render one after another in this worker
    # instead of starting a pool of their own on cores the other workers are using.
    config = replace(config, write=replace(config.write, pdf_jobs=1))
    pipeline, error = None, None
    try:
        try:
            pipeline = Pipeline(config).load()
        except BilingualError as e:  # kept, so each page reports why instead of a pool that never starts
            error = str(e)
        conn.send(("ready", None))
        while True:
            task = conn.recv()
            if task is None:
                break
            path, force = task
            conn.send(("done", failed(path, error) if error else work(pipeline, path, force)))
    except (KeyboardInterrupt, EOFError, OSError):
        pass
    finally:
        if pipeline is not None:
            pipeline.close()


# --- in the parent ----------------------------------------------------------------------------------


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    lifeline: Connection  # the write end: held, never written, closed when the worker should be gone
    ready: bool = False
    task: str | None = None  # the page it is translating

    def close(self) -> None:
        for end in (self.conn, self.lifeline):
            try:
                end.close()
            except OSError:
                pass


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}" + (": out of memory, or killed" if exitcode == -signal.SIGKILL else "")
    return f"exit status {exitcode}"


class PagePool:
    """``jobs`` worker processes translating pages; see the module docstring."""

    def __init__(self, config: Config, jobs: int, work: Work = translate_in_worker, method: str | None = None):
        self.config = config
        self.jobs = max(1, jobs)
        self.work = work
        self.context = multiprocessing.get_context(method or start_method())
        if self.context.get_start_method() == "forkserver":
            # The fork server loads the tables every worker needs once (``warm``), so workers start warm. It
            # applies when this process's fork server starts, i.e. unless another pool started it first.
            self.context.set_forkserver_preload(preload_modules(config))
        self.unfinished: list[str] = []  # after an interruption: pages in flight, then pages never started
        self.in_flight: list[str] = []

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        lifeline_read, lifeline_write = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_worker_main, args=(child_end, lifeline_read, self.config, self.work),
                                       name="bilingual-worker", daemon=True)
        process.start()
        child_end.close()  # only the worker holds these now: its death reads as end-of-file here ...
        lifeline_read.close()  # ... and the parent's as end-of-file there
        return _Worker(process, parent_end, lifeline_write)

    def run(self, paths: list[Path], force: bool, record: Callable[[PageResult], None]) -> None:
        """Translate ``paths``; ``record`` gets each page's result in this process, as it arrives."""
        queue: deque[str] = deque(str(p) for p in paths)
        deaths: Counter[str] = Counter()
        start_failures = 0
        workers: list[_Worker] = []

        def give(worker: _Worker) -> None:
            if queue:
                worker.task = queue.popleft()
                try:
                    worker.conn.send((worker.task, force))
                except OSError:
                    pass  # it died meanwhile: its sentinel says so next
            else:
                worker.task = None
                try:
                    worker.conn.send(None)
                except OSError:
                    pass

        try:
            for _ in range(min(self.jobs, len(queue))):
                workers.append(self._start())
            while workers:
                waiting = [w.conn for w in workers] + [w.process.sentinel for w in workers]
                ready = set(wait_any(waiting))
                for worker in list(workers):
                    if worker.conn not in ready and worker.process.sentinel not in ready:
                        continue
                    message = None
                    try:
                        if worker.conn.poll():
                            message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        kind, payload = message
                        if kind == "done":
                            record(payload)
                        else:
                            worker.ready = True
                            start_failures = 0
                        worker.task = None
                        give(worker)  # the next page, or none: it stops, and its sentinel says so
                        continue
                    if worker.process.is_alive() and worker.process.sentinel not in ready:
                        continue
                    # The worker is gone.
                    worker.process.join()
                    workers.remove(worker)
                    worker.close()
                    if worker.task is not None:
                        deaths[worker.task] += 1
                        how = _how_it_died(worker.process.exitcode)
                        if deaths[worker.task] >= 2:
                            record(failed(worker.task, f"{printable(worker.task)}: a worker process died twice on "
                                                       f"this page ({how}); the other pages went on"))
                        else:
                            queue.appendleft(worker.task)  # once more, in a fresh worker
                    elif not worker.ready:
                        start_failures += 1
                    if start_failures >= START_FAILURES * self.jobs:
                        how = _how_it_died(worker.process.exitcode)
                        while queue:
                            path = queue.popleft()
                            record(failed(path, f"{printable(path)}: not translated: worker processes die while "
                                                f"starting ({how})"))
                    if queue and len(workers) < self.jobs:
                        workers.append(self._start())
        except BaseException:
            self.in_flight = [w.task for w in workers if w.task is not None]
            self._stop(workers, record)
            self.unfinished = self.in_flight + list(queue)
            raise
        finally:
            for worker in workers:
                worker.close()

    def _stop(self, workers: list[_Worker], record: Callable[[PageResult], None]) -> None:
        """SIGTERM to every worker, a grace period, then SIGKILL; results already sent are still recorded."""
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + GRACE_S
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        for worker in workers:
            try:
                while worker.conn.poll():
                    kind, payload = worker.conn.recv()
                    if kind == "done":
                        record(payload)
                        if worker.task in self.in_flight:
                            self.in_flight.remove(worker.task)
                        worker.task = None
            except Exception:  # a message cut off by the signal: that page is unfinished
                pass
