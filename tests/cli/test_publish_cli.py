"""`bilingual align` and `bilingual import-xliff`, in-process, in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_in_process
from lxml import etree
from translate.storage.tmx import tmxfile

from bilingual.config import Config
from bilingual.memory import TranslationMemory, project_memory_path
from bilingual.model import Article, Edition, Paragraph, Provenance, Segment
from bilingual.pipeline import Pipeline
from bilingual.read.xliff import read_reviewed_xliff as read_xliff
from bilingual.signature import Signature

DATA = Path(__file__).resolve().parent.parent / "stages" / "data"
XLIFF_NS = "{urn:oasis:names:tc:xliff:document:1.2}"


def run_cli(*args: str, cwd: Path):
    return run_in_process(*args, cwd=cwd)


def small_edition() -> Edition:
    gloss = Provenance.machine("gloss", "cedict-1")
    segs = [Segment(id="a1-p1-s1", zh="市长朱健主持会议。", en="Mayor Zhu Jian chair meeting.", engine="gloss",
                    flags=["term-missed"], origin=gloss),
            Segment(id="a1-p1-s2", zh="会议研究了其他事项。", en="Meeting study other matter.", engine="gloss",
                    origin=gloss)]
    article = Article(id="a1", headline=Segment(id="a1-headline", zh="市政府召开常务会议",
                                                en="City government hold executive meeting", engine="gloss",
                                                origin=gloss),
                      paragraphs=[Paragraph(id="a1-p1", segments=segs)])
    return Edition(source="seeds/page.txt", encoding="utf-8", articles=[article], paper="衡阳晚报",
                   date="2023-08-19", signature=Signature(engine="gloss", model="cedict-1", glossary="g42"))


def test_align_writes_tmx_and_a_bilingual_edition(tmp_path):
    result = run_cli("align", str(DATA / "night-tour.zh.txt"), str(DATA / "night-tour.en.txt"),
                     "--plain", "--memory", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out" / "night-tour.zh"
    for suffix in (".json", ".tmx", ".zh-en.docx", ".zh-en.pdf", ".zh-en.html"):
        assert (folder / f"night-tour.zh{suffix}").stat().st_size > 0
    assert "11 Chinese and 11 English sentences -> 10 pairs" in result.stdout
    edition = Edition.from_json(json.loads((folder / "night-tour.zh.json").read_text(encoding="utf-8")))
    flags = sorted(f for s in edition.segments() for f in s.flags)
    assert flags == ["align-1-0", "align-1-2", "align-1-2", "align-2-1"]
    units = tmxfile.parsefile(str(folder / "night-tour.zh.tmx")).units
    assert len(units) == 9 and units[0].target.startswith("Build the")  # the sentence with no English: no unit
    assert all(s.is_human and s.origin.how == "align" for s in edition.segments() if s.en)
    with TranslationMemory(project_memory_path(tmp_path / "out")) as memory:
        entry = memory.human("朱健会见梅帅元一行")
    assert entry is not None and entry.en == "Zhu Jian meets Mei Shuaiyuan and his party" and entry.how == "align"


def test_align_missing_english_is_one_line_error_and_writes_nothing(tmp_path):
    result = run_cli("align", str(DATA / "night-tour.zh.txt"), str(tmp_path / "nope.txt"), "--plain",
                     "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "nope.txt" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture
def exported(tmp_path):
    """An edition written as JSON and XLIFF, as `bilingual translate --format json,xliff` would."""
    edition = small_edition()
    Pipeline(Config(out_dir=tmp_path / "output", formats=("xliff", "json"))).write(edition)
    return tmp_path / "output" / "page" / "page.xlf"


def edit_xliff(path: Path, targets: dict[str, str] | None = None, sources: dict[str, str] | None = None,
               new_ids: dict[str, str] | None = None) -> None:
    targets, sources, new_ids = targets or {}, sources or {}, new_ids or {}
    tree = etree.parse(str(path))
    for unit in tree.iter(XLIFF_NS + "trans-unit"):
        uid = unit.get("id")
        if uid in targets:
            unit.find(XLIFF_NS + "target").text = targets[uid]
            unit.find(XLIFF_NS + "target").set("state", "translated")
        if uid in sources:
            unit.find(XLIFF_NS + "source").text = sources[uid]
        if uid in new_ids:
            unit.set("id", new_ids[uid])
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)


def test_import_xliff_updates_english_regenerates_and_fills_the_memory(exported, tmp_path):
    edit_xliff(exported, targets={"a1-p1-s1": "Mayor Zhu Jian chaired the meeting."})
    result = run_cli("import-xliff", str(exported), "--format", "json,html,docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 segments updated, 0 not applied" in result.stdout
    folder = exported.parent
    edition = Edition.from_json(json.loads((folder / "page.json").read_text(encoding="utf-8")))
    seg = next(s for s in edition.segments() if s.id == "a1-p1-s1")
    assert (seg.en, seg.engine, seg.flags) == ("Mayor Zhu Jian chaired the meeting.", "xliff", [])
    assert (seg.origin.origin, seg.origin.how, seg.status) == ("human", "xliff", "translated")
    other = next(s for s in edition.segments() if s.id == "a1-p1-s2")
    assert (other.en, other.engine) == ("Meeting study other matter.", "gloss")  # untouched, not retranslated
    assert "Mayor Zhu Jian chaired the meeting." in (folder / "page.zh-en.html").read_text(encoding="utf-8")
    assert (folder / "page.zh-en.docx").exists()
    # Every file already there is regenerated, the reviewer's XLIFF included (its unit is now "translated").
    _, units = read_xliff(folder / "page.xlf")
    assert {u.id: u.state for u in units}["a1-p1-s1"] == "translated"
    with TranslationMemory(project_memory_path(tmp_path / "output")) as memory:
        entry = memory.human("市长朱健主持会议。")
    assert entry is not None and entry.en == "Mayor Zhu Jian chaired the meeting." and entry.how == "xliff"


def test_import_xliff_reports_unknown_ids_and_changed_sources(exported, tmp_path):
    edit_xliff(exported, targets={"a1-p1-s1": "Reviewed one.", "a1-p1-s2": "Reviewed two.",
                                  "a1-headline": "Reviewed headline."},
               sources={"a1-p1-s1": "市长朱健主持了会议。"}, new_ids={"a1-p1-s2": "a9-p9-s9"})
    result = run_cli("import-xliff", str(exported), "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert "'a9-p9-s9': unknown id" in result.stderr and "'a1-p1-s1': source text changed" in result.stderr
    edition = Edition.from_json(json.loads((exported.parent / "page.json").read_text(encoding="utf-8")))
    english = {s.id: s.en for s in edition.segments()}
    assert english == {"a1-headline": "Reviewed headline.", "a1-p1-s1": "Mayor Zhu Jian chair meeting.",
                       "a1-p1-s2": "Meeting study other matter."}


def test_import_xliff_without_its_edition_is_an_error(tmp_path):
    xlf = tmp_path / "lonely.xlf"
    xlf.write_text('<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
                   '<file original="lonely.txt" source-language="zh-CN" datatype="plaintext"><body>'
                   '<trans-unit id="x"><source>你好</source></trans-unit></body></file></xliff>', encoding="utf-8")
    result = run_cli("import-xliff", str(xlf), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("bilingual: error:") and "lonely.json" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lonely.xlf"]
