"""The gloss engine's transfer rules (reorder), English word forms (inflect) and the order checker.

Sentences here are written for these tests (none comes from bench/data/gloss-reference.tsv).
Each family is shown off and on: off, the gloss keeps Chinese order; on, English order.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilingual.engines.gloss import GlossEngine
from bilingual.engines.gloss.checker import CONSTRUCTIONS, chinese_order, find_constructions
from bilingual.engines.gloss.inflect import gerund, participle, past, plural
from bilingual.engines.gloss.reorder import RULE_FAMILIES
from bilingual.stages.translate import placeholder_pattern
from bilingual.zh.script import CJK


@pytest.fixture(scope="module")
def engine() -> GlossEngine:
    return GlossEngine()


@pytest.fixture(scope="module")
def no_rules() -> GlossEngine:
    return GlossEngine(rules=())


# -- each family, off and on --------------------------------------------------------------------

@pytest.mark.parametrize("zh,off,on", [
    # numbers
    ("9月5日下午，⟦0⟧来到⟦1⟧。", "September 5 afternoon, ⟦0⟧ come ⟦1⟧.", "On the afternoon of September 5, ⟦0⟧ came to ⟦1⟧."),
    ("现年45岁的⟦0⟧是一名教师。", "Current age 45 years old ⟦0⟧ is one teacher.", "⟦0⟧, 45, is a teacher."),
    ("约5000名游客参加了活动。", "About 5000 tourists attended activities.", "About 5,000 tourists attended activities."),
    ("2023年5月，⟦0⟧成立。", "May 2023, ⟦0⟧ establish.", "In May 2023, ⟦0⟧ establish."),
    # modifiers
    ("湖南的经济", "Hunan economy", "The economy of Hunan"),
    # frames
    ("他向群众表示感谢。", "He to the people expressed thanks.", "He expressed thanks to the people."),
    ("活动由⟦0⟧主持。", "Activities by ⟦0⟧ presided over.", "The activities were presided over by ⟦0⟧."),
    ("大会期间，⟦0⟧发表讲话。", "Conference during, ⟦0⟧ delivered a speech.",
     "During the conference, ⟦0⟧ delivered a speech."),
    # reporting
    ("他强调，要加强安全管理。", "He stressed, must strengthen safety management.",
     "He stressed the need to strengthen safety management."),
    ("他指出，经济发展很快。", "He pointed out, economy development very rapid.",
     "He pointed out that economy development very rapid."),
    # verbs
    ("会议传达学习了⟦0⟧。", "Meeting convey study ⟦0⟧.", "The meeting conveyed and studied ⟦0⟧."),
    ("⟦0⟧带队赴⟦1⟧考察。", "⟦0⟧ led a delegation went to ⟦1⟧ inspected.", "⟦0⟧ led a delegation to ⟦1⟧ and inspected."),
    # lists
    ("新能源、装备制造等领域", "New energy, equipment manufacture and other fields",
     "Fields such as new energy and equipment manufacture"),
    # articles
    ("各部门要认真落实。", "Each departments must earnestly implement.", "All departments must earnestly implement."),
])
def test_rule_families_put_english_order(engine, no_rules, zh, off, on):
    assert no_rules.gloss(zh) == off
    assert engine.gloss(zh) == on


def test_relative_clause_and_guanyu(engine):
    assert engine.gloss("在17日举行的座谈会上，") == "At the symposium held on the 17th,"
    out = engine.gloss("会议听取了⟦0⟧关于秋季学期工作的汇报。")
    assert out.startswith("The meeting heard ⟦0⟧ the report on ")


def test_one_of_comes_first(engine):
    out = engine.gloss("⟦0⟧是中国最大的城市之一。")
    assert "one of" in out and out.index("one of") < out.index("cities")


def test_each_family_can_be_switched_alone(engine):
    zh = "他强调，要加强安全管理。"
    assert GlossEngine(rules=["reporting"]).gloss(zh) == "He stressed the need to strengthen safety management."
    assert GlossEngine(rules=["numbers"]).gloss(zh) == GlossEngine(rules=()).gloss(zh)


def test_unknown_family_is_refused():
    with pytest.raises(ValueError, match="unknown rule families: grammar"):
        GlossEngine(rules=["grammar"])


def test_signature_tells_a_partial_rule_set_apart(engine):
    partial = GlossEngine(rules=RULE_FAMILIES[:2])
    assert partial.signature().engine == engine.signature().engine == "gloss"
    assert partial.signature().version != engine.signature().version
    assert "rules: numbers, senses" in partial.signature().model
    assert "rules:" not in engine.signature().model


# -- placeholders survive every rule --------------------------------------------------------------

FRAGMENTS = ["的", "对", "关于", "把", "被", "由", "、", "等", "强调，要", "指出，", "期间，", "之一", "了", "向", "表示感谢",
             "在", "上，", "和", "要", "28名", "各项", "来自", "参加", "会议", "现年52岁的", "8月22日上午，", "领域", "通过",
             "赴", "带队", "一行", "以上", "约", "是", "的关心和支持", "进一步", "。"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.booleans()), min_size=1, max_size=12))
def test_each_placeholder_comes_out_exactly_once_with_every_rule(engine, parts):
    text, n = "", 0
    for fragment, with_placeholder in parts:
        text += fragment
        if with_placeholder:
            text += engine.placeholder(n)
            n += 1
    out = engine.gloss(text)
    counts = [len(placeholder_pattern(engine.placeholder(i)).findall(out)) for i in range(n)]
    assert counts == [1] * n, (text, out)
    assert not CJK.search(out)
    assert out == out.strip() and "  " not in out


# -- the order checker --------------------------------------------------------------------------

@pytest.mark.parametrize("zh,construction", [
    ("湖南的经济发展很快。", "de-modifier"),
    ("他向群众表示感谢。", "preposition"),
    ("大会期间，他发表讲话。", "localiser"),
    ("这是全国最大的工厂之一。", "one-of"),
    ("8月22日上午，他来到工厂。", "part-of-day"),
    ("他强调，要加强管理。", "reporting"),
    ("新能源、装备制造等领域发展很快。", "deng-list"),
    ("现年45岁的⟦0⟧是教师。", "age"),
])
def test_checker_finds_chinese_order_and_the_rules_clear_it(engine, no_rules, zh, construction):
    assert construction in CONSTRUCTIONS
    source, _ = engine.analyse(zh)
    assert construction in [name for name, *_ in find_constructions(source)]
    assert construction in chinese_order(*no_rules.analyse(zh))
    assert construction not in chinese_order(*engine.analyse(zh))


def test_checker_ignores_adjectives_and_pronouns(engine):
    source, _ = engine.analyse("重要的讲话和我们的故乡")
    assert find_constructions(source) == []


def test_analyse_keeps_every_source_word_once(engine):
    source, ordered = engine.analyse("在⟦0⟧的坚强领导下，全市经济运行稳中向好。")
    seen = sorted(p.src for w in ordered for p in w.pieces if p.src >= 0)
    assert set(seen) <= set(range(len(source)))
    assert len({w.src for w in source}) == len(source)


# -- English word forms --------------------------------------------------------------------------

@pytest.mark.parametrize("base,past_form,participle_form,ing", [
    ("attend", "attended", "attended", "attending"),
    ("hold talks", "held talks", "held talks", "holding talks"),
    ("undertake", "undertook", "undertaken", "undertaking"),
    ("plan", "planned", "planned", "planning"),
    ("study", "studied", "studied", "studying"),
    ("name as", "named as", "named as", "naming as"),
    ("visit", "visited", "visited", "visiting"),
    ("implement", "implemented", "implemented", "implementing"),
])
def test_verb_forms(base, past_form, participle_form, ing):
    assert past(base) == past_form
    assert participle(base) == participle_form
    assert gerund(base) == ing


@pytest.mark.parametrize("phrase", ["heard", "presided over", "further", "preparation", "Hengyang", "must"])
def test_words_that_are_not_bare_verbs_keep_their_form(phrase):
    assert past(phrase) == phrase and gerund(phrase) == phrase


@pytest.mark.parametrize("noun,many", [
    ("team member", "team members"), ("city", "cities"), ("business", "businesses"), ("person", "people"),
    ("work", "work"), ("facilities", "facilities"), ("training", "training"), ("meeting", "meetings"),
])
def test_plurals(noun, many):
    assert plural(noun) == many


def test_no_rule_invents_chinese_or_drops_a_sentence(engine):
    # Every family on, a sentence of every construction at once: English comes out, no Chinese.
    zh = ("8月22日上午，现年52岁的⟦0⟧带队赴⟦1⟧，向⟦2⟧对⟦3⟧的关心和支持表示感谢。他强调，要把各项措施落到实处，"
          "推动新能源、装备制造等领域发展。")
    out = engine.gloss(zh)
    assert not CJK.search(out)
    assert re.match(r"On the morning of August 22, ⟦0⟧, 52, led a delegation to ⟦1⟧", out), out
