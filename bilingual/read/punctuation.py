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
# The common case, done by the regex engine: a mark right after Chinese with no space after it.
# (The general rules below give the same answer there; this only saves time.)
_AFTER_CHINESE = re.compile(
    r"(?<=[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…·])[,:;?!](?!\s)")
# Han characters, kana and CJK punctuation (including full-width forms and curly quotes used in Chinese).
_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…·]")


def is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK.match(ch) is not None


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest non-space character from ``i`` in direction ``step`` ('' at the edge)."""
    i += step
    while 0 <= i < len(text):
        ch = text[i]
        if not ch.isspace():
            return ch
        i += step
    return ""


def fullwidth_punctuation(text: str) -> tuple[str, int]:
    """``text`` with half-width ``, : ; ? ! ( )`` in Chinese context made full-width; and how many were changed.

    A mark is in Chinese context when the nearest non-space character before or after it is
    Chinese (Han, kana or CJK punctuation), except ``,`` and ``:`` between two digits. A ``)``
    follows its ``(``: converted if and only if the ``(`` was (or, unmatched, if Chinese is next to it).
    """
    text, quick = _AFTER_CHINESE.subn(lambda m: FULLWIDTH[m.group()], text)
    matches = [m.start() for m in _HALFWIDTH.finditer(text)]
    if not matches:
        return text, quick
    converted: list[int] = []
    open_brackets: list[bool] = []
    for i in matches:
        ch = text[i]
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        chinese = is_cjk(before) or is_cjk(after)
        if ch == "(":
            open_brackets.append(chinese)
        elif ch == ")":
            if open_brackets:
                chinese = open_brackets.pop()
        elif ch in ",:" and before.isdigit() and after.isdigit() and text[i - 1].isdigit():
            chinese = False
        if chinese:
            converted.append(i)
    if not converted:
        return text, quick
    converted_set = set(converted)
    # Spaces between a converted mark and Chinese (or another converted mark) are dropped.
    drop: set[int] = set()
    n = len(text)
    for i in converted:
        for step in (-1, 1):
            k = i + step
            run = []
            while 0 <= k < n and text[k] in " \t\u3000":
                run.append(k)
                k += step
            if run and 0 <= k < n and (k in converted_set or is_cjk(text[k])):
                drop.update(run)
    out = []
    start = 0
    for k in sorted(converted_set | drop):
        out.append(text[start:k])
        if k in converted_set:
            out.append(FULLWIDTH[text[k]])
        start = k + 1
    out.append(text[start:])
    return "".join(out), quick + len(converted)
