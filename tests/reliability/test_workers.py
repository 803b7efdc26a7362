"""Worker processes: a dead worker is replaced and its page retried once (a page that kills its worker twice
fails alone); workers die with their parent; SIGTERM finishes like Ctrl-C (report with finished: false, no
temporary files, no process left); Ctrl-C counts what is done correctly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import CONSOLE_SCRIPT, descendants, run_in_process, running, work_dying_on_poison

from bilingual.batch import BatchInterrupted, run_batch
from bilingual.config import Config

ARGS = ["--engine", "gloss", "--format", "json,docx", "--no-cache"]


def make_pages(folder: Path, count: int, prefix: str = "page") -> list[Path]:
    folder.mkdir(exist_ok=True)
    pages = []
    for i in range(count):
        page = folder / f"{prefix}-{i:02d}.txt"
        page.write_text(f"衡阳晚报第{i}号 市民公园散步\n\n衡阳市民在雁峰公园散步。天气很好，大家心情愉快。第{i}次活动圆满结束。\n\n"
                        "市委书记出席活动并讲话。他说，要持续深化两地发展联动。\n", encoding="utf-8")
        pages.append(page)
    return pages


def finished_pages(out: Path) -> set[str]:
    return {p.parent.name for p in out.glob("*/*.json")}


@pytest.mark.slow
def test_a_page_that_kills_its_worker_is_retried_once_then_fails_alone(tmp_path):
    pages = make_pages(tmp_path / "pages", 3)
    poison = tmp_path / "pages" / "poison.txt"  # kills every worker that takes it
    poison.write_text(pages[0].read_text(encoding="utf-8"), encoding="utf-8")
    flaky = tmp_path / "pages" / "flaky.txt"  # kills the first worker that takes it, not the second
    flaky.write_text(pages[1].read_text(encoding="utf-8").replace("第1号", "第9号"), encoding="utf-8")
    out = tmp_path / "out"
    batch = run_batch([pages[0], poison, flaky, pages[1], pages[2]],
                      Config(out_dir=out, engine="gloss", formats=("json",), use_memory=False), jobs=2,
                      work=work_dying_on_poison)
    by_name = {Path(p.source).name: p for p in batch.pages}
    assert by_name["poison.txt"].status == "failed"
    assert "died twice on this page" in by_name["poison.txt"].error and "SIGKILL" in by_name["poison.txt"].error
    assert by_name["poison.txt"].error.startswith(str(poison))
    assert flaky.with_suffix(".died").exists()  # it did kill a worker, and was done by the next one
    assert [p.status for name, p in by_name.items() if name != "poison.txt"] == ["done"] * 4, batch.pages
    assert finished_pages(out) == {"page-00", "page-01", "page-02", "flaky"}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] and report["totals"] == {"done": 4, "skipped": 0, "failed": 1, "pages": 5}


# SIGINT as a terminal's foreground job has it: a suite started in the background by a shell inherits it ignored
# (POSIX), and the batch would rightly go on after a Ctrl-C it never gets. `env` resets it and execs the batch
# (same pid); a preexec_fn would run Python in a child forked from a threaded test process.
AS_IN_A_TERMINAL = ["env", "--default-signal=INT"]


def start(folder: Path, out: Path, *extra, new_session: bool = False) -> subprocess.Popen:
    return subprocess.Popen([*AS_IN_A_TERMINAL, str(CONSOLE_SCRIPT), "translate", str(folder), "--out", str(out),
                             *ARGS, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=new_session, env={**os.environ, "COLUMNS": "200"})


def wait_until(out: Path, done: int, proc: subprocess.Popen, timeout: float = 120) -> set[int]:
    """Wait for ``done`` finished pages; return every process seen below ``proc`` meanwhile."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while len(finished_pages(out)) < done and proc.poll() is None and time.monotonic() < deadline:
        seen.update(descendants(proc.pid))
        time.sleep(0.05)
    seen.update(descendants(proc.pid))
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    return seen


def gone_within(pids, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while running(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running(pids)


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_every_page_is_done(tmp_path):
    folder, out = tmp_path / "pages", tmp_path / "out"
    make_pages(folder, 12)
    proc = start(folder, out, "--jobs", "2")
    wait_until(out, 2, proc)
    workers = [p for p in descendants(proc.pid) if _is_worker(p, proc.pid)]
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"done": 12, "skipped": 0, "failed": 0, "pages": 12}
    assert len(finished_pages(out)) == 12 and not list(out.rglob("*.part"))


def _is_helper(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"resource_tracker" in f.read()
    except OSError:
        return False


def _is_worker(pid: int, parent: int) -> bool:
    """A batch worker: a child of the forkserver (which is the parent's own child)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return False
    return ppid != parent and not _is_helper(pid)


@pytest.mark.slow
def test_sigterm_of_the_parent_finishes_like_ctrl_c_and_leaves_nothing_running(tmp_path):
    """`kill PID` of the parent alone, as cron, CI or a nohup'd job's owner would."""
    folder, out = tmp_path / "pages", tmp_path / "out"
    make_pages(folder, 30)
    proc = start(folder, out, "--jobs", "2")
    seen = wait_until(out, 3, proc)
    assert len(seen) >= 3  # forkserver and two workers at least
    os.kill(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr and "interrupted (SIGTERM)" in stderr
    assert gone_within(seen, 5) == []
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] is False
    totals = report["totals"]
    assert totals["pages"] == 30 and totals["failed"] == 0
    assert totals["done"] + totals["interrupted"] + totals["not_started"] == 30
    assert totals["done"] == len(finished_pages(out)) >= 3  # counted as they are on disk
    assert f"{totals['done']} done, 0 skipped, 0 failed, {totals['interrupted']} interrupted" in stdout
    assert not list(out.rglob("*.part"))
    # No folder holds part of an edition: each has both files, or is not there.
    for folder_ in (p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        assert sorted(f.suffix for f in folder_.iterdir()) == [".docx", ".json"], list(folder_.iterdir())


@pytest.mark.slow
def test_sigkill_of_the_parent_leaves_no_worker_running(tmp_path):
    folder, out = tmp_path / "pages", tmp_path / "out"
    make_pages(folder, 30)
    proc = start(folder, out, "--jobs", "2")
    seen = wait_until(out, 2, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)  # returns once nothing holds its output pipes any more
    assert gone_within(seen, 15) == []
    # A re-run finishes the batch and cleans what the killed workers left (in-process: the killing is done).
    r = run_in_process("translate", folder, "--out", out, *ARGS)
    assert r.returncode == 0, r.stderr
    assert len(finished_pages(out)) == 30 and not list(out.rglob("*.part"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_counts_what_is_done(tmp_path, jobs):
    """Ctrl-C in a terminal reaches the whole process group."""
    folder, out = tmp_path / "pages", tmp_path / "out"
    make_pages(folder, 30)
    proc = start(folder, out, "--jobs", jobs, new_session=True)
    seen = wait_until(out, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert gone_within(seen, 5) == []
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    totals = report["totals"]
    assert report["finished"] is False and totals["failed"] == 0
    assert totals["done"] == len(finished_pages(out))
    assert totals["done"] + totals["interrupted"] + totals["not_started"] == 30
    statuses = {p["status"] for p in report["pages"]}
    assert statuses <= {"done", "interrupted", "not started"}
    assert not list(out.rglob("*.part"))


def test_a_page_finished_on_disk_as_the_batch_is_stopped_counts_as_done(tmp_path):
    """Ctrl-C after a page's JSON (its last file) is written but before its result is counted: the report
    says done, as the folder does (CI saw 1 done with 2 finished pages under --jobs 2)."""
    from bilingual.pipeline import Pipeline

    pages = make_pages(tmp_path / "pages", 4)
    out = tmp_path / "out"
    config = Config(out_dir=out, engine="gloss", formats=("json",), use_memory=False)
    pipeline = Pipeline(config).load()
    real = pipeline.translate_page
    done = []

    def translate_then_interrupt(path, force=False):
        result = real(path, force)
        done.append(result)
        if len(done) == 2:
            raise KeyboardInterrupt  # the second page is whole on disk; its result never reaches the batch
        return result

    pipeline.translate_page = translate_then_interrupt
    with pytest.raises(BatchInterrupted) as caught:
        run_batch(pages, config, pipeline=pipeline)
    assert [p.status for p in caught.value.batch.pages] == ["done", "done", "not started", "not started"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["done"] == len(finished_pages(out)) == 2 and report["totals"]["interrupted"] == 0
    assert report["pages"][1]["segments"] > 0


def test_an_interrupted_batch_in_process_raises_with_its_report(tmp_path):
    pages = make_pages(tmp_path / "pages", 5)
    out = tmp_path / "out"
    calls = []

    def on_page(result):
        calls.append(result)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as caught:
        run_batch(pages, Config(out_dir=out, engine="gloss", formats=("json",), use_memory=False), on_page=on_page)
    batch = caught.value.batch
    assert [p.status for p in batch.pages] == ["done", "done", "not started", "not started", "not started"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] is False and report["totals"]["not_started"] == 3
