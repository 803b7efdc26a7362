"""Stage: bylines and agency datelines in English news convention.

Needs: the terms stage run (the names in a byline are found and romanised there).
Adds: for every article's byline, its English (``Segment.en``), set here and never by
an engine: ``Segment.engine`` is ``"byline"`` and the translate stage leaves it alone.
Its ``terms`` become the dateline (type ``dateline``) and the names, each with the
English the byline holds, so the quality stage verifies them like any term.

The forms (Xinhua's house style for datelines; month names as Xinhua abbreviates them:
Jan. Feb. Aug. Sept. Oct. Nov. Dec., the others spelled out):

- an agency or paper dateline with a place: ``新华社北京8月18日电（记者 X、Y）`` ->
  "BEIJING, Aug. 18 (Xinhua) — By X and Y"; ``新华社拉萨电`` -> "LHASA (Xinhua) —";
  ``本报北京4月16日讯`` -> "BEIJING, April 16 (Economic Daily) —" (the edition's paper);
- a paper's byline without a place: ``衡阳晚报讯 (全媒体记者 陈润)`` -> "By Chen Run,
  Hengyang Evening News"; ``湖南日报1月22日讯（全媒体记者 唐甜）`` -> "By Tang Tian, Hunan
  Daily, Jan. 22";
- reporters only: ``记者 王小明 通讯员 李四`` -> "By Wang Xiaoming; correspondent Li Si".

The outlet's English: Xinhua, China News Service (中新社, 中新网), People's Daily, ... from a
short table of agency credits, else the glossary's (a paper's own English name), else by
rule (X日报 "X Daily", X晚报 "X Evening News"). 本报 is the edition's paper; when the page
does not name it, the paper whose English the file name spells (``economic-daily-2024-04-17``).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from ..model import Article, Edition, Provenance, Segment, TermHit
from ..read.page import match_byline
from ..terms.glossary import Glossary, bare_english
from ..terms.places import rule_place_english
from ..zh.pinyin import romanize_word

BYLINE_ENGINE = "byline"

# How agencies and their sites are credited in a dateline (Xinhua style), before the glossary's names.
CREDITS = {
    "新华社": "Xinhua", "新華社": "Xinhua", "新华网": "Xinhua", "新華網": "Xinhua",
    "中新社": "China News Service", "中国新闻社": "China News Service", "中新网": "China News Service",
    "中新網": "China News Service", "中国新闻网": "China News Service",
    "人民日报": "People's Daily", "人民日報": "People's Daily", "人民网": "People's Daily Online",
    "人民網": "People's Daily Online", "央视网": "CCTV", "央視網": "CCTV", "中央电视台": "CCTV",
}
# A paper or station not in the glossary: its place and what it is.
OUTLET_KINDS = (("都市报", "Metropolis Daily"), ("晚报", "Evening News"), ("日报", "Daily"), ("早报", "Morning Post"),
                ("商报", "Commercial News"), ("电视台", "TV"), ("广播电视台", "Radio and Television"), ("报", "News"))
MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
OWN_PAPER = ("本报", "本報")
# Roles in a byline and how English credits them (reporters are plain "By").
_REPORTER = re.compile(r"(?:本报|本報|全媒体|全媒體|融媒体|融媒體|见习|見習|特约|特約|首席|实习|實習)?[记記]者")
_ROLES = (("通讯员", "correspondent"), ("通訊員", "correspondent"), ("实习生", "intern"), ("實習生", "intern"),
          ("摄影", "photo"), ("攝影", "photo"))
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")


def render_bylines(edition: Edition, glossary: Glossary | None) -> Edition:
    """Set the English of every article's byline (see the module docstring); returns the same edition."""
    paper_en = paper_english(edition, glossary)
    for article in edition.articles:
        render_byline(article, glossary, paper_en)
    return edition


def render_byline(article: Article, glossary: Glossary | None, paper_en: str | None) -> None:
    seg = article.byline
    if seg is None or not seg.text_key.strip():
        return
    made = byline_english(seg, glossary, paper_en)
    if made is None:
        return
    seg.en, seg.terms = made
    seg.engine = BYLINE_ENGINE
    seg.origin = Provenance.machine(BYLINE_ENGINE)
    seg.score = None


def byline_english(seg: Segment, glossary: Glossary | None, paper_en: str | None
                   ) -> tuple[str, list[TermHit]] | None:
    """The English of a byline segment and its hits (dateline, names), or None when it is no byline."""
    text = seg.text_key.strip()
    offset = seg.text_key.index(text[:1]) if text else 0
    m = match_byline(text)
    if m is None:
        return None
    groups = {k: v for k, v in m.groupdict().items() if v is not None} if m.re.groupindex else {}
    outlet = groups.get("paper") or groups.get("outlet") or groups.get("agency")
    place_zh = groups.get("place") or groups.get("dplace") or groups.get("aplace") or ""
    date_zh = groups.get("date") or groups.get("ddate") or ""
    names = [h for h in seg.terms if h.type in ("person", "name")]
    credit = outlet_english(outlet, glossary, paper_en) if outlet else None
    place = place_english(place_zh, glossary).upper() if place_zh else ""
    date = date_english(date_zh) if date_zh else ""
    by = credits_line(text, names, offset)
    hits: list[TermHit] = []
    if outlet:
        head_end = text.index(outlet) + len(outlet) + len(place_zh) + len(date_zh) + 1  # ... 电 / 讯
        if place:
            dateline = f"{place}, {date}" if date else place
            dateline += f" ({credit})" if credit else ""
            en = f"{dateline} —" + (f" {by}" if by else "")
        else:
            dateline = ", ".join(p for p in (credit or ("Staff report" if outlet in OWN_PAPER else ""), date) if p)
            en = f"{by}, {dateline}" if by and dateline else (by or dateline)
        if dateline:
            hits.append(TermHit(text[:head_end], dateline, "dateline", offset, offset + head_end, source="byline"))
    else:
        en = by
    if not en:
        return None
    hits.extend(TermHit(h.zh, h.en, h.type, h.start, h.end, source=h.source) for h in names)
    return en, hits


def credits_line(text: str, names: list[TermHit], offset: int = 0) -> str:
    """ "By A and B; correspondent C" from the names in a byline and the roles written before them."""
    groups: dict[str, list[str]] = {}
    for hit in names:
        before = text[: hit.start - offset]
        role = "reporter"
        best = -1
        for m in _REPORTER.finditer(before):
            best = max(best, m.start())
        for zh, en in _ROLES:
            pos = before.rfind(zh)
            if pos > best:
                best, role = pos, en
        groups.setdefault(role, []).append(hit.en)
    parts = []
    for role, people in groups.items():
        joined = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
        if role == "reporter":
            parts.append(f"By {joined}")
        elif role == "photo":
            parts.append(f"Photo: {joined}")
        else:
            parts.append(f"{role}{'s' if len(people) > 1 else ''} {joined}")
    line = "; ".join(parts)
    return line[:1].upper() + line[1:] if line else ""


def date_english(zh: str) -> str:
    """ "8月18日" -> "Aug. 18" (Xinhua's month forms)."""
    m = _DATE.search(zh)
    if m is None or not 1 <= int(m.group(1)) <= 12:
        return ""
    return f"{MONTHS[int(m.group(1)) - 1]} {int(m.group(2))}"


def place_english(zh: str, glossary: Glossary | None) -> str:
    """A dateline's place: the glossary's (bare) English, else its romanisation."""
    term = glossary.lookup(zh) if glossary is not None else None
    if term is not None and term.type == "place":
        return bare_english(term.en)
    return bare_english(rule_place_english(zh))


def outlet_english(zh: str, glossary: Glossary | None, paper_en: str | None) -> str | None:
    """How a dateline credits its outlet: Xinhua, People's Daily, the edition's paper for 本报 ..."""
    if zh in OWN_PAPER:
        return paper_en
    if zh in CREDITS:
        return CREDITS[zh]
    term = glossary.lookup(zh) if glossary is not None else None
    if term is not None and term.type == "org":
        return re.sub(r"^the\s+", "", term.en)
    for kind, en in OUTLET_KINDS:
        if zh.endswith(kind) and len(zh) > len(kind):
            stem = zh[: -len(kind)]
            place = glossary.lookup(stem) if glossary is not None else None
            name = bare_english(place.en) if place is not None and place.type == "place" else romanize_word(stem)
            return f"{name} {en}"
    return romanize_word(zh)


def paper_english(edition: Edition, glossary: Glossary | None) -> str | None:
    """The English name of the edition's own paper (for 本报): the glossary's name of ``Edition.paper``,
    else the paper whose English name the file name spells (``economic-daily-2024-04-17.txt``)."""
    if edition.paper:
        return outlet_english(edition.paper, glossary, None)
    if glossary is None:
        return None
    stem = re.sub(r"[-_. ]?\d{4}[-_.]?\d{2}[-_.]?\d{2}.*$", "", PurePath(edition.source).stem).casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    if not slug:
        return None
    for term in glossary.terms:
        if term.type == "org" and term.zh.endswith(("报", "報")):
            english = re.sub(r"^the\s+", "", term.en)
            if re.sub(r"[^a-z0-9]+", "-", english.casefold()).strip("-") == slug:
                return english
    return None
