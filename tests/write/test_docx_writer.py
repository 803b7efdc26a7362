"""DOCX writer, as Word users expect it: heading styles with outline levels, East Asian fonts on every
Chinese run, a borderless sentence table, a different first page, "Page X of Y", current settings and
core properties; and LibreOffice's rendering of the file, looked at as a Word user would see it."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document
from docx.oxml.ns import qn

from bilingual.config import WriteOptions
from bilingual.write.docx import write_docx
from bilingual.write.typography import english_typography as typeset
from bilingual.zh.decks import split_decks, split_english_decks

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def sbs_doc(tmp_path_factory, make_newspaper):
    edition = make_newspaper()
    path = write_docx(edition, tmp_path_factory.mktemp("docx") / "page.zh-en.docx", WriteOptions())
    return edition, path, Document(str(path))


def text_of(element) -> str:
    """The text of a paragraph or cell, line breaks as newlines."""
    out = []
    for node in element.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        out.append(node.text or "" if node.tag == qn("w:t") else "\n" if node.tag == qn("w:br") else "\t")
    return "".join(out)


def body_texts(doc) -> list[str]:
    """Paragraph and table-cell texts in document order."""
    texts = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            texts.append(text_of(block))
        elif block.tag == qn("w:tbl"):
            texts.extend(text_of(cell) for cell in block.iter(qn("w:tc")))
    return texts


def test_named_styles_exist_with_east_asian_font(sbs_doc):
    _, _, doc = sbs_doc
    for name in ("Heading 1", "Heading 2", "Kicker", "Byline", "Body ZH", "Body EN"):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
        assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would win over the one named
    assert doc.styles["Body ZH"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "zh-CN"
    assert doc.styles["Body EN"].element.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "Noto Serif"


def test_headlines_are_heading_1_and_subtitles_heading_2_with_outline_levels(sbs_doc):
    edition, _, doc = sbs_doc
    for name, level in (("Heading 1", "0"), ("Heading 2", "1")):
        outline = doc.styles[name].element.pPr.find(qn("w:outlineLvl"))
        assert outline is not None and outline.get(qn("w:val")) == level
    headings = {name: [p for p in doc.paragraphs if p.style.name == name] for name in ("Heading 1", "Heading 2")}
    assert len(headings["Heading 1"]) == len(edition.articles)
    assert len(headings["Heading 2"]) == sum(a.subtitle is not None for a in edition.articles)
    for paragraph, article in zip(headings["Heading 1"], edition.articles):
        # The Chinese decks, then the English ones, a line each.
        lines = text_of(paragraph._p).split("\n")
        assert lines == split_decks(article.headline.zh) + [typeset(d) for d in split_english_decks(article.headline.en)]
    subtitle = text_of(headings["Heading 2"][0]._p).split("\n")
    assert subtitle[-2:] == ["Zhu Jian leads talks at the China Development Bank Hunan branch", "Song Zheng attends"]


def test_every_chinese_run_names_the_east_asian_font_and_language(sbs_doc):
    _, _, doc = sbs_doc
    runs = [r for r in doc.element.body.iter(qn("w:r"))
            if CJK.search("".join(t.text or "" for t in r.iter(qn("w:t"))))]
    assert len(runs) > 10
    for run in runs:
        rpr = run.find(qn("w:rPr"))
        assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Serif CJK SC"
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_sentence_table_is_borderless_padded_and_has_no_header_row(sbs_doc):
    edition, _, doc = sbs_doc
    assert len(doc.tables) == len(edition.articles)
    for article, table in zip(edition.articles, doc.tables):
        rows = table.rows
        segments = list(article.body_segments())
        assert [(r.cells[0].text, r.cells[1].text) for r in rows] == [(s.zh, typeset(s.en)) for s in segments]
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows[1:])  # the heads keep with row 1
        assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows)
        tbl_pr = table._tbl.tblPr
        borders = tbl_pr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"nil"} and len(borders) == 6
        assert table.style is None or table.style.name != "Table Grid"
        margins = {m.tag.split("}")[1]: int(m.get(qn("w:w"))) for m in tbl_pr.find(qn("w:tblCellMar"))}
        assert margins["right"] >= 200 and margins["bottom"] > 0  # a gutter and air under each row
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert widths[0] < widths[1]  # the English column holds more: it is the wider
    zh_paragraph = doc.tables[0].rows[0].cells[0].paragraphs[0]
    assert zh_paragraph.style.name == "Body ZH" and doc.styles["Body ZH"].paragraph_format.alignment == 3  # justified


def test_heads_precede_the_table_and_sentences_appear_once_in_order(sbs_doc):
    edition, _, doc = sbs_doc
    texts = body_texts(doc)
    headline = edition.articles[0].headline
    first_table_cell = texts.index(edition.articles[0].paragraphs[0].segments[0].zh)
    assert any(t.startswith(split_decks(headline.zh)[0]) for t in texts[:first_table_cell])
    zh_sequence = [t for t in texts if CJK.search(t)]
    expected = [s.zh for a in edition.articles for s in a.body_segments()]
    assert [t for t in zh_sequence if t in expected] == expected


def test_first_page_differs_and_the_footer_counts_pages_in_small_type(sbs_doc):
    _, path, doc = sbs_doc
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()  # nothing over the masthead
    header = "".join(p.text for p in section.header.paragraphs)
    assert "衡阳晚报" in header and "Hengyang Evening News" in header and "2023年8月19日" in header
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        fields = re.findall(r"<w:instrText[^>]*>\s*(\w+)\s*</w:instrText>", xml)
        assert fields == ["PAGE", "NUMPAGES"]
        assert "Page " in footer.paragraphs[0].text and " of " in footer.paragraphs[0].text
        assert footer.paragraphs[0].style.font.size.pt < doc.styles["Body EN"].font.size.pt


def test_settings_core_properties_and_font_fallbacks(sbs_doc):
    _, path, doc = sbs_doc
    props = doc.core_properties
    assert props.title == "衡阳晚报 Hengyang Evening News, 19 August 2023"
    assert props.author == "Hengyang Evening News"
    assert props.language == "zh-CN"
    assert "engine gloss" in props.comments and "Dictionary gloss" in props.subject
    now = datetime.now(timezone.utc)
    for stamp in (props.created, props.modified):
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)  # W3CDTF "...Z": UTC
        assert now - timedelta(hours=1) < stamp <= now + timedelta(minutes=1)
    with zipfile.ZipFile(path) as package:
        settings = package.read("word/settings.xml").decode("utf-8")
        fonts = package.read("word/fontTable.xml").decode("utf-8")
        app = package.read("docProps/app.xml").decode("utf-8")
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)
    assert re.search(r'w:name="Noto Serif CJK SC">\s*<w:altName w:val="SimSun"/>', fonts)
    assert re.search(r'w:name="Noto Serif">\s*<w:altName w:val="Cambria"/>', fonts)
    assert "ＭＳ 明朝" not in fonts and "Macintosh" not in app


def test_flagged_segments_highlighted_only_when_asked(tmp_path, make_edition):
    edition = make_edition()
    flagged = edition.articles[0].paragraphs[0].segments[0]

    def highlighted(options):
        doc = Document(str(write_docx(edition, tmp_path / "f.docx", options)))
        return {r.text for p in doc.tables[0].rows[0].cells for r in p.paragraphs[0].runs
                if r.font.highlight_color is not None}

    assert highlighted(WriteOptions(highlight_flags=True)) == {flagged.zh, typeset(flagged.en)}  # a proof
    assert highlighted(WriteOptions()) == set()  # a published edition never carries QA highlighting


def test_interleaved_and_english_layouts(tmp_path, make_newspaper):
    edition = make_newspaper()
    doc = Document(str(write_docx(edition, tmp_path / "i.docx", WriteOptions(layout="interleaved", paper="Letter"))))
    assert not doc.tables
    texts = body_texts(doc)
    para = edition.articles[0].paragraphs[0]
    english = " ".join(typeset(s.en) for s in para.segments)
    assert texts.index(para.zh) + 1 == texts.index(english)
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.6 and round(section.page_height.cm, 1) == 27.9

    doc = Document(str(write_docx(edition, tmp_path / "e.docx", WriteOptions(layout="english"))))
    texts = body_texts(doc)
    assert english in texts
    assert not any(CJK.search(t) for t in texts[:-1])  # Chinese only in the colophon's source line
    assert "English edition" in "".join(texts[:4]) and doc.core_properties.language == "en-GB"
    assert not CJK.search("".join(p.text for p in doc.sections[0].header.paragraphs))


def test_sans_option_sets_noto_sans(tmp_path, make_edition):
    doc = Document(str(write_docx(make_edition(), tmp_path / "s.docx", WriteOptions(cjk_font="sans"))))
    assert doc.styles["Body ZH"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans CJK SC"


# --- as Word users see it: LibreOffice renders the file --------------------------------------------

@pytest.fixture(scope="module")
def libreoffice_pdf(tmp_path_factory, translated_seed):
    if shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed (the Makefile installs libreoffice-writer-nogui)")
    import json

    from pdf_facts import Rendered

    from bilingual.model import Edition

    out = tmp_path_factory.mktemp("lo")
    seed_dir = next(p for p in translated_seed.iterdir() if p.is_dir() and not p.name.startswith("."))
    edition = Edition.from_json(json.loads((seed_dir / f"{seed_dir.name}.json").read_text(encoding="utf-8")))
    path = write_docx(edition, out / "lo.docx", WriteOptions(paper="Letter"))
    # A profile of its own: a user's LibreOffice (or another test's) cannot interfere.
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{out}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=300)
    return edition, Rendered(out / "lo.pdf", edition)


def test_libreoffice_renders_the_chinese_in_the_named_fonts(libreoffice_pdf):
    _, pdf = libreoffice_pdf
    fonts = "".join(pdf.fonts).replace("-", "")
    assert "NotoSerifCJK" in fonts and "NotoSerif" in fonts.replace("NotoSerifCJK", "")


def test_libreoffice_pages_keep_every_word_on_the_page_and_count_themselves(libreoffice_pdf):
    edition, pdf = libreoffice_pdf
    width, height = pdf.size
    assert (round(width), round(height)) == (612, 792)
    assert pdf.lines
    for line in pdf.lines:  # no text outside the page, nor in its outer 1 cm
        assert 28 <= line.x0 and line.x1 <= width - 28 and 28 <= line.y0 and line.y1 <= height - 28, line
    for number, text in enumerate(pdf.page_texts, 1):  # the footer's fields, updated by LibreOffice
        assert f"Page {number} of {pdf.pages}" in text
    # Pages run full: heads never pull a whole table to the next page and leave half a page blank.
    for number in range(1, pdf.pages):
        body = [ln.y1 for ln in pdf.lines if ln.page == number and ln.y1 < height - 60]
        assert max(body) > 0.6 * height, f"page {number} ends at {max(body):.0f} of {height:.0f} pt"
    # The masthead on page 1 only, the running head on every other page.
    assert "Saturday, 19 August 2023" in pdf.page_texts[0]
    assert all("Hengyang Evening News · 19 August 2023" in t for t in pdf.page_texts[1:])
    assert "Hengyang Evening News · 19 August 2023" not in pdf.page_texts[0]
    # Each article's headline is there, its decks on lines of their own.
    lines = [line.text for line in pdf.lines]
    for article in edition.articles:
        assert split_decks(article.headline.zh)[0] in lines


def test_libreoffice_lists_the_headings_as_bookmarks(libreoffice_pdf):
    edition, pdf = libreoffice_pdf
    # LibreOffice exports outline levels as PDF bookmarks: headlines at the top, subtitles under them.
    assert len(pdf.outline) == len(edition.articles)
    for (title, _, children), article in zip(pdf.outline, edition.articles):
        assert title.startswith(split_decks(article.headline.zh)[0])
        assert children == (article.subtitle is not None)
