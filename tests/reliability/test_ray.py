"""The batch on Ray (``--executor ray``): a real local Ray runtime (2 CPUs, started once for this module) runs
the same pages as the local pool, and every output must be the same; resume sends no finished page; a failing
page fails alone with the local batch's line and exit status; an actor killed mid-page is restarted by Ray and
its page retried, and the batch ends with every output whole and none doubled."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, descendants, run_in_process, running, work_dying_on_poison

from bilingual.batch import RayOptions, run_batch
from bilingual.config import Config
from bilingual.memory import TranslationMemory
from bilingual.pipeline import Pipeline, read_edition_json

# Ray is imported by the runtime fixture only: a test process that collects this file and runs none of it does not
# spend the import.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                                reason="Ray is an optional extra: pip install -e '.[ray]' (make setup does)")

FORMATS = ("json", "tmx")


@pytest.fixture(scope="module")
def ray_runtime():
    """One local Ray runtime for the module (starting one takes seconds); the batches here join it. Its processes
    (the actors) keep the environment it starts in: the session's isolated folders (conftest), never the user's."""
    import helpers
    import ray

    saved = os.environ.get("RAY_USAGE_STATS_ENABLED")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
                 configure_logging=False, object_store_memory=100 * 1024 * 1024)
        ray.cloudpickle.register_pickle_by_value(helpers)  # the actors import bilingual, not the tests' helpers
        yield
        ray.shutdown()
    finally:
        if saved is None:
            os.environ.pop("RAY_USAGE_STATS_ENABLED", None)
        else:
            os.environ["RAY_USAGE_STATS_ENABLED"] = saved


def write_pages(folder: Path, count: int) -> list[Path]:
    """Pages that differ, sharing some sentences (the memory is used) and a term or two of the glossary."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for i in range(count):
        page = folder / f"page-{i:02d}.txt"
        page.write_text(f"衡阳晚报第{i}号 市民公园散步\n\n衡阳市民在雁峰公园散步。天气很好，大家心情愉快。"
                        f"第{i}次活动圆满结束。\n\n市委书记出席第{i}次活动并讲话。他说，要持续深化两地发展联动。\n",
                        encoding="utf-8")
        pages.append(page)
    return pages


def config(out: Path) -> Config:
    return Config(out_dir=out, engine="gloss", formats=FORMATS)


def outputs(out: Path) -> dict[str, bytes]:
    """Every page's files under ``out``, by relative path (the memory and the report aside); in a TMX file the
    header's date (when the file was written) is blanked."""
    found = {}
    for path in sorted(out.glob("*/*")):
        if path.is_file() and not path.parent.name.startswith("."):
            data = path.read_bytes()
            if path.suffix == ".tmx":
                data, n = re.subn(rb'(<header [^>]*creationdate=")[0-9TZ]+"', rb'\1-"', data, count=1)
                assert n == 1, path
            found[str(path.relative_to(out))] = data
    return found


def pages_in_report(out: Path) -> dict[str, tuple]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {Path(p["source"]).name: (p["status"], p["articles"], p["segments"], p["flagged"], p["error"])
            for p in report["pages"]}


def machine_units(out: Path) -> set[tuple]:
    with sqlite3.connect(out / ".bilingual" / "memory.sqlite3") as db:
        return set(db.execute("SELECT kind, source_key, engine, model, glossary, options, en FROM units"))


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The anchor: the local batch (in this process) on five pages."""
    base = tmp_path_factory.mktemp("ray-anchor")
    pages = write_pages(base / "pages", 5)
    batch = run_batch(pages, config(base / "local"), jobs=1)
    assert [p.status for p in batch.pages] == ["done"] * 5
    return pages, base / "local"


@pytest.mark.slow
@pytest.mark.parametrize("written_by", ["shared", "driver"])
def test_ray_writes_what_the_local_pool_writes(ray_runtime, local_run, tmp_path, written_by):
    pages, local = local_run
    out = tmp_path / "out"
    batch = run_batch(pages, config(out), jobs=None, executor="ray", ray_options=RayOptions(outputs=written_by))
    assert batch.actors == 2 and not batch.failed, batch.pages
    ours, theirs = outputs(out), outputs(local)
    assert sorted(ours) == sorted(theirs) and len(ours) == 10
    for name in theirs:
        assert ours[name] == theirs[name], f"{name} differs from the local batch's"
    assert pages_in_report(out) == pages_in_report(local)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] and report["totals"] == {"done": 5, "skipped": 0, "failed": 0, "pages": 5}
    # The driver stored what the actors translated: the memory holds the local batch's units.
    assert machine_units(out) == machine_units(local)
    assert not list(out.rglob("*.part"))


@pytest.mark.slow
def test_resume_sends_only_unfinished_pages_and_keeps_human_work(ray_runtime, local_run, tmp_path):
    """Pages the local batch finished are finished for Ray too (one signature): only a changed page is sent. A
    person's English on that page's previous edition is kept by the actor and stored in the memory by the
    driver (the memory is gone here: only the edition holds it)."""
    pages, local = local_run
    out = tmp_path / "out"
    shutil.copytree(local, out)
    folder = tmp_path / "pages"
    shutil.copytree(pages[0].parent, folder)
    pages = sorted(folder.glob("*.txt"))
    with Pipeline(config(out)) as pipeline:
        edition = pipeline.previous_edition("page-02")
        kept = next(s for s in edition.segments() if s.zh.startswith("天气很好"))
        pipeline.edit_segment("page-02", kept.id, "The weather was lovely.", base=None, by="editor")
    for extra in ("", "-wal", "-shm"):
        (out / ".bilingual" / f"memory.sqlite3{extra}").unlink(missing_ok=True)
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/*.json")}
    pages[2].write_text(pages[2].read_text(encoding="utf-8").replace("散步", "跑步"), encoding="utf-8")
    again = run_batch(pages, config(out), executor="ray", jobs=None)
    assert [p.status for p in again.pages] == ["skipped", "skipped", "skipped", "skipped", "done"], again.pages
    assert Path(again.pages[-1].source) == pages[2]
    assert again.actors == 1  # one page was sent: one actor was enough
    after = {p: p.stat().st_mtime_ns for p in out.glob("*/*.json")}
    assert [p.parent.name for p in before if before[p] != after[p]] == ["page-02"]
    redone = read_edition_json(out / "page-02" / "page-02.json")
    segment = next(s for s in redone.segments() if s.zh == kept.zh)
    assert (segment.en, segment.is_human, segment.origin.by) == ("The weather was lovely.", True, "editor")
    with TranslationMemory(out / ".bilingual" / "memory.sqlite3", readonly=True) as memory:
        assert memory.human(kept.zh).en == "The weather was lovely."
        assert memory.stats().machine > 0  # the page's machine English, stored by the driver
    done = run_batch(pages, config(out), executor="ray", jobs=None)
    assert done.actors == 0 and [p.status for p in done.pages] == ["skipped"] * 5  # nothing sent at all
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"done": 0, "skipped": 5, "failed": 0, "pages": 5}


@pytest.mark.slow
def test_a_failing_page_fails_alone_with_the_local_line_and_exit_status(ray_runtime, tmp_path):
    folder = tmp_path / "pages"
    write_pages(folder, 2)
    (folder / "bad-empty.txt").write_bytes(b"")
    (folder / "bad-english.txt").write_text("City News\n\nCitizens walked in the park.\n", encoding="utf-8")
    runs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor
        jobs = ["--jobs", "1"] if executor == "local" else []  # Ray: one actor per CPU
        runs[executor] = run_in_process("translate", folder, "--out", out, "--engine", "gloss", "--format", "json",
                                        "--executor", executor, *jobs)
        assert runs[executor].returncode == 1, runs[executor].stderr
    errors = {name: sorted(line for line in run.stderr.splitlines() if line.startswith("bilingual: error:"))
              for name, run in runs.items()}
    assert len(errors["ray"]) == 2 and errors["ray"] == errors["local"]
    assert pages_in_report(tmp_path / "ray") == pages_in_report(tmp_path / "local")
    assert "2 Ray actors" in runs["ray"].stderr


@pytest.mark.slow
def test_an_actor_killed_mid_page_is_restarted_and_its_page_retried(ray_runtime, tmp_path):
    pages = write_pages(tmp_path / "pages", 3)
    flaky = tmp_path / "pages" / "flaky.txt"  # kills the first actor that takes it (SIGKILL), not the second
    flaky.write_text(pages[0].read_text(encoding="utf-8").replace("第0号", "第9号"), encoding="utf-8")
    poison = tmp_path / "pages" / "poison.txt"  # kills every actor that takes it
    poison.write_text(pages[1].read_text(encoding="utf-8").replace("第1号", "第8号"), encoding="utf-8")
    out = tmp_path / "out"
    batch = run_batch([pages[0], flaky, poison, pages[1], pages[2]], config(out), executor="ray", jobs=None,
                      work=work_dying_on_poison)
    by_name = {Path(p.source).name: p for p in batch.pages}
    assert len(batch.pages) == 5 and len(by_name) == 5  # each page recorded once
    assert flaky.with_suffix(".died").exists() and by_name["flaky.txt"].status == "done"
    assert by_name["poison.txt"].status == "failed"
    assert by_name["poison.txt"].error == f"{poison}: a Ray actor died twice on this page (killed, or out of memory)" \
                                          "; the other pages went on"
    assert [p.status for name, p in by_name.items() if name != "poison.txt"] == ["done"] * 4
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"done": 4, "skipped": 0, "failed": 1, "pages": 5}
    # Every output whole and none doubled: each finished page's folder holds its two files, nothing else.
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert folders == ["flaky", "page-00", "page-01", "page-02"]
    for name in folders:
        assert sorted(f.name for f in (out / name).iterdir()) == [f"{name}.json", f"{name}.tmx"]
        json.loads((out / name / f"{name}.json").read_text(encoding="utf-8"))
    assert not list(out.rglob("*.part"))


def test_usage_errors_are_one_line(monkeypatch, tmp_path):
    page = write_pages(tmp_path / "pages", 1)[0]
    run = run_in_process("translate", page, "--out", tmp_path / "out", "--ray-address", "auto")
    assert run.returncode == 2 and run.stderr.strip() == "bilingual: error: --ray-address needs --executor ray"
    from bilingual.batch.ray_executor import _check_reachable
    from bilingual.errors import OutputError

    with pytest.raises(OutputError, match="cannot reach the Ray cluster"):  # not minutes of Ray retrying
        _check_reachable("ray://127.0.0.1:1")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    run = run_in_process("translate", page, "--out", tmp_path / "out", "--executor", "ray")
    assert run.returncode == 2
    assert run.stderr.strip() == ("bilingual: error: --executor ray needs Ray, which is not installed: "
                                  "pip install 'bilingual[ray]'")


def test_nothing_imports_ray_unless_the_ray_executor_is_asked_for(tmp_path):
    page = write_pages(tmp_path / "pages", 1)[0]
    code = ("import sys\nfrom bilingual.cli import main\n"
            f"code = main(['translate', {str(page)!r}, '--out', {str(tmp_path / 'out')!r}, '--engine', 'gloss', "
            "'--format', 'json', '-q'])\n"
            "assert code == 0, code\n"
            "loaded = sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.'))\n"
            "assert not loaded, loaded\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


@pytest.mark.slow
def test_sigterm_finishes_like_the_local_batch_and_leaves_no_ray_process(tmp_path):
    """`kill PID` of a batch that started its own Ray runtime: exit 143, report ``finished: false`` with the
    pages counted as they are on disk, no temporary file, and no Ray process left."""
    folder, out = tmp_path / "pages", tmp_path / "out"
    write_pages(folder, 30)
    proc = subprocess.Popen([sys.executable, "-m", "bilingual", "translate", str(folder), "--out", str(out),
                             "--engine", "gloss", "--format", "json,tmx", "--executor", "ray"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "COLUMNS": "200"})
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/*.json"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    seen = descendants(proc.pid)  # the Ray runtime this batch started (gcs, raylet, actors ...)
    assert proc.poll() is None and seen, "the batch ended before it could be stopped"
    os.kill(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "interrupted (SIGTERM)" in stderr and "Traceback" not in stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] is False
    totals = report["totals"]
    assert totals["pages"] == 30 and totals["failed"] == 0
    assert totals["done"] + totals["interrupted"] + totals["not_started"] == 30
    assert totals["done"] == len(list(out.glob("*/*.json"))) >= 2
    assert not list(out.rglob("*.part"))
    for page in (p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        assert sorted(f.suffix for f in page.iterdir()) == [".json", ".tmx"], list(page.iterdir())
    deadline = time.monotonic() + 15
    while running(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running(seen) == []
