"""kill -9 at random moments during a 30-page batch, then a re-run: every output opens, none missing or doubled.

Formats json,docx (PDF would make 30 pages too slow for the suite; its atomic write is the same
``atomic_path`` the others use). The batch runs with --jobs 2 in its own process group and the whole
group is killed, as a terminal's Ctrl-\\ or an OOM kill of the job would.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import docx
import pytest
from helpers import CONSOLE_SCRIPT

ROOT = Path(__file__).resolve().parents[2]
BILINGUAL = CONSOLE_SCRIPT  # the venv running the tests (a worktree has no .venv of its own)
PAGES = 30
ARGS = ["--engine", "gloss", "--format", "json,docx", "--no-cache", "--jobs", "2"]


def make_pages(folder: Path) -> list[Path]:
    folder.mkdir()
    pages = []
    for i in range(PAGES):
        page = folder / f"page-{i:02d}.txt"
        page.write_text(f"衡阳晚报第{i}号 市民公园散步\n\n"
                        f"衡阳市民在雁峰公园散步。天气很好，大家心情愉快。第{i}次活动圆满结束。\n\n"
                        "市委书记出席活动并讲话。他说，要持续深化两地发展联动。\n", encoding="utf-8")
        pages.append(page)
    return pages


def start(folder: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(BILINGUAL), "translate", str(folder), "--out", str(out), *ARGS],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.mark.slow
def test_kill_9_then_rerun_leaves_every_output_whole(tmp_path):
    rng = random.Random(int(os.environ.get("KILL_SEED", "7")))
    folder, out = tmp_path / "pages", tmp_path / "out"
    pages = make_pages(folder)
    for round_ in range(2):
        proc = start(folder, out)
        # Kill at a random moment once the batch is under way: after a random number of pages, plus jitter.
        target = rng.randint(3, 10) * (round_ + 1)
        deadline = time.monotonic() + 60
        while len(list(out.glob("*/*.json"))) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 0.4))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finished_before = {p.parent.name for p in out.glob("*/*.json")}
    assert 0 < len(finished_before) < PAGES, "the kills came too early or too late to interrupt a batch"
    print(f"finished before the re-run: {len(finished_before)} of {PAGES}")

    r = subprocess.run([str(BILINGUAL), "translate", str(folder), "--out", str(out), *ARGS],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["failed"] == 0 and report["totals"]["pages"] == PAGES
    # Pages finished before the kills were not redone.
    assert report["totals"]["skipped"] >= len(finished_before) - 2  # a page may be mid-write at the kill

    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))  # .bilingual: the memory
    assert folders == sorted(p.stem for p in pages)
    for page in pages:
        stem = page.stem
        files = sorted(f.name for f in (out / stem).iterdir())
        assert files == sorted([f"{stem}.json", f"{stem}.zh-en.docx"]), files  # no .part, no duplicates
        data = json.loads((out / stem / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["articles"] and data["signature"]["source_sha256"]
        document = docx.Document(str(out / stem / f"{stem}.zh-en.docx"))
        assert any("衡阳" in p.text for p in document.paragraphs) or document.tables
    assert not list(out.rglob("*.part"))
