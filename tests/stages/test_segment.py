"""Sentence splitting rules, the concatenation property, and id stability."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual.model import Article, Edition, Paragraph, Segment
from bilingual.stages.segment import segment_edition, sentence_ends


def split(text: str, split_semicolons: bool = False) -> list[str]:
    cuts = sentence_ends(text, split_semicolons)
    return [text[a:b] for a, b in zip([0] + cuts, cuts)]


@pytest.mark.parametrize("text, expected", [
    ("今天下雨。明天晴。", ["今天下雨。", "明天晴。"]),
    ("你来吗？我来！好。", ["你来吗？", "我来！", "好。"]),
    ("他说：“我们一定行。”大家鼓掌。", ["他说：“我们一定行。”", "大家鼓掌。"]),
    ("他问：「真的嗎？」沒人回答。", ["他问：「真的嗎？」", "沒人回答。"]),
    ("（完）这是真的！）后来呢。", ["（完）这是真的！）", "后来呢。"]),
    ("会议通过《条例。修订稿》。下午散会。", ["会议通过《条例。修订稿》。", "下午散会。"]),
    ("增长3.5%，达到12.8亿元。很好。", ["增长3.5%，达到12.8亿元。", "很好。"]),
    ("他说——这是关键——我们要做。", ["他说——这是关键——我们要做。"]),
    ("一是要快；二是要好。", ["一是要快；二是要好。"]),
    ("真的吗？！太好了。", ["真的吗？！", "太好了。"]),
    ("等待……终于来了。", ["等待……", "终于来了。"]),
    ("苹果、香蕉……，都有。", ["苹果、香蕉……，都有。"]),
    ("没有结尾的句子", ["没有结尾的句子"]),
    ("第一句。 第二句。", ["第一句。 ", "第二句。"]),
    ("英文 e.g. this. 中文完成.下一句", ["英文 e.g. this. 中文完成.", "下一句"]),
    ("备注（见附件。）结束。", ["备注（见附件。）结束。"]),
    ("这对吗?对!", ["这对吗?", "对!"]),
])
def test_sentence_rules(text, expected):
    assert split(text) == expected


def test_semicolons_split_only_on_request():
    assert split("一是要快；二是要好。", split_semicolons=True) == ["一是要快；", "二是要好。"]
    assert split("《甲；乙》；丙。", split_semicolons=True) == ["《甲；乙》；", "丙。"]


CHINESE_TEXT = st.text(alphabet=st.sampled_from(list("我们的会议好中国人一二三。！？!?.…；;“”「」《》（）()，、 \n3.5a")),
                       max_size=80)


@given(CHINESE_TEXT, st.booleans())
@settings(max_examples=300, deadline=None)
def test_segments_concatenate_back_to_the_paragraph_exactly(text, semicolons):
    parts = split(text, semicolons)
    assert "".join(parts) == text
    assert all(parts)


@given(CHINESE_TEXT, st.lists(st.integers(min_value=0, max_value=80), max_size=4), st.booleans())
@settings(max_examples=300, deadline=None)
def test_segmented_model_concatenates_back_with_source(text, breaks, halfwidth):
    """zh pieces join to the paragraph; source pieces join to the source and hold the same text as zh."""
    source = text
    for b in sorted(set(breaks), reverse=True):  # column breaks: newlines only in the source
        source = source[:b] + "\n\n" + source[b:]
    if halfwidth:
        source = source.replace("，", ",").replace("（", "(").replace("？", "?")
    seg = Segment(id="x", zh=text, source=source, line=1)
    edition = Edition(source="t", encoding="utf-8", articles=[
        Article(id="a1", headline=Segment(id="h", zh="标题"), paragraphs=[Paragraph(id="p", segments=[seg])])])
    segment_edition(edition)
    segments = edition.articles[0].paragraphs[0].segments
    assert "".join(s.zh for s in segments) == text
    assert "".join(s.source if s.source is not None else s.zh for s in segments) == source
    from bilingual.read.punctuation import FULLWIDTH

    def bare(t: str) -> str:
        return "".join(FULLWIDTH.get(ch, ch) for ch in t if not ch.isspace())

    for s in segments:
        assert bare(s.source if s.source is not None else s.zh) == bare(s.zh)


def _edition(paragraphs: list[str]) -> Edition:
    return Edition(source="t", encoding="utf-8", articles=[Article(
        id="a1", headline=Segment(id="a1-headline", zh="标题"),
        paragraphs=[Paragraph(id=f"p{i}", segments=[Segment(id="x", zh=t, line=i + 1)])
                    for i, t in enumerate(paragraphs)])])


def test_ids_of_unchanged_sentences_survive_an_edit():
    before = segment_edition(_edition(["甲句。乙句。丙句。", "丁句。甲句。"]))
    after = segment_edition(_edition(["新加的一句。甲句。乙句改了。丙句。", "丁句。甲句。"]))
    ids_before = {s.zh: s.id for s in before.segments()}
    ids_after = {s.zh: s.id for s in after.segments()}
    for text in ("甲句。", "丙句。", "丁句。"):
        assert ids_before[text] == ids_after[text]
    assert ids_after["乙句改了。"] not in ids_before.values()
    # The same sentence twice in one article gets two ids, both stable.
    repeated = [s.id for s in after.segments() if s.zh == "甲句。"]
    assert len(set(repeated)) == 2
    assert repeated == [s.id for s in before.segments() if s.zh == "甲句。"]


def test_segmenting_twice_changes_nothing():
    once = segment_edition(_edition(["甲句。乙句！", "丙句？"]))
    first = once.to_json()
    assert segment_edition(once).to_json() == first


def test_lines_follow_column_joins():
    seg = Segment(id="x", zh="第一句，接着。第二句。", source="第一句,\n\n接着。第二句。", line=7)
    edition = Edition(source="t", encoding="utf-8", articles=[Article(
        id="a1", headline=Segment(id="h", zh="标题"), paragraphs=[Paragraph(id="p", segments=[seg])])])
    segs = segment_edition(edition).articles[0].paragraphs[0].segments
    assert [(s.zh, s.source, s.line) for s in segs] == [
        ("第一句，接着。", "第一句,\n\n接着。", 7), ("第二句。", None, 9)]


def test_empty_paragraphs_and_empty_headline_are_fine():
    edition = Edition(source="t", encoding="utf-8", articles=[Article(
        id="text", headline=Segment(id="title", zh=""), paragraphs=[Paragraph(id="p1", segments=[])])])
    assert segment_edition(edition).articles[0].paragraphs[0].segments == []


def test_a_run_with_no_sentence_end_is_cut_at_clause_marks_and_flagged():
    from bilingual.model import Article, Edition, Paragraph, Segment
    from bilingual.stages.segment import MAX_SENTENCE, segment_edition

    clause = "衡阳大力实施制造立市文旅兴城发展战略，"  # 19 characters, no sentence end
    text = clause * 100 + "尾"
    edition = Edition(source="long.txt", encoding="utf-8", articles=[Article(
        id="a1", headline=Segment(id="a1-headline", zh="标题"),
        paragraphs=[Paragraph(id="p1", segments=[Segment(id="p1-s", zh=text, line=3)])])])
    segment_edition(edition)
    pieces = [s.zh for s in edition.articles[0].paragraphs[0].segments]
    assert "".join(pieces) == text
    assert all(len(p) <= MAX_SENTENCE for p in pieces)
    assert all(p.endswith("，") for p in pieces[:-1])  # cut after a clause mark, not mid-word
    assert [s.flags for s in edition.articles[0].paragraphs[0].segments][:-1] == [["long-sentence-cut"]] * (len(pieces) - 1)
    assert [w.code for w in edition.warnings] == ["long-sentence"] and edition.warnings[0].line == 3


def test_a_run_with_no_punctuation_at_all_is_cut_at_the_limit():
    from bilingual.stages.segment import MAX_SENTENCE, cap_sentence_lengths

    text = "字" * (MAX_SENTENCE * 2 + 10)
    ends, added = cap_sentence_lengths(text, [len(text)])
    assert ends == [MAX_SENTENCE, 2 * MAX_SENTENCE, len(text)] and added == {MAX_SENTENCE, 2 * MAX_SENTENCE}
    # Normal sentences are left alone.
    assert cap_sentence_lengths("短句。另一句。", [3, 7]) == ([3, 7], set())
