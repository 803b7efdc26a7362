"""Stage: find glossary terms, person names and places in every segment.

Needs: segmented Edition (``Segment.text_key`` is what is matched).
Adds:
- ``Segment.terms``: non-overlapping TermHits over ``text_key``, in text order;
  ``en`` is the rendering the English must hold (place slot filled, name
  romanised), ``source`` the glossary row ("glossary/hengyang.tsv:12"),
  "pinyin" for a romanised name or "rule" for a place romanised by rule.
- ``Edition.place`` when it was None: from the paper's name (衡阳晚报 -> Hengyang,
  湖南日报 -> Hunan) or the city the page names most often.
- ``Edition.names``: every person name found, ``{zh, en, how, count}``, and
  ``Edition.places``: every place romanised by rule, ``{zh, en, count}``, for a
  translator to confirm.

Place slots (``bilingual.terms.places.render_matches``): a place written right
before a slotted term fills its slot (株洲市委书记 -> "Secretary of the CPC Zhuzhou
Municipal Committee"), and then fills the slots of the same level later in the
sentence (、市长 -> "Mayor of Zhuzhou"); the edition's place fills only slots of its
own level (on a Hunan page 省委书记 is "... Hunan Provincial Committee", 市长 is
"Mayor"); any other slot is dropped.

Title + name: where a title (or a chain of titles joined by 、) directly precedes
a name and the pair is the subject of the sentence - at its start, or after a
time phrase such as "8月18日上午，" - the pair becomes one hit rendered in the
English apposition: 市委书记刘越高率… -> "Liu Yuegao, Secretary of the CPC
Hengyang Municipal Committee, ...". Anywhere else (inside a longer noun phrase
such as 国开行湖南分行副行长张伟) title and name stay separate hits.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Edition, Segment, TermHit
from ..terms.glossary import Glossary, bare_english
from ..terms.names import NameMatch, find_known_names, find_names
from ..terms.places import PlaceName, english_level, place_level, render_matches, with_rule_places

# A time phrase that may open a sentence before its subject: 8月18日上午， / 2023年5月， / 当天，
_TIME_PREFIX = re.compile(
    r"^(?:[0-9０-９一二三四五六七八九十〇零两]+(?:年|月|日|号|时|点|分)?|[—\-–~～至到]"
    r"|上午|下午|中午|晚上|早上|凌晨|傍晚|当天|当日|今天|昨天|近日|日前|目前|此前|随后|同日)*[，,、\s]*$")
_CLAUSE_END = set("，。；：！？,.;:!?、）)」”\"")
PAPER_SUFFIXES = ("晚报", "日报", "都市报", "早报", "新闻", "报")
STRONG_NAMES = ("latin", "dotted", "tibetan")  # name rules whose reading beats the glossary's


def find_terms(edition: Edition, glossary: Glossary) -> Edition:
    """Fill ``Segment.terms`` for every segment, ``edition.place`` if unset, ``edition.names`` and
    ``edition.places``. Returns the same edition.
    """
    segments = list(edition.segments())
    if edition.place is None:
        place = guess_place(edition, glossary)
        edition.place = place.en if place is not None else None
    else:  # given by the user: its level is the highest the glossary lists it at (unknown: every level)
        place = PlaceName("", edition.place, english_level(edition.place, glossary))
    # Pass 1: names found by rule anywhere on the page are then recognised in every segment
    # (宋征 is found after 党委书记 in one paragraph and stands alone in the next).
    found_by_rule: dict[str, NameMatch] = {}
    per_segment: dict[int, list[NameMatch]] = {}
    for seg in segments:
        names = find_names(seg.text_key, glossary)
        per_segment[id(seg)] = names
        for n in names:
            found_by_rule.setdefault(n.zh, n)
    everywhere = {zh: n.en for zh, n in found_by_rule.items()}
    for n in list(found_by_rule.values()):  # 古特雷斯 after 安东尼奥·古特雷斯（António Guterres）
        for zh, en in n.short:
            everywhere.setdefault(zh, en)
    counts: Counter = Counter()
    places: dict[str, dict] = {}
    for seg in segments:
        rule_places: list = []
        seg.terms = segment_hits(seg, glossary, place, per_segment[id(seg)], everywhere, rule_places)
        for hit in seg.terms:
            for zh in _person_parts(hit, everywhere):
                counts[zh] += 1
        for term in rule_places:
            entry = places.setdefault(term.zh, {"zh": term.zh, "en": term.en, "count": 0})
            entry["count"] += 1
    edition.names = [{"zh": zh, "en": n.en, "how": n.how, "count": counts[zh]}
                     for zh, n in found_by_rule.items() if counts[zh]]
    edition.places = list(places.values())
    return edition


def _person_parts(hit: TermHit, names: dict[str, str]) -> list[str]:
    if hit.type in ("person", "name"):
        return [zh for zh in names if hit.zh.endswith(zh)] or ([hit.zh] if hit.zh in names else [])
    return []


def segment_hits(seg: Segment, glossary: Glossary, place: PlaceName | str | None, names: list[NameMatch],
                 page_names: dict[str, str], rule_places: list | None = None) -> list[TermHit]:
    """The hits of one segment: glossary matches and places by rule (slots filled), then names in the gaps,
    then title+name appositions. ``place``: the edition's place (an English string counts for every level).
    ``rule_places``: when given, receives the Terms of the places romanised by rule (for ``Edition.places``).
    """
    if isinstance(place, str):
        place = PlaceName("", place, None)
    text = seg.text_key
    hits: list[TermHit] = []
    taken = bytearray(len(text))
    # A name the rules read over a listed person (谢宏越 over 谢宏) wins; so does a transliterated,
    # bracketed or Tibetan name over any term inside it, and a name right after a title over a shorter term
    # it starts with (市委书记韩国越表示: the secretary Han Guoyue, not 韩国 the ROK).
    rule_names = [n for n in names if n.how != "glossary"]
    matches = [m for m in glossary.match(text)
               if not any(n.start <= m.start and m.end <= n.end and n.end - n.start > m.end - m.start
                          and (m.term.type == "person" or n.how in STRONG_NAMES
                               or (n.how == "title" and m.start == n.start)) for n in rule_names)
               and not any(n.start < m.end and m.start < n.end and n.how in STRONG_NAMES for n in rule_names)]
    matches = with_rule_places(text, glossary, matches, [(n.start, n.end) for n in names if n.how != "glossary"])
    if rule_places is not None:
        rule_places.extend(m.term for m in matches if m.term.file == "rule")
    for r in render_matches(text, matches, glossary, place):
        hits.append(TermHit(text[r.start:r.end], r.en, r.term.type, r.start, r.end, source=r.source))
        taken[r.start:r.end] = b"\x01" * (r.end - r.start)
    others = names + find_known_names(text, page_names)
    for n in sorted(others, key=lambda n: (-(n.end - n.start), n.start)):
        if any(taken[n.start:n.end]):
            continue
        taken[n.start:n.end] = b"\x01" * (n.end - n.start)
        known = glossary.lookup(n.zh)
        if known is not None and known.type == "person":
            hits.append(TermHit(n.zh, known.en, "person", n.start, n.end, source=known.source))
        else:
            hits.append(TermHit(n.zh, n.en, "name", n.start, n.end, source="pinyin"))
    hits.sort(key=lambda h: h.start)
    return join_appositions(text, hits)


def join_appositions(text: str, hits: list[TermHit]) -> list[TermHit]:
    """Merge title(、title)* + name at the subject position into one hit "Name, Title and Title,"."""
    out: list[TermHit] = []
    i = 0
    while i < len(hits):
        j = i
        titles = [hits[i]] if hits[i].type == "title" else []
        # Chain of titles: 市委副书记、市长
        while titles and j + 1 < len(hits) and hits[j + 1].type == "title" and \
                text[hits[j].end:hits[j + 1].start] in ("、", ""):
            j += 1
            titles.append(hits[j])
        person = hits[j + 1] if titles and j + 1 < len(hits) else None
        if (person is not None and person.type in ("person", "name") and person.start == hits[j].end
                and is_subject_position(text, titles[0].start)):
            after = text[person.end:person.end + 1]
            trailing = "" if (not after or after in _CLAUSE_END) else ","
            en = f"{person.en}, {' and '.join(t.en for t in titles)}{trailing}"
            source = "+".join(h.source or "" for h in (*titles, person))
            out.append(TermHit(text[titles[0].start:person.end], en, person.type, titles[0].start, person.end,
                               source=source))
            i = j + 2
            continue
        out.append(hits[i])
        i += 1
    return out


def is_subject_position(text: str, start: int) -> bool:
    """Whether a phrase starting at ``start`` opens the sentence (nothing before it but a time phrase)."""
    prefix = text[:start].strip()
    return not prefix or bool(_TIME_PREFIX.match(prefix)) and prefix[-1:] in "，,"


def guess_place(edition: Edition, glossary: Glossary) -> PlaceName | None:
    """The edition's place: from the paper's name (衡阳晚报 -> Hengyang, a city; 湖南日报 -> Hunan, a
    province), else the city the page names most often."""
    if edition.paper:
        stem = edition.paper
        for suffix in PAPER_SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
                break
        place = _place_of(stem, glossary)
        if place is not None:
            return place
    counts: Counter = Counter()
    for seg in edition.segments():
        for m in glossary.match(seg.text_key):
            if m.term.type == "place":
                city = _city_english(m.term.zh, glossary)
                if city:
                    counts[city] += 1
    return PlaceName("", counts.most_common(1)[0][0], "city") if counts else None


def _place_of(stem: str, glossary: Glossary) -> PlaceName | None:
    """A province, autonomous region or city named ``stem`` (湖南, 衡阳), with its level."""
    level = place_level(stem, glossary)
    if level not in ("province", "city"):
        return None
    if level == "city":
        en = _city_english(stem, glossary)
    else:
        term = glossary.lookup(stem)
        en = bare_english(term.en) if term is not None and term.type == "place" else None
        if en is None:
            full = next((glossary.lookup(stem + s) for s in ("省", "自治区") if glossary.lookup(stem + s)), None)
            en = bare_english(full.en) if full is not None else None
    return PlaceName(stem, en, level) if en else None


def _city_english(zh: str, glossary: Glossary) -> str | None:
    """English for a city name (衡阳 or 衡阳市) when the glossary lists it as a place at city level."""
    base = zh[:-1] if zh.endswith("市") else zh
    city = glossary.lookup(base + "市")
    if city is None or city.type != "place":
        return None
    plain = glossary.lookup(base)
    en = plain.en if plain is not None and plain.type == "place" else city.en
    return re.sub(r"\s+City$", "", en)
