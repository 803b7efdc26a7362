"""`bilingual translate`, in-process (the --jobs test runs the console script): exit codes, failures isolated,
resume, --force, --jobs."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import SEED, run_console_script, run_in_process

FAST = ["--engine", "gloss", "--format", "json,html", "--no-cache"]


def run(*args, cwd=None):
    return run_in_process(*args, cwd=cwd, environ={"COLUMNS": "200"})


def test_help_documents_exit_codes_and_options():
    r = run("translate", "--help")
    assert r.returncode == 0
    for text in ("exit status", "0 ", "1 ", "2 ", "--jobs", "--force", "--no-cache", "report.json"):
        assert text in r.stdout


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--format", "json,nope"], ["--engine", "nope"], ["--bogus"]])
def test_usage_errors_exit_2(tmp_path, args):
    r = run("translate", SEED, "--out", tmp_path / "out", *args)
    assert r.returncode == 2, r.stderr
    assert not (tmp_path / "out" / SEED.stem).exists()


def test_failed_page_is_reported_and_the_batch_goes_on_then_resume_and_force(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SEED, pages / "good.txt")
    (pages / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    r = run("translate", pages, tmp_path / "missing.txt", "--out", out, *FAST)
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("bilingual: error:")]
    assert any("empty.txt" in line for line in errors) and any("missing.txt" in line for line in errors), r.stderr
    assert (out / "good" / "good.json").is_file() and (out / "good" / "good.zh-en.html").is_file()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"done": 1, "skipped": 0, "failed": 2, "pages": 3}
    # The readable quality summary: flagged count and the names a translator should confirm.
    assert "good: 64 segments," in r.stdout and "names to confirm: 刘越高 Liu Yuegao" in r.stdout
    done = next(p for p in report["pages"] if p["status"] == "done")
    model = json.loads((out / "good" / "good.json").read_text(encoding="utf-8"))
    segments = [*(h for a in model["articles"] for h in a["heads"].values()),
                *(s for a in model["articles"] for p in a["paragraphs"] for s in p["segments"])]
    assert done["flagged"] == sum(1 for s in segments if s["flags"])
    assert f"{done['flagged']} flagged" in done["summary"]
    first_mtime = (out / "good" / "good.json").stat().st_mtime_ns

    # Re-run: the finished page is skipped, its files untouched.
    r = run("translate", pages / "good.txt", "--out", out, *FAST)
    assert r.returncode == 0, r.stderr
    assert "skipped" in r.stderr
    assert (out / "good" / "good.json").stat().st_mtime_ns == first_mtime
    # A stale temp file from a killed run is cleaned when the page is redone; --force redoes it.
    stale = out / "good" / ".good.json.abc123.part"
    stale.write_text("half", encoding="utf-8")
    r = run("translate", pages / "good.txt", "--out", out, *FAST, "--force")
    assert r.returncode == 0
    assert not stale.exists()
    assert (out / "good" / "good.json").stat().st_mtime_ns != first_mtime
    # A changed source is redone without --force.
    (pages / "good.txt").write_text(SEED.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    r = run("translate", pages / "good.txt", "--out", out, *FAST)
    assert r.returncode == 0 and "good.txt: done" in r.stderr


@pytest.mark.slow
def test_jobs_translates_pages_in_worker_processes(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(SEED, pages / f"{name}.txt")
    out = tmp_path / "out"
    r = run_console_script("translate", str(pages / "*.txt"), "--out", out, *FAST, "--jobs", "2")
    assert r.returncode == 0, r.stderr
    for name in ("a", "b", "c"):
        data = json.loads((out / name / f"{name}.json").read_text(encoding="utf-8"))
        assert data["signature"]["source_sha256"] and len(data["articles"]) == 4
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["totals"]["done"] == 3


def test_two_pages_with_one_name_do_not_overwrite_each_other(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        shutil.copy(SEED, tmp_path / folder / "page.txt")
    r = run("translate", tmp_path / "x" / "page.txt", tmp_path / "y" / "page.txt", "--out", tmp_path / "out", *FAST)
    assert r.returncode == 1
    assert "same name as" in r.stderr
