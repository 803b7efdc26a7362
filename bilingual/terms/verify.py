"""Verification: given a Chinese sentence and its English, which glossary terms and names held.

One function, ``verify_terms``, is used everywhere: by the translate stage after
decoding, by the quality report, and by the glossary's property test.

A term counts as rendered when its English target or one of its listed variants
is in the English, compared case-insensitively, ignoring punctuation and the
articles a/an/the, and with a ``{place}`` slot matching the edition's place, or
any one to three words when the place is not known, or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..zh.pinyin import romanize_name
from .glossary import PLACE_SLOT, Glossary, Term, fill_place, normalise_key

_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_NOT_WORD = re.compile(r"[^\w{}]+")


@dataclass(frozen=True)
class VerifiedTerm:
    """A term or name that occurred in the Chinese, with the English it should render as."""

    zh: str
    en: str  # rendered target (place slot filled when the place is known)
    type: str
    start: int
    end: int
    source: str | None = None  # "glossary/hengyang.tsv:12", "pinyin" ...
    term: Term | None = None


@dataclass
class Verification:
    """What ``verify_terms`` found: every list holds VerifiedTerm records, in Chinese text order."""

    occurred: list[VerifiedTerm] = field(default_factory=list)
    rendered: list[VerifiedTerm] = field(default_factory=list)
    missed: list[VerifiedTerm] = field(default_factory=list)
    forbidden: list[VerifiedTerm] = field(default_factory=list)  # forbidden renderings present in the English

    @property
    def ok(self) -> bool:
        return not self.missed and not self.forbidden

    @property
    def share_rendered(self) -> float:
        """Rendered / occurred (1.0 when nothing occurred)."""
        return len(self.rendered) / len(self.occurred) if self.occurred else 1.0


def normalise_english(text: str) -> str:
    """Casefolded words separated by single spaces, articles and punctuation removed, padded with spaces."""
    text = _NOT_WORD.sub(" ", text.casefold().replace("'s", "").replace("’s", ""))
    text = _ARTICLES.sub(" ", text)
    return " " + " ".join(text.split()) + " "


@lru_cache(maxsize=8192)
def english_pattern(english: str, place: str | None) -> re.Pattern:
    """A pattern over ``normalise_english`` text that finds ``english`` with its place slot handled.

    Kept for the process: every sentence asks for the patterns of the terms it holds, and a glossary has more forms
    than ``re``'s own cache of 512 compiled patterns (which then compiles them again and again)."""
    if PLACE_SLOT in english and place:
        english = fill_place(english, place)
    words = normalise_english(english).split()
    parts = []
    for w in words:
        if w == PLACE_SLOT:
            parts.append(r"(?:\w+ ){0,3}")  # the place, of up to three words, or none at all
        else:
            parts.append(re.escape(w) + " ")
    return re.compile(" " + "".join(parts))


def english_forms(term: Term) -> list[str]:
    """The target, its variants, and the target with the slot dropped."""
    forms = [term.en, *term.variants]
    if PLACE_SLOT in term.en:
        forms.append(fill_place(term.en, None))
    return forms


def is_rendered(forms: list[str], english_normalised: str, place: str | None) -> bool:
    return any(f.strip() and english_pattern(f, place).search(english_normalised) for f in forms)


def _name_record(name) -> tuple[str, str, str | None]:
    if isinstance(name, dict):
        return name.get("zh") or "", name.get("en") or "", name.get("source") or name.get("how")
    return getattr(name, "zh", ""), getattr(name, "en", ""), getattr(name, "source", None) or getattr(name, "how", None)


_SEPARATORS = set("、，, ")


def _verify_apposition(result: Verification, zh: str, start: int, end: int, en: str, source: str | None,
                       english: str, place: str | None, glossary: Glossary | None) -> None:
    """A title + name hit of the terms stage (市委书记刘越高 -> "Liu Yuegao, Secretary of ...,") in ``names``.

    Its glossary parts were checked one by one; when they lie wholly inside it, they are replaced by
    one record for the whole hit, rendered if its English is present as a whole or if every part is
    (the titles and the name, which is the part no glossary term covers, romanised or looked up).
    """
    parts = [r for r in result.occurred if start <= r.start and r.end <= end]
    if not parts or any(r.start < end and r.end > start and r not in parts for r in result.occurred):
        return
    covered = set()
    for r in parts:
        covered.update(range(r.start, r.end))
    rest = "".join(ch for i, ch in enumerate(zh[start:end], start) if i not in covered and ch not in _SEPARATORS)
    rest_rendered = True
    if rest:
        known = glossary.lookup(rest) if glossary is not None else None
        rest_rendered = is_rendered([known.en if known is not None else romanize_name(rest)], english, place)
    whole = is_rendered([en], english, place) or (rest_rendered and all(r in result.rendered for r in parts))
    for r in parts:
        for lst in (result.occurred, result.rendered, result.missed):
            if r in lst:
                lst.remove(r)
    record = VerifiedTerm(zh[start:end], en, "person", start, end, source)
    result.occurred.append(record)
    (result.rendered if whole else result.missed).append(record)


def verify_terms(zh: str, en: str, glossary: Glossary, place: str | None = None, names: list = ()) -> Verification:
    """Check the English ``en`` of the Chinese ``zh`` against the glossary and the given names.

    ``names`` are person names found elsewhere (NameMatch, TermHit or dicts with
    zh and en); each that occurs in ``zh`` and is not a glossary match is checked
    too. A title + name hit of the terms stage among them (市委书记刘越高) replaces
    its glossary parts by one record. Forbidden rows whose Chinese occurs and whose English is present are
    reported in ``forbidden``.
    """
    result = Verification()
    english = normalise_english(en or "")
    matches = glossary.match(zh) if glossary is not None else []
    covered = bytearray(len(zh))
    for m in matches:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
        record = VerifiedTerm(zh[m.start:m.end], fill_place(m.term.en, place), m.term.type, m.start, m.end,
                              m.term.source, m.term)
        result.occurred.append(record)
        (result.rendered if is_rendered(english_forms(m.term), english, place) else result.missed).append(record)
    seen = set()
    records = [_name_record(name) for name in names]
    for name_zh, name_en, source in sorted(records, key=lambda r: -len(r[0])):
        if not name_zh or not name_en or name_zh in seen:
            continue
        seen.add(name_zh)
        for hit in re.finditer(re.escape(name_zh), zh):
            if any(covered[hit.start():hit.end()]):
                _verify_apposition(result, zh, hit.start(), hit.end(), name_en, source, english, place, glossary)
                continue
            covered[hit.start():hit.end()] = b"\x01" * len(name_zh)
            record = VerifiedTerm(name_zh, name_en, "person", hit.start(), hit.end(), source)
            result.occurred.append(record)
            (result.rendered if is_rendered([name_en], english, place) else result.missed).append(record)
    if glossary is not None and glossary.forbidden:
        key = normalise_key(zh)
        for term in glossary.forbidden:
            start = key.find(normalise_key(term.zh))
            if start >= 0 and is_rendered([term.en], english, place):
                result.forbidden.append(VerifiedTerm(term.zh, fill_place(term.en, place), term.type, start,
                                                     start + len(term.zh), term.source, term))
    for lst in (result.occurred, result.rendered, result.missed, result.forbidden):
        lst.sort(key=lambda r: r.start)
    return result
