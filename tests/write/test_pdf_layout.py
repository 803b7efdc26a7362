"""The PDF as a bilingual newspaper: layout facts read off rendered pages, in every layout and both
paper sizes, for the seed page and for a long edition of many articles.

Each (edition, layout, paper) is rendered once a session (``render_pdf`` in conftest) and every fact
is read with poppler (pdftotext -bbox-layout, pdffonts) or pikepdf (the tag tree: ``pdf_facts.struct_text``).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pdf_facts import HAN, squash, word_characters

from bilingual.write.measure import english_ratio, measures
from bilingual.write.typography import english_typography
from bilingual.zh.decks import split_decks, split_english_decks

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

CASES = [
    ("seed", "side-by-side", "A4"),
    ("seed", "interleaved", "Letter"),
    ("seed", "english", "A4"),
    ("long", "side-by-side", "Letter"),
    ("long", "interleaved", "A4"),
    ("long", "english", "Letter"),
]
IDS = [f"{k}-{layout}-{paper}" for k, layout, paper in CASES]


@pytest.fixture(params=CASES, ids=IDS)
def case(request, render_pdf):
    kind, layout, paper = request.param
    return layout, paper, render_pdf(kind, layout, paper)


def body_segments(edition):
    return [s for a in edition.articles for s in a.body_segments()]


def test_masthead_names_the_paper_and_the_date_in_the_layouts_languages(case):
    layout, _, pdf = case
    first = pdf.page_texts[0]
    assert "hengyang evening news" in first.casefold()
    assert "Saturday, 19 August 2023" in first
    if layout == "english":
        assert "English edition" in first and "Bilingual" not in first and "中英" not in first
        assert "衡阳晚报" not in first and "2023年" not in first
    else:
        assert "衡阳晚报" in first and "2023年8月19日 星期六" in first
        assert "Chinese\u2013English" in first and "中英对照版" in first
    assert sum("Saturday, 19 August 2023" in page for page in pdf.page_texts) == 1  # one masthead


def test_running_head_in_the_layouts_languages_on_every_later_page(case):
    layout, _, pdf = case
    assert pdf.pages >= 2
    for number, text in enumerate(pdf.page_texts[1:], 2):
        head = text.strip().splitlines()[0]
        assert "Hengyang Evening News" in head and "19 August 2023" in head, (number, head)
        if layout == "english":
            assert not HAN.search(head), (number, head)
        else:
            assert "衡阳晚报" in head and "2023年8月19日" in head, (number, head)
    assert "Hengyang Evening News ·" not in pdf.page_texts[0].strip().splitlines()[0]  # none over the masthead


def test_one_bookmark_per_article_in_order_pointing_at_its_headline(case):
    layout, _, pdf = case
    articles = pdf.edition.articles
    assert len(pdf.outline) == len(articles)
    assert [page for _, page, _ in pdf.outline] == sorted(page for _, page, _ in pdf.outline)
    for (title, page, children), article in zip(pdf.outline, articles):
        assert children == 0  # subtitles are not bookmarks
        first_deck = english_typography(split_english_decks(article.headline.en)[0])
        assert squash(first_deck) in squash(title)
        zh_deck = split_decks(article.headline.zh)[0]
        assert (zh_deck in title) == (layout != "english")
        shown = zh_deck if layout != "english" else first_deck
        assert squash(shown)[:12] in squash(pdf.page_texts[page - 1]), (title, page)


@pytest.mark.slow
def test_headlines_are_h1_and_subtitles_h2_with_both_languages(case):
    layout, _, pdf = case
    articles = pdf.edition.articles
    assert len(re.findall(r"^\s*H1\b", pdf.struct_text, re.M)) == len(articles)
    assert len(re.findall(r"^\s*H2\b", pdf.struct_text, re.M)) == sum(a.subtitle is not None for a in articles)
    in_h1 = squash("".join(leaf.text for leaf in pdf.leaves if "/H1" in leaf.ancestors))
    in_h2 = squash("".join(leaf.text for leaf in pdf.leaves if "/H2" in leaf.ancestors))
    for article in articles:
        for deck in split_english_decks(article.headline.en):
            assert squash(english_typography(deck)) in in_h1
        if layout != "english":
            for deck in split_decks(article.headline.zh):
                assert squash(deck) in in_h1
        if article.subtitle is not None:
            assert squash(english_typography(split_english_decks(article.subtitle.en)[-1])) in in_h2


def test_chinese_structure_elements_carry_lang_zh_hans(case):
    layout, _, pdf = case
    leaves = pdf.leaves
    chinese = [leaf for leaf in leaves if HAN.search(leaf.text)]
    english = [leaf for leaf in leaves if not HAN.search(leaf.text) and re.search(r"[A-Za-z]{3}", leaf.text)]
    assert english and all(leaf.lang == "en" for leaf in english), [lf for lf in english if lf.lang != "en"][:3]
    assert all(leaf.lang == "zh-Hans" for leaf in chinese), [lf for lf in chinese if lf.lang != "zh-Hans"][:3]
    if layout != "english":
        assert len(chinese) > 20


def test_running_head_and_footer_are_artifacts_not_content(case):
    layout, _, pdf = case
    assert "Page 1 of" not in pdf.struct_text
    assert "Hengyang Evening News \u00b7 19 August 2023" not in pdf.struct_text  # the running head
    assert pdf.struct_text.count("Dictionary gloss") == 2  # masthead and colophon; the footer is furniture
    for content in pdf.content[1:]:
        assert b"/Artifact <</Type /Pagination /Subtype /Header>>" in content
        assert b"/Artifact <</Type /Pagination /Subtype /Footer>>" in content


def test_no_line_of_a_single_character(case):
    _, _, pdf = case
    single = [(line.page, line.text) for line in pdf.lines if word_characters(line.text) == 1]
    assert not single, single[:5]


def test_first_page_has_body_text_and_the_last_page_more_than_the_colophon(case):
    layout, _, pdf = case
    segments = body_segments(pdf.edition)
    first, last = segments[0], segments[-1]
    pick = (lambda s: english_typography(s.en)) if layout == "english" else (lambda s: s.zh)
    assert squash(pick(first))[:8] in squash(pdf.reading_texts[0])
    last_page = squash(pdf.reading_texts[-1])
    assert "Source:" in pdf.page_texts[-1]
    assert squash(pick(last))[-8:] in last_page, "the colophon stands alone on the last page"


def test_english_is_set_in_print_typography(case):
    _, _, pdf = case
    text = "".join(pdf.page_texts)
    assert '"' not in text and "\u201c" in text and "\u201d" in text
    assert re.search(r"17\u201318", text) and not re.search(r"17-18", text)
    assert "  " not in " ".join(line.text for line in pdf.lines)


def test_fonts_are_noto_serif_and_noto_serif_cjk_sc_subsets(case):
    _, _, pdf = case
    fonts = [f.replace("-", "") for f in pdf.fonts]
    assert all(re.match(r"^[A-Z]{6}\+", f) for f in fonts), fonts
    has_noto_serif = "Noto Serif" in subprocess.run(["fc-match", "Noto Serif"], capture_output=True, text=True).stdout
    if has_noto_serif:
        assert any(f[7:].startswith("NotoSerif") and "CJK" not in f[7:] for f in fonts), fonts
        assert not any("DejaVu" in f for f in fonts), fonts
    assert any("NotoSerifCJKSC" in f for f in fonts)  # every layout names the paper in Chinese in its colophon
    assert not any("JP" in f[7:] or "KR" in f[7:] for f in fonts), fonts  # (not in the six-letter subset tag)


def test_side_by_side_chinese_on_the_grid_and_columns_balanced(render_pdf):
    for kind, paper in (("seed", "A4"), ("long", "Letter")):
        pdf = render_pdf(kind, "side-by-side", paper)
        m = measures(pdf.edition, "side-by-side", paper)
        left = 16 * 72 / 25.4
        zh_right, en_left = left + m.zh_width, left + m.zh_width + m.gutter
        body_zh = [ln for ln in pdf.lines if HAN.search(ln.text) and ln.x1 <= zh_right + 0.5 and 14 < ln.height < 16]
        body_en = [ln for ln in pdf.lines if ln.x0 >= en_left - 0.5 and ln.page and 11 < ln.height < 14]
        assert len(body_zh) > 30 and len(body_en) > 30
        if kind == "seed":  # the reader's full-width punctuation: digits and kinsoku alone break the grid
            # A line followed by the next line of the same sentence is a full line: it fills the grid.
            full = [a for a, b in zip(body_zh, body_zh[1:])
                    if a.page == b.page and abs(b.y0 - a.y0 - m.zh_line) < 0.5]
            flush = [ln for ln in full if abs(ln.x1 - zh_right) < 0.5]
            assert len(flush) >= 0.6 * len(full), (kind, len(flush), len(full))
        # The columns hold about as much: the Chinese column is not half white space.
        zh_height, en_height = len(body_zh) * m.zh_line, len(body_en) * m.en_line
        assert 0.75 <= zh_height / en_height <= 1.25, (kind, zh_height, en_height)


def test_interleaved_and_english_run_in_two_columns(render_pdf):
    for kind, layout, paper in (("seed", "interleaved", "Letter"), ("long", "english", "Letter")):
        pdf = render_pdf(kind, layout, paper)
        middle = pdf.size[0] / 2
        # Body lines (heads run across both columns): on both sides of the gutter, none across it.
        heads = squash("".join(english_typography(seg.en) + seg.zh for a in pdf.edition.articles
                               for _, seg in a.heads()))
        second = [ln for ln in pdf.lines if ln.page == 2 and ln.y0 > 60 and ln.y1 < pdf.size[1] - 60
                  and squash(ln.text) not in heads]
        assert any(ln.x1 < middle for ln in second) and any(ln.x0 > middle for ln in second)
        crossing = [ln.text for ln in second if ln.x0 < middle < ln.x1]
        assert len(crossing) <= 0.1 * len(second), crossing


def test_a_first_sentence_too_tall_for_page_one_splits_rather_than_leave_the_heads_alone(tmp_path, make_newspaper):
    from pdf_facts import Rendered

    from bilingual.config import WriteOptions
    from bilingual.write.pdf import write_pdf

    edition = make_newspaper()
    first = edition.articles[0].paragraphs[0].segments[0]
    first.zh = "".join(f"第{n}项工作取得了明显成效，各项任务全面完成。" for n in range(1, 41))
    first.en = " ".join(f"Task {n} of the work achieved marked results and was done in full." for n in range(1, 41))
    pdf = Rendered(write_pdf(edition, tmp_path / "tall.pdf", WriteOptions()), edition)
    page_one = squash(pdf.reading_texts[0])
    assert "第1项工作" in page_one and "Task1ofthework" in page_one  # the sentence starts under its headline
    assert "第40项工作" not in page_one  # and goes on over the page
    second = edition.articles[0].paragraphs[0].segments[1]  # later rows still never split
    assert sum(squash(english_typography(second.en)) in squash(t) for t in pdf.reading_texts) == 1


def test_the_colophon_takes_the_last_row_with_it_rather_than_stand_alone(tmp_path, make_newspaper):
    from pdf_facts import Rendered

    from bilingual.config import WriteOptions
    from bilingual.model import Segment
    from bilingual.write.pdf import write_pdf

    ratio = english_ratio(make_newspaper())

    def render(words: int, name: str) -> Rendered:
        edition = make_newspaper()
        if words:  # one more sentence at the end, its English `words` words long; the Chinese in the
            # edition's proportion, so the columns keep their widths (bilingual.write.measure)
            en = " ".join(["Filler"] * words)
            edition.articles[-1].paragraphs[-1].segments.append(
                Segment(id="extra", zh="补" * round(len(en) / ratio), en=en))
        return Rendered(write_pdf(edition, tmp_path / f"{name}.pdf", WriteOptions()), edition)

    base = render(0, "base")
    last = [ln for ln in base.lines if ln.page == base.pages and 40 < ln.y0 and ln.y1 < base.size[1] - 50]
    colophon_top = min(ln.y0 for ln in last if ln.text.startswith("Dictionary gloss"))
    colophon_bottom = max(ln.y1 for ln in last)
    rows_bottom = max(ln.y1 for ln in last if ln.y1 < colophon_top)
    room = base.size[1] - 20 * 72 / 25.4 - rows_bottom - 9  # down to the bottom margin, less the row's margins
    block = colophon_bottom - rows_bottom
    # One more row that fits in that room but leaves too little of it for the colophon. Its English sets the
    # row's height; the column widths follow the edition's text, so the words per line are measured, not assumed.
    m = measures(base.edition, "side-by-side", "A4")
    words, height = 40, 0.0
    for _ in range(5):
        pdf = render(words, "tight")
        filler = [ln for ln in pdf.lines if ln.text.startswith("Filler")]
        height = max(len(filler) * m.en_line, sum(ln.text.startswith("补") for ln in pdf.lines) * m.zh_line)
        en_line = height / len(filler)  # the row's height per line of its English
        if room - block + en_line <= height <= room - en_line / 2:
            break
        per_line = max(len(ln.words) for ln in filler)
        words = max(per_line, int((room - block / 2) // en_line) * per_line)
    assert room - block < height <= room, (room, block, height)
    assert pdf.pages == base.pages + 1
    last_page = squash(pdf.reading_texts[-1])
    assert "Source:" in last_page and "FillerFiller" in last_page, "the colophon stands alone on its page"
