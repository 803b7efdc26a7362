"""The terms stage: hits over text_key, place, names, title+name apposition."""

from __future__ import annotations

from bilingual.model import Article, Edition, Paragraph, Segment
from bilingual.stages.terms import find_terms, is_subject_position
from bilingual.terms.glossary import load_glossary

G = load_glossary()


def edition(*sentences: str, paper: str | None = "衡阳晚报", place: str | None = None) -> Edition:
    segs = [Segment(id=f"s{i}", zh=zh) for i, zh in enumerate(sentences)]
    e = Edition(source="page.txt", encoding="utf-8", paper=paper, place=place,
                articles=[Article(id="a1", headline=Segment("a1-h", "标题"), paragraphs=[Paragraph("p1", segs)])])
    return find_terms(e, G)


def hits(e: Edition, n: int):
    seg = list(e.articles[0].body_segments())[n]
    return [(h.zh, h.en, h.type) for h in seg.terms]


def test_title_and_name_at_sentence_start_after_a_time_phrase_become_one_apposition():
    e = edition("8月17—18日，市委书记刘越高率衡阳市党政代表团赴新疆。")
    assert hits(e, 0)[0] == ("市委书记刘越高", "Liu Yuegao, Secretary of the CPC Hengyang Municipal Committee,",
                             "person")


def test_chained_titles_join_with_and():
    e = edition("8月18日上午，市委副书记、市长朱健带队赴国开行会谈工作。")
    assert hits(e, 0)[0] == ("市委副书记、市长朱健", "Zhu Jian, Deputy Secretary of the CPC Hengyang Municipal "
                             "Committee and Mayor of Hengyang,", "person")


def test_no_trailing_comma_before_punctuation():
    e = edition("副市长谢宏，市政府秘书长廖义智参加。")
    assert hits(e, 0)[0] == ("副市长谢宏", "Xie Hong, Vice Mayor of Hengyang", "person")


def test_a_body_and_its_title_compose_and_stay_apart_from_the_name_inside_a_sentence():
    e = edition("国家开发银行湖南省分行党委书记宋征参加会议。",
                "双方围绕合作，与国家开发银行湖南省分行党委书记宋征进行了交流。")
    assert hits(e, 0) == [("国家开发银行湖南省分行党委书记宋征", "Song Zheng, Secretary of the Party Committee of "
                           "Hunan Branch of China Development Bank,", "person")]
    assert hits(e, 1) == [("国家开发银行湖南省分行党委书记", "Secretary of the Party Committee of Hunan Branch of "
                           "China Development Bank", "title"), ("宋征", "Song Zheng", "person")]


def test_unknown_name_after_title_is_romanised_and_found_again_elsewhere():
    e = edition("会上，副市长王建国作了讲话。", "王建国表示，要抓好落实。")
    assert ("王建国", "Wang Jianguo", "name") in hits(e, 0)
    assert hits(e, 1) == [("王建国", "Wang Jianguo", "name")]
    seg = list(e.articles[0].body_segments())[1]
    assert seg.terms[0].source == "pinyin"
    assert {"zh": "王建国", "en": "Wang Jianguo", "how": "title", "count": 2} in e.names


def test_offsets_are_over_text_key():
    e = edition("前往國家開發銀行會談。")
    seg = list(e.articles[0].body_segments())[0]
    hit = seg.terms[0]
    assert seg.text_key[hit.start:hit.end] == "國家開發銀行"
    assert hit.en == "China Development Bank"


def test_hits_do_not_overlap_and_name_sources():
    e = edition("衡阳市领导于新凡、尹培国参加慰问考察并出席座谈会。")
    seg = list(e.articles[0].body_segments())[0]
    ends = 0
    for h in seg.terms:
        assert h.start >= ends
        ends = h.end
    assert seg.terms[0].source.startswith("glossary/hengyang.tsv:")


def test_place_from_paper_from_page_and_kept_when_given():
    assert edition("他说。").place == "Hengyang"
    assert edition("吐鲁番市和鄯善县对援疆工作全力支持，吐鲁番市领导参加。", paper=None).place == "Turpan"
    assert edition("市长说。", place="Changsha").place == "Changsha"
    e = edition("市长说。", paper=None)
    assert e.place is None
    assert hits(e, 0) == [("市长", "Mayor", "title")]


def test_subject_position_rules():
    assert is_subject_position("市长朱健", 0)
    assert is_subject_position("8月18日上午，市长朱健", 8)
    assert not is_subject_position("会议由市长朱健主持", 3)
    assert not is_subject_position("在会上，市长", 4)


def test_rules_find_every_person_of_the_seed_without_the_person_glossary():
    from pathlib import Path

    from bilingual.config import Config
    from bilingual.pipeline import Pipeline
    from bilingual.terms.glossary import Glossary

    no_persons = Glossary([t for t in G.terms if t.type != "person"])
    seed = Path(__file__).resolve().parents[2] / "seeds" / "hengyang-evening-news-2023-08-19.txt"
    e = find_terms(Pipeline(Config()).read(seed), no_persons)
    found = {n["zh"]: n["en"] for n in e.names}
    expected = {t.zh: t.en for t in G.terms if t.type == "person" and t.file == "glossary/hengyang.tsv"
                and t.status == "preferred"}
    assert found == expected


def test_a_longer_name_read_by_the_rules_beats_a_listed_prefix():
    e = edition("副市长谢宏越主持会议。", "市委书记刘越高率团。")
    assert hits(e, 0) == [("副市长谢宏越", "Xie Hongyue, Vice Mayor of Hengyang,", "name")]
    assert hits(e, 1)[0][0] == "市委书记刘越高"


def test_places_romanised_by_rule_are_listed_for_confirmation():
    e = edition("初夏时节，吉安市石溪县枫林镇下坪村的井冈蜜柚基地里。", "石溪县委书记黄立群介绍。")
    assert {p["zh"]: (p["en"], p["count"]) for p in e.places} == {
        "石溪县": ("Shixi County", 1), "枫林镇": ("Fenglin Town", 1), "下坪村": ("Xiaping Village", 1),
        "石溪": ("Shixi", 1)}
    assert hits(e, 1)[0] == ("石溪县委书记黄立群", "Huang Liqun, Secretary of the CPC Shixi County Committee,", "name")


def test_a_name_right_after_a_title_beats_a_shorter_term_it_starts_with():
    # Found by the title+name property test: 韩国 (the ROK) took the first two characters of 韩国越.
    assert hits(edition("市委书记韩国越表示。"), 0) == [
        ("市委书记韩国越", "Han Guoyue, Secretary of the CPC Hengyang Municipal Committee,", "name")]
    assert hits(edition("市委书记韩国强主持会议。"), 0)[0][:2] == (
        "市委书记韩国强", "Han Guoqiang, Secretary of the CPC Hengyang Municipal Committee,")
    # No name is read there, so the countries stay countries.
    assert [h[:2] for h in hits(edition("市长韩国越南之行圆满结束。"), 0)] == [
        ("市长", "Mayor of Hengyang"), ("韩国", "the ROK"), ("越南", "Vietnam")]
