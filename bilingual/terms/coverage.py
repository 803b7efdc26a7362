"""Glossary coverage of pages, and suggestions for terms the glossary still lacks.

``term_coverage``: which glossary terms occur in the given texts and how often.
``suggest_terms``: candidates not in the glossary, ranked by frequency: quoted
slogans “…”, 《》 titles, person names (the rules of ``bilingual.terms.names``),
places the glossary does not list (``bilingual.terms.places``), and organisation
names ending in 局 委 厅 办 行 公司 集团 大学 医院 … (runs of nouns and place names
found by jieba), each with a draft English where a rule can make one: names in
pinyin, places by the County/Town/Village rule, organisations by their suffix
(潍坊市人民医院 "Weifang People's Hospital", X有限公司 "X Co., Ltd."). Slogans and
titles get none: a person translates them.

``write_suggestions`` writes them as a glossary TSV for review; every row's note
reads ``draft: review`` and ``bilingual glossary import`` refuses a row whose note
still does (or whose English is still empty), so no draft enters the glossary unread.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..zh import words
from ..zh.pinyin import romanize_word
from ..zh.script import all_han
from .edit import DRAFT_NOTE, HEADER, format_row
from .glossary import Glossary, Term, bare_english
from .names import find_names
from .places import with_rule_places

# Organisation suffixes and their English, longest first where one ends another (人民医院 before 医院).
ORG_SUFFIX_ENGLISH = (
    ("股份有限公司", "Co., Ltd."), ("有限责任公司", "Co., Ltd."), ("有限公司", "Co., Ltd."), ("集团", "Group"),
    ("公司", "Company"), ("大学", "University"), ("学院", "College"), ("研究院", "Research Institute"),
    ("研究所", "Research Institute"), ("人民医院", "People's Hospital"), ("中医院", "Hospital of Traditional Chinese "
    "Medicine"), ("医院", "Hospital"), ("中学", "Middle School"), ("小学", "Primary School"), ("银行", "Bank"),
    ("分行", "Branch"), ("支行", "Sub-branch"), ("合作社", "Cooperative"), ("联合会", "Federation"),
    ("协会", "Association"), ("学会", "Society"), ("委员会", "Committee"), ("办公室", "Office"), ("中心", "Center"),
    ("博物馆", "Museum"), ("图书馆", "Library"), ("局", "Bureau"), ("厅", "Department"), ("委", "Commission"),
    ("办", "Office"), ("司", "Department"), ("行", "Bank"),
)
ORG_SUFFIXES = tuple(zh for zh, _ in ORG_SUFFIX_ENGLISH)
_QUOTED = re.compile(r"“([^“”]{2,30})”")
_BOOK_TITLE = re.compile(r"《([^《》]{2,40})》")
_LATIN_BRACKETS = re.compile(r"[（(][^（）()]*[)）]$")
# jieba tags that may make up an organisation's name: place, organisation, other proper noun, noun, abbreviation.
_ORG_PART_TAGS = ("ns", "nt", "nz", "n", "j", "vn", "nrt")
# Common words that end in an organisation suffix but name no organisation (格局 "pattern", 大厅 "hall").
_NOT_ORG_ENDINGS = {"格局", "大局", "布局", "结局", "全局", "当局", "局", "客厅", "大厅", "餐厅", "展厅", "厅",
                    "一行", "同行", "步行", "航行", "发行", "行", "办", "委", "上司", "司", "中心", "核心", "重心"}


@dataclass(frozen=True)
class Suggestion:
    zh: str
    kind: str  # slogan|title|person|place|org
    count: int
    en: str = ""  # a draft English where a rule makes one; empty where a person must translate


def term_coverage(texts: list[str], glossary: Glossary) -> list[tuple[Term, int]]:
    """(term, occurrences) for every glossary term that occurs in ``texts``, most frequent first."""
    counts: Counter = Counter()
    order: dict[Term, int] = {}
    for text in texts:
        for m in glossary.match(text):
            counts[m.term] += 1
            order.setdefault(m.term, len(order))
    return sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def _org_candidates(text: str) -> list[str]:
    found = []
    run: list[str] = []
    for token in words.pos_cut(text):
        if token.flag.startswith(_ORG_PART_TAGS) and all_han(token.word):
            run.append(token.word)
            phrase = "".join(run)
            if len(phrase) >= 3 and phrase.endswith(ORG_SUFFIXES) and len(run) >= 2 \
                    and token.word not in _NOT_ORG_ENDINGS:
                found.append(phrase)
            elif len(run) >= 2:
                # jieba's word may hold the body and a title after it (医院院长): the body ends inside it.
                head = "".join(run[:-1])
                cut = next((k for k in range(len(token.word) - 1, 0, -1)
                            if token.word[:k].endswith(ORG_SUFFIXES) and token.word[:k] not in _NOT_ORG_ENDINGS), None)
                if cut is not None:
                    found.append(head + token.word[:cut])
        else:
            run = []
    # Keep only the longest phrase of each run (衡阳市统计局, not also 市统计局).
    return [p for p in found if not any(p != q and q.endswith(p) or q.startswith(p) and p != q for q in found)]


def suggest_terms(texts: list[str], glossary: Glossary, limit: int | None = None) -> list[Suggestion]:
    """Candidates the glossary lacks, ranked by frequency (then first appearance), with draft English."""
    counts: Counter = Counter()
    kinds: dict[str, str] = {}
    english: dict[str, str] = {}

    def add(zh: str, kind: str, en: str = "") -> None:
        zh = zh.strip()
        # Known already, or part of a longer known term here (文化产业股份有限公司 in 山水盛典文化产业股份有限公司).
        if not zh or glossary.lookup(zh) is not None or any(zh in known for known in matched):
            return
        counts[zh] += 1
        kinds.setdefault(zh, kind)
        if en:
            english.setdefault(zh, en)

    for text in texts:
        glossary_matches = glossary.match(text)
        matched = [text[m.start:m.end] for m in glossary_matches]
        for m in _QUOTED.finditer(text):
            add(m.group(1), "slogan")
        for m in _BOOK_TITLE.finditer(text):
            add(m.group(1), "title")
        for n in find_names(text, glossary):
            if n.how != "glossary":
                # A name with its Latin original is listed by its Chinese (安东尼奥·古特雷斯), as the text
                # writes it elsewhere; the glossary row then takes the brackets in its stride.
                add(_LATIN_BRACKETS.sub("", n.zh), "person", n.en)
        for m in with_rule_places(text, glossary, glossary_matches):
            if m.term.file == "rule" and m.term.en != romanize_word(m.term.zh):  # a whole place, not a slot's name
                add(m.term.zh, "place", m.term.en)
        for org in _org_candidates(text):
            # A known body with a word before it (经|中央纪委) is no new organisation.
            start = text.find(org)
            if not any(start < m.start < start + len(org) <= m.end for m in glossary_matches):
                add(org, "org", draft_org_english(org, glossary))
    order = {zh: i for i, zh in enumerate(counts)}
    ranked = sorted(counts, key=lambda zh: (-counts[zh], order[zh]))
    if limit is not None:
        ranked = ranked[:limit]
    return [Suggestion(zh, kinds[zh], counts[zh], english.get(zh, "")) for zh in ranked]


def draft_org_english(zh: str, glossary: Glossary) -> str:
    """A draft English for an organisation by its suffix: the glossary's English of the places and bodies
    its name starts with, the rest romanised word by word, then the suffix in English (潍坊市人民医院
    "Weifang People's Hospital", 潍坊海晟新材料有限公司 "Weifang Haisheng Xincailiao Co., Ltd.")."""
    suffix_en = ""
    stem = zh
    for suffix, en in ORG_SUFFIX_ENGLISH:
        if zh.endswith(suffix) and len(zh) > len(suffix):
            stem, suffix_en = zh[: -len(suffix)], en
            break
    parts, pos = [], 0
    for m in glossary.match(stem):
        if m.start > pos:
            parts.extend(romanize_word(w) for w in words.cut(stem[pos:m.start]))
        en = bare_english(m.term.en) if m.term.type == "place" else re.sub(r"^the\s+", "", m.term.en)
        parts.append(en.replace("{place}", "").strip())
        pos = m.end
    if pos < len(stem):
        parts.extend(romanize_word(w) for w in words.cut(stem[pos:]))
    return " ".join(p for p in parts + [suffix_en] if p)


def suggestions_tsv(suggestions: list[Suggestion]) -> str:
    """The suggestions as a glossary TSV for review: header, one row each, the note ``draft: review``."""
    rows = [format_row(Term(s.zh, s.en, _glossary_type(s.kind), note=DRAFT_NOTE)) for s in suggestions]
    return HEADER + "\n" + "".join(row + "\n" for row in rows)


def _glossary_type(kind: str) -> str:
    return {"title": "term", "slogan": "slogan", "person": "person", "place": "place", "org": "org"}.get(kind, "term")
