"""Bad input: a one-line error naming the file, the documented exit code, and nothing written earlier lost.

The finished edition and the main case (a batch of bad pages) go through the real console script; the other
cases call the same ``main`` in-process (``run_here``), which prints and exits as the script does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import CONSOLE_SCRIPT, make_read_only, make_writable, run_in_process

ROOT = Path(__file__).resolve().parents[2]
BILINGUAL = CONSOLE_SCRIPT  # the venv running the tests (a worktree has no .venv of its own)
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
FAST = ["--engine", "gloss", "--format", "json,html", "--no-cache"]


def run(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([str(BILINGUAL), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def run_here(*args):
    """``bilingual ARGS`` in this process (the console script's ``main``): what ``run`` checks, without a new
    interpreter loading the dictionaries again."""
    return run_in_process(*args, environ={"COLUMNS": "200"})


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("bilingual: error:")]


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """An output folder with one finished edition, and its files' bytes (to check nothing is lost)."""
    out = tmp_path_factory.mktemp("out")
    r = run("translate", SEED, "--out", out, *FAST)
    assert r.returncode == 0, r.stderr
    return out, {p.name: p.read_bytes() for p in (out / SEED.stem).iterdir()}


def assert_intact(out: Path, before: dict[str, bytes]) -> None:
    now = {p.name: p.read_bytes() for p in (out / SEED.stem).iterdir() if not p.name.endswith(".part")}
    assert now == before


@pytest.mark.slow
def test_bad_pages_each_fail_alone_with_one_line_naming_the_file(tmp_path, finished):
    out, before = finished
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "truncated.txt").write_bytes("衡阳晚报\n\n市民在公园散步。".encode("utf-8")[:-2])
    (bad / "fake.docx").write_bytes(b"PK\x03\x04 not really a zip")
    r = run("translate", SEED, *sorted(bad.iterdir()), "--out", out, *FAST)
    assert r.returncode == 1
    errors = error_lines(r.stderr)
    for name in ("empty.txt", "binary.txt", "fake.docx"):
        assert sum(name in line for line in errors) == 1, (name, r.stderr)
    # A truncated last character is either repaired with a warning or reported; never a crash.
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert_intact(out, before)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["skipped"] == 1


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_gb18030_and_big5_pages_are_read(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    page = tmp_path / f"page-{encoding}.txt"
    page.write_bytes(text.encode(encoding, errors="ignore"))
    r = run_here("translate", page, "--out", tmp_path / "out", *FAST)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "out" / page.stem / f"{page.stem}.json").read_text(encoding="utf-8"))
    assert data["encoding"].lower().replace("-", "") in (encoding, "gbk", "gb2312", "big5hkscs", "cp950")
    assert len(data["articles"]) == 4


def test_a_5mb_page_with_no_punctuation_is_refused_in_one_line(tmp_path, finished):
    out, before = finished
    page = tmp_path / "no-punctuation-5mb.txt"
    page.write_text("衡阳" * (5 * 1024 * 1024 // 6), encoding="utf-8")
    r = run_here("translate", page, "--out", out, *FAST)
    assert r.returncode == 1
    errors = error_lines(r.stderr)
    assert len(errors) == 1 and "no-punctuation-5mb.txt" in errors[0] and "too large" in errors[0], r.stderr
    assert_intact(out, before)


def test_a_100000_character_line_is_translated_in_bounded_pieces(tmp_path):
    from bilingual.stages.segment import MAX_SENTENCE

    page = tmp_path / "line-100000.txt"
    page.write_text("标题\n\n" + "市民在公园散步天气很好" * 10000 + "\n", encoding="utf-8")
    r = run_here("translate", page, "--out", tmp_path / "out", "--engine", "gloss", "--format", "json", "--no-cache")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "out" / page.stem / f"{page.stem}.json").read_text(encoding="utf-8"))
    segments = [s for a in data["articles"] for p in a["paragraphs"] for s in p["segments"]]
    assert sum(len(s["zh"]) for s in segments) == 110_000  # every character kept
    assert max(len(s["zh"]) for s in segments) <= MAX_SENTENCE
    assert all(s["en"] for s in segments)
    assert any(w["code"] == "long-sentence" for w in data["warnings"])


def test_malformed_glossary_rows_stop_the_run_with_file_and_line(tmp_path, finished):
    out, before = finished
    glossary = tmp_path / "bad.tsv"
    glossary.write_text("zh\ten\ttype\tstatus\tvariants\tnote\n衡阳\tHengyang\tplace\t\t\t\n市长\n"
                        "书记\tSecretary\tnonsense\t\t\t\n", encoding="utf-8")
    r = run_here("translate", SEED, "--out", out, *FAST, "--glossary", glossary, "--force")
    assert r.returncode == 1
    errors = error_lines(r.stderr)
    assert len(errors) == 1 and "bad.tsv:" in errors[0], r.stderr
    assert_intact(out, before)


def _package(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("kind", ["corrupt", "zip-slip"])
def test_bad_model_packages_are_refused(tmp_path, kind):
    data_dir = tmp_path / "data"
    if kind == "corrupt":
        package = tmp_path / "corrupt.argosmodel"
        package.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    else:
        package = _package(tmp_path / "slip.argosmodel", {
            "translate-zh_en/metadata.json": json.dumps({"from_code": "zh", "to_code": "en"}).encode(),
            "translate-zh_en/../../../escaped.txt": b"pwned"})
    r = run_here("model", "--data-dir", data_dir, "install", package)
    assert r.returncode == 1, (r.returncode, r.stderr)
    errors = error_lines(r.stderr)
    assert len(errors) == 1 and package.name in errors[0], r.stderr
    assert not list(tmp_path.rglob("escaped.txt"))


def test_read_only_output_folder(tmp_path, finished):
    out, before = finished
    ro = tmp_path / "ro"
    shutil.copytree(out, ro)
    paths = [ro, *ro.rglob("*")]
    make_read_only(paths)
    try:
        r = run_here("translate", SEED, "--out", ro, *FAST, "--force")
        assert r.returncode == 1
        errors = error_lines(r.stderr)
        assert errors and all(str(ro) in line for line in errors), r.stderr
        assert "Traceback" not in r.stderr
        # The finished edition in the read-only folder is untouched.
        assert {p.name: p.read_bytes() for p in (ro / SEED.stem).iterdir()} == before
    finally:
        make_writable(paths)


def test_unwritable_output_folder_even_as_root(tmp_path):
    """Root ignores permissions, so the unwritable folder is a file standing where the folder should be."""
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    r = run_here("translate", SEED, "--out", blocker, *FAST)
    assert r.returncode == 1
    errors = error_lines(r.stderr)
    assert errors and all(str(blocker) in line for line in errors), r.stderr
    assert "Traceback" not in r.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"
