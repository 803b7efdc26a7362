"""Helpers the tests share: running `bilingual` in-process or as the real console script."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bilingual.cli import main
from bilingual.cli.environment import Environment

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
CONSOLE_SCRIPT = Path(sys.executable).parent / "bilingual"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_in_process(*args, cwd: Path | None = None, stdin: str | bytes | None = None,
                   environ: dict[str, str] | None = None) -> Run:
    """`bilingual ARGS` through ``bilingual.cli.main`` with captured streams (fast: no interpreter start)."""
    out, err = io.StringIO(), io.StringIO()
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    env = Environment(stdin=io.BytesIO(data), stdout=out, stderr=err, environ={**os.environ, **(environ or {})})
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        # argparse writes usage errors and --help to sys.stdout/sys.stderr itself.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args], env)
    finally:
        os.chdir(previous)
    return Run(code, out.getvalue(), err.getvalue())


def run_console_script(*args, cwd: Path | None = None, stdin: str | None = None, timeout: float = 600,
                       environ: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`bilingual ARGS` as the installed console script in a new process (what a user runs)."""
    return subprocess.run([str(CONSOLE_SCRIPT), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          input=stdin, timeout=timeout, env={**os.environ, **(environ or {})})


def isolated_environ(base: Path, tables: Path) -> dict[str, str | None]:
    """The environment a test and every process it starts run in (None: unset): the run's derived tables, and data,
    cache and config folders of its own under ``base``, so nothing sees the user's memory, models or config.toml."""
    return {"BILINGUAL_CACHE_DIR": str(tables), "XDG_DATA_HOME": str(base / "data"),
            "XDG_CACHE_HOME": str(base / "cache"), "XDG_CONFIG_HOME": str(base / "config"), "BILINGUAL_CONFIG": None,
            "ARGOS_PACKAGES_DIR": str(base / "argos-packages"), "HF_HUB_OFFLINE": "1"}


def run_dir(tmp_path_factory) -> Path:
    """The folder of this test run that every test process shares (each xdist worker's base is below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], Path]) -> Path:
    """``make(folder)`` (which fills ``folder`` and returns a path in it) once a run, for every test process: the
    first to ask makes it, holding a lock; the others wait for it and get the same path. A process that failed
    half-way leaves the work to the next one."""
    import fcntl
    import shutil

    shared = run_dir(tmp_path_factory)
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(str(Path(make(folder)).relative_to(folder)), encoding="utf-8")
    return folder / done.read_text(encoding="utf-8")


class RepeatDeflate:
    """A zip member's compressor (``ZipFile.open(name, "w")._compressor``) for data written as the same block again
    and again: a big part that deflates well (zero bytes, repeated markup) without deflating it again for each block.

    Each write is deflated on its own and ends in a full flush (nothing refers back to it), so the bytes of a block
    already deflated stand for it again, and an empty final block ends the stream: a true deflate stream, which
    zipfile sizes and checksums itself (``test_bounded_reads`` inflates one and checks its CRC)."""

    def __init__(self):
        self._known: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        out = self._known.get(data)
        if out is None:
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            out = deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)
            if len(data) > 4096:
                self._known[data] = out
        return out

    def flush(self) -> bytes:
        return zlib.compressobj(6, zlib.DEFLATED, -15).flush()


def make_read_only(paths: list[Path]) -> None:
    """Make ``paths`` read-only; as root (which ignores permission bits) with the immutable attribute, which binds
    root too (ext4, xfs, btrfs), or skip the test where that cannot be set."""
    import pytest

    if os.geteuid() == 0:
        r = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot make a read-only folder as root here: {r.stderr.strip()}")
    else:
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)


def make_writable(paths: list[Path]) -> None:
    """Undo ``make_read_only``."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
    for p in paths:
        p.chmod(0o755 if p.is_dir() else 0o644)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren ...), from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def running(pids) -> list[int]:
    """Those of ``pids`` still running (zombies, dead but not yet reaped, do not count)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


def work_dying_on_poison(pipeline, path: str, force: bool, source_name: str | None = None):
    """A worker's page work that kills its own process (as the OOM killer would) on pages named ``poison*``
    every time, and on pages named ``flaky*`` the first time only (a ``.died`` file beside the page says it
    did): for ``run_batch(work=...)``. Module level, so a worker process can import it."""
    import signal

    from bilingual.batch.pool import translate_in_worker

    name, marker = Path(path).name, Path(path).with_suffix(".died")
    if name.startswith("poison") or (name.startswith("flaky") and not marker.exists()):
        marker.write_text("died", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)
    return translate_in_worker(pipeline, path, force, source_name)


# Stand-ins for the PDF writer's render_part. They live here, in a module every worker process can
# import by name ("helpers" is on sys.path), not in a test module: with --import-mode=importlib a test
# module's name ("tests.write.test_pdf_parts") is not importable in a forkserver worker.
def render_explodes(html: str) -> bytes:
    raise RuntimeError("layout exploded")


def render_dies(html: str) -> bytes:
    os._exit(9)


def report_warmth(pipeline, path: str, force: bool, source_name: str | None = None):
    """A worker's page work that translates nothing and reports, as its result's ``error``, which of the
    tables the batch's fork server loads (``bilingual.batch.warm``) this worker already had."""
    import gc
    import json

    from bilingual.engines.gloss import engine
    from bilingual.pipeline import PageResult
    from bilingual.write import pdf_parts
    from bilingual.zh import words

    facts = {"jieba": words.dictionary.cache_info().currsize == 1, "word tags": words.word_tags.cache_info().currsize
             == 1, "gloss tokenizer": bool(engine._TOKENIZERS), "weasyprint": "weasyprint" in sys.modules,
             "page-number font": pdf_parts.stamp_font.cache_info().currsize == 1,
             "frozen": gc.get_freeze_count() > 50_000}
    return PageResult(path, Path(path).stem, "done", error=json.dumps(facts))
