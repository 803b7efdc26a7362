"""Text as it is set in print, and the dates of the masthead. Only for display: the writers call these
on the way out, and the model's text (what the memory, TMX and XLIFF hold) is never changed.

``english_typography``: curly quotes, nested quotes alternating (“ ‘ ’ ”), apostrophes, en dashes in
number ranges ("August 17–18"), one space between words and sentences, no space before a comma.
``keep_last_characters`` / ``keep_last_words``: no line of one Chinese character (or one short
English word) at the end of a paragraph or a headline deck.
"""

from __future__ import annotations

import re
from datetime import date

from ..zh.script import HAN_RANGES

_WHITESPACE = re.compile(r"\s{2,}|[\t\r\n]")  # one space between words and sentences
_LOOSE = re.compile(r" +(?=[,;:!?)\]]|\.(?!\.))|(?<=[(\[]) +")  # "word ," and "( word" as engines write them
# A number range: 17-18, 2020—2023, 8–10 (not a date such as 2023-08-19, nor COVID-19).
_RANGE = re.compile(r"(?<![\w\-–—./])(\d{1,4})(?:-|\s?[–—]\s?)(\d{1,4})(?![\w\-–—/])")
_OPENS_BEFORE = set(" \t\n([{\u2014\u2013-/\u201c\u2018") | {""}
_DOUBLE, _SINGLE = ("\u201c", "\u201d"), ("\u2018", "\u2019")


def english_typography(text: str | None) -> str:
    """``text`` with print typography (see the module docstring); None and "" give ""."""
    if not text:
        return ""
    text = _LOOSE.sub("", _WHITESPACE.sub(" ", text).strip())
    text = _RANGE.sub("\\1\u2013\\2", text)
    return _curl_quotes(text)


def _curl_quotes(text: str) -> str:
    """Straight and curly quotes as balanced curly ones. A quote at the top level keeps its kind (double
    or single); a quote opened inside another takes the other kind, and so on alternately ("we will "build"
    it" -> “we will ‘build’ it”). An apostrophe in or at the end of a word is ’, and so is a single quote
    that never closes (it was an apostrophe: '90s)."""
    # Pass 1: what each mark is, and which opening mark each closing one closes.
    roles: dict[int, str] = {}  # index in text -> "apostrophe", "open", "close" or "stray"
    partner: dict[int, int] = {}  # closing index -> opening index
    stack: list[tuple[str, int]] = []  # open quotes: (kind '"' or "'", index)
    for i, ch in enumerate(text):
        if ch not in "\"\u201c\u201d'\u2018\u2019":
            continue
        kind = '"' if ch in "\"\u201c\u201d" else "'"
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if kind == "'" and before.isalnum() and (after.isalnum() or not any(k == "'" for k, _ in stack)):
            roles[i] = "apostrophe"  # Hengyang's, don't, the 1990s'
        elif ch in "\u201c\u2018" or (ch in "\"'" and before in _OPENS_BEFORE and after.strip()
                                       and (kind == '"' or after.isalnum())):
            roles[i] = "open"
            stack.append((kind, i))
        elif any(k == kind for k, _ in stack):
            while stack[-1][0] != kind:  # a quote left open inside this one is not a quote
                stack.pop()
            roles[i] = "close"
            partner[i] = stack.pop()[1]
        else:
            roles[i] = "stray"
    closed = set(partner.values())
    # Pass 2: styles by nesting, counting only the pairs that close.
    out = list(text)
    styles: dict[int, str] = {}
    nesting: list[str] = []
    for i in sorted(roles):
        kind = '"' if text[i] in "\"\u201c\u201d" else "'"
        role = roles[i]
        if role == "open" and i in closed:
            style = kind if not nesting else ("'" if nesting[-1] == '"' else '"')
            styles[i] = style
            nesting.append(style)
            out[i] = _DOUBLE[0] if style == '"' else _SINGLE[0]
        elif role == "close":
            style = styles[partner[i]]
            nesting.pop()
            out[i] = _DOUBLE[1] if style == '"' else _SINGLE[1]
        elif role == "open" and kind == '"':  # never closed: still an opening quote
            out[i] = _DOUBLE[0]
        else:
            out[i] = _DOUBLE[1] if kind == '"' else "\u2019"
    return "".join(out)


WORD_JOINER = "\u2060"  # no break here; invisible, and text extraction (pdftotext, copy) leaves it out
_LAST_HAN = re.compile(f"(?<=\\S)(?=[{HAN_RANGES}][^{HAN_RANGES}]*$)")
_LAST_WORDS = re.compile(r"(\S+) (\S+)$")
LAST_WORDS_CHARS = 16  # the last two words of a headline deck are kept on one line up to this length


def keep_last_characters(text: str) -> str:
    """Chinese that cannot end on a line of one character: a word joiner before its last Han character
    ("…更加美好。" breaks before 美 at the latest, "…人才18名。" before 18)."""
    return _LAST_HAN.sub(WORD_JOINER, text, count=1)


def keep_last_words(text: str) -> str:
    """English whose last line is never one short word: a no-break space between its last two words
    when they are short enough to share a line."""
    m = _LAST_WORDS.search(text)
    if m is None or len(m.group(1)) + len(m.group(2)) + 1 > LAST_WORDS_CHARS:
        return text
    return f"{text[:m.start()]}{m.group(1)}\u00a0{m.group(2)}"


_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
_WEEKDAYS_ZH = "一二三四五六日"


def parse_iso_date(value: str | None) -> date | None:
    """An ISO date (``2023-08-19``) as a date, or None when there is none or it is not one."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def english_date(day: date, weekday: bool = True) -> str:
    """``Saturday, 19 August 2023`` (``19 August 2023`` without the weekday), as a British paper dates."""
    text = f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{_WEEKDAYS_EN[day.weekday()]}, {text}" if weekday else text


def chinese_date(day: date, weekday: bool = True) -> str:
    """``2023年8月19日 星期六`` (without the weekday: ``2023年8月19日``), as a Chinese paper dates."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text} 星期{_WEEKDAYS_ZH[day.weekday()]}" if weekday else text
