"""The translation memory never stops a batch, through the real console script: a big page that holds
memory hits while it decodes, two workers and a second process writing the same memory, a damaged memory
and a read-only one. ``tm stats`` / ``tm clear`` never trace back on a damaged memory."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from helpers import CONSOLE_SCRIPT, SEED, run_in_process

ARGS = ["--engine", "gloss", "--format", "json"]
SHARED = "衡阳市民在雁峰公园散步，大家都说今天天气很好。"


def small_page(i: int, tag: str = "") -> str:
    return (f"衡阳晚报{tag}第{i}号 市民公园散步\n\n"
            f"衡阳市民第{i}次在{tag}公园散步。天气很好，大家心情愉快。第{i}次{tag}活动圆满结束。\n\n"
            f"市委书记出席第{i}次{tag}活动并讲话。他说，要持续深化两地发展联动。\n")


def big_page(size: int) -> str:
    """A page of about ``size`` bytes whose first paragraph is a line an earlier page already has."""
    body = [line for line in SEED.read_text(encoding="utf-8").splitlines() if len(line) > 30]
    paragraphs = [SHARED]
    n = 0
    while sum(len(p.encode()) for p in paragraphs) < size:
        paragraphs.append(body[n % len(body)].replace("。", f"（第{n}段）。", 1))
        n += 1
    return "衡阳晚报合订本\n\n" + "\n\n".join(paragraphs) + "\n"


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([str(CONSOLE_SCRIPT), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "COLUMNS": "200"})


def memory_file(out: Path) -> Path:
    return out / ".bilingual" / "memory.sqlite3"


@pytest.mark.slow
def test_a_big_page_holding_memory_hits_locks_out_no_other_page_or_process(tmp_path):
    """--jobs 2: while one worker decodes a 0.4 MB page that shares a line with an earlier page (a memory hit
    before its long decode), the other worker and a second process keep writing the same memory."""
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "out"
    first.mkdir()
    second.mkdir()
    (first / "a-earlier.txt").write_text(f"衡阳晚报\n\n{SHARED}\n\n第二段也在这里。\n", encoding="utf-8")
    (first / "b-big.txt").write_text(big_page(400_000), encoding="utf-8")
    for i in range(10):
        (first / f"c-{i:02d}.txt").write_text(small_page(i), encoding="utf-8")
    for i in range(8):
        (second / f"d-{i:02d}.txt").write_text(small_page(i, "另一"), encoding="utf-8")

    one = start("translate", first, "--out", out, "--jobs", "2", *ARGS)
    # The second process starts once the big page is under way: its hit is counted and its decode runs.
    deadline = time.monotonic() + 60
    while not (out / "a-earlier" / "a-earlier.json").is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    two = start("translate", second, "--out", out, *ARGS)
    out_one, err_one = one.communicate(timeout=300)
    out_two, err_two = two.communicate(timeout=300)
    for err in (err_one, err_two):
        assert "locked" not in err and "Traceback" not in err, err
    assert one.returncode == 0 and two.returncode == 0, err_one + err_two
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] and report["totals"]["failed"] == 0
    # Both processes' machine English is in the one memory, and the shared line was reused.
    with sqlite3.connect(memory_file(out)) as db:
        sources = {s for (s,) in db.execute("SELECT source FROM units WHERE kind = 'machine'")}
        hits = db.execute("SELECT hits FROM units WHERE source = ?", (SHARED,)).fetchone()
    assert any("另一" in s for s in sources) and any("第9次" in s for s in sources)
    assert hits is not None and hits[0] >= 1
    big = json.loads((out / "b-big" / "b-big.json").read_text(encoding="utf-8"))
    first_segment = big["articles"][0]["paragraphs"][0]["segments"][0]
    assert first_segment["zh"] == SHARED and first_segment["origin"]["origin"] == "engine"
    assert first_segment["en"]


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"this is not a database" * 200)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    else:  # garbage in the middle: the header is intact, pages are not
        path.write_bytes(data[:4096] + os.urandom(len(data) - 8192) + data[-4096:])


@pytest.fixture(scope="module")
def memory_with_units(tmp_path_factory) -> Path:
    """An output folder whose memory holds the seed's machine English (a template: tests copy it)."""
    out = tmp_path_factory.mktemp("with-memory")
    r = run_in_process("translate", SEED, "--out", out, *ARGS)
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(memory_file(out))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()  # the last connection: no -wal or -shm file is left beside it, a copy holds everything
    assert sorted(p.name for p in memory_file(out).parent.iterdir()) == ["memory.sqlite3"]
    return out


def copy_out(template: Path, to: Path) -> Path:
    import shutil

    shutil.copytree(template, to)
    return to


@pytest.mark.slow
@pytest.mark.parametrize("how,jobs", [("garbage", "2"), ("truncated", "1"), ("garbage-in-the-middle", "1")])
def test_a_damaged_memory_never_fails_a_page_of_a_real_batch(tmp_path, memory_with_units, how, jobs):
    out = copy_out(memory_with_units, tmp_path / "out")
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(3):
        (pages / f"p-{i}.txt").write_text(small_page(i), encoding="utf-8")
    damage(memory_file(out), how)
    r = subprocess.run([str(CONSOLE_SCRIPT), "translate", SEED, pages, "--out", out, "--force", "--jobs", jobs, *ARGS],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"done": 4, "skipped": 0, "failed": 0, "pages": 4}
    warnings = [line for line in r.stderr.splitlines() if "moved aside" in line]
    assert len(warnings) == 1, r.stderr  # said once, by the run, not by every worker
    aside = [p for p in (out / ".bilingual").iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].name in warnings[0] and aside[0].stat().st_size > 0  # moved, never deleted
    # The fresh memory works: a re-run takes every sentence from it.
    with sqlite3.connect(memory_file(out)) as db:
        assert db.execute("SELECT COUNT(*) FROM units WHERE kind = 'machine'").fetchone()[0] > 60


class FailingConnection:
    """A memory connection whose disk went bad: every statement fails as SQLite reports damage."""

    def execute(self, *args):
        raise sqlite3.DatabaseError("database disk image is malformed")

    def close(self):
        pass


def test_a_memory_failing_during_a_batch_fails_no_page(tmp_path, memory_with_units):
    """The memory starts failing after the first page (damaged by another program, a failing disk):
    the pages after it are translated anyway, and the failure is said once on each edition."""
    from bilingual.batch import run_batch
    from bilingual.config import Config
    from bilingual.pipeline import Pipeline

    out = copy_out(memory_with_units, tmp_path / "out")
    pages = []
    for i in range(3):
        pages.append(tmp_path / f"p-{i}.txt")
        pages[-1].write_text(small_page(i), encoding="utf-8")
    config = Config(out_dir=out, engine="gloss", formats=("json",))
    pipeline = Pipeline(config).load()

    def on_page(result):
        if result.source.endswith("p-0.txt"):
            pipeline.memories.project.db = FailingConnection()

    batch = run_batch([*pages, SEED], config, force=True, on_page=on_page, pipeline=pipeline)
    assert [p.status for p in batch.pages] == ["done"] * 4, [p.error for p in batch.pages]
    seed = json.loads((out / SEED.stem / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    segments = [s for a in seed["articles"] for p in a["paragraphs"] for s in p["segments"]]
    assert all(s["en"] for s in segments if s["zh"].strip())
    warnings = [w["message"] for w in seed["warnings"] if w["code"] == "memory"]
    assert len(warnings) == 1 and "malformed" in warnings[0] and "without it" in warnings[0], seed["warnings"]
    assert any("malformed" in w for p in batch.pages[1:] for w in p.warnings)


def _chattr(flag: str, *paths: Path) -> None:
    r = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"chattr {flag} does not work here: {r.stderr.strip()}")


@pytest.mark.slow
def test_a_read_only_memory_never_fails_a_page_and_is_used_read_only(tmp_path, memory_with_units):
    out = copy_out(memory_with_units, tmp_path / "out")
    folder = out / ".bilingual"
    locked = [folder, *folder.iterdir()]
    if os.geteuid() == 0:
        _chattr("+i", *locked)  # root ignores permission bits; the immutable attribute binds it too
    else:
        for p in locked:
            p.chmod(0o555 if p.is_dir() else 0o444)
    before = memory_file(out).read_bytes()
    page = tmp_path / "new-page.txt"
    page.write_text(small_page(7), encoding="utf-8")
    try:
        r = subprocess.run([str(CONSOLE_SCRIPT), "translate", SEED, page, "--out", out, "--force", *ARGS],
                           capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    finally:
        if os.geteuid() == 0:
            _chattr("-i", *locked)
        for p in locked:
            p.chmod(0o755 if p.is_dir() else 0o644)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "read-only" in r.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["done"] == 2 and report["totals"]["failed"] == 0
    assert memory_file(out).read_bytes() == before
    # The seed's sentences still came from the memory it could read.
    seed = json.loads((out / SEED.stem / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    segments = [s for a in seed["articles"] for p in a["paragraphs"] for s in p["segments"]]
    assert all(s["origin"]["origin"] == "engine" for s in segments if s["en"])


@pytest.mark.parametrize("how", ["garbage", "truncated", "garbage-in-the-middle"])
def test_tm_stats_and_clear_never_trace_back_on_a_damaged_memory(tmp_path, memory_with_units, how):
    out = copy_out(memory_with_units, tmp_path / "out")
    damage(memory_file(out), how)
    r = run_in_process("tm", "--out", out, "stats")
    assert r.returncode == 0, r.stderr
    assert "moved aside" in r.stderr and "Traceback" not in r.stderr
    assert "machine English: 0" in r.stdout  # the fresh memory's stats, not a damaged count
    damage(memory_file(out), "garbage")  # the fresh one, for clear
    r = run_in_process("tm", "--out", out, "clear", "--yes")
    assert r.returncode == 0, r.stderr
    assert "moved aside" in r.stderr and "Traceback" not in r.stderr
    assert len([p for p in (out / ".bilingual").iterdir() if ".damaged-" in p.name
                and not p.name.endswith(("-wal", "-shm"))]) == 2
    # And the next run is fine.
    r = run_in_process("translate", SEED, "--out", out, "--force", *ARGS)
    assert r.returncode == 0 and "moved aside" not in r.stderr, r.stderr


def test_place_and_sentence_splitting_are_in_the_memory_key_and_the_resume_signature(tmp_path):
    out = tmp_path / "out"
    turpan = tmp_path / "turpan.txt"
    turpan.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")  # repeats every Hengyang sentence
    r = run_in_process("translate", SEED, "--out", out, *ARGS)
    assert r.returncode == 0, r.stderr
    hengyang = (out / SEED.stem / f"{SEED.stem}.json").read_text(encoding="utf-8")
    assert "Hengyang Municipal Committee" in hengyang
    r = run_in_process("translate", turpan, "--out", out, *ARGS, "--place", "Turpan")
    assert r.returncode == 0, r.stderr
    english = json.loads((out / "turpan" / "turpan.json").read_text(encoding="utf-8"))
    texts = " ".join(s["en"] or "" for a in english["articles"] for p in a["paragraphs"] for s in p["segments"])
    assert "Turpan Municipal Committee" in texts and "Hengyang Municipal Committee" not in texts
    # Resume: the same page under another place, or split at semicolons, is not "finished".
    for extra in (["--place", "Turpan"], ["--split-semicolons"]):
        r = run_in_process("translate", SEED, "--out", out, *ARGS, *extra)
        assert r.returncode == 0 and "1 done, 0 skipped" in r.stdout, (extra, r.stdout)
    r = run_in_process("translate", SEED, "--out", out, *ARGS, "--split-semicolons")
    assert "0 done, 1 skipped" in r.stdout
