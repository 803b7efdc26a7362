"""Pages made for each case: encodings, traditional script, pages without marks, bylines, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bilingual.errors import InputError
from bilingual.read import read_page
from bilingual.stages.segment import segment_edition

SEED = Path(__file__).resolve().parents[2] / "seeds" / "hengyang-evening-news-2023-08-19.txt"

SIMPLIFIED_PAGE = """\
## 市政府召开常务会议

研究部署文明行为促进等工作 朱健主持

本报讯 (记者 李明 通讯员 王芳)

8月18日下午,市长朱健主持召开常务会议。会议原则通过《衡阳市文明行为促进条例(修订草案)》。

会议强调,要持续强化依法治统;要大力夯实基层基础!
"""

TRADITIONAL_PAGE = """\
## 臺灣軟體產業發展論壇舉行

本報訊 (記者 陳明)

論壇於8月18日在臺北舉行,與會者討論了資料庫與軟體的發展。他們說:「這是關鍵的一年。」

會議還研究了其他事項。
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sentences(edition) -> list[str]:
    return [s.zh for a in edition.articles for p in a.paragraphs for s in p.segments]


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("gb18030", "gb18030"), ("gbk", "gb18030"), ("gb2312", "gb18030"),
])
def test_simplified_page_in_every_encoding(tmp_path, encoding, expected):
    path = write(tmp_path, "page.txt", SIMPLIFIED_PAGE.encode(encoding))
    edition = segment_edition(read_page(path))
    assert edition.encoding == expected
    article = edition.articles[0]
    assert (article.headline.zh, article.subtitle.zh, article.byline.zh) == (
        "市政府召开常务会议", "研究部署文明行为促进等工作 朱健主持", "本报讯（记者 李明 通讯员 王芳）")
    assert sentences(edition) == [
        "8月18日下午，市长朱健主持召开常务会议。",
        "会议原则通过《衡阳市文明行为促进条例（修订草案）》。",
        "会议强调，要持续强化依法治统；要大力夯实基层基础！",
    ]
    assert edition.paper is None  # 本报 names no paper


def test_semicolons_split_when_asked(tmp_path):
    path = write(tmp_path, "page.txt", SIMPLIFIED_PAGE.encode("utf-8"))
    edition = segment_edition(read_page(path), split_semicolons=True)
    assert sentences(edition)[-2:] == ["会议强调，要持续强化依法治统；", "要大力夯实基层基础！"]


@pytest.mark.parametrize("encoding, expected", [
    ("big5", "big5"), ("utf-8", "utf-8"), ("utf-16", "utf-16-le"), ("gb18030", "gb18030")])
def test_traditional_page_keeps_its_script_and_gets_a_simplified_key(tmp_path, encoding, expected):
    path = write(tmp_path, "page.txt", TRADITIONAL_PAGE.encode(encoding))
    edition = segment_edition(read_page(path))
    assert edition.encoding == expected
    assert edition.script == "traditional"
    article = edition.articles[0]
    assert article.headline.zh == "臺灣軟體產業發展論壇舉行"
    assert article.headline.key == "台湾软件产业发展论坛举行"
    assert article.byline.zh == "本報訊（記者 陳明）"
    segs = list(article.body_segments())
    assert [s.zh for s in segs] == [
        "論壇於8月18日在臺北舉行，與會者討論了資料庫與軟體的發展。",
        "他們說：「這是關鍵的一年。」",
        "會議還研究了其他事項。",
    ]
    # tw2sp: words as well as characters; full-width punctuation in the key too.
    assert segs[0].key == "论坛于8月18日在台北举行，与会者讨论了数据库与软件的发展。"
    assert segs[1].key == "他们说：「这是关键的一年。」"
    assert segs[0].source == "論壇於8月18日在臺北舉行,與會者討論了資料庫與軟體的發展。"


def test_traditional_page_published_in_simplified_on_request(tmp_path):
    path = write(tmp_path, "page.txt", TRADITIONAL_PAGE.encode("big5"))
    edition = segment_edition(read_page(path, script="simplified"))
    assert edition.script == "traditional"  # the source's script
    assert edition.articles[0].headline.zh == "台湾软件产业发展论坛举行"
    assert edition.articles[0].headline.key is None
    assert sentences(edition)[0] == "论坛于8月18日在台北举行，与会者讨论了数据库与软件的发展。"


def test_hong_kong_page_uses_the_hk_profile(tmp_path):
    page = "# 香港樓價回落\n\n本報訊\n\n佢哋話樓價今年回落咗三成。市民鬆一口氣。\n"
    edition = segment_edition(read_page(write(tmp_path, "hk.txt", page.encode("big5hkscs"))))
    assert edition.script == "traditional"
    assert edition.articles[0].headline.key == "香港楼价回落"
    assert len(sentences(edition)) == 2


def test_simplified_pages_have_no_key(tmp_path):
    edition = segment_edition(read_page(SEED))
    assert all(s.key is None for s in edition.segments())


UNMARKED_PAGE = """\
刘越高赴鄯善县看望援疆队员

衡阳晚报讯 (全媒体记者 陈润)

8月17日,市委书记刘越高率代表团赴鄯善县。他强调,要深化两地联动。

市领导参加慰问。

携手同心开创合作共赢发展的新局面
朱健带队赴国家开发银行会谈 宋征参加

衡阳晚报讯 (全媒体记者 罗文鹏)

8月18日上午,朱健带队赴国开行湖南省分行会谈工作,双方进行了深入

洽谈。宋征参加会议。

会议还研究了其他事项
"""

NO_BYLINE_PAGE = """\
市政府召开常务会议

8月18日下午,市长朱健主持召开常务会议。会议研究了有关工作。

会议还研究了其他事项

衡阳迎来旅游旺季

今年暑期,衡阳接待游客人数

同比增长两成。

景区秩序良好,游客满意度高
"""


def test_page_without_marks_finds_headlines_by_the_documented_rules(tmp_path):
    edition = segment_edition(read_page(write(tmp_path, "plain-2023-08-18.txt", UNMARKED_PAGE.encode("utf-8"))))
    heads = [(a.headline.zh, a.subtitle and a.subtitle.zh, a.byline and a.byline.zh) for a in edition.articles]
    assert heads == [
        ("刘越高赴鄯善县看望援疆队员", None, "衡阳晚报讯（全媒体记者 陈润）"),
        ("携手同心开创合作共赢发展的新局面", "朱健带队赴国家开发银行会谈 宋征参加", "衡阳晚报讯（全媒体记者 罗文鹏）"),
    ]
    # "洽谈。" follows an unfinished line: a column fragment, joined, not a headline.
    assert "双方进行了深入洽谈。" in sentences(edition)[3]
    assert edition.articles[1].paragraphs[-1].segments[-1].zh == "会议还研究了其他事项"
    uncertain = [w for w in edition.warnings if w.code == "uncertain-headline"]
    assert [w.line for w in uncertain] == [9]  # two lines: headline + subtitle, or kicker + headline?
    assert edition.date == "2023-08-18" and edition.paper == "衡阳晚报"


def test_page_without_bylines_takes_a_short_line_before_body_as_headline(tmp_path):
    edition = segment_edition(read_page(write(tmp_path, "plain.txt", NO_BYLINE_PAGE.encode("utf-8"))))
    assert [a.headline.zh for a in edition.articles] == ["市政府召开常务会议", "衡阳迎来旅游旺季"]
    # The line without a full stop before the second headline stays body text of the first article;
    # the fragment after an unfinished line is joined; the last line is body, not a headline.
    assert edition.articles[0].paragraphs[-1].segments[-1].zh == "会议还研究了其他事项"
    assert sentences(edition)[-2:] == ["今年暑期，衡阳接待游客人数同比增长两成。", "景区秩序良好，游客满意度高"]
    uncertain = [w.line for w in edition.warnings if w.code == "uncertain-headline"]
    assert uncertain == [1, 7]

def test_seed_without_its_marks_gives_the_same_articles_with_warnings(tmp_path):
    plain = re.sub(r"(?m)^#+ ", "", SEED.read_text(encoding="utf-8"))
    edition = segment_edition(read_page(write(tmp_path, "plain.txt", plain.encode("utf-8"))))
    marked = segment_edition(read_page(SEED))

    def heads(e):
        return [[s.zh if s else None for s in (a.kicker, a.headline, a.subtitle, a.byline)] for a in e.articles]

    assert heads(edition) == heads(marked)
    assert [s.id for s in edition.segments()] == [s.id for s in marked.segments()]
    # Each pair of short lines before a byline was a guess (kicker+headline or headline+subtitle): said so.
    assert [w.line for w in edition.warnings if w.code == "uncertain-headline"] == [3, 31, 53, 77]


def test_dateline_running_into_the_first_paragraph_is_split_off(tmp_path):
    page = "# 国务院常务会议召开\n\n新华社北京8月18日电 国务院总理主持召开国务院常务会议。会议指出，要稳增长。\n"
    edition = segment_edition(read_page(write(tmp_path, "x.txt", page.encode("utf-8"))))
    article = edition.articles[0]
    assert article.byline.zh == "新华社北京8月18日电"
    assert sentences(edition) == ["国务院总理主持召开国务院常务会议。", "会议指出，要稳增长。"]


def test_real_reduplication_across_a_break_is_kept_and_reported(tmp_path):
    page = "# 标题\n\n本报讯\n\n我们要常\n\n常学习。大家要深入学习\n\n习近平新时代中国特色社会主义思想。\n"
    edition = segment_edition(read_page(write(tmp_path, "x.txt", page.encode("utf-8"))))
    text = "".join(sentences(edition))
    assert "常常学习" in text and "学习习近平" in text
    doubled = [w for w in edition.warnings if w.code == "doubled-char"]
    assert [w.line for w in doubled] == [7, 9] and all("kept" in w.message for w in doubled)


def test_colon_ending_is_not_a_column_break(tmp_path):
    page = "# 标题\n\n本报讯\n\n会议要求如下：\n\n一是加强领导。\n"
    edition = read_page(write(tmp_path, "x.txt", page.encode("utf-8")))
    assert len(edition.articles[0].paragraphs) == 2


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_text(" \n\t\n\u3000\n", encoding="utf-8"), "empty file"),
    (lambda p: p.write_bytes("  \n".encode("utf-16")), "empty file"),
    (lambda p: p.write_bytes(bytes(range(256)) * 8), "binary"),
    (lambda p: p.write_bytes(b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 50), "binary"),
    (lambda p: p.write_bytes("中文".encode("utf-8") + b"\n\n\xff\xfe\xfd\x80\x81\n"), "cannot decode"),
    (lambda p: p.write_bytes("café crème brûlée\n".encode("latin-1") * 3), "cannot decode"),
])
def test_bad_input_is_one_line_input_error_naming_the_file(tmp_path, make, message):
    path = tmp_path / "bad-page.txt"
    make(path)
    with pytest.raises(InputError) as info:
        read_page(path)
    text = str(info.value)
    assert "bad-page.txt" in text and message in text and "\n" not in text


def test_undecodable_input_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("第一行\n第二行\n".encode("gb18030") + b"\x81\x20\n")
    with pytest.raises(InputError) as info:
        read_page(path)
    assert info.value.line == 3 and "bad.txt:3:" in str(info.value)


def test_a_directory_is_not_a_page(tmp_path):
    with pytest.raises(InputError, match="is a folder, not a page"):
        read_page(tmp_path)


@pytest.mark.parametrize("page", [SIMPLIFIED_PAGE, TRADITIONAL_PAGE, UNMARKED_PAGE, NO_BYLINE_PAGE,
                                  SIMPLIFIED_PAGE.replace("\n", "\r\n"),
                                  "\u3000\u3000" + UNMARKED_PAGE.replace("\n8月", "\n\u3000\u30008月")])
def test_no_character_of_a_made_page_is_dropped(tmp_path, page):
    from bilingual.read.punctuation import FULLWIDTH

    edition = segment_edition(read_page(write(tmp_path, "p.txt", page.encode("utf-8"))))
    got = ""
    for a in edition.articles:
        got += "".join(s.zh for s in (a.kicker, a.headline, a.subtitle, a.byline) if s is not None)
        got += "".join(s.zh for s in a.body_segments())
    expected = "".join(FULLWIDTH.get(ch, ch) for ch in re.sub(r"(?m)^#+ ", "", page) if not ch.isspace())
    got = "".join(FULLWIDTH.get(ch, ch) for ch in got if not ch.isspace())
    assert got == expected
    sources = "".join((s.source if s.source is not None else s.zh) for s in edition.segments())
    assert re.sub(r"\s", "", sources) == re.sub(r"\s", "", re.sub(r"(?m)^#+ ", "", page))


def test_unknown_script_option_is_a_usage_error():
    from bilingual.errors import UsageError

    with pytest.raises(UsageError, match="script must be keep, simplified or traditional"):
        read_page(SEED, script="klingon")


def test_date_from_the_masthead_when_the_file_name_has_none(tmp_path):
    page = "衡阳晚报 2023年8月19日 星期六\n\n# 标题\n\n本报讯\n\n正文一句。\n"
    edition = read_page(write(tmp_path, "page.txt", page.encode("utf-8")))
    assert (edition.date, edition.paper) == ("2023-08-19", "衡阳晚报")
    assert "衡阳晚报 2023年8月19日 星期六" in [a.headline.zh for a in edition.articles]  # kept, not dropped
    assert read_page(write(tmp_path, "other.txt", "# 标题\n\n正文一句。\n".encode("utf-8"))).date is None


def test_simplified_page_published_in_traditional_keeps_a_simplified_key(tmp_path):
    edition = segment_edition(read_page(write(tmp_path, "page.txt", SIMPLIFIED_PAGE.encode("utf-8")),
                                        script="traditional"))
    assert edition.script == "simplified"
    article = edition.articles[0]
    assert (article.headline.zh, article.headline.key) == ("市政府召開常務會議", "市政府召开常务会议")
    segs = list(article.body_segments())
    assert [s.text_key for s in segs] == [
        "8月18日下午，市长朱健主持召开常务会议。",
        "会议原则通过《衡阳市文明行为促进条例（修订草案）》。",
        "会议强调，要持续强化依法治统；要大力夯实基层基础！",
    ]
    assert segs[0].zh == "8月18日下午，市長朱健主持召開常務會議。"


def test_heading_marks_without_a_space_count_too(tmp_path):
    page = "##市政府召开常务会议\n\n本报讯\n\n会议研究了有关工作。\n\n#夜游湘江\n\n第一句。\n"
    edition = read_page(write(tmp_path, "p.txt", page.encode("utf-8")))
    assert [a.headline.zh for a in edition.articles] == ["市政府召开常务会议", "夜游湘江"]


@pytest.mark.parametrize("before, after, kept", [
    ("常", "常来", True), ("谢", "谢大家", True), ("天", "天锻炼", True), ("看", "看吧", True),
    ("学习", "习近平", True), ("契机", "机，深入", False), ("各级", "级干部", False),
])
def test_which_doubles_across_a_break_are_real_words(before, after, kept):
    from bilingual.read.page import _genuine_double

    assert _genuine_double(before, after) is kept
