"""verify_terms: occurred / rendered / missed / forbidden."""

from __future__ import annotations

from bilingual.model import TermHit
from bilingual.terms.glossary import Glossary, Term
from bilingual.terms.verify import verify_terms

G = Glossary([
    Term("市委书记", "Secretary of the CPC {place} Municipal Committee", "title",
         variants=("Party Secretary of {place}",)),
    Term("刘越高", "Liu Yuegao", "person"),
    Term("国开行", "China Development Bank", "org", variants=("CDB",)),
    Term("市长", "Mayor of {place}", "title"),
    Term("李光耀", "Li Guangyao", "person"),
    Term("李光耀", "Lee Kuan Yew", "person", status="forbidden"),
    Term("乡村振兴", "rural revitalization", "slogan"),
])


def zhs(records):
    return [r.zh for r in records]


def test_rendered_and_missed():
    v = verify_terms("市委书记刘越高赴国开行", "Liu Yuegao, Secretary of the CPC Hengyang Municipal Committee, "
                     "went to the bank", G, place="Hengyang")
    assert zhs(v.occurred) == ["市委书记", "刘越高", "国开行"]
    assert zhs(v.rendered) == ["市委书记", "刘越高"]
    assert zhs(v.missed) == ["国开行"]
    assert not v.ok
    assert v.rendered[0].en == "Secretary of the CPC Hengyang Municipal Committee"


def test_variants_count_case_insensitively():
    v = verify_terms("国开行支持乡村振兴", "the cdb supports Rural Revitalization", G)
    assert zhs(v.rendered) == ["国开行", "乡村振兴"] and v.ok


def test_articles_and_punctuation_are_tolerated():
    g = Glossary([Term("国务院", "the State Council", "org"), Term("援疆", "aid to Xinjiang", "slogan")])
    v = verify_terms("国务院援疆", "State Council's aid to Xinjiang.", g)
    assert v.ok, v.missed


def test_place_slot_with_unknown_place_accepts_any_place_or_none():
    assert verify_terms("市长", "Mayor of Hengyang", G).ok
    assert verify_terms("市长", "the Mayor said", G).ok
    assert verify_terms("市委书记", "Secretary of the CPC Turpan Municipal Committee", G).ok
    assert verify_terms("市委书记", "Secretary of the CPC Municipal Committee", G).ok
    assert not verify_terms("市委书记", "the city boss", G).ok


def test_place_slot_with_a_known_place_requires_it():
    assert verify_terms("市长", "Mayor of Hengyang", G, place="Hengyang").ok
    assert verify_terms("市长", "Mayor of Hengyang", G, place="Hengyang").rendered[0].en == "Mayor of Hengyang"


def test_forbidden_rendering_is_reported():
    v = verify_terms("李光耀汇报", "Lee Kuan Yew reported", G)
    assert zhs(v.missed) == ["李光耀"]
    assert [f.en for f in v.forbidden] == ["Lee Kuan Yew"]
    ok = verify_terms("李光耀汇报", "Li Guangyao reported", G)
    assert ok.ok and not ok.forbidden


def test_names_outside_the_glossary_are_verified():
    names = [TermHit("王建国", "Wang Jianguo", "name", 0, 3, source="pinyin"), {"zh": "陈润", "en": "Chen Run"}]
    v = verify_terms("王建国和陈润说", "Wang Jianguo and Chen Run said", G, names=names)
    assert zhs(v.rendered) == ["王建国", "陈润"]
    v2 = verify_terms("王建国说", "Wang Jian Guo said", G, names=names)
    assert zhs(v2.missed) == ["王建国"]


def test_nothing_occurred_is_fully_rendered():
    v = verify_terms("他说", "he said", G)
    assert v.ok and v.share_rendered == 1.0


def test_title_and_name_hit_replaces_its_parts():
    apposition = TermHit("市委书记刘越高", "Liu Yuegao, Secretary of the CPC Hengyang Municipal Committee,", "person",
                         0, 7, source="glossary/national.tsv:11+glossary/hengyang.tsv:6")
    zh = "市委书记刘越高率团"
    v = verify_terms(zh, "Liu Yuegao, Secretary of the CPC Hengyang Municipal Committee, led", G,
                     names=[apposition])
    assert [(r.zh, r.start) for r in v.occurred] == [("市委书记刘越高", 0)] and v.ok
    # Parts rendered in another order (the engine kept the title before the name) still count.
    v = verify_terms(zh, "Party Secretary of Hengyang Liu Yuegao led", G, names=[apposition])
    assert v.ok, v.missed
    v = verify_terms(zh, "Secretary of the CPC Hengyang Municipal Committee led", G, names=[apposition])
    assert [r.zh for r in v.missed] == ["市委书记刘越高"]


def test_title_and_romanised_name_hit():
    apposition = TermHit("市长王建国", "Wang Jianguo, Mayor of Hengyang,", "person", 0, 5, source="x+pinyin")
    assert verify_terms("市长王建国说", "Mayor Wang Jianguo said", G, names=[apposition]).ok
    assert not verify_terms("市长王建国说", "Mayor Wang said", G, names=[apposition]).ok
