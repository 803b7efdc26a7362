"""Human work is never lost, through the real console script: review in XLIFF -> glossary change ->
`translate --force` -> the reviewed English is intact (provenance human, XLIFF state kept); a sentence
whose source changed is retranslated and its old English offered as a fuzzy suggestion; two output
folders never see each other's reviews; TMX from other tools imports as a person's work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, SEED, run_console_script, run_in_process
from lxml import etree

from bilingual.memory import TranslationMemory, project_memory_path
from bilingual.read.xliff import read_reviewed_xliff

XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
STEM = SEED.stem
FAST = ["--engine", "gloss", "--format", "json,xliff,tmx,html"]


def edition(folder: Path) -> dict:
    return json.loads((folder / STEM / f"{STEM}.json").read_text(encoding="utf-8"))


def segments(data: dict) -> dict[str, dict]:
    found = {}
    for article in data["articles"]:
        found.update({s["id"]: s for s in article["heads"].values()})
        for para in article["paragraphs"]:
            found.update({s["id"]: s for s in para["segments"]})
    return found


def review(xliff: Path, targets: dict[str, tuple[str, str]]) -> None:
    """Edit targets as a CAT tool would: new English and a state."""
    tree = etree.parse(str(xliff))
    for unit in tree.iter(XLIFF + "trans-unit"):
        if unit.get("id") in targets:
            target = unit.find(XLIFF + "target")
            target.text, state = targets[unit.get("id")]
            target.set("state", state)
            target.attrib.pop("state-qualifier", None)
    tree.write(str(xliff), encoding="UTF-8", xml_declaration=True)


@pytest.fixture
def project(tmp_path) -> Path:
    work = tmp_path / "project"
    (work / "pages").mkdir(parents=True)
    (work / "glossary").mkdir()
    shutil.copy(SEED, work / "pages" / SEED.name)
    for tsv in (ROOT / "glossary").glob("*.tsv"):
        shutil.copy(tsv, work / "glossary" / tsv.name)
    return work


def test_reviewed_english_survives_a_glossary_change_and_force(project):
    # The first run through the installed console script, the rest in this process (same code, no start-up).
    run = lambda *a: run_in_process(*a, cwd=project)  # noqa: E731
    first = run_console_script("translate", "pages/", "--out", "out", "--glossary", "glossary", *FAST, cwd=project)
    assert first.returncode == 0, first.stderr
    page_text = (project / "pages" / SEED.name).read_text(encoding="utf-8")
    # Sentences written in the page exactly as published (no column break or half-width comma inside).
    seg_ids = [sid for sid, s in segments(edition(project / "out")).items()
               if s["zh"] and len(s["zh"]) > 12 and s["zh"] in page_text]
    reviewed, approved = seg_ids[1], seg_ids[3]
    xliff = project / "out" / STEM / f"{STEM}.xlf"
    review(xliff, {reviewed: ("Reviewed English, by a person.", "translated"),
                   approved: ("Approved English, signed off.", "signed-off")})
    imported = run("import-xliff", str(xliff), *FAST[2:])  # the formats under test; no PDF to typeset
    assert imported.returncode == 0 and "2 segments updated" in imported.stdout, imported.stderr

    # Any glossary change, then --force: every machine sentence is redone, the reviewed ones are not.
    with open(project / "glossary" / "hengyang.tsv", "a", encoding="utf-8") as f:
        f.write("农村创业孵化基地\trural business incubator\tterm\t\t\ttest row\n")
    again = run("translate", "pages/", "--out", "out", "--glossary", "glossary", "--force", *FAST)
    assert again.returncode == 0, again.stderr
    after = segments(edition(project / "out"))
    assert after[reviewed]["en"] == "Reviewed English, by a person."
    assert after[reviewed]["origin"]["origin"] == "human" and after[reviewed]["origin"]["status"] == "translated"
    assert after[approved]["en"] == "Approved English, signed off."
    assert after[approved]["origin"]["status"] == "approved"
    states = {u.id: u.state for u in read_reviewed_xliff(xliff)[1]}
    assert states[reviewed] == "translated" and states[approved] == "signed-off"  # the XLIFF keeps the states
    machine = [s for sid, s in after.items() if s["zh"] and sid not in (reviewed, approved)]
    assert all(s["origin"]["origin"] == "engine" and s["origin"]["status"] == "draft" for s in machine if s["en"])
    tmx = (project / "out" / STEM / f"{STEM}.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu ") == 2  # a person's English only, by default

    # --no-cache and another engine run keep them too.
    other = run("translate", "pages/", "--out", "out", "--glossary", "glossary", "--force", "--no-cache", *FAST)
    assert other.returncode == 0 and segments(edition(project / "out"))[reviewed]["en"].startswith("Reviewed")

    # A sentence whose source changed is retranslated, and its old English is offered, not applied.
    page = project / "pages" / SEED.name
    old_zh = after[reviewed]["zh"]
    new_zh = old_zh.replace("，", "，也", 1) if "，" in old_zh else old_zh[:-1] + "也。"
    assert new_zh != old_zh
    page.write_text(page.read_text(encoding="utf-8").replace(old_zh, new_zh, 1), encoding="utf-8")
    changed = run("translate", "pages/", "--out", "out", "--glossary", "glossary", *FAST)
    assert changed.returncode == 0, changed.stderr
    now = next(s for s in segments(edition(project / "out")).values() if s["zh"] == new_zh)
    assert now["en"] != "Reviewed English, by a person." and now["origin"]["origin"] == "engine"
    assert [x["en"] for x in now["suggestions"]] == ["Reviewed English, by a person."]
    xliff_text = xliff.read_text(encoding="utf-8")
    assert "<alt-trans" in xliff_text and "Reviewed English, by a person." in xliff_text


def test_two_output_folders_never_see_each_others_reviews(project):
    for out in ("one", "two"):
        r = run_in_process("translate", "pages/", "--out", out, "--glossary", "glossary", *FAST, cwd=project)
        assert r.returncode == 0, r.stderr
    sid, seg = next((sid, s) for sid, s in segments(edition(project / "one")).items() if s["zh"] and s["en"])
    xliff = project / "one" / STEM / f"{STEM}.xlf"
    review(xliff, {sid: ("Only in project one.", "translated")})
    assert run_in_process("import-xliff", str(xliff), cwd=project).returncode == 0
    r = run_in_process("translate", "pages/", "--out", "two", "--glossary", "glossary", "--force", *FAST, cwd=project)
    assert r.returncode == 0
    assert segments(edition(project / "two"))[sid]["en"] != "Only in project one."
    with TranslationMemory(project_memory_path(project / "two")) as memory:
        assert memory.stats().human == 0
    # Project two may use project one's memory as a read-only reference: then the review is an exact match.
    r = run_in_process("translate", "pages/", "--out", "two", "--glossary", "glossary", "--force", *FAST,
                       "--memory", str(project_memory_path(project / "one")), cwd=project)
    assert r.returncode == 0, r.stderr
    reused = segments(edition(project / "two"))[sid]
    assert reused["en"] == "Only in project one." and reused["origin"]["origin"] == "memory"
    with TranslationMemory(project_memory_path(project / "two")) as memory:
        assert memory.stats().human == 0  # a reference is read, never written


OMEGAT_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="6.0.0" segtype="sentence" srclang="ZH-CN"/>
  <body>
    <tu>
      <tuv lang="ZH-CN"><seg>他强调，要深入学习贯彻习近平总书记重要讲话精神。</seg></tuv>
      <tuv lang="EN-GB" changeid="ana" changedate="20261101T101500Z" creationid="ana"
           creationdate="20261101T101500Z"><seg>He stressed the need to study General Secretary Xi Jinping's speech.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

TRADOS_TMX = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-US" srclang="zh-CN" creationdate="20261102T080000Z"
          creationid="TRADOS\\bo"/>
  <body>
    <tu creationdate="20261102T080000Z" creationid="TRADOS\\bo" changedate="20261102T081000Z" changeid="TRADOS\\bo">
      <prop type="x-Origin">TM</prop>
      <tuv xml:lang="zh-CN"><seg>会议由<bpt i="1" type="bold">&lt;b&gt;</bpt>市长<ept i="1">&lt;/b&gt;</ept>主持。</seg></tuv>
      <tuv xml:lang="en-US"><seg>The meeting was chaired by the <bpt i="1">&lt;b&gt;</bpt>mayor<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
    </tu>
    <tu><tuv xml:lang="zh-Hans"><seg>只有中文。</seg></tuv></tu>
  </body>
</tmx>
"""


@pytest.mark.parametrize("name,text,zh,en,who", [
    ("omegat.tmx", OMEGAT_TMX, "他强调，要深入学习贯彻习近平总书记重要讲话精神。",
     "He stressed the need to study General Secretary Xi Jinping's speech.", "ana"),
    ("trados.tmx", TRADOS_TMX, "会议由市长主持。", "The meeting was chaired by the mayor.", "TRADOS\\bo"),
])
def test_tmx_from_other_tools_imports_as_a_persons_work(tmp_path, name, text, zh, en, who):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    r = run_in_process("tm", "--out", "out", "import", str(path), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1 Chinese/English pairs, 1 new or changed" in r.stdout
    with TranslationMemory(project_memory_path(tmp_path / "out")) as memory:
        entry = memory.human(zh)
    assert (entry.en, entry.how, entry.who, entry.status) == (en, "tmx", who, "translated")
    # The exact match is then used as a person's work on a page.
    lines = run_in_process("translate-text", "--out", "out", "--engine", "gloss", cwd=tmp_path, stdin=zh + "\n")
    assert lines.stdout.strip() == en


def test_a_bad_tmx_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    r = run_in_process("tm", "--out", "out", "import", str(bad), cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "bad.tmx" in r.stderr
