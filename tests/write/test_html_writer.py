"""HTML edition: the same templates as the PDF, escaped text, language tags, three layouts."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from bilingual.config import WriteOptions
from bilingual.errors import UsageError
from bilingual.model import Segment
from bilingual.write.html import render_html, running_title, write_html


def test_side_by_side_rows_pair_each_sentence(tmp_path, make_edition):
    edition = make_edition()
    path = write_html(edition, tmp_path / "page.zh-en.html", WriteOptions())
    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    rows = tree.xpath('//div[contains(concat(" ", @class, " "), " row ")]')
    segments = list(edition.segments())
    assert [r.get("data-seg") for r in rows] == [s.id for s in segments]
    for row, seg in zip(rows, segments):
        zh, en = row.xpath("./div")
        assert (zh.get("lang"), zh.text_content()) == ("zh-Hans", seg.zh)
        assert (en.get("lang"), en.text_content()) == ("en", seg.en)
    flagged = tree.xpath('//div[@data-flags="term-missed"]')
    assert len(flagged) == 1 and "flagged" not in flagged[0].get("class")  # published: no highlighting
    proof = lxml_html.fromstring(render_html(edition, WriteOptions(highlight_flags=True)))
    (row,) = proof.xpath('//div[@data-flags="term-missed"]')
    assert "flagged" in row.get("class") and proof.xpath('//section[@class="proof-notes"]//p[@class="legend"]')


def test_text_is_escaped_never_markup(make_edition):
    edition = make_edition()
    edition.articles[0].paragraphs[0].segments.append(
        Segment(id="evil", zh="<img src=x onerror=alert(1)>", en="</div><script>alert(1)</script>"))
    html = render_html(edition, WriteOptions())
    assert "<script>" not in html.split("</style>")[1] and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x" in html


def test_one_template_for_screen_and_print(make_edition):
    edition = make_edition()
    screen = render_html(edition, WriteOptions(), for_print=False)
    printed = render_html(edition, WriteOptions(paper="Letter"), for_print=True)
    assert "@page" not in screen and "size: Letter" in printed
    strip_style = lambda h: re.sub(r"<style>.*?</style>", "", h, flags=re.S)  # noqa: E731
    assert strip_style(screen) == strip_style(printed)


def test_chinese_is_never_justified_and_fonts_are_named(make_edition):
    html = render_html(make_edition(), WriteOptions(cjk_font="sans"))
    assert "justify" not in html
    assert '"Noto Sans CJK SC"' in html and '"DejaVu Serif"' in html


def test_interleaved_and_english_layouts(make_edition):
    edition = make_edition()
    para = edition.articles[0].paragraphs[0]
    tree = lxml_html.fromstring(render_html(edition, WriteOptions(layout="interleaved")))
    section = tree.xpath(f'//section[@id="{para.id}"]')[0]
    assert [p.get("lang") for p in section.xpath("./p")] == ["zh-Hans", "en"]
    assert section.xpath("./p")[0].text_content() == para.zh
    assert section.xpath("./p")[1].text_content() == para.en
    english = render_html(edition, WriteOptions(layout="english"))
    assert para.segments[0].zh not in english and para.segments[0].en in english


def test_untranslated_segment_is_visible_and_bad_options_refused(make_edition):
    edition = make_edition()
    edition.articles[0].paragraphs[0].segments[0].en = None
    assert "[not translated]" in render_html(edition, WriteOptions())
    with pytest.raises(UsageError, match="layout"):
        render_html(edition, WriteOptions(layout="columns"))


def test_running_title_is_cut_at_a_word_with_an_ellipsis():
    assert running_title("Short headline") == "Short headline"
    long = "Join hands to open a new chapter of win-win cooperation and development between the city and the bank"
    assert running_title(long) == "Join hands to open a new chapter of win-win cooperation and\u2026"
    assert running_title("衡" * 80) == "衡" * 60 + "\u2026"
