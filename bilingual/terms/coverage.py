"""Glossary coverage of pages, and suggestions for terms the glossary still lacks.

``term_coverage``: which glossary terms occur in the given texts and how often.
``suggest_terms``: candidates not in the glossary, ranked by frequency: quoted
slogans “…”, 《》 titles, names after titles and in lists and bylines (the rules
of ``bilingual.terms.names``), and organisation names ending in 局 委 厅 办 行
公司 集团 大学 (runs of nouns and place names found by jieba).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..zh import words
from ..zh.pinyin import romanize_name
from ..zh.script import all_han
from .glossary import Glossary, Term
from .names import find_names

ORG_SUFFIXES = ("集团", "公司", "大学", "局", "委", "厅", "办", "行")
_QUOTED = re.compile(r"“([^“”]{2,30})”")
_BOOK_TITLE = re.compile(r"《([^《》]{2,40})》")
# jieba tags that may make up an organisation's name: place, organisation, other proper noun, noun, abbreviation.
_ORG_PART_TAGS = ("ns", "nt", "nz", "n", "j", "vn", "nrt")
# Common words that end in an organisation suffix but name no organisation (格局 "pattern", 大厅 "hall").
_NOT_ORG_ENDINGS = {"格局", "大局", "布局", "结局", "全局", "当局", "局", "客厅", "大厅", "餐厅", "展厅", "厅",
                    "一行", "同行", "步行", "航行", "发行", "行", "办", "委"}


@dataclass(frozen=True)
class Suggestion:
    zh: str
    kind: str  # slogan|title|person|org
    count: int
    en: str = ""  # a romanisation for names; empty where a person must translate


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
        else:
            run = []
    # Keep only the longest phrase of each run (衡阳市统计局, not also 市统计局).
    return [p for p in found if not any(p != q and q.endswith(p) or q.startswith(p) and p != q for q in found)]


def suggest_terms(texts: list[str], glossary: Glossary, limit: int | None = None) -> list[Suggestion]:
    """Candidates the glossary lacks, ranked by frequency (then first appearance)."""
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
        matched = [text[m.start:m.end] for m in glossary.match(text)]
        for m in _QUOTED.finditer(text):
            add(m.group(1), "slogan")
        for m in _BOOK_TITLE.finditer(text):
            add(m.group(1), "title")
        for n in find_names(text, glossary):
            if n.how != "glossary":
                add(n.zh, "person", romanize_name(n.zh))
        for org in _org_candidates(text):
            add(org, "org")
    order = {zh: i for i, zh in enumerate(counts)}
    ranked = sorted(counts, key=lambda zh: (-counts[zh], order[zh]))
    if limit is not None:
        ranked = ranked[:limit]
    return [Suggestion(zh, kinds[zh], counts[zh], english.get(zh, "")) for zh in ranked]
