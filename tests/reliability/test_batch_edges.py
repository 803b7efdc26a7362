"""A batch's edges: names that are not UTF-8 or hold a newline, a symlink loop among the inputs, a full disk,
a read-only output folder, stale temporary files, files synced around their rename, a glossary with
conflicting rows."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import CONSOLE_SCRIPT, SEED, make_read_only, make_writable, run_in_process

from bilingual.batch import run_batch
from bilingual.config import Config
from bilingual.pipeline import Pipeline

ARGS = ["--engine", "gloss", "--format", "json,docx", "--no-cache"]
PAGE = "衡阳晚报\n\n衡阳市民在雁峰公园散步，天气很好。\n\n市委书记出席活动并讲话。\n"


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("bilingual: error:")]


@pytest.mark.slow
def test_names_that_are_not_utf8_or_hold_a_newline_work_and_the_report_is_written(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    names = [b"\xba\xe2\xd1\xf4.txt", b"two\nlines.txt", b"ok.txt"]  # a GBK name as a Windows zip leaves it
    for raw in names:
        with open(os.path.join(os.fsencode(folder), raw), "w", encoding="utf-8") as f:
            f.write(PAGE)
    out = tmp_path / "out"
    r = subprocess.run([str(CONSOLE_SCRIPT), "translate", str(folder), os.path.join(os.fsencode(folder), names[0]),
                        "--out", str(out), *ARGS], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    progress = [line for line in r.stderr.splitlines() if ": done," in line]
    assert len(progress) == 3 and any("two\\nlines.txt: done" in line for line in progress), r.stderr
    assert any("\\xba\\xe2\\xd1\\xf4.txt: done" in line for line in progress)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"] == {"done": 3, "skipped": 0, "failed": 0, "pages": 3}
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")) == [
        "\\xba\\xe2\\xd1\\xf4", "ok", "two\\nlines"]
    edition = json.loads((out / "\\xba\\xe2\\xd1\\xf4" / "\\xba\\xe2\\xd1\\xf4.json").read_text(encoding="utf-8"))
    assert edition["source"].endswith("\\xba\\xe2\\xd1\\xf4.txt")
    # A re-run skips them all: the names are found again the same way.
    r = subprocess.run([str(CONSOLE_SCRIPT), "translate", str(folder), "--out", str(out), *ARGS],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "0 done, 3 skipped" in r.stdout, r.stdout + r.stderr


def test_a_symlink_loop_among_the_inputs_is_one_failed_input(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.txt").write_text(PAGE, encoding="utf-8")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    out = tmp_path / "out"
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    r = run_in_process("translate", folder, folder / "loop.txt", "--out", out, *ARGS)
    assert r.returncode == 1
    errors = error_lines(r.stderr)
    assert len(errors) == 4, r.stderr  # each once, the loop named twice included
    assert sum("a symlink loop" in line for line in errors) == 3 and "gone.txt: a symlink to nothing" in r.stderr
    assert (out / "good" / "good.json").is_file()


def _mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")


@pytest.mark.slow
@pytest.mark.parametrize("size", ["160k", "400k"])
def test_a_full_disk_gives_one_line_per_page_and_no_half_edition(tmp_path, size):
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, size)
    try:
        pages = tmp_path / "pages"
        pages.mkdir()
        for i in range(4):
            shutil.copy(SEED, pages / f"p{i}.txt")
        out = disk / "out"
        r = subprocess.run([str(CONSOLE_SCRIPT), "translate", str(pages), "--out", str(out), "--engine", "gloss",
                            "--format", "json,docx,html", "--no-cache"], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "COLUMNS": "200"})
        assert r.returncode == 1
        assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr, r.stderr
        errors = error_lines(r.stderr)
        assert errors and all("No space left on device" in line for line in errors), r.stderr
        for folder in (p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files = sorted(f.name for f in folder.iterdir())
            stem = folder.name
            assert files == sorted([f"{stem}.json", f"{stem}.zh-en.docx", f"{stem}.zh-en.html"]), files
        assert not list(out.rglob("*.part"))
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_read_only_output_folder_is_found_before_any_page_is_translated(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    pages = []
    for i in range(3):
        pages.append(tmp_path / f"p{i}.txt")
        pages[-1].write_text(PAGE.replace("衡阳晚报", f"衡阳晚报第{i}号"), encoding="utf-8")
    translated = []
    real = Pipeline.translate
    monkeypatch.setattr(Pipeline, "translate", lambda self, *a, **k: translated.append(a) or real(self, *a, **k))
    make_read_only([out])
    try:
        batch = run_batch(pages, Config(out_dir=out, engine="gloss", formats=("json",)))
    finally:
        make_writable([out])
    assert translated == []
    assert [p.status for p in batch.pages] == ["failed"] * 3
    assert all("cannot write here" in p.error and str(out) in p.error for p in batch.pages)
    assert batch.report is None and "report.json" in batch.report_error
    assert list(out.iterdir()) == []


def test_when_every_page_is_skipped_in_a_read_only_folder_the_summary_still_prints(tmp_path):
    out = tmp_path / "out"
    r = run_in_process("translate", SEED, "--out", out, *ARGS)
    assert r.returncode == 0, r.stderr
    locked = [out, *out.rglob("*")]
    make_read_only(locked)
    try:
        r = run_in_process("translate", SEED, "--out", out, *ARGS, environ={"COLUMNS": "200"})
    finally:
        make_writable(locked)
    assert "0 done, 1 skipped, 0 failed; report: not written" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len(error_lines(r.stderr)) == 1 and "report.json" in error_lines(r.stderr)[0]


def test_stale_parts_anywhere_under_the_output_folder_are_cleaned_but_not_a_live_writers(tmp_path):
    out = tmp_path / "out"
    (out / "old-page").mkdir(parents=True)
    (out / ".bilingual").mkdir()
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        stale = [out / ".report.json.abc.part", out / "old-page" / ".old-page.json.pid999999999.x.part",
                 out / ".bilingual" / ".memory.tmx.q1.part"]
        live = out / "old-page" / f".old-page.zh-en.docx.pid{sleeper.pid}.y.part"
        for part in [*stale, live]:
            part.write_text("half", encoding="utf-8")
        batch = run_batch([SEED], Config(out_dir=out, engine="gloss", formats=("json",), use_memory=False))
        assert not batch.failed
        assert [p for p in stale if p.exists()] == [] and live.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_parts_of_a_writer_that_died_during_the_run_or_waits_to_be_reaped_are_cleaned(tmp_path):
    """A killed batch's orphaned workers may still be alive when the next run starts, or dead but not yet reaped
    (a zombie answers ``kill(pid, 0)``): their parts go, at the start when reaped or not, at the end when they died
    during the run; a live writer's stay."""
    import time

    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    zombie = subprocess.Popen(["true"])  # exits at once; not waited for until the end
    dying = subprocess.Popen(["sleep", "60"])
    living = subprocess.Popen(["sleep", "60"])
    try:
        deadline = time.monotonic() + 10
        while open(f"/proc/{zombie.pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        parts = {who: out / "a" / f".a.zh-en.docx.pid{proc.pid}.x.part"
                 for who, proc in (("zombie", zombie), ("dying", dying), ("living", living))}
        for part in parts.values():
            part.write_text("half", encoding="utf-8")
        seen_at_first_page = {}

        def on_page(result):
            seen_at_first_page.update({who: part.exists() for who, part in parts.items()})
            dying.kill()
            dying.wait()

        pages = []
        for name in ("p1", "p2"):
            pages.append(tmp_path / f"{name}.txt")
            pages[-1].write_text(f"衡阳晚报\n\n市民在{name}公园散步。\n", encoding="utf-8")
        batch = run_batch(pages, Config(out_dir=out, engine="gloss", formats=("json",), use_memory=False),
                          on_page=on_page)
        assert not batch.failed
        assert seen_at_first_page == {"zombie": False, "dying": True, "living": True}
        assert {who: part.exists() for who, part in parts.items()} == {"zombie": False, "dying": False,
                                                                       "living": True}
    finally:
        for proc in (zombie, dying, living):
            proc.kill()
            proc.wait()


def test_finished_files_and_their_folder_are_synced_around_the_rename(tmp_path, monkeypatch):
    import bilingual.files as files

    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", "folder" if os.path.isdir(f"/proc/self/fd/{fd}") else
                       Path(os.readlink(f"/proc/self/fd/{fd}")).name))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("rename", Path(dst).name))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    files.write_text_atomic(tmp_path / "a.txt", "text")
    assert len(events) == 3
    assert events[0][0] == "fsync" and events[0][1].endswith(".part")  # the data, under its temporary name
    assert events[1:] == [("rename", "a.txt"), ("fsync", "folder")]


def test_translate_refuses_a_glossary_with_conflicting_rows_and_warns_on_an_empty_file(tmp_path):
    glossary = tmp_path / "glossary"
    glossary.mkdir()
    header = "zh\ten\ttype\tstatus\tvariants\tnote\n"
    (glossary / "local.tsv").write_text(header + "衡阳\tHengyang\tplace\t\t\t\n"
                                        "市委书记\tSecretary of the CPC Hengyang Municipal Committee\ttitle\t\t\t\n"
                                        "市委书记\tParty chief\ttitle\t\t\t\n", encoding="utf-8")
    (glossary / "empty.tsv").write_text(header, encoding="utf-8")
    out = tmp_path / "out"
    r = run_in_process("translate", SEED, "--out", out, *ARGS, "--glossary", glossary)
    assert r.returncode == 1
    errors = error_lines(r.stderr)
    assert len(errors) == 1 and "local.tsv:4:" in errors[0] and "conflicting targets for 市委书记" in errors[0], r.stderr
    assert not out.exists()
    lint = run_in_process("glossary", "--glossary", glossary, "lint")
    assert "local.tsv:4: error: conflicting targets for 市委书记" in lint.stdout + lint.stderr
    # Without the conflict: translated, and the empty file is a warning.
    (glossary / "local.tsv").write_text(header + "衡阳\tHengyang\tplace\t\t\t\n", encoding="utf-8")
    r = run_in_process("translate", SEED, "--out", out, *ARGS, "--glossary", glossary)
    assert r.returncode == 0, r.stderr
    assert any("empty.tsv: empty glossary file" in line for line in r.stderr.splitlines()
               if line.startswith("bilingual: warning:")), r.stderr
    # The conflict back in the same process (the web server's case): the edit is seen, not a remembered lint.
    (glossary / "local.tsv").write_text(header + "衡阳\tHengyang\tplace\t\t\t\n"
                                        "衡阳\tHeng-yang\tplace\t\t\t\n", encoding="utf-8")
    r = run_in_process("translate", SEED, "--out", out, *ARGS, "--glossary", glossary, "--force")
    assert r.returncode == 1 and "conflicting targets for 衡阳" in r.stderr, r.stderr


def test_a_stopped_batch_counts_a_page_finished_on_disk_that_no_list_held(tmp_path):
    """The stop comes as a page is handed out (a Ray actor has it, but it is not yet in the batch's list of pages
    in flight) and that page is finished before the workers are gone: the report counts it done, as on disk."""
    from bilingual.batch import BatchInterrupted

    pages = []
    for name in ("a", "b", "c"):
        pages.append(tmp_path / f"{name}.txt")
        pages[-1].write_text(f"衡阳晚报\n\n市民在{name}公园散步。\n", encoding="utf-8")
    config = Config(out_dir=tmp_path / "out", engine="gloss", formats=("json",), use_memory=False)

    def on_page(result):  # page a done; page b written by a worker the batch has no record of; then the stop
        Pipeline(config).load().translate_page(pages[1], False)
        raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as stopped:
        run_batch(pages, config, on_page=on_page)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["finished"] is False
    assert {Path(p["source"]).name: p["status"] for p in report["pages"]} == {"a.txt": "done", "b.txt": "done",
                                                                              "c.txt": "not started"}
    assert stopped.value.batch.count("done") == 2 == len(list((tmp_path / "out").glob("*/*.json")))
