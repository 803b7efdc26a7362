"""`bilingual glossary ...`, in-process, on files in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import ROOT, SEED, run_in_process


def run(*args: str, cwd: Path | None = None):
    return run_in_process("glossary", *args, cwd=cwd, environ={"BILINGUAL_GLOSSARY_DIR": ""})


@pytest.fixture()
def folder(tmp_path) -> Path:
    g = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", g)
    return g


def test_shipped_glossary_lints_clean():
    result = run("lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stderr
    assert " error: " not in result.stdout


def test_lint_reports_file_line_and_fails(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("zh\ten\ttype\tstatus\tvariants\tnote\n市长\tMayor\ttitle\t\t\t\n市长\tCity boss\ttitle\t\t\t\n"
                   "书记\t\tjob\t\t\t\n", encoding="utf-8")
    result = run("--glossary", str(bad), "lint")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{bad}:3: error: conflicting targets for 市长") for line in lines), lines
    assert any(line.startswith(f"{bad}:4: error: empty en") for line in lines), lines


def test_add_then_remove_keeps_comments_and_order(folder):
    local = folder / "hengyang.tsv"
    before = local.read_text(encoding="utf-8")
    result = run("--glossary", str(folder), "add", "来雁塔", "Laiyan Pagoda", "--type", "place",
                 "--note", "test")
    assert result.returncode == 0, result.stderr
    after = local.read_text(encoding="utf-8")
    assert after.startswith(before) and after.endswith("来雁塔\tLaiyan Pagoda\tplace\tpreferred\t\ttest\n")
    found = run("--glossary", str(folder), "find", "参观来雁塔")
    assert "Laiyan Pagoda" in found.stdout
    asked = run("--glossary", str(folder), "remove", "来雁塔")  # every file that has it: says which, needs --yes
    assert asked.returncode == 2 and f"from {local}: line " in asked.stderr and "--yes" in asked.stderr
    assert "来雁塔\tLaiyan Pagoda" in local.read_text(encoding="utf-8")
    removed = run("--glossary", str(folder), "remove", "来雁塔", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert local.read_text(encoding="utf-8") == before


def test_add_that_would_fail_lint_is_refused(folder):
    local = folder / "hengyang.tsv"
    before = local.read_text(encoding="utf-8")
    result = run("--glossary", str(folder), "add", "朱健", "Zhu Jan", "--type", "person")
    assert result.returncode == 1
    assert "refused" in result.stderr and "conflicting targets" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert local.read_text(encoding="utf-8") == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_tsv_tbx_tsv_round_trip_is_lossless(folder, tmp_path):
    tbx = tmp_path / "out.tbx"
    assert run("--glossary", str(folder), "export", str(tbx)).returncode == 0
    assert b'<martif type="TBX-Basic"' in tbx.read_bytes() and b'type="x-bilingual-type"' in tbx.read_bytes()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    target = fresh / "imported.tsv"
    result = run("--glossary", str(fresh), "import", str(tbx), "--file", str(target))
    assert result.returncode == 0, result.stderr

    def rows(paths):
        out = []
        for p in paths:
            for line in p.read_text(encoding="utf-8").splitlines()[0:]:
                if line and not line.startswith(("#", "zh\t")):
                    cells = (line.split("\t") + [""] * 6)[:6]
                    out.append((cells[0], cells[1], cells[2], cells[5]))  # zh, en, type, note
        return out

    assert rows([target]) == rows(sorted(folder.glob("*.tsv")))


def test_csv_export_is_source_first_without_header(folder, tmp_path):
    csv = tmp_path / "deepl.csv"
    assert run("--glossary", str(folder), "export", str(csv)).returncode == 0
    first = csv.read_text(encoding="utf-8").splitlines()[0]
    assert first.split(",")[0].strip('"') == "刘越高" and "Liu Yuegao" in first


def test_coverage_and_suggest_on_the_seed():
    coverage = run("coverage", str(SEED))
    assert coverage.returncode == 0, coverage.stderr
    counts = {line.split("\t")[1]: int(line.split("\t")[0]) for line in coverage.stdout.splitlines()}
    assert counts["朱健"] >= 5 and counts["援疆"] >= 5
    suggest = run("suggest", str(SEED))
    assert suggest.returncode == 0, suggest.stderr
    zh = [line.split("\t")[1] for line in suggest.stdout.splitlines()]
    assert "创则必胜" in zh and "桃花源记" in zh
    assert "朱健" not in zh and "制造立市、文旅兴城" not in zh  # already in the glossary


def test_missing_page_is_a_one_line_error(tmp_path):
    result = run("coverage", str(tmp_path / "absent.txt"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "absent.txt" in result.stderr


def test_suggest_writes_a_draft_file_that_import_takes_only_after_review(tmp_path, folder):
    page = tmp_path / "page.txt"
    page.write_text("# 小蜜柚结出致富果\n\n江西日报讯（记者 曾晓岚）初夏时节，吉安市石溪县枫林镇下坪村的蜜柚基地里，工人们正忙着。\n",
                    encoding="utf-8")
    drafts = tmp_path / "drafts.tsv"
    result = run("--glossary", str(folder), "suggest", str(page), "--out", str(drafts))
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in drafts.read_text(encoding="utf-8").splitlines()[1:]]
    assert ["石溪县", "Shixi County", "place", "preferred", "", "draft: review"] in rows
    local = folder / "local.tsv"
    refused = run("--glossary", str(folder), "import", str(drafts), "--file", str(local))
    assert refused.returncode == 1 and "draft" in refused.stderr and not local.exists()
    drafts.write_text(drafts.read_text(encoding="utf-8").replace("draft: review", "checked on the county's site"),
                      encoding="utf-8")
    taken = run("--glossary", str(folder), "import", str(drafts), "--file", str(local))
    assert taken.returncode == 0, taken.stderr
    assert "石溪县\tShixi County\tplace" in local.read_text(encoding="utf-8")
