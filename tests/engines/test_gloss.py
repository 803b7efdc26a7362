"""The dictionary gloss engine: placeholders, no Chinese left, sense choice, numbers, punctuation, speed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilingual.config import Config
from bilingual.engines import load_engine
from bilingual.engines.base import Engine, Hypothesis
from bilingual.engines.gloss import GlossEngine
from bilingual.engines.gloss.cedict import Cedict, cedict_path, clean_sense, shared_cedict
from bilingual.engines.gloss.lexicon import load_overrides
from bilingual.errors import ModelError
from bilingual.pipeline import Pipeline
from bilingual.stages.translate import placeholder_pattern
from bilingual.zh.numerals import chinese_numeral_value, scaled_number
from bilingual.zh.script import CJK as CJK_CHAR

SEED = Path(__file__).resolve().parents[2] / "seeds" / "hengyang-evening-news-2023-08-19.txt"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@pytest.fixture(scope="module")
def engine() -> GlossEngine:
    return GlossEngine()


def seed_sentences() -> list[str]:
    """Every sentence of the seed page, split at Chinese sentence ends (headings' '#' marks removed)."""
    sentences = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.lstrip("#").strip()
        sentences.extend(s for s in re.split(r"(?<=[。！？；])", line) if s.strip())
    return sentences


def count(engine: GlossEngine, index: int, text: str) -> int:
    # Counted the way the translate stage restores them, so the two agree.
    return len(placeholder_pattern(engine.placeholder(index)).findall(text))


# -- protocol ---------------------------------------------------------------

def test_engine_protocol_name_and_signature(engine):
    assert isinstance(engine, Engine)
    assert engine.name == "gloss"
    signature = engine.signature()
    assert signature.engine == "gloss"
    assert "CC-CEDICT 2020-12-21" in signature.model and "jieba" in signature.model
    assert "gloss" in signature.model
    assert signature.version


def test_load_engine_gives_the_gloss_engine():
    assert load_engine("gloss").name == "gloss"


def test_translate_batch_shape(engine):
    out = engine.translate_batch(["市委书记强调。", "会议还研究了其他事项。", ""], num_hypotheses=4)
    assert len(out) == 3
    assert all(len(h) == 1 and isinstance(h[0], Hypothesis) for h in out)
    assert out[1][0].text == "The meeting also studied other matters."
    assert out[2][0].text == ""


# -- placeholders -----------------------------------------------------------

@pytest.mark.parametrize("template", [
    "{0}强调要推动两地合作。",            # at the start
    "朱健会见了{0}",                      # at the end, no punctuation
    "{0}{1}参加会议。",                   # adjacent
    "{0}、{1}和{2}出席座谈会。",          # a list
    "市长{0}在{1}{2}会见{3}。",           # adjacent, mid-sentence
    "{0}2023年5月{1}130亿元{2}",          # glued to numbers and dates
    "{0}",                               # nothing else
    "“{0}”",                             # inside quotes
    "第{0}批",                           # inside an ordinal pattern's reach
    "{0}abc{1}",                         # glued to Latin letters
])
def test_each_placeholder_comes_out_exactly_once(engine, template):
    n = template.count("{")
    text = template.format(*(engine.placeholder(i) for i in range(n)))
    out = engine.gloss(text)
    assert [count(engine, i, out) for i in range(n)] == [1] * n, out
    assert not CJK_CHAR.search(out)


def test_placeholder_at_start_is_not_recased_and_next_word_stays_lower(engine):
    out = engine.gloss(engine.placeholder(0) + "强调")
    assert out.startswith(engine.placeholder(0) + " stressed")


def test_placeholders_in_order(engine):
    ph = [engine.placeholder(i) for i in range(12)]
    out = engine.gloss("".join(f"{p}和" for p in ph))
    positions = [out.index(p) for p in ph]
    assert positions == sorted(positions)
    assert [count(engine, i, out) for i in range(12)] == [1] * 12  # ⟦1⟧ is not found inside ⟦11⟧


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),
                       min_size=1, max_size=6))
@pytest.mark.slow
def test_random_chinese_around_placeholders(engine, chunks):
    ph = [engine.placeholder(i) for i in range(len(chunks))]
    text = "".join(chunk + p for chunk, p in zip(chunks, ph))
    out = engine.gloss(text)
    assert [count(engine, i, out) for i in range(len(ph))] == [1] * len(ph)
    assert not CJK_CHAR.search(out)


# -- no Chinese ever --------------------------------------------------------

def test_no_chinese_in_any_seed_sentence(engine):
    sentences = seed_sentences()
    assert len(sentences) > 50
    with_chinese = [s for s in sentences if CJK_CHAR.search(engine.gloss(s))]
    assert with_chinese == []


CJK_TEXT = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),           # unified ideographs
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),           # extension A
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),         # extension B
    st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),           # compatibility ideographs
    st.characters(min_codepoint=0x3000, max_codepoint=0x303F),           # CJK punctuation
    st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),           # full-width forms
    st.characters(min_codepoint=0x2E80, max_codepoint=0x2FFF),           # radicals, description characters
    st.characters(min_codepoint=0x3190, max_codepoint=0x33FF),           # strokes, enclosed CJK
    st.sampled_from(list("0123456789年月日亿万元第十批名、，。“”《》（）—·%")),
), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=CJK_TEXT)
def test_no_chinese_for_random_cjk_strings(engine, text):
    out = engine.gloss(text)
    assert not CJK_CHAR.search(out), (text, out)
    assert out == out.strip() and "  " not in out


# -- sense choice -----------------------------------------------------------

# Words whose first CC-CEDICT sense is wrong for a gloss (commentary, surname,
# variant, a rare reading, a long explanation): the automatic choice must
# still find the short common sense, without the override table.
AUTOMATIC_SENSES = {
    "他": "he",                  # first sense "he or him"
    "新": "new",                 # first entry "abbr. for Xinjiang ... surname Xin"
    "都": "all",                 # "surname Du" first
    "也": "also",                # "surname Ye"
    "还": "still",               # "surname Huan"
    "高": "high",                # "surname Gao"
    "和": "and",                 # "surname He", then "old variant"
    "以": "use",                 # "old variant of 以", "abbr. for Israel"
    "的": "of",                  # first reading's other senses are grammar notes
    "机制": "mechanism",         # 機製 lists "machine processed" first
    "支持": "support",           # "to be in favor of"
    "强调": "emphasize",         # "to emphasize (a statement)"
    "精神": "spirit",            # trailing "CL:個|个[ge4]"
    "会议": "meeting",           # "CL:場|场..." note
    "慰问": "express sympathy",  # "to express sympathy, greetings, consolation etc"
    "看望": "visit",             # "to visit"
    "深化": "deepen",
    "持续": "continue",
    "贯彻": "implement",
    "建设": "build",
    "合作": "cooperate",
    "行": "walk",                # xing2 has more senses than hang2 "row"
    "率": "lead",                # shuai4 over lu:4 "rate"
    "对": "right",               # "classifier: couple" never chosen
    "起来": "stand up",          # not "(after a verb) indicating ..."
    "加快": "accelerate",
}
AUTOMATIC_NAMES = {
    "衡阳": "Hengyang",          # "Hengyang prefecture-level city in Hunan"
    "新疆": "Xinjiang",          # "Xinjiang/Uighur autonomous region 新疆維吾爾自治區|..."
    "湖南": "Hunan",             # "Hunan province in south central China, abbr. 湘"
    "吐鲁番": "Turpan City",
    "中国": "China",
}


@pytest.mark.parametrize("word,expected", sorted(AUTOMATIC_SENSES.items()))
def test_automatic_sense_choice(word, expected):
    assert shared_cedict().common(word) == expected


@pytest.mark.parametrize("word,expected", sorted(AUTOMATIC_NAMES.items()))
def test_proper_noun_is_the_name_without_commentary(word, expected):
    assert shared_cedict().proper(word) == expected


@pytest.mark.parametrize("word", ["份", "吗"])
def test_classifiers_and_particles_are_dropped(word):
    assert shared_cedict().common(word) == ""


@pytest.mark.parametrize("definition", [
    "abbr. for Xinjiang", "surname Gao", "see 的士[di1 shi4]", "variant of 為|为[wei2]", "old variant of 以[yi3]",
    "CL:個|个[ge4]", "lit. to feel a tug at one's bowels", "used in 哪吒[Ne2 zha1]", "capital of Hunan",
])
def test_commentary_is_never_a_sense(definition):
    assert clean_sense(definition, 0) is None


def test_clean_sense_trims_notes():
    assert clean_sense("(of a plan) to carry out", 0).text == "carry out"
    assert clean_sense("to express sympathy, greetings, consolation etc", 0).text == "express sympathy"
    assert clean_sense("(Tw) to steal", 0).cost > clean_sense("to steal", 0).cost


# The curated table beats the dictionary where the dictionary's choice is wrong in news.
CURATED = {
    "市": "city",                # CEDICT: "market"
    "要": "must",                # "important"
    "推动": "promote",           # "push"
    "对口支援": "paired assistance",  # 对口: "(of two performers) to speak or sing alternately"
    "举措": "measures",          # "to move"
    "说": "said",                # "to speak"
    "省": "province",            # "to save"
    "我市": "our city",          # "I city"
}


@pytest.mark.parametrize("word,expected", sorted(CURATED.items()))
def test_curated_words(engine, word, expected):
    assert engine.gloss(word).lower() == expected


def test_particles_are_dropped_in_context(engine):
    assert engine.gloss("我们的故乡") == "Our hometown"
    assert engine.gloss("取得了成效") == "Achieved results"


def test_unknown_words_are_split_then_romanised(engine):
    out = engine.gloss("援疆工作队")  # both parts from the table
    assert out == "Xinjiang aid work team"
    assert engine.gloss("鑫") == "Xin"  # only "(used in names ...)": pinyin


def test_person_names_are_romanised_surname_first(engine):
    out = engine.gloss("于新凡、尹培国参加会议。")
    assert out.startswith("Yu Xinfan and Yin Peiguo ")


def test_names_revealed_by_context_stay_whole(engine, tmp_path):
    # jieba alone: 罗文|鹏 and 胡|丘陵 ("hills"); the terms stage reads a byline and a list of leaders as
    # names and hands them to the engine as placeholders, so the gloss keeps them whole.
    pipeline = Pipeline(Config(out_dir=tmp_path, engine="gloss", use_memory=False), engine=engine)
    byline, leaders = pipeline.translate_lines(["（全媒体记者 罗文鹏）", "市领导胡丘陵、谢宏参加会见。"])
    assert byline == "(All-media reporter Luo Wenpeng)"
    assert leaders.startswith("Municipal leaders Hu Qiuling and Xie Hong attended")


def test_phrases_jieba_calls_names_are_not_romanised(engine):
    # jieba tags these 'nr'; they are ordinary words
    assert engine.gloss("大力支持衡阳片区开发").lower().startswith("vigorously support")
    assert "high level" in engine.gloss("更高水平的合作")


@pytest.mark.parametrize("zh,en", [
    ("自1998年以来，干部扎根边疆", "Since 1998, cadres take root border region"),
    ("在17日举行的座谈会上，", "At the symposium held on the 17th,"),
    ("在市委的坚强领导下", "Under the strong leadership of the municipal Party committee"),
    ("以筹办大会为契机", "Taking preparing for conference as the opportunity"),
    ("在会议上，他说在", "At the meeting, he said in"),  # a closer pairs only within its clause
])
def test_two_part_frames(engine, zh, en):
    assert engine.gloss(zh) == en


# -- numbers and dates ------------------------------------------------------

@pytest.mark.parametrize("zh,en", [
    ("8月17日", "August 17"),
    ("8月17—18日", "August 17–18"),
    ("2023年5月", "May 2023"),
    ("2023年5月17日", "May 17, 2023"),
    ("自1998年以来", "Since 1998"),
    ("130亿元", "13 billion yuan"),
    ("1.5万元", "15,000 yuan"),
    ("2.35亿", "235 million"),
    ("3000余人", "More than 3,000 people"),
    ("28名", "28"),
    ("第十批", "10th batch"),
    ("第三届", "Third"),
    ("第23次", "23rd"),
    ("三年", "Three years"),
    ("增长12.5%", "Growth 12.5 percent"),
    ("10时30分", "10:30"),
    ("分别为10，20人", "Respectively for 10, 20 people"),
    ("12,500元", "12,500 yuan"),
    ("在17日举行", "In the 17th held"),
])
def test_numbers_and_dates(engine, zh, en):
    assert engine.gloss(zh) == en


@pytest.mark.parametrize("zh,value", [("十", 10), ("二十三", 23), ("一百零五", 105), ("三万", 30000),
                                      ("二〇二三", 2023), ("两千", 2000), ("十二亿", 1_200_000_000)])
def test_chinese_numerals(zh, value):
    assert chinese_numeral_value(zh) == value


def test_scaled_numbers():
    assert scaled_number("130", "亿") == "13 billion"
    assert scaled_number("5", "万") == "50,000"
    assert scaled_number("12", "") == "12"


# -- punctuation and capitals -----------------------------------------------

def test_punctuation_is_english(engine):
    out = engine.gloss("他说：“要讲团结、聚合力。”")
    assert out == 'He said: "must stress unity and pool strength."'


def test_brackets_book_titles_and_spacing(engine):
    out = engine.gloss("会议原则通过《工作方案》（草案）；")
    assert out == 'The meeting approved in principle "work plan" (draft);'


def test_full_width_letters_and_digits_become_ascii(engine):
    assert engine.gloss("ＩＰ１２３") == "IP123"


def test_first_letter_capitalised_even_after_a_quote(engine):
    assert engine.gloss("“新疆人”") == '"Xinjiang people"'


# -- override table ---------------------------------------------------------

def test_override_table_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "overrides.tsv"
    bad.write_text("zh\ten\tat_end\n市\tcity\n市长\t市长\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"overrides\.tsv:3: .*holds Chinese"):
        load_overrides(bad)
    bad.write_text("word\tenglish\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"overrides\.tsv:1: header"):
        load_overrides(bad)


def test_shipped_override_table_is_valid():
    table, at_end = load_overrides()
    assert len(table) >= 300
    assert at_end["等"] == "etc."


def test_cedict_malformed_line_is_a_model_error(tmp_path):
    broken = tmp_path / "cedict.txt"
    broken.write_text("# header\n中國 中国 [Zhong1 guo2] /China/\nnot an entry\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"cedict\.txt:3: not a CC-CEDICT entry"):
        Cedict(broken)


def test_a_cached_cedict_reads_as_the_file_and_a_changed_file_is_read_again(tmp_path, monkeypatch):
    """The user's cache holds the parsed CC-CEDICT; a later process reads it back; an edit of the file (another
    stamp) is parsed again, and a broken file raises as it would uncached, writing nothing."""
    monkeypatch.setenv("BILINGUAL_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "cedict.txt"
    source.write_text("# header\n中國 中国 [Zhong1 guo2] /China/\n衡陽 衡阳 [Heng2 yang2] /Hengyang/\n"
                      "行 行 [xing2] /to walk/OK/\n行 行 [hang2] /row/\n", encoding="utf-8")
    first = Cedict(source, cached=True)
    cached = list((tmp_path / "cache").glob("cedict-*.marshal"))
    assert len(cached) == 1 and first.entries == Cedict(source).entries
    assert first.proper("衡阳") == "Hengyang" and first._readings("行", proper=False)[1] == ("hang2", ["row"])
    again = Cedict(source, cached=True)
    assert again.entries == first.entries and again.common("中国") == first.common("中国")
    source.write_text(source.read_text(encoding="utf-8") + "雁城 雁城 [Yan4 cheng2] /Wild Goose City/\n",
                      encoding="utf-8")
    assert "雁城" in Cedict(source, cached=True)
    source.write_text("# header\nnot an entry\n", encoding="utf-8")
    before = cached[0].read_bytes()
    with pytest.raises(ModelError, match=r"cedict\.txt:2: not a CC-CEDICT entry"):
        Cedict(source, cached=True)
    assert cached[0].read_bytes() == before


def test_the_shipped_cedict_is_cached_and_reads_as_parsed():
    from bilingual.engines.gloss.cedict import parse_cedict

    assert shared_cedict().entries == parse_cedict(cedict_path())


# -- speed ------------------------------------------------------------------

def test_dictionary_load_and_seed_gloss_are_fast(engine):
    start = time.perf_counter()
    Cedict(cedict_path())
    load = time.perf_counter() - start
    sentences = seed_sentences()
    start = time.perf_counter()
    engine.translate_batch(sentences)
    gloss = time.perf_counter() - start
    print(f"CC-CEDICT load {load:.2f} s; {len(sentences)} seed sentences glossed in {gloss:.3f} s")
    # Generous bounds: CI machines are shared (measured: 0.6-0.9 s and 0.2 s).
    assert load < 4.0
    assert gloss < 3.0


# -- with the translate stage -----------------------------------------------

def test_translate_stage_restores_every_term_once(engine):
    from bilingual.model import Article, Edition, Paragraph, Segment, TermHit
    from bilingual.stages.translate import translate_edition

    zh = "8月17日,市委书记刘越高率衡阳市党政代表团赴鄯善县,看望慰问援疆工作队员。"
    terms = [("市委书记", "Secretary of the Municipal Party Committee", "title"), ("刘越高", "Liu Yuegao", "person"),
             ("衡阳市", "Hengyang", "place"), ("鄯善县", "Shanshan County", "place")]
    hits = [TermHit(t, en, kind, zh.index(t), zh.index(t) + len(t)) for t, en, kind in terms]
    body = Segment("a1-p1-s1", zh, terms=hits)
    headline = Segment("a1-h", "刘越高赴鄯善县", terms=[TermHit("刘越高", "Liu Yuegao", "person", 0, 3),
                                                       TermHit("鄯善县", "Shanshan County", "place", 4, 7)])
    edition = Edition("page.txt", "utf-8", articles=[Article("a1", headline, paragraphs=[Paragraph("a1-p1", [body])])])
    translate_edition(edition, engine)

    assert body.engine == "gloss" and headline.engine == "gloss"
    assert body.en.startswith("On August 17, Secretary of the Municipal Party Committee Liu Yuegao led Hengyang ")
    for _t, en, _k in terms:
        assert body.en.count(en) == 1, body.en
    assert [h.status for h in body.terms] == ["enforced"] * 4
    assert headline.en == "Liu Yuegao went to Shanshan County"
    assert "missed-term" not in body.flags and not CJK_CHAR.search(body.en)
    assert {s.origin.engine for s in edition.segments() if s.en} == {"gloss"}


@pytest.mark.parametrize("zh,en", [
    ("截至7月底", "As of end of July"),
    ("十四届全国人大", "14th National People's Congress"),
    ("一季度", "First quarter"),
    ("国务院总理在会议上作报告", "State Council premier at the meeting make report"),  # 上作 split, frame still pairs
])
def test_month_parts_bare_ordinals_and_split_frames(engine, zh, en):
    assert engine.gloss(zh) == en
