"""Property: sentences built from random glossary terms and filler, translated by the gloss engine
through the real terms and translate stages, verify at 100% (every term occurs rendered, nothing forbidden)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bilingual.engines import gloss  # noqa: E402
from bilingual.engines.gloss.reorder import RULE_FAMILIES
from bilingual.model import Article, Edition, Paragraph, Segment
from bilingual.stages.terms import find_terms
from bilingual.stages.translate import translate_edition
from bilingual.terms.glossary import is_national, load_glossary
from bilingual.terms.names import is_common_word
from bilingual.terms.verify import verify_terms
from bilingual.zh.pinyin import romanize_name

GLOSSARY = load_glossary()
TERMS = sorted({t.zh for t in GLOSSARY.terms if t.status == "preferred"})
# Ordinary words with no surname character and no glossary term in them.
FILLER = ["我们", "今天", "认为", "非常", "重要", "看到", "已经", "继续", "进一步", "推动", "讨论", "的", "在", "和",
          "要", "指出", "这项", "工作", "取得", "进展"]


@pytest.fixture(scope="module")
def engine():
    return gloss.GlossEngine()


def one_segment_edition(zh: str, paper: str | None) -> Edition:
    seg = Segment(id="s1", zh=zh)
    return Edition(source="page.txt", encoding="utf-8", paper=paper,
                   articles=[Article(id="a1", headline=Segment("a1-h", "标题"), paragraphs=[Paragraph("p1", [seg])])])


sentences = st.lists(st.tuples(st.sampled_from(FILLER), st.sampled_from(TERMS)), min_size=1, max_size=4).map(
    lambda parts: "".join(f + t for f, t in parts) + "。")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zh=sentences, paper=st.sampled_from(["衡阳晚报", None]))
def test_every_glossary_term_in_a_glossed_sentence_verifies(engine, zh, paper):
    edition = find_terms(one_segment_edition(zh, paper), GLOSSARY)
    edition = translate_edition(edition, engine, glossary=GLOSSARY)
    seg = list(edition.segments())[1]
    result = verify_terms(seg.text_key, seg.en, GLOSSARY, place=edition.place, names=seg.terms)
    assert result.occurred, zh
    assert not result.missed, (zh, seg.en, [(m.zh, m.en) for m in result.missed])
    assert not result.forbidden, (zh, seg.en)
    assert all(h.status != "missed" for h in seg.terms), [(h.zh, h.en, h.status) for h in seg.terms]


def test_the_seed_sentence_with_title_and_name(engine):
    zh = "8月17—18日，市委书记刘越高率衡阳市党政代表团赴新疆维吾尔自治区鄯善县。"
    edition = translate_edition(find_terms(one_segment_edition(zh, "衡阳晚报"), GLOSSARY), engine, glossary=GLOSSARY)
    seg = list(edition.segments())[1]
    assert "Liu Yuegao, Secretary of the CPC Hengyang Municipal Committee," in seg.en
    assert verify_terms(seg.text_key, seg.en, GLOSSARY, place="Hengyang").ok


SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐韩冯邓曹彭萧田董袁潘蒋蔡杜叶程苏魏吕丁")
GIVEN = list("越凡培诚杰宏智陵元润鹏帅健征新国章光义丘")
TITLES = ["市委书记", "市长", "副市长", "市委副书记", "市政府秘书长"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.sampled_from(TITLES), surname=st.sampled_from(SURNAMES),
       given_name=st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2).map("".join),
       follow=st.sampled_from(["主持会议", "表示", "率队调研", "强调", "出席"]),
       opening=st.sampled_from(["", "8月18日上午，", "当天，"]))
def test_title_and_unknown_name_found_rendered_and_verified(engine, title, surname, given_name, follow, opening):
    name = surname + given_name
    assume(not is_common_word(name))  # 王国 "kingdom" is never taken for a name, by design
    assume(GLOSSARY.lookup(name) is None)  # nor is a glossary term (韩国 is the ROK)
    zh = f"{opening}{title}{name}{follow}。"
    edition = translate_edition(find_terms(one_segment_edition(zh, "衡阳晚报"), GLOSSARY), engine, glossary=GLOSSARY)
    seg = list(edition.segments())[1]
    (first,) = [h for h in seg.terms if h.start == len(opening)]
    assert first.zh == title + name, [(h.zh, h.en) for h in seg.terms]  # one apposition hit
    assert first.en.startswith(romanize_name(name) + ", ")
    assert first.status != "missed" and romanize_name(name) in seg.en
    assert verify_terms(seg.text_key, seg.en, GLOSSARY, place=edition.place, names=seg.terms).ok


# Filler that sets off every family of transfer rules around the terms: the rules move terms
# (placeholders) about, and must never drop, split or double one.
CONSTRUCTION_FILLER = ["对", "的", "关于", "把", "被", "由", "、", "等", "强调，要", "指出，", "期间，", "之一", "了",
                       "现年52岁的", "8月22日上午，", "向", "表示感谢", "在", "上，", "和", "要", "主持", "28名",
                       "各项", "来自", "参加", "进一步", "领域", "会议", "通过"]
construction_sentences = st.lists(st.tuples(st.sampled_from(CONSTRUCTION_FILLER), st.sampled_from(TERMS),
                                            st.sampled_from(CONSTRUCTION_FILLER)),
                                  min_size=1, max_size=4).map(lambda parts: "".join(a + t + b for a, t, b in parts) + "。")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zh=construction_sentences, paper=st.sampled_from(["衡阳晚报", None]))
def test_terms_verify_with_every_transfer_rule_on(zh, paper):
    engine = _all_rules_engine()
    edition = find_terms(one_segment_edition(zh, paper), GLOSSARY)
    edition = translate_edition(edition, engine, glossary=GLOSSARY)
    seg = list(edition.segments())[1]
    result = verify_terms(seg.text_key, seg.en, GLOSSARY, place=edition.place, names=seg.terms)
    assert result.occurred, zh
    assert not result.missed, (zh, seg.en, [(m.zh, m.en) for m in result.missed])
    assert not result.forbidden, (zh, seg.en)
    assert all(h.status == "enforced" for h in seg.terms), [(h.zh, h.en, h.status) for h in seg.terms]


_ENGINES: list = []


def _all_rules_engine():
    # Built once (hypothesis calls the test many times); every rule family named, not left to the default.
    if not _ENGINES:
        _ENGINES.append(gloss.GlossEngine(rules=RULE_FAMILIES))
    return _ENGINES[0]


NATIONAL = sorted({t.zh for t in GLOSSARY.terms if t.status == "preferred" and t.file and is_national(Path(t.file))})


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["衡阳晚报", None])
def test_every_term_of_the_national_glossary_verifies_in_a_sentence(engine, paper):
    """Not a sample: each of the national files' terms, in its own sentence, with and without a place."""
    assert len(NATIONAL) > 5000
    segments = [Segment(f"s{i}", f"今天{zh}。") for i, zh in enumerate(NATIONAL)]
    edition = Edition(source="page.txt", encoding="utf-8", paper=paper, articles=[
        Article(id="a1", headline=Segment("a1-h", "标题"), paragraphs=[Paragraph("p1", segments)])])
    edition = translate_edition(find_terms(edition, GLOSSARY), engine, glossary=GLOSSARY)
    failed = []
    for seg in segments:
        result = verify_terms(seg.text_key, seg.en, GLOSSARY, place=edition.place, names=seg.terms)
        if not result.occurred or result.missed or result.forbidden or any(h.status == "missed" for h in seg.terms):
            failed.append((seg.zh, seg.en))
    assert failed == [], failed[:10]
