"""DOCX and HTML pages through the same reader interface."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.errors import InputError
from bilingual.read import read_page
from bilingual.stages.segment import segment_edition

BODY = ["8月18日下午,市长朱健主持召开常务会议。会议研究了有关工作。", "会议还研究了其他事项。"]


def make_docx(path: Path, headline_style: str | None) -> Path:
    import docx

    document = docx.Document()
    if headline_style:
        document.add_paragraph("市政府召开常务会议", style=headline_style)
    else:
        document.add_paragraph("市政府召开常务会议")
    document.add_paragraph("衡阳晚报讯 (全媒体记者 罗文鹏)")
    document.add_paragraph("")
    for text in BODY:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "表格里的一句话。"
    document.save(str(path))
    return path


@pytest.mark.parametrize("style", ["Heading 1", "Title", None])
def test_docx_article(tmp_path, style):
    edition = segment_edition(read_page(make_docx(tmp_path / "page-2023-08-18.docx", style)))
    assert len(edition.articles) == 1
    article = edition.articles[0]
    assert article.headline.zh == "市政府召开常务会议"
    assert article.byline.zh == "衡阳晚报讯（全媒体记者 罗文鹏）"
    assert [s.zh for s in article.body_segments()] == [
        "8月18日下午，市长朱健主持召开常务会议。", "会议研究了有关工作。", "会议还研究了其他事项。", "表格里的一句话。"]
    assert edition.paper == "衡阳晚报" and edition.date == "2023-08-18"
    assert any(w.code == "halfwidth-punct" for w in edition.warnings)


def test_docx_whose_first_paragraph_is_body_text_has_an_empty_headline(tmp_path):
    import docx

    document = docx.Document()
    for text in BODY:
        document.add_paragraph(text)
    document.save(str(tmp_path / "x.docx"))
    edition = read_page(tmp_path / "x.docx")
    article = edition.articles[0]
    # A long paragraph with sentence ends is not promoted to a headline; nothing is lost.
    assert article.headline.zh == ""
    assert article.paragraphs[0].zh.startswith("8月18日下午")
    assert len(article.paragraphs) == len(BODY)
    assert any(w.code == "no-headline" for w in edition.warnings)


def test_a_page_on_one_long_line_is_body_text_not_a_headline(tmp_path):
    page = tmp_path / "one-line.txt"
    page.write_text("衡阳大力实施发展战略，明年将承办旅游发展大会。" * 200, encoding="utf-8")
    edition = read_page(page)
    assert [a.headline.zh for a in edition.articles] == [""]
    assert len(edition.articles[0].paragraphs[0].zh) == len(page.read_text(encoding="utf-8"))


def test_broken_docx_is_an_input_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip file at all")
    with pytest.raises(InputError, match="broken.docx: not a valid DOCX"):
        read_page(path)


NEWS_HTML = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>市政府召开常务会议_衡阳新闻网</title>
<script>var x = "不要读我。";</script><style>p {{ color: red }}</style></head>
<body>
<header><div class="logo">衡阳新闻网</div></header>
<nav><ul><li>首页</li><li>时政新闻</li><li>社会民生</li><li>经济产业</li><li>文化旅游</li></ul></nav>
<div class="main-nav"><p>导航一。</p><p>导航二。</p></div>
{body}
<div class="sidebar"><p>热门文章一。</p></div>
<footer><p>版权所有。衡阳日报社。</p></footer>
</body></html>
"""

ARTICLE = """<article>
<h1>市政府召开常务会议</h1>
<h2>研究部署文明行为促进等工作 朱健主持</h2>
<p>衡阳晚报讯 (全媒体记者 罗文鹏)</p>
<p>8月18日下午,市长朱健主持召开常务会议。会议研究了<b>有关</b>工作。</p>
<p>会议还研究了其他事项。</p>
</article>"""

DIVS = """<h1>市政府召开常务会议</h1>
<div class="related"><p>另一篇文章。</p></div>
<div class="content">
<p>衡阳晚报讯 (全媒体记者 罗文鹏)</p>
<p>8月18日下午,市长朱健主持召开常务会议。会议研究了<b>有关</b>工作。</p>
<p>会议还研究了其他事项。</p>
</div>
<div class="more"><p>短讯。</p></div>"""


@pytest.mark.parametrize("body", [ARTICLE, DIVS])
@pytest.mark.parametrize("charset", ["utf-8", "gb2312", "gbk"])
def test_html_article_body_not_navigation(tmp_path, body, charset):
    page = NEWS_HTML.format(charset=charset, body=body)
    path = tmp_path / "news.html"
    path.write_bytes(page.encode("gb18030" if charset.startswith("gb") else charset))
    edition = segment_edition(read_page(path))
    assert len(edition.articles) == 1
    article = edition.articles[0]
    assert article.headline.zh == "市政府召开常务会议"
    if body is ARTICLE:
        assert article.subtitle.zh == "研究部署文明行为促进等工作 朱健主持"
    assert article.byline.zh == "衡阳晚报讯（全媒体记者 罗文鹏）"
    texts = [s.zh for s in article.body_segments()]
    assert texts == ["8月18日下午，市长朱健主持召开常务会议。", "会议研究了有关工作。", "会议还研究了其他事项。"]
    everything = "".join(s.zh for s in edition.segments())
    for noise in ("首页", "导航", "热门", "版权", "不要读我", "另一篇", "短讯"):
        assert noise not in everything
    assert edition.encoding == charset


def test_html_without_declared_charset_is_detected(tmp_path):
    page = "<html><body><h1>標題</h1><p>本報訊</p><p>臺灣軟體產業發展論壇舉行。與會者討論了資料庫。</p></body></html>"
    path = tmp_path / "t.htm"
    path.write_bytes(page.encode("big5"))
    edition = segment_edition(read_page(path))
    assert edition.encoding == "big5" and edition.script == "traditional"
    assert [s.key for s in edition.articles[0].body_segments()] == ["台湾软件产业发展论坛举行。", "与会者讨论了数据库。"]


def test_html_without_h1_uses_the_title(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("<html><head><title>夜游湘江</title></head><body><div><p>第一句。</p><p>第二句。</p></div></body></html>",
                    encoding="utf-8")
    edition = read_page(path)
    assert edition.articles[0].headline.zh == "夜游湘江"
    assert len(edition.articles[0].paragraphs) == 2


def test_html_with_br_lines_instead_of_paragraphs(tmp_path):
    path = tmp_path / "br.html"
    path.write_text("<html><head><title>夜游湘江</title></head><body><div class='menu'>首页 新闻</div>"
                    "<div id='text'>本报讯<br>第一段第一句。第一段第二句。<br/>\n第二段在这里<br>断开了。</div>"
                    "</body></html>", encoding="utf-8")
    edition = segment_edition(read_page(path))
    article = edition.articles[0]
    assert article.headline.zh == "夜游湘江" and article.byline.zh == "本报讯"
    assert [s.zh for s in article.body_segments()] == ["第一段第一句。", "第一段第二句。", "第二段在这里断开了。"]


def test_html_article_header_keeps_its_headline_and_byline(tmp_path):
    page = ("<html><head><title>站点名称</title></head><body><header><a>首页</a></header>"
            "<article><header><h1>夜游湘江</h1><p>本报讯 (记者 李明)</p></header>"
            "<div class='text'><p>第一句。第二句。</p></div></article><footer><p>版权所有。</p></footer></body></html>")
    path = tmp_path / "a.html"
    path.write_text(page, encoding="utf-8")
    article = segment_edition(read_page(path)).articles[0]
    assert (article.headline.zh, article.byline.zh) == ("夜游湘江", "本报讯（记者 李明）")
    assert [s.zh for s in article.body_segments()] == ["第一句。", "第二句。"]


def test_a_file_too_large_for_a_page_is_one_line_error(tmp_path):
    from bilingual.read import MAX_PAGE_BYTES

    page = tmp_path / "dump.txt"
    page.write_text("衡阳大力实施发展战略" * (MAX_PAGE_BYTES // 30 + 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"dump.txt: .* too large for a page") as caught:
        read_page(page)
    assert "\n" not in str(caught.value)
