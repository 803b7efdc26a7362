"""The whole path on the seed page, through the real console script: page in, JSON, DOCX and PDF out.

One run of `bilingual translate` per module (PDF rendering is the slow part); every
assertion reads the files that run wrote.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
BILINGUAL = Path(sys.executable).parent / "bilingual"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HEADLINES = [
    "坚决扛牢重大责任 持续深化两地发展联动 共同把衡阳人民的第二故乡建设得更加美好",
    "携手同心开创合作共赢发展的新局面",
    "市政府召开常务会议",
    "打造好“夜游湘江”文旅项目 促进文旅产业高质量发展",
]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BILINGUAL), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def edition_dir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("e2e")
    page = work / "seeds" / SEED.name
    page.parent.mkdir()
    shutil.copy(SEED, page)
    result = run_cli("translate", "seeds/", "--out", "output/", "--engine", "gloss",
                     "--format", "json,docx,pdf", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "output" / SEED.stem


@pytest.fixture(scope="module")
def model(edition_dir) -> dict:
    return json.loads((edition_dir / f"{SEED.stem}.json").read_text(encoding="utf-8"))


def body_sentences(model: dict) -> list[str]:
    return [s["zh"] for a in model["articles"] for p in a["paragraphs"] for s in p["segments"]]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_in_order(sentences: list[str], text: str, where: str) -> None:
    """Each sentence occurs exactly once, and after the previous one."""
    flat = squeeze(text)
    pos = 0
    for s in sentences:
        needle = squeeze(s)
        assert flat.count(needle) == 1, f"{where}: {flat.count(needle)} copies of {s!r}"
        found = flat.find(needle, pos)
        assert found >= 0, f"{where}: out of order: {s!r}"
        pos = found + len(needle)


@pytest.mark.slow
def test_the_three_files_are_written(edition_dir):
    names = sorted(p.name for p in edition_dir.iterdir())
    assert names == sorted(f"{SEED.stem}{s}" for s in (".json", ".zh-en.docx", ".zh-en.pdf"))


def test_json_schema_and_articles(model):
    assert model["source"].endswith(SEED.name)
    assert model["encoding"].lower().replace("-", "") in ("utf8", "ascii")
    assert [a["headline"] for a in model["articles"]] == HEADLINES
    for a in model["articles"]:
        assert set(a) >= {"id", "kicker", "headline", "subtitle", "byline", "paragraphs"}
        for p in a["paragraphs"]:
            for s in p["segments"]:
                assert set(s) >= {"id", "zh", "en", "engine", "flags"}
                assert s["engine"] == "gloss"
    for w in model["warnings"]:
        assert set(w) >= {"code", "message", "line"}
    ids = [s["id"] for a in model["articles"] for p in a["paragraphs"] for s in p["segments"]]
    assert len(ids) == len(set(ids))


def test_every_seed_sentence_once_and_in_order_in_json(model):
    # The page's Chinese, minus whitespace and markup, is the sentences' Chinese in order.
    sentences = body_sentences(model)
    assert len(sentences) > 50
    joined = squeeze("".join(sentences))
    for a in model["articles"]:
        for p in a["paragraphs"]:
            assert "".join(s["zh"] for s in p["segments"]) in joined


def test_paper_named_in_english_and_heads_translated_deck_by_deck(model):
    assert (model["paper"], model["paper_en"]) == ("衡阳晚报", "Hengyang Evening News")  # from the glossary
    for a in model["articles"]:
        for part in ("kicker", "headline", "subtitle"):
            head = a["heads"].get(part)
            if head:  # one line of English per Chinese deck
                assert len(head["en"].split("\n")) == len(head["zh"].split()), head


def test_no_chinese_in_any_english(model):
    english = [s["en"] for a in model["articles"] for p in a["paragraphs"] for s in p["segments"]]
    english += [h["en"] for a in model["articles"] for h in a.get("heads", {}).values()]
    assert all(e for e in english), "a segment came back untranslated"
    assert [e for e in english if CJK.search(e)] == []


def test_docx_holds_every_sentence_in_order_with_east_asian_font(edition_dir, model):
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(edition_dir / f"{SEED.stem}.zh-en.docx"))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    body = "\n".join(texts)
    assert_in_order(body_sentences(model), body, "docx")
    chinese_runs = [r for p in document.paragraphs for r in p.runs if CJK.search(r.text)]
    chinese_runs += [r for t in document.tables for row in t.rows for c in row.cells
                     for p in c.paragraphs for r in p.runs if CJK.search(r.text)]
    assert chinese_runs
    for run in chinese_runs:
        rfonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
        style_fonts = None
        if rfonts is None:  # set on the paragraph style instead
            style = run._parent.style
            style_fonts = style.element.rPr.find(qn("w:rFonts")) if style.element.rPr is not None else None
        fonts = rfonts if rfonts is not None else style_fonts
        assert fonts is not None and "CJK" in (fonts.get(qn("w:eastAsia")) or ""), run.text


def test_pdf_embeds_a_cjk_subset_and_holds_both_languages(edition_dir, model):
    pdf = edition_dir / f"{SEED.stem}.zh-en.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk_rows = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk_rows, fonts
    # name  type  encoding  emb sub uni: embedded and subset are the two "yes" after the encoding
    assert all(re.search(r"^[A-Z]{6}\+", row) for row in cjk_rows), "CJK font not subset"
    assert all(" yes yes " in re.sub(r"\s+", " ", row) for row in cjk_rows), fonts
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first = model["articles"][0]
    assert squeeze(first["headline"]) in squeeze(text)
    english_headline = first["heads"]["headline"]["en"]
    assert squeeze(english_headline)[:40] in squeeze(text)
    assert_in_order(body_sentences(model), text, "pdf")
    assert "gloss" in text.lower()  # the engine is named on the page


@pytest.mark.parametrize("case", ["missing", "empty", "binary"])
def test_bad_input_gives_one_line_error_and_no_output(tmp_path, case):
    page = tmp_path / f"{case}.txt"
    if case == "empty":
        page.write_text("  \n\n", encoding="utf-8")
    elif case == "binary":
        page.write_bytes(bytes(range(256)) * 8)
    result = run_cli("translate", str(page), "--out", str(tmp_path / "out"), "--engine", "gloss", cwd=tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) >= 1 and str(page.name) in errors[0], result.stderr
    assert not (tmp_path / "out" / case).exists() or not any((tmp_path / "out" / case).iterdir())
