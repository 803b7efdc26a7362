"""`bilingual model`, `bilingual tm` and `bilingual translate-text`, in-process (one test runs the console script)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import CONSOLE_SCRIPT, run_in_process

from bilingual.memory import MemoryEntry, TranslationMemory, project_memory_path

ENGINE_FIXTURES = Path(__file__).resolve().parents[1] / "engines" / "conftest.py"


def _package_builder():
    """``build_random_argos_package`` from tests/engines/conftest.py (conftest fixtures do not reach here)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("argos_package_builder", ENGINE_FIXTURES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_random_argos_package


@pytest.fixture(scope="module")
def tiny_package_file(tmp_path_factory) -> Path:
    return _package_builder()(tmp_path_factory.mktemp("cli-argos"))


@pytest.fixture(scope="module")
def wrong_language_package_file(tmp_path_factory) -> Path:
    return _package_builder()(tmp_path_factory.mktemp("cli-wrong"), from_code="en", to_code="de")


def run_cli(*args: str, cwd: Path, stdin: str | None = None):
    # The environment (XDG dirs, ARGOS_PACKAGES_DIR per test) is inherited from tests/conftest.py.
    return run_in_process(*args, cwd=cwd, stdin=stdin)


def test_model_install_list_remove(tiny_package_file, tmp_path):
    data = ["--data-dir", str(tmp_path / "data")]
    empty = run_cli("model", *data, "list", cwd=tmp_path)
    assert empty.returncode == 0 and "no models installed" in empty.stdout

    installed = run_cli("model", *data, "install", str(tiny_package_file), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert "installed translate-zh_en-0.1-test (argos zh->en 0.1-test)" in installed.stdout

    listed = run_cli("model", *data, "list", cwd=tmp_path)
    row = listed.stdout.splitlines()[1].split()
    assert row[:4] == ["*", "translate-zh_en-0.1-test", "argos", "zh->en"] and row[5] in ("KB", "MB")

    removed = run_cli("model", *data, "remove", "translate-zh_en-0.1-test", cwd=tmp_path)
    assert removed.returncode == 0 and "removed translate-zh_en-0.1-test (argos" in removed.stdout
    assert not (tmp_path / "data" / "packages" / "translate-zh_en-0.1-test").exists()


def test_model_install_refusals_are_one_line_errors(wrong_language_package_file, tmp_path):
    wrong = run_cli("model", "install", str(wrong_language_package_file), cwd=tmp_path)
    assert wrong.returncode == 1
    assert wrong.stderr.count("\n") == 1
    assert wrong.stderr.startswith(f"bilingual: error: {wrong_language_package_file}: package translates en -> de")
    missing = run_cli("model", "remove", "nothing-here", cwd=tmp_path)
    assert missing.returncode == 1 and "no installed model named 'nothing-here'" in missing.stderr


def test_tm_stats_export_import_clear(tmp_path):
    with TranslationMemory(project_memory_path(tmp_path / "output")) as memory:
        memory.store_machine([MemoryEntry("machine", "他说。", "He said.", "draft", engine="argos", model="m 1")])
        memory.store_human("他来了。", "He came.", "xliff", who="ana")
    stats = run_cli("tm", "stats", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    assert "a person's English: 1 (1 translated)" in stats.stdout and "machine English: 1" in stats.stdout
    assert "argos m 1: 1" in stats.stdout
    export = run_cli("tm", "export", "out.tmx", cwd=tmp_path)
    assert export.returncode == 0 and "wrote 1 translation units" in export.stdout  # a person's English only
    assert "<seg>He came.</seg>" in (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert "wrote 2" in run_cli("tm", "export", "all.tmx", "--include-machine", cwd=tmp_path).stdout
    refused = run_cli("tm", "clear", cwd=tmp_path)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    cleared = run_cli("tm", "clear", "--yes", cwd=tmp_path)
    assert "removed 1 units" in cleared.stdout and "kept 1 units of a person's English" in cleared.stdout
    assert "machine English: 0" in run_cli("tm", "stats", cwd=tmp_path).stdout
    assert "removed 1 units" in run_cli("tm", "clear", "--yes", "--include-human", cwd=tmp_path).stdout
    typo = run_cli("tm", "--out", "elsewhere", "stats", cwd=tmp_path)  # no such project: said, nothing made
    assert typo.returncode == 2 and "elsewhere does not exist" in typo.stderr
    assert not (tmp_path / "elsewhere").exists()
    (tmp_path / "elsewhere").mkdir()
    other = run_cli("tm", "stats", "--out", "elsewhere", cwd=tmp_path)  # another project: its own memory
    assert "a person's English: 0" in other.stdout


def test_translate_text_one_line_out_per_line_in(tiny_package_file, tmp_path):
    from bilingual.engines.packages import install_package

    data = ["--data-dir", str(tmp_path / "data")]
    install_package(str(tiny_package_file), data_dir=tmp_path / "data")  # the CLI install is tested above
    text = "他说。\n\n市委书记刘越高率衡阳市党政代表团赴鄯善县。要突出民生援疆导向。\n\n"
    first = run_cli("translate-text", "--engine", "argos", *data, cwd=tmp_path, stdin=text)
    assert first.returncode == 0, first.stderr
    assert "engine: argos" in first.stderr
    lines = first.stdout.split("\n")
    assert len(lines) == 5 and lines[-1] == ""  # 4 input lines -> 4 output lines
    assert lines[1] == "" and lines[3] == "" and lines[0] and lines[2]
    # The same lines from a file: answered by the translation memory, identically.
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    second = run_cli("translate-text", "in.txt", "--engine", "argos", *data, cwd=tmp_path)
    assert second.stdout == first.stdout
    with TranslationMemory(project_memory_path(tmp_path / "output")) as memory:
        stats = memory.stats()
    assert stats.machine == 3 and stats.hits == 3  # three sentences stored once, each served once


def test_translate_text_argos_without_model_is_a_clear_error(tmp_path):
    result = run_cli("translate-text", "--engine", "argos", "--data-dir", str(tmp_path), cwd=tmp_path, stdin="他说\n")
    assert result.returncode == 1
    assert "no zh->en model is installed" in result.stderr


def test_translate_text_reads_gbk_as_pages_do_and_refuses_binary_in_one_line(tmp_path):
    # The real console script: stdin bytes as a shell pipes them.
    text = "市委书记刘越高说。\n他在会议上讲话。\n"
    result = subprocess.run([str(CONSOLE_SCRIPT), "translate-text", "--engine", "gloss", "--no-cache"], cwd=tmp_path,
                            capture_output=True, input=text.encode("gbk"), timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().split("\n")
    assert len(lines) == 3 and "Liu Yuegao" in lines[0]
    binary = subprocess.run([str(CONSOLE_SCRIPT), "translate-text", "--engine", "gloss"], cwd=tmp_path,
                            capture_output=True, input=b"\x00\x01\x02PK\x03\x04" * 50, timeout=300)
    assert binary.returncode == 1
    err = binary.stderr.decode()
    assert err.startswith("bilingual: error: <stdin>") and err.count("\n") == 1


def test_translate_text_with_gloss_applies_glossary_and_names(tmp_path):
    result = run_cli("translate-text", "--engine", "gloss", "--no-cache", cwd=tmp_path,
                     stdin="市委书记刘越高说。\n\n   \n投资2.5亿元。")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert len(lines) == 5 and lines[1:3] == ["", ""] and lines[4] == ""
    assert "Liu Yuegao" in lines[0] and "Secretary" in lines[0]
    assert "250 million" in lines[3]
    with TranslationMemory(project_memory_path(tmp_path / "output")) as memory:
        assert memory.stats().machine == 0  # --no-cache
