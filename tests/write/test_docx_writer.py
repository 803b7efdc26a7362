"""DOCX writer: styles, East Asian fonts on every Chinese run, the sentence table, core properties."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from bilingual.config import WriteOptions
from bilingual.write.docx import write_docx

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def sbs_doc(tmp_path, make_edition):
    edition = make_edition()
    path = write_docx(edition, tmp_path / "page.zh-en.docx", WriteOptions())
    return edition, path, Document(str(path))


def body_texts(doc) -> list[str]:
    """Paragraph and table-cell texts in document order."""
    texts = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            texts.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                texts.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return texts


def test_named_styles_exist_with_east_asian_font(sbs_doc):
    _, _, doc = sbs_doc
    for name in ("Headline ZH", "Headline EN", "Body ZH", "Body EN"):
        style = doc.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    assert doc.styles["Body ZH"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "zh-CN"


def test_every_chinese_run_names_the_east_asian_font_and_language(sbs_doc):
    _, _, doc = sbs_doc
    runs = [r for r in doc.element.body.iter(qn("w:r"))
            if CJK.search("".join(t.text or "" for t in r.iter(qn("w:t"))))]
    assert len(runs) > 10
    for run in runs:
        rpr = run.find(qn("w:rPr"))
        assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Serif CJK SC"
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_sentence_table_pairs_each_sentence_and_repeats_its_header(sbs_doc):
    edition, _, doc = sbs_doc
    assert len(doc.tables) == len(edition.articles)
    for article, table in zip(edition.articles, doc.tables):
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [c.text for c in header.cells] == ["中文", "English"]
        rows = table.rows[1:]
        segments = list(article.body_segments())
        assert [(r.cells[0].text, r.cells[1].text) for r in rows] == [(s.zh, s.en) for s in segments]
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)


def test_headline_pair_precedes_the_table_and_sentences_appear_once_in_order(sbs_doc):
    edition, _, doc = sbs_doc
    texts = body_texts(doc)
    headline = edition.articles[0].headline
    assert texts.index(headline.zh) + 1 == texts.index(headline.en)
    zh_sequence = [t for t in texts if CJK.search(t)]
    expected = [s.zh for s in edition.segments()]
    found = [t for t in zh_sequence if t in expected]
    assert found == expected


def test_core_properties(sbs_doc):
    _, _, doc = sbs_doc
    props = doc.core_properties
    assert props.title == "衡阳晚报 2023-08-19"
    assert props.author == "bilingual"
    assert props.language == "zh-CN"
    assert "engine gloss" in props.comments and "Dictionary gloss" in props.subject


def test_flagged_segments_highlighted_only_when_asked(tmp_path, make_edition):
    edition = make_edition()
    flagged = edition.articles[0].paragraphs[0].segments[0]

    def highlighted(options):
        doc = Document(str(write_docx(edition, tmp_path / "f.docx", options)))
        return {r.text for p in doc.tables[0].rows[1].cells for r in p.paragraphs[0].runs
                if r.font.highlight_color is not None}

    assert highlighted(WriteOptions(highlight_flags=True)) == {flagged.zh, flagged.en}  # a proof
    assert highlighted(WriteOptions()) == set()  # a published edition never carries QA highlighting


def test_interleaved_and_english_layouts(tmp_path, make_edition):
    edition = make_edition()
    doc = Document(str(write_docx(edition, tmp_path / "i.docx", WriteOptions(layout="interleaved", paper="Letter"))))
    assert not doc.tables
    texts = body_texts(doc)
    para = edition.articles[0].paragraphs[0]
    assert texts.index(para.zh) + 1 == texts.index(para.en)
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.6 and round(section.page_height.cm, 1) == 27.9

    doc = Document(str(write_docx(edition, tmp_path / "e.docx", WriteOptions(layout="english"))))
    texts = body_texts(doc)
    assert para.en in texts
    assert not any(s.zh in t for s in edition.segments() for t in texts)


def test_sans_option_sets_noto_sans(tmp_path, make_edition):
    doc = Document(str(write_docx(make_edition(), tmp_path / "s.docx", WriteOptions(cjk_font="sans"))))
    assert doc.styles["Body ZH"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans CJK SC"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed on this machine")
def test_libreoffice_renders_the_chinese(tmp_path, make_edition):
    path = write_docx(make_edition(), tmp_path / "lo.docx", WriteOptions())
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "lo.pdf")], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts.replace("-", "")
