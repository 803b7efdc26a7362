"""Stage: quality flags on every translated segment.

Needs: segments with ``en`` (and ``terms``/``score`` where the engine gives them).
Adds: ``Segment.flags`` strings, each a cheap check a reviewer can act on:

``missed-term``     a glossary term or name found in the Chinese is not rendered in the English
``number-mismatch`` the Arabic numbers and 万/亿 amounts of the source and the English differ
``untranslated``    Chinese left in the English, or the English is empty or a copy of the source
``repetition``      the English loops (an n-gram repeated, the classic runaway-decoder failure)
``length-ratio``    the English is far too short or too long for the Chinese
``low-score``       the engine's own score for the chosen hypothesis is low
``review-vs-glossary`` a person's English does not render a term of the current glossary (set by the
                    translate stage; a person's English gets no other flag and is never changed)
"""

from __future__ import annotations

import re

from ..model import FLAGS, Edition, Segment
from ..zh.numerals import chinese_numeral_value
from ..zh.script import HAN
from .translate import verify_segment

# English characters per Chinese character. News prose runs about 2.5-3.5; the
# bounds are wide so only truncated or runaway output trips them.
MIN_LENGTH_RATIO = 0.9
MAX_LENGTH_RATIO = 9.0
MIN_CHARS_FOR_RATIO = 6  # short heads ("本报讯") vary too much to judge
# CTranslate2 scores are log-probabilities averaged over tokens: fluent output
# is above about -0.8; below this the model was guessing.
LOW_SCORE = -1.5
REPEAT_NGRAM_MAX = 6
REPEAT_TIMES = 3  # an n-gram this many times in a row is a loop

_ZH_NUMBER = re.compile(r"(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(万亿|亿|万)?")
_ZH_HAN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+(万亿|亿|万)?")
_ZH_MONTH = re.compile(r"(\d{1,2})\s*月")
_EN_NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)(?:st|nd|rd|th)?\s*(thousand|million|billion|trillion)?",
                        re.IGNORECASE)
_EN_WORD_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ZH_SCALE = {"万": 1e4, "亿": 1e8, "万亿": 1e12}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_MONTH_NUMBER = {m[:3]: i for i, m in enumerate(_MONTHS, 1)}
# Capitalised month names and abbreviations ("Aug.", "Sept"); "May" the verb is lower-case mid-sentence.
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b")


def source_numbers(zh: str) -> tuple[list[float], set[float]]:
    """Numbers the English must carry (Arabic numerals, with 万/亿 applied) and numbers it may carry.

    "May carry" adds Chinese numerals (十批 -> 10) and month numbers, which
    English often writes as words or month names.
    """
    required = []
    for digits, scale in _ZH_NUMBER.findall(zh):
        value = float(digits.replace(",", "").replace("，", ""))
        required.append(value * _ZH_SCALE.get(scale, 1))
    allowed = set(required)
    for m in _ZH_HAN_NUMBER.finditer(zh):
        value = chinese_numeral_value(m.group(0).removesuffix(m.group(1) or ""))
        if value:
            allowed.add(float(value) * _ZH_SCALE.get(m.group(1) or "", 1))
    return required, allowed


def english_numbers(en: str) -> list[float]:
    """Numbers written in the English, scale words applied (2.5 billion -> 2.5e9) and month names as numbers."""
    values = []
    for digits, scale in _EN_NUMBER.findall(en):
        values.append(float(digits.replace(",", "")) * _EN_WORD_SCALE.get(scale.lower(), 1))
    for m in _MONTH_NAME.finditer(en):
        values.append(float(_MONTH_NUMBER[m.group(1)[:3]]))
    return values


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def numbers_match(zh: str, en: str) -> bool:
    """Every required source number appears in the English, and every English number is accounted for."""
    required, allowed = source_numbers(zh)
    months = {float(m) for m in _ZH_MONTH.findall(zh)}
    found = english_numbers(en)
    for value in required:
        if value in months:  # "8月" may come out as "August"
            continue
        if not any(_close(value, f) for f in found):
            return False
    return all(any(_close(f, a) for a in allowed | months) for f in found)


def is_untranslated(zh: str, en: str | None) -> bool:
    if not zh.strip() or not HAN.search(zh):
        return False
    return not en or not en.strip() or bool(HAN.search(en)) or en.strip() == zh.strip()


def has_repetition(en: str) -> bool:
    """True when the English loops: an n-gram (1..6 words) repeated 3 times in a row, or a character run."""
    words = re.findall(r"\w+|[^\w\s]", en.casefold())
    for n in range(1, REPEAT_NGRAM_MAX + 1):
        for start in range(0, len(words) - n * REPEAT_TIMES + 1):
            gram = words[start:start + n]
            if all(words[start + k * n:start + (k + 1) * n] == gram for k in range(1, REPEAT_TIMES)):
                if n == 1 and not gram[0].isalnum():  # "..." or "!!!" is punctuation, not a loop
                    continue
                return True
    # Unspaced runs (CJK left in, "路路路路") escape the word split.
    return bool(re.search(r"([^\W\d_]{1,8}?)\1{3,}", en))


def length_ratio_bad(zh: str, en: str) -> bool:
    han = len(HAN.findall(zh))
    if han < MIN_CHARS_FOR_RATIO or not en:
        return False
    ratio = len(en) / han
    return ratio < MIN_LENGTH_RATIO or ratio > MAX_LENGTH_RATIO


def flag_segment(segment: Segment, glossary=None, place: str | None = None) -> list[str]:
    """Recompute the quality flags of one segment (other flags are kept); returns the segment's flags."""
    zh, en = segment.text_key, segment.en or ""
    if segment.is_human:
        # A person's English is not checked like a machine's; only a glossary disagreement (set by the
        # translate stage) is kept for the reviewer.
        segment.flags = [f for f in segment.flags if f not in FLAGS or f == "review-vs-glossary"]
        return segment.flags
    segment.flags = [f for f in segment.flags if f not in FLAGS]  # stale if the English changed
    if segment.terms:
        unverified = [h for h in segment.terms if h.status == "found"]
        if unverified:  # translated outside our translate stage: verify here
            missing = verify_segment(segment, glossary, place)
            for i, hit in enumerate(segment.terms):
                if hit.status == "found":
                    hit.status = "missed" if i in missing else "verified"
        if any(h.status == "missed" for h in segment.terms):
            segment.flag("missed-term")
    if is_untranslated(zh, segment.en):
        segment.flag("untranslated")
    if en and not numbers_match(zh, en):
        segment.flag("number-mismatch")
    if en and has_repetition(en):
        segment.flag("repetition")
    if length_ratio_bad(zh, en):
        segment.flag("length-ratio")
    if segment.score is not None and segment.score < LOW_SCORE:
        segment.flag("low-score")
    return segment.flags


def flag_quality(edition: Edition, glossary=None) -> Edition:
    """Flag every segment of the edition (see the module docstring); returns the same edition."""
    for segment in edition.segments():
        flag_segment(segment, glossary, edition.place)
    return edition
