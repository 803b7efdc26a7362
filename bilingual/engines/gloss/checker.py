"""Which constructions a gloss left in Chinese order: a check independent of the transfer rules.

The check finds constructions in the *source* words by its own simple patterns over jieba's
tags, then looks at where the English of their parts ended up in the output (each English
piece records the index of the source word it glosses). It does not ask the rules what they
did, so a rule that fires on the wrong words, or not at all, shows up here.

A construction is left in Chinese order when:

``de-modifier``     A的N (A not an adjective or pronoun): the English of A comes before N's
``preposition``     对/向/为/给/与/就/把/被/由 X V: the English of X comes before V's
``localiser``       X期间/以来/后/时/前， at a clause's end: the localiser comes after X
``one-of``          X之一: "one of" comes after X
``part-of-day``     8月22日上午: the date comes before the part of day
``reporting``       X强调，… : the English keeps the comma after the reporting verb
``deng-list``       A、B等N: the list comes before N
``age``             现年N岁的X: the age comes before X
"""

from __future__ import annotations

from .english import Word

CONSTRUCTIONS = ("de-modifier", "preposition", "localiser", "one-of", "part-of-day", "reporting", "deng-list", "age")

_ADJECTIVAL = {"a", "ad", "b", "z", "d", "l", "i", "an", "ag", "mq", "q"}
_NOUNISH = {"n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "vn", "ph", "s", "j", "eng", "an", "m", "mo"}
_PRONOUNS = {"我", "我们", "他", "她", "他们", "她们", "其", "你", "你们", "它", "它们", "自己", "咱们"}
_PREPOSITIONS = {"对", "向", "为", "给", "与", "同", "跟", "就", "把", "被", "由", "对于"}
_LOCALISERS = {"期间", "以来", "后", "之后", "以后", "前", "之前", "以前", "时", "之际"}
_OPENERS = {"在", "自", "从", "当", "于"}
_PARTS_OF_DAY = {"上午", "下午", "晚上", "早上", "中午", "凌晨", "傍晚", "晚间", "夜间", "早晨"}
_REPORTING = {"强调", "指出", "表示", "说", "认为", "提出", "介绍", "要求", "希望", "强调指出"}
_BREAKS = {"，", ",", "。", ".", "；", ";", "：", ":", "！", "!", "？", "?"}


def _noun(word: Word) -> bool:
    return word.tag in _NOUNISH or word.tag.startswith("n")


def _verb(word: Word) -> bool:
    return word.tag.startswith("v") and word.tag != "vn" and word.zh not in {"是", "有"}


def positions(output: list[Word]) -> dict[int, int]:
    """Source word index -> position of its first English piece in the output."""
    where: dict[int, int] = {}
    n = 0
    for word in output:
        for piece in word.pieces:
            if piece.text and piece.src >= 0:
                where.setdefault(piece.src, n)
            n += 1
    return where


def find_constructions(source: list[Word]) -> list[tuple[str, int, int]]:
    """(construction, index that must come first in English, index that must come later) in the source."""
    found: list[tuple[str, int, int]] = []
    n = len(source)
    for k, word in enumerate(source):
        zh = word.zh
        before = source[k - 1] if k else None
        after = source[k + 1] if k + 1 < n else None
        if zh == "的" and before is not None and after is not None and _noun(after) \
                and before.tag not in _ADJECTIVAL and before.zh not in _PRONOUNS and before.tag != "w" \
                and not (before.tag == "m" and "岁" in before.zh):
            found.append(("de-modifier", k + 1, k - 1))
        if zh in _PREPOSITIONS and word.tag in {"p", "x", "d"} and after is not None and _noun(after):
            j = k + 1
            while j < n and j - k <= 8 and (_noun(source[j]) or source[j].zh in {"、", "和", "与", "及"}):
                j += 1
            while j < n and source[j].tag in {"d", "ad"}:
                j += 1
            if j < n and (_verb(source[j]) or source[j].tag in {"i", "l"}):  # 表示感谢 is tagged an idiom
                found.append(("preposition", j, k + 1))
        if zh in _LOCALISERS and after is not None and after.zh in {"，", ","} and k > 0:
            start = k
            while start > 0 and source[start - 1].zh not in _BREAKS:
                start -= 1
            if start < k and not any(w.zh in _OPENERS for w in source[start:k]):
                found.append(("localiser", k, start))
        if zh == "之一" and before is not None and before.tag != "w":
            found.append(("one-of", k, k - 1))
        if zh in _PARTS_OF_DAY and before is not None and before.tag == "t" and before.zh[-1:] in "日号":
            found.append(("part-of-day", k, k - 1))
        if zh in _REPORTING and after is not None and after.zh in {"，", ","} and k + 2 < n \
                and source[k + 2].tag != "w":
            found.append(("reporting", k, k + 1))
        if zh in {"等", "等等"} and after is not None and _noun(after) and after.tag not in {"m", "mo"} \
                and any(w.zh == "、" for w in source[max(0, k - 8):k]):
            found.append(("deng-list", k + 1, k - 1))
        if zh == "现年" and k + 3 < n and "岁" in source[k + 1].zh and source[k + 2].zh == "的":
            found.append(("age", k + 3, k + 1))
    return found


def chinese_order(source: list[Word], output: list[Word]) -> list[str]:
    """The constructions of the source whose English is still in Chinese order (one name per occurrence)."""
    where = positions(output)
    texts = {piece.src: piece.text for word in output for piece in word.pieces if piece.src >= 0}
    left: list[str] = []
    for name, first, later in find_constructions(source):
        if name == "reporting":
            if texts.get(later, "") == ",":
                left.append(name)
            continue
        if name == "part-of-day" and not texts.get(first):
            continue  # merged into the date: "the morning of August 22"
        a, b = where.get(first), where.get(later)
        if a is None or b is None:
            continue  # one side has no English of its own (dropped or merged)
        if a > b:
            left.append(name)
    return left
