"""Sentence alignment on a real pair: a seed article and an English version written by hand,
with one Chinese sentence split in two, two merged into one, and one left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual.stages.align import (
    align_sentences,
    aligned_edition,
    person_names,
    plain_chinese_edition,
    split_chinese_sentences,
    split_english_sentences,
)

DATA = Path(__file__).parent / "data"
# What the glossary holds for this article (the shipped glossary may hold more).
TERMS = [("衡阳", "Hengyang"), ("市长", "mayor"), ("湖南", "Hunan"), ("市委", "Party committee")]
# (Chinese sentence indices, English sentence indices), checked by reading both texts.
EXPECTED = [
    ((0,), (0,)),  # headline
    ((1,), (1,)),  # subtitle
    ((2,), (2,)),  # byline
    ((3,), (3, 4)),  # the long meeting sentence, split in English
    ((4,), (5,)),
    ((5,), ()),  # "he pointed out ... rich tourism resources": left out of the English
    ((6, 7), (6,)),  # strategy + hope, merged into one English sentence
    ((8,), (7,)),
    ((9,), (8, 9)),  # split in English
    ((10,), (10,)),
]


@pytest.fixture(scope="module")
def pair():
    zh = split_chinese_sentences((DATA / "night-tour.zh.txt").read_text(encoding="utf-8"))
    en = split_english_sentences((DATA / "night-tour.en.txt").read_text(encoding="utf-8"))
    return zh, en


def test_splitters_on_the_pair(pair):
    zh, en = pair
    assert len(zh) == 11 and len(en) == 11
    assert zh[3].startswith("8月18日下午") and zh[3].endswith("洽谈。")
    # "Co., Ltd." does not end a sentence; the quoted slogan stays inside its sentence.
    assert en[3].endswith("who was visiting Hengyang.") and "Co., Ltd.," in en[3]
    assert split_english_sentences("Mr. Li met Dr. Wang. They talked.\nA headline") == [
        "Mr. Li met Dr. Wang.", "They talked.", "A headline"]
    assert split_chinese_sentences("他说：“好。”我们走吧！真的？") == ["他说：“好。”", "我们走吧！", "真的？"]


def test_exact_pairs_with_glossary_and_name_anchors(pair):
    zh, en = pair
    beads = align_sentences(zh, en, term_pairs=TERMS)
    assert [(b.zh_indices, b.en_indices) for b in beads] == EXPECTED
    assert {b.kind for b in beads} == {"1-1", "1-2", "2-1", "1-0"}
    assert "zhu jian" in beads[4].anchors and "18" in beads[3].anchors


def test_names_alone_find_the_same_pairs(pair):
    zh, en = pair
    assert person_names(zh[:2]) == {"朱健": "Zhu Jian", "梅帅元": "Mei Shuaiyuan"}
    beads = align_sentences(zh, en)
    assert [(b.zh_indices, b.en_indices) for b in beads] == EXPECTED


def test_length_alone_is_not_enough_here(pair):
    # Without anchors the dropped sentence is misplaced: the anchors are what find it.
    zh, en = pair
    beads = align_sentences(zh, en, names={})
    # Length alone pairs sentence 3 with one English sentence and 4 and 5 one to one: the 1-2 bead and the
    # sentence the English left out (5, a 1-0 bead) are both missed.
    pairs = [(b.zh_indices, b.en_indices) for b in beads]
    assert ((3,), (3,)) in pairs and ((3,), (3, 4)) not in pairs
    assert not any(kind == "1-0" for kind in (b.kind for b in beads))


def test_english_added_without_chinese_is_a_0_1_bead(pair):
    zh, en = pair
    # A standfirst the English editor added under the headline.
    note = "A night show on the river is planned for next year's provincial tourism conference, officials said."
    en = en[:1] + [note] + en[1:]
    beads = align_sentences(zh, en, term_pairs=TERMS)
    shifted = [(z, tuple(j + 1 for j in e)) for z, e in EXPECTED[1:]]
    assert [(b.zh_indices, b.en_indices) for b in beads] == [EXPECTED[0], ((), (1,))] + shifted


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text("衡阳市长会议。", min_size=1, max_size=12), max_size=8),
       st.lists(st.text("Hengyang mayor met. ", min_size=1, max_size=30), max_size=8))
def test_every_sentence_is_in_exactly_one_bead_in_order(zh, en):
    beads = align_sentences(zh, en, names={})
    assert [i for b in beads for i in b.zh_indices] == list(range(len(zh)))
    assert [j for b in beads for j in b.en_indices] == list(range(len(en)))
    assert all(b.kind in {"1-1", "1-2", "2-1", "1-0", "0-1"} for b in beads)


def test_aligned_edition_keeps_structure_and_flags(pair):
    text = (DATA / "night-tour.zh.txt").read_text(encoding="utf-8")
    zh_edition = plain_chinese_edition(text, "night-tour.zh.txt")
    article = zh_edition.articles[0]
    assert article.headline.zh.startswith("打造好") and article.subtitle.zh == "朱健会见梅帅元一行"
    assert article.byline.zh.startswith("衡阳晚报讯") and len(article.paragraphs) == 4
    zh = [s.zh for s in zh_edition.segments()]
    assert zh == pair[0]
    beads = align_sentences(zh, pair[1], term_pairs=TERMS)
    edition = aligned_edition(zh_edition, pair[1], beads, english_source="night-tour.en.txt")
    out = edition.articles[0]
    assert out.headline.en.startswith("Build the") and out.byline.en.startswith("Hengyang Evening News")
    body = list(out.body_segments())
    assert [s.flags for s in body] == [["align-1-2"], [], ["align-1-0"], ["align-2-1"], [], ["align-1-2"], []]
    assert body[2].en is None and body[2].engine is None
    assert body[3].zh == zh[6] + zh[7] and body[3].id == zh_edition.articles[0].paragraphs[1].segments[2].id
    assert "".join(s.zh for s in edition.segments()) == "".join(zh)
    assert edition.signature.engine == "align" and edition.signature.extra["english"] == "night-tour.en.txt"
