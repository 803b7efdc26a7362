"""Chinese punctuation: half-width marks inside Chinese text become full-width.

Layout programs and PDF extraction often leave ``, : ; ? ! ( )`` half-width between
Chinese characters. The published Chinese uses the full-width forms; numbers (``3,500``,
``10:30``) and Latin text (``Hello, world``) keep theirs. Each replacement is one
character for one character, except that spaces between Chinese and a mark made
full-width are dropped (``衡阳晚报讯 (记者`` -> ``衡阳晚报讯（记者``): full-width marks
carry their own spacing.
"""

from __future__ import annotations

import re

FULLWIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALFWIDTH = re.compile(r"[,:;?!()]")
# Han characters, kana and CJK punctuation (including full-width forms and curly quotes used in Chinese).
_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…·]")


def is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK.match(ch) is not None


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest non-space character from ``i`` in direction ``step`` ('' at the edge)."""
    i += step
    while 0 <= i < len(text):
        if not text[i].isspace():
            return text[i]
        i += step
    return ""


def fullwidth_punctuation(text: str) -> tuple[str, int]:
    """``text`` with half-width ``, : ; ? ! ( )`` in Chinese context made full-width; and how many were changed.

    A mark is in Chinese context when the nearest non-space character before or after it is
    Chinese (Han, kana or CJK punctuation), except ``,`` and ``:`` between two digits. A ``)``
    follows its ``(``: converted if and only if the ``(`` was (or, unmatched, if Chinese is next to it).
    """
    if not _HALFWIDTH.search(text):
        return text, 0
    chars = list(text)
    converted: set[int] = set()
    open_brackets: list[tuple[int, bool]] = []
    for m in _HALFWIDTH.finditer(text):
        i = m.start()
        ch = text[i]
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        chinese = is_cjk(before) or is_cjk(after)
        if ch == "(":
            open_brackets.append((i, chinese))
        elif ch == ")":
            if open_brackets:
                _, chinese = open_brackets.pop()
        elif ch in ",:" and before.isdigit() and after.isdigit() and text[i - 1:i].isdigit():
            chinese = False
        if chinese:
            chars[i] = FULLWIDTH[ch]
            converted.add(i)
    if not converted:
        return text, 0
    # Drop spaces between a converted mark and Chinese on either side.
    out = []
    n = len(chars)
    for i, ch in enumerate(chars):
        if ch in " \t\u3000":
            j = i
            while j > 0 and chars[j - 1] in " \t\u3000":
                j -= 1
            k = i
            while k + 1 < n and chars[k + 1] in " \t\u3000":
                k += 1
            left = j - 1 if j > 0 else None
            right = k + 1 if k + 1 < n else None
            if (left in converted and right is not None and (right in converted or is_cjk(chars[right]))) or \
               (right in converted and left is not None and (left in converted or is_cjk(chars[left]))):
                continue
        out.append(ch)
    return "".join(out), len(converted)
