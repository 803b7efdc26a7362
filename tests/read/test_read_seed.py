"""The seed page, read and segmented: exact structure, repairs, counts, and nothing dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bilingual.read import read_page
from bilingual.stages.segment import segment_edition

SEED = Path(__file__).resolve().parents[2] / "seeds" / "hengyang-evening-news-2023-08-19.txt"


@pytest.fixture(scope="module")
def edition():
    return segment_edition(read_page(SEED))


def test_four_articles_with_their_head_parts(edition):
    heads = [(a.kicker and a.kicker.zh, a.headline.zh, a.subtitle and a.subtitle.zh, a.byline and a.byline.zh)
             for a in edition.articles]
    assert heads == [
        ("刘越高赴新疆鄯善县看望慰问衡阳市第十批援疆工作队员",
         "坚决扛牢重大责任 持续深化两地发展联动 共同把衡阳人民的第二故乡建设得更加美好",
         None, "衡阳晚报讯（全媒体记者 陈润）"),
        (None, "携手同心开创合作共赢发展的新局面", "朱健带队赴国家开发银行湖南省分行会谈工作 宋征参加",
         "衡阳晚报讯（全媒体记者 罗文鹏）"),
        (None, "市政府召开常务会议",
         "研究部署衡阳市创建“全国法治政府建设示范市”、文明行为促进、历史文化名城保护等工作 朱健主持",
         "衡阳晚报讯（全媒体记者 罗文鹏）"),
        (None, "打造好“夜游湘江”文旅项目 促进文旅产业高质量发展", "朱健会见梅帅元一行",
         "衡阳晚报讯（全媒体记者 罗文鹏）"),
    ]
    assert edition.articles[0].byline.source == "衡阳晚报讯 (全媒体记者 陈润)"
    assert [a.headline.line for a in edition.articles] == [5, 31, 53, 77]


def test_masthead_facts(edition):
    assert (edition.paper, edition.date, edition.script, edition.encoding) == ("衡阳晚报", "2023-08-19",
                                                                              "simplified", "utf-8")
    assert edition.place is None


def test_sentence_counts_per_article_checked_by_hand(edition):
    assert [sum(len(p.segments) for p in a.paragraphs) for a in edition.articles] == [19, 12, 13, 8]
    assert [len(a.paragraphs) for a in edition.articles] == [8, 5, 6, 4]


@pytest.mark.parametrize("before, after", [
    ("强化", "教育支持"), ("排头", "兵"), ("在17日举行的援疆工作座谈会上，", "刘越高向全体"),
    ("办好", "“新疆事”"), ("国开行在衡阳的贷款余额新增约130亿元，", "三年实现倍增"), ("衡阳“制造立市、文旅兴", "城”发展思路"),
    ("政治自", "觉"), ("二十大精神和", "践行"), ("全民文明", "素养"), ("表示诚挚", "欢迎"), ("作", "品"),
    ("契机", "，深入交流"),
])
def test_column_breaks_are_joined_inside_one_paragraph(edition, before, after):
    paragraphs = [p.zh for a in edition.articles for p in a.paragraphs]
    assert sum((before + after) in p for p in paragraphs) == 1


def test_every_repair_is_reported_with_its_line(edition):
    joins = sorted(w.line for w in edition.warnings if w.code == "column-join")
    assert joins == [13, 17, 21, 41, 45, 49, 63, 67, 71, 87, 89, 93]
    doubled = [(w.line, w.message) for w in edition.warnings if w.code == "doubled-char"]
    assert len(doubled) == 1 and doubled[0][0] == 89 and "dropped" in doubled[0][1]
    assert "契机机" not in "".join(s.zh for s in edition.segments())
    punct = {w.line for w in edition.warnings if w.code == "halfwidth-punct"}
    assert {7, 9, 11, 13, 69} <= punct
    assert all(w.line for w in edition.warnings)


def test_halfwidth_punctuation_inside_chinese_is_made_fullwidth(edition):
    text = "".join(s.zh for s in edition.segments())
    assert not re.search(r"[,:;?!()]", text)
    assert "《衡阳市文明行为促进条例（修订草案）》" in text
    assert "2023年第23次" in text


def test_nothing_is_dropped_but_whitespace_markup_and_the_repaired_double(edition):
    page = SEED.read_text(encoding="utf-8")
    page = re.sub(r"(?m)^#+ ", "", page)
    expected = re.sub(r"\s+", "", page).replace("契机机", "契机")
    from bilingual.read.punctuation import FULLWIDTH

    expected = "".join(FULLWIDTH.get(ch, ch) for ch in expected)
    got = ""
    for a in edition.articles:
        parts = [a.kicker, a.headline, a.subtitle, a.byline]
        got += "".join(s.zh for s in parts if s is not None)
        got += "".join(s.zh for s in a.body_segments())
    assert re.sub(r"\s+", "", got) == expected


def test_sources_are_the_input_exactly(edition):
    page = SEED.read_text(encoding="utf-8")
    for seg in edition.segments():
        source = seg.source if seg.source is not None else seg.zh
        assert source in page or source.strip() in page
    first = edition.articles[0].paragraphs[1].segments[0]
    assert first.source.startswith("在17日举行的援疆工作座谈会上,\n\n刘越高")
    assert first.line == 11


def test_ids_are_unique_and_head_parts_have_ids(edition):
    ids = [s.id for s in edition.segments()] + [p.id for a in edition.articles for p in a.paragraphs]
    ids += [a.id for a in edition.articles]
    assert len(ids) == len(set(ids))
    assert all(s.id for s in edition.segments())
    from bilingual.model import stable_id

    assert edition.articles[0].id == stable_id("a", edition.articles[0].headline.zh)


def test_json_round_trip_keeps_everything(edition):
    from bilingual.model import Edition

    again = Edition.from_json(edition.to_json())
    assert again.to_json() == edition.to_json()


def test_re_reading_an_edited_page_keeps_the_ids_of_unchanged_sentences(tmp_path, edition):
    text = SEED.read_text(encoding="utf-8")
    edited = text.replace("国家开发银行湖南省分行党委书记宋征参加会议。", "宋征参加会议。") \
                 .replace("会议还研究了其他事项。", "会议还研究了其他事项。会议要求抓好落实。")
    path = tmp_path / SEED.name
    path.write_text(edited, encoding="utf-8")
    again = segment_edition(read_page(path))
    before = {s.zh: s.id for s in edition.segments()}
    after = {s.zh: s.id for s in again.segments()}
    unchanged = set(before) & set(after)
    assert len(unchanged) == len(before) - 1
    assert all(before[zh] == after[zh] for zh in unchanged)
    assert after["宋征参加会议。"] not in before.values()
    assert [a.id for a in again.articles] == [a.id for a in edition.articles]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-be", "utf-8-sig"])
def test_the_seed_in_other_encodings_gives_the_same_model(tmp_path, edition, encoding):
    path = tmp_path / SEED.name
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    again = segment_edition(read_page(path))
    assert again.encoding.startswith(encoding.split("-")[0])

    def comparable(e):
        d = e.to_json()
        d.pop("source"), d.pop("encoding")
        return d

    assert comparable(again) == comparable(edition)
