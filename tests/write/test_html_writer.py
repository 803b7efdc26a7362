"""HTML edition: the same templates as the PDF, escaped text, language tags, three layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from bilingual.config import WriteOptions
from bilingual.errors import UsageError
from bilingual.model import Segment
from bilingual.write.html import render_html, running_title, write_html
from bilingual.write.typography import WORD_JOINER
from bilingual.write.typography import english_typography as typeset
from bilingual.zh.decks import split_decks, split_english_decks


def test_side_by_side_rows_pair_each_sentence(tmp_path, make_edition):
    edition = make_edition()
    path = write_html(edition, tmp_path / "page.zh-en.html", WriteOptions())
    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    rows = tree.xpath('//div[contains(concat(" ", @class, " "), " row ")]')
    segments = [s for a in edition.articles for s in a.body_segments()]
    assert [r.get("data-seg") for r in rows] == [s.id for s in segments]
    for row, seg in zip(rows, segments):
        zh, en = row.xpath("./div")
        assert (zh.get("lang"), zh.text_content()) == ("zh-Hans", seg.zh)
        assert (en.get("lang"), en.text_content()) == ("en", typeset(seg.en))
    flagged = tree.xpath('//div[@data-flags="term-missed"]')
    assert len(flagged) == 1 and "flagged" not in flagged[0].get("class")  # published: no highlighting
    proof = lxml_html.fromstring(render_html(edition, WriteOptions(highlight_flags=True)))
    (row,) = proof.xpath('//div[@data-flags="term-missed"]')
    assert "flagged" in row.get("class") and proof.xpath('//section[@class="proof-notes"]//p[@class="legend"]')


def test_heads_are_h1_and_h2_with_a_line_per_deck(make_newspaper):
    edition = make_newspaper()
    tree = lxml_html.fromstring(render_html(edition, WriteOptions()))
    h1s, h2s = tree.xpath("//h1"), tree.xpath("//h2")
    assert [h.get("data-seg") for h in h1s] == [a.headline.id for a in edition.articles]
    assert [h.get("data-seg") for h in h2s] == [a.subtitle.id for a in edition.articles if a.subtitle]
    for h, article in zip(h1s, edition.articles):
        zh, en = h.xpath('./span[@lang="zh-Hans"]')[0], h.xpath('./span[@lang="en"]')[0]
        assert [d.text_content() for d in zh.xpath('./span[@class="deck"]')] == split_decks(article.headline.zh)
        assert [d.text_content() for d in en.xpath('./span[@class="deck"]')] == [
            typeset(d) for d in split_english_decks(article.headline.en)]
    subtitle = h2s[0].xpath('./span[@lang="en"]/span[@class="deck"]')
    assert [d.text_content() for d in subtitle] == ["Zhu Jian leads talks at the China Development Bank Hunan branch",
                                                    "Song Zheng attends"]
    kicker = tree.xpath('//p[contains(@class, "head-kicker")]')[0]
    assert kicker.xpath('./span[@lang="zh-Hans"]') and kicker.xpath('./span[@lang="en"]')


def test_masthead_and_contents_list(make_newspaper):
    edition = make_newspaper(repeat=2)
    tree = lxml_html.fromstring(render_html(edition, WriteOptions()))
    masthead = tree.xpath('//header[@class="masthead"]')[0].text_content()
    for text in ("衡阳晚报", "Hengyang Evening News", "Saturday, 19 August 2023", "2023年8月19日 星期六",
                 "Chinese\u2013English parallel edition", "中英对照版"):
        assert text in masthead
    assert tree.findtext(".//title") == "衡阳晚报 Hengyang Evening News, 19 August 2023"
    links = tree.xpath('//nav[@class="contents"]//a')
    assert [a.get("href") for a in links] == [f"#{a.id}" for a in edition.articles]
    assert all(tree.xpath(f'//article[@id="{a.id}"]') for a in edition.articles)
    assert "Shoulder the great responsibility \u2014 Deepen joint development" in links[0].text_content()
    # One article: no contents list. The English edition says so, in English only.
    single = make_newspaper()
    single.articles = single.articles[:1]
    assert "<nav" not in render_html(single, WriteOptions())
    english = lxml_html.fromstring(render_html(edition, WriteOptions(layout="english")))
    masthead = english.xpath('//header[@class="masthead"]')[0].text_content()
    assert "English edition" in masthead and "衡阳晚报" not in masthead and "2023年" not in masthead


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
    # Print leaves out the contents list (the PDF has bookmarks) and keeps lines from ending on one
    # character with invisible joiners and no-break spaces; the rest is the same markup.
    strip = lambda h: re.sub(r'<style>.*?</style>|<nav class="contents".*?</nav>\n', "", h, flags=re.S)  # noqa: E731
    assert strip(screen) == strip(printed).replace(WORD_JOINER, "").replace("\u00a0", " ")
    assert WORD_JOINER in printed and WORD_JOINER not in screen


def test_chinese_justified_on_screen_and_on_a_grid_in_print(make_edition):
    # Browsers justify Chinese between the characters; WeasyPrint would put the slack into ASCII spaces,
    # so print sets Chinese on a grid instead (bilingual.write.measure).
    edition = make_edition()
    screen = render_html(edition, WriteOptions(cjk_font="sans"))
    assert "text-align: justify; text-justify: inter-character" in screen
    printed = render_html(edition, WriteOptions(), for_print=True)
    assert "justify" not in printed
    assert '"Noto Sans CJK SC"' in screen and '"Noto Serif", "DejaVu Serif"' in screen


def test_interleaved_and_english_layouts(make_edition):
    edition = make_edition()
    para = edition.articles[0].paragraphs[0]
    tree = lxml_html.fromstring(render_html(edition, WriteOptions(layout="interleaved")))
    section = tree.xpath(f'//section[@id="{para.id}"]')[0]
    assert [p.get("lang") for p in section.xpath("./p")] == ["zh-Hans", "en"]
    assert section.xpath("./p")[0].text_content() == para.zh
    assert section.xpath("./p")[1].text_content() == " ".join(typeset(s.en) for s in para.segments)
    english = render_html(edition, WriteOptions(layout="english"))
    assert para.segments[0].zh not in english and typeset(para.segments[0].en) in english


def test_untranslated_segment_is_visible_and_bad_options_refused(make_edition):
    edition = make_edition()
    edition.articles[0].paragraphs[0].segments[0].en = None
    assert "[not translated]" in render_html(edition, WriteOptions())
    with pytest.raises(UsageError, match="layout"):
        render_html(edition, WriteOptions(layout="columns"))


def test_running_title_is_cut_at_a_word_with_an_ellipsis():
    assert running_title("Short headline") == "Short headline"
    long = "Join hands to open a new chapter of win-win cooperation and development between the city and the bank"
    assert running_title(long) == "Join hands to open a new chapter of win-win\u2026"
    assert running_title("衡" * 80) == "衡" * 48 + "\u2026"


CHROMIUM = Path("/usr/bin/chromium")
_BOXES = """() => [...document.querySelectorAll('.row.body')].map(row => {
  const zh = row.querySelector('.zh').getBoundingClientRect(), en = row.querySelector('.en').getBoundingClientRect();
  return {zh: [zh.left, zh.top, zh.right, zh.bottom], en: [en.left, en.top, en.right, en.bottom],
          rule: parseFloat(getComputedStyle(row.querySelector('.en')).borderLeftWidth)};
})"""


def test_phone_width_stacks_each_pair_apart_and_a_desktop_sets_them_side_by_side(tmp_path, make_newspaper):
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    path = write_html(make_newspaper(), tmp_path / "e.zh-en.html", WriteOptions())
    seen = {}
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(path.as_uri())
                seen[width] = page.evaluate(_BOXES), page.evaluate("document.documentElement.scrollWidth")
                page.close()
        finally:
            browser.close()
    for width, (rows, scroll_width) in seen.items():
        assert len(rows) > 5 and scroll_width <= width  # nothing runs off the screen
        for row, after in zip(rows, rows[1:] + [None]):
            zh, en = row["zh"], row["en"]
            if width < 640:  # stacked: the English under its Chinese, marked by a rule, pairs well apart
                assert en[1] >= zh[3] and row["rule"] > 0
                if after is not None and after["zh"][1] > en[3]:
                    assert after["zh"][1] - en[3] >= 8
            else:  # side by side: the Chinese column left of the English, top-aligned
                assert zh[2] <= en[0] and abs(zh[1] - en[1]) < 1 and row["rule"] == 0
