"""The batch on a Ray cluster: ``run_batch(..., executor="ray")`` hands pages to a pool of Ray actors.

Imported only when the Ray executor is asked for (``batch.ray_executor_class``): nothing else imports Ray.

- **Actors**: ``PageActor`` loads the pipeline (engine, glossary, readers) once, on its first page, and
  translates pages one at a time with the same per-page function as the local pool (``pool.translate_in_worker``
  or the ``work`` given). One actor per CPU of the cluster unless ``jobs`` says how many; each asks Ray for one
  CPU, and for one GPU with ``--device cuda``.
- **Scheduling** is Ray's: the driver keeps one page in flight per actor and gives an actor its next page when
  its result arrives, so a slow page holds one actor only and the pages spread over the cluster as it frees up.
- **Resume**: the driver skips finished pages itself (``Pipeline.finished_page``): they are never sent.
- **The translation memory has one writer, the driver.** It snapshots the project's memory when the batch
  starts (SQLite's backup, put in Ray's object store once); each actor opens its own copy read-only, and
  what a page would have stored (machine English, a person's English recovered from a previous edition,
  usage counts) comes back with the page (``memory.MemoryWrites``) and is stored by the driver before the
  page is counted done. Units stored during the run are not seen by the other actors: a sentence repeated
  on pages that run on two actors at once is decoded twice, never stored twice.
- **Outputs** (``outputs``): ``shared`` (the default): the actors write each page's files into the output
  folder, which must be the same path on every node (one machine, or a shared file system); every actor
  checks that it sees the driver's folder (a token file) before its first page, and says so in one line if
  not. ``driver``: an actor writes a page into a scratch folder of its own and returns the files' bytes;
  the driver writes them into the output folder (atomically, the JSON last). For a cluster without shared
  storage; the page's bytes and its previous edition travel to the actor too.
- **A dead actor** (kill -9, the OOM killer, a lost node) is restarted by Ray and the page it held is tried
  once more (``max_task_retries=1``); a page that kills its actor twice fails alone, with one line. Outputs
  are written atomically (temp + rename, the JSON last), so a page cut off half way leaves no file that
  counts as done, and the retry writes each file once.
- **Interrupted** (Ctrl-C, SIGTERM): the actors are killed, ``in_flight`` says which pages they held (the
  batch reports them ``interrupted`` and removes their temporary files), and the interruption goes on up.

Without an address a local Ray runtime is started for the batch and stopped after it; with one
(``ray://host:10001`` or ``host:6379``, or ``auto``) the batch joins that cluster. A runtime already started in
this process (a test, a notebook) is used as it is.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import sqlite3
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import ray
from ray.exceptions import RayActorError, RayError

from ..config import Config
from ..errors import BilingualError, OutputError, UsageError, printable
from ..files import page_stem, write_bytes_atomic
from ..memory import PROJECT_DIR, MemoryWrites
from ..pipeline import PageResult, Pipeline
from ..read import read_page_bytes
from ..write import WRITERS, output_path
from . import RAY_OUTPUTS, Interrupted
from .pool import START_FAILURES, Work, failed, translate_in_worker

TOKEN_NAME = "ray-batch-token"  # in <out>/.bilingual/: proves an actor sees the driver's output folder
KILL_GRACE_S = 5.0
SIGNAL_POLL_S = 0.25  # how often the driver looks whether a signal asked the batch to stop
CONNECT_TIMEOUT_S = 10.0  # a cluster's address that does not answer within this is reported, not waited for
SCRATCH_PREFIX = "bilingual-actor-"  # + pid: an actor's scratch folder (its memory snapshot, driver-mode pages)


def _remove_dead_scratch() -> None:
    """Remove the scratch folders of actors on this node whose process is gone (killed, so never closed)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(SCRATCH_PREFIX):].split("-")[0])
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # PermissionError: someone else's live process
            continue


@dataclass
class PageFiles:
    """A page translated away from the output folder (``outputs="driver"``): its files, by name."""

    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class PageTask:
    """One page for an actor: its path (as the driver names it), and for ``outputs="driver"`` its bytes and
    the names and JSON of the edition files already in its output folder (what ``Pipeline.write`` rewrites)."""

    path: str
    force: bool
    data: bytes | None = None
    previous: dict[str, bytes] = field(default_factory=dict)


class PageActor:
    """A Ray actor translating pages: one pipeline, loaded on its first page (a restart loads it again)."""

    def __init__(self, config: Config, work: Work, outputs: str, token: str):
        self.config = config
        self.work = work
        self.outputs = outputs
        self.token = token
        _remove_dead_scratch()
        self.scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
        self.pipeline: Pipeline | None = None
        self.error: str | None = None  # why this actor cannot translate (each page it is given says so)

    def _load(self, memory_snapshot: bytes | None) -> None:
        # Pages already run in parallel: a long page's PDF parts render one after another in this actor.
        config = replace(self.config, write=replace(self.config.write, pdf_jobs=1))
        local_memory = self.scratch / "memory.sqlite3"
        if memory_snapshot is not None:
            local_memory.write_bytes(memory_snapshot)
        config = replace(config, memory_path=local_memory)
        if self.outputs == "shared":
            token = Path(config.out_dir) / PROJECT_DIR / TOKEN_NAME
            try:
                seen = token.read_text(encoding="utf-8")
            except OSError:
                seen = None
            if seen != self.token:
                self.error = (f"{printable(str(config.out_dir))}: the output folder is not shared with the Ray "
                              f"node {printable(os.uname().nodename)} (not the driver's folder there); put it on "
                              "shared storage or use --ray-outputs driver")
                return
        else:
            config = replace(config, out_dir=self.scratch / "out")
        try:
            self.pipeline = Pipeline(config, snapshot_memory=True).load()
        except BilingualError as e:  # kept, so each page reports why instead of a pool that never starts
            self.error = str(e)

    def translate(self, task: PageTask, memory_snapshot: list) -> tuple[PageResult, MemoryWrites, PageFiles | None]:
        """Translate one page. ``memory_snapshot``: [the reference of the memory's snapshot], fetched on the first
        page (every task carries it, so an actor restarted by Ray gets it again with the page it retries)."""
        if self.pipeline is None and self.error is None:
            self._load(ray.get(memory_snapshot[0]))
        if self.error is not None:
            return failed(task.path, self.error), MemoryWrites(), None
        if self.outputs == "driver":
            return self._translate_away(task)
        result = self.work(self.pipeline, task.path, task.force)
        return result, self.pipeline.memories.take_writes(), None

    def _translate_away(self, task: PageTask) -> tuple[PageResult, MemoryWrites, PageFiles | None]:
        """Translate a page into the scratch folder and return its files; the driver writes them."""
        stem = page_stem(task.path)
        page_dir = self.scratch / "in" / uuid.uuid4().hex
        page_dir.mkdir(parents=True)
        local = page_dir / Path(task.path).name
        out_dir = Path(self.pipeline.config.out_dir)
        shutil.rmtree(out_dir / stem, ignore_errors=True)
        try:
            local.write_bytes(task.data or b"")
            if task.previous:
                (out_dir / stem).mkdir(parents=True)
                for name, data in task.previous.items():  # the JSON as it is, the others as empty stand-ins
                    (out_dir / stem / name).write_bytes(data)
            # Forced: the driver decided it is not finished. The edition names the page as the driver does.
            result = self.work(self.pipeline, str(local), True, source_name=task.path)
            files = PageFiles()
            if result.status == "done":
                for path in map(Path, result.outputs):
                    files.files[path.name] = path.read_bytes()
        finally:
            shutil.rmtree(page_dir, ignore_errors=True)
            shutil.rmtree(out_dir / stem, ignore_errors=True)
        result.source = printable(task.path)
        result.error = result.error.replace(str(local), printable(task.path)) if result.error else None
        return result, self.pipeline.memories.take_writes(), files

    def close(self) -> None:
        if self.pipeline is not None:
            self.pipeline.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def memory_snapshot(path: Path) -> bytes | None:
    """The project's memory as one SQLite file's bytes (a consistent copy while it may be written), or None."""
    if not path.is_file():
        return None
    folder = Path(tempfile.mkdtemp(prefix="bilingual-snapshot-"))
    try:
        copy = folder / "memory.sqlite3"
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(copy))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one file: read-only opening needs no -wal/-shm
        finally:
            target.close()
            source.close()
        return copy.read_bytes()
    except sqlite3.Error as e:
        raise OutputError(f"cannot snapshot the translation memory for the Ray actors: {e}", path) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RayExecutor:
    """Pages to Ray actors; the executor shape ``run_batch`` uses (see ``bilingual.batch``)."""

    def __init__(self, config: Config, pipeline: Pipeline, jobs: int | None = None, address: str | None = None,
                 outputs: str = "shared", work: Work = translate_in_worker,
                 init_options: dict | None = None):
        if outputs not in RAY_OUTPUTS:
            raise UsageError(f"--ray-outputs must be one of {', '.join(RAY_OUTPUTS)}, not {outputs!r}")
        self.config = config
        self.pipeline = pipeline  # the driver's: resume checks, and the memory's one writer
        self.jobs = jobs
        self.address = address
        self.outputs = outputs
        self.work = work
        self.init_options = init_options or {}
        self.in_flight: list[str] = []
        self.startup_seconds: float | None = None  # starting (or joining) the Ray runtime, when this batch did
        self.shutdown_seconds: float | None = None  # stopping it again
        self.actors = 0
        self.signal: int | None = None  # the signal that stopped the batch, when one did
        self._handlers: dict = {}

    # -- the runtime ------------------------------------------------------------------------------

    def _connect(self) -> bool:
        """Start or join the Ray runtime unless this process already has one; True when this batch did."""
        if ray.is_initialized():
            return False
        started = time.monotonic()
        options = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if self.address:
            _check_reachable(self.address)
            options["address"] = self.address
        quiet = logging.getLogger("ray")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # its notes on starting (token authentication ...) are not the batch's lines
        # Ray installs its own SIGTERM handler (the process just exits); the batch's (a report, then exit 143)
        # is put back.
        handlers = self._handlers = _signal_handlers()
        try:
            ray.init(**(options | self.init_options))
        except (ConnectionError, RuntimeError, ValueError) as e:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray runtime"
            raise OutputError(f"cannot start or join {where}: {str(e).splitlines()[0] if str(e) else e}",
                              self.address or "ray") from None
        finally:
            quiet.setLevel(level)
            for signum, handler in handlers.items():
                signal.signal(signum, self._remembering(handler) if callable(handler) else handler)
        self.startup_seconds = time.monotonic() - started
        return True

    def _remembering(self, handler: Callable) -> Callable:
        """``handler``, noting the signal first: Ray turns what a handler raises inside ``ray.wait`` into a plain
        KeyboardInterrupt, and the batch must still say which signal stopped it."""

        def handle(signum, frame):
            self.signal = signum
            return handler(signum, frame)

        return handle

    def actor_count(self, pages: int) -> int:
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        return max(1, min(pages, self.jobs or cpus))

    # -- the batch --------------------------------------------------------------------------------

    def run(self, paths: list[Path], force: bool, record: Callable[[PageResult], None]) -> None:
        """Translate ``paths``; ``record`` gets each page's result here, after its memory writes are stored."""
        queue: list[tuple[str, PageTask]] = []
        for path in paths:
            skipped = None if force else self.pipeline.finished_page(path)
            if skipped is not None:
                record(skipped)  # finished: never sent
            else:
                queue.append((str(path), PageTask(str(path), force)))
        if not queue:
            return
        started_here = self._connect()
        actors: list = []
        pending: dict = {}  # ObjectRef -> (actor, path)
        current: str | None = None
        try:
            token = self._write_token() if self.outputs == "shared" else ""
            snapshot = ray.put(memory_snapshot(self.pipeline.memory_path))
            remote = ray.remote(PageActor).options(
                num_cpus=1, num_gpus=1 if self.config.engine_options.device == "cuda" else 0,
                max_restarts=-1, max_task_retries=1)
            self.actors = self.actor_count(len(queue))
            queue.reverse()  # popped from the end: the pages go out in order

            def give(actor) -> None:
                while queue:
                    path, task = queue.pop()
                    if self.outputs == "driver":
                        task = self._with_files(task)
                        if isinstance(task, PageResult):  # unreadable here: failed as translating it would
                            record(task)
                            continue
                    # The snapshot's reference in a list: passed as it is, fetched only by an actor not yet loaded.
                    pending[actor.translate.remote(task, [snapshot])] = (actor, path)
                    return

            for _ in range(self.actors):
                actor = remote.remote(self.config, self.work, self.outputs, token)
                actors.append(actor)
                give(actor)
            deaths_in_a_row, why = 0, ""
            while pending:
                self.in_flight = [path for _, path in pending.values()]
                # A short wait, then a look at the signal flag: a handler's exception raised inside Ray's own
                # calls can be lost there (seen: a SIGTERM the batch never stopped for), the flag is not.
                done, _ = ray.wait(list(pending), num_returns=1, timeout=SIGNAL_POLL_S)
                if self.signal is not None:
                    raise Interrupted(self.signal)
                if not done:
                    continue
                actor, path = pending.pop(done[0])
                current = path  # its result is being taken in: still in flight if the batch stops now
                give(actor)  # its next page first: the actor works while this process stores and shows the result
                try:
                    result = self._arrived(ray.get(done[0]))
                    deaths_in_a_row = 0
                except RayError as e:  # the actor died on this page twice (Ray retried it once), or Ray failed
                    deaths_in_a_row, why = deaths_in_a_row + 1, _why(e)
                    result = failed(path, f"{printable(path)}: {why}; the other pages went on")
                record(result)
                if deaths_in_a_row >= START_FAILURES * self.actors:  # every page would only kill another actor
                    while queue:
                        left, _ = queue.pop()
                        record(failed(left, f"{printable(left)}: not translated: Ray actors keep dying ({why})"))
                current = None
            self.in_flight = []
        except KeyboardInterrupt as stop:
            self.in_flight = [path for _, path in pending.values()] + ([current] if current else [])
            for ref in self._cancel(list(pending)):  # pages that finished meanwhile count as done, as on disk
                try:
                    result = self._arrived(ray.get(ref, timeout=1))
                except (RayError, KeyboardInterrupt):
                    continue
                _, path = pending.pop(ref)
                record(result)
                self.in_flight.remove(path)
            # A page finished on disk as the cancel reached it is counted done by run_batch, as for the local pool.
            if getattr(stop, "signum", None) is None and self.signal is not None:
                raise Interrupted(self.signal) from None
            raise
        except BaseException:
            self.in_flight = [path for _, path in pending.values()]
            raise
        finally:
            try:  # their pipelines closed and scratch folders removed, then the actors killed
                ray.wait([actor.close.remote() for actor in actors], num_returns=len(actors), timeout=KILL_GRACE_S)
            except (RayError, KeyboardInterrupt):
                pass
            for actor in actors:
                try:
                    ray.kill(actor, no_restart=True)
                except Exception:  # already gone
                    pass
            if started_here:
                stopping = time.monotonic()
                ray.shutdown()
                self.shutdown_seconds = time.monotonic() - stopping
                for signum, handler in self._handlers.items():  # as they were before the runtime started
                    signal.signal(signum, handler)

    def _arrived(self, answer: tuple[PageResult, MemoryWrites, PageFiles | None]) -> PageResult:
        """A page's result as the batch records it: its returned files written, its memory writes stored."""
        result, writes, files = answer
        if files is not None and result.status == "done":
            result = self._write_files(result, files)
        if writes:
            result = self._store(result, writes)
        return result

    @staticmethod
    def _cancel(refs: list) -> list:
        """Stop the pages in flight as Ctrl-C stops one (Ray raises KeyboardInterrupt in the actor: the page's
        temporary files and a folder it created are removed), waiting ``KILL_GRACE_S`` at most (the actors are
        killed after that anyway); returns those that ended meanwhile (some may have finished)."""
        try:
            for ref in refs:
                ray.cancel(ref)
            ended, _ = ray.wait(refs, num_returns=len(refs), timeout=KILL_GRACE_S)
            return ended
        except (RayError, KeyboardInterrupt):
            return []

    def _write_token(self) -> str:
        token = uuid.uuid4().hex
        write_bytes_atomic(Path(self.config.out_dir) / PROJECT_DIR / TOKEN_NAME, token.encode())
        return token

    def _with_files(self, task: PageTask) -> PageTask | PageResult:
        """The page's bytes and its folder's edition files (the JSON as it is, the others as empty stand-ins:
        the actor rewrites every file the folder has); a failed result when the page cannot be read here."""
        stem = page_stem(task.path)
        try:
            task.data = read_page_bytes(Path(task.path))
        except BilingualError as e:
            return failed(task.path, str(e))
        for fmt in WRITERS:
            path = output_path(self.config.out_dir, stem, fmt)
            if path.is_file():
                task.previous[path.name] = path.read_bytes() if fmt == "json" else b""
        return task

    def _write_files(self, result: PageResult, files: PageFiles) -> PageResult:
        """Write a page's returned files into the output folder, atomically, the JSON last."""
        folder = Path(self.config.out_dir) / result.stem
        names = sorted(files.files, key=lambda name: name.endswith(".json"))
        written = []
        try:
            for name in names:
                written.append(str(write_bytes_atomic(folder / name, files.files[name])))
        except BilingualError as e:
            return replace(result, status="failed", error=str(e), outputs=[])
        return replace(result, outputs=written)

    def _store(self, result: PageResult, writes: MemoryWrites) -> PageResult:
        memories = self.pipeline.memories
        try:
            writes.apply(memories)
        except BilingualError as e:
            line = f"{e}; a person's English recovered from the previous edition is kept in the edition only"
            return replace(result, warnings=[*result.warnings, line])
        lines = [line for line in memories.problems if line not in result.warnings]
        return replace(result, warnings=[*result.warnings, *lines]) if lines else result


def _check_reachable(address: str) -> None:
    """OutputError in one line when nothing listens at ``host:port`` (``ray://host:port`` too): Ray itself
    would keep trying for minutes. ``auto`` and other forms are left to Ray."""
    match = re.fullmatch(r"(?:ray://)?\[?([^\]/]+?)\]?:(\d+)", address.strip())
    if not match:
        return
    host, port = match.group(1), int(match.group(2))
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as e:
        raise OutputError(f"cannot reach the Ray cluster ({e.strerror or e}); is `ray start --head` running "
                          "there?", address) from None


def _signal_handlers() -> dict:
    """This process's Python handlers of the signals that stop a batch (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    found = {}
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None and signal.getsignal(signum) is not None:
            found[signum] = signal.getsignal(signum)
    return found


def _why(error: RayError) -> str:
    """One line for a page Ray could not bring back."""
    if isinstance(error, RayActorError):  # died (or unreachable) on its retry too
        return "a Ray actor died twice on this page (killed, or out of memory)"
    first = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
    return f"Ray: {type(error).__name__}: {first[:200]}" if first else f"Ray: {type(error).__name__}"
