"""Person names in running text, romanised by ``bilingual.zh.pinyin.romanize_name``.

A Chinese name is only looked for where the context says a name comes: right after a
title or role (市长朱健, 总经理韩志强, 院士李德厚), and on along a 、 list after it
(大会执行主席汪承远、陈秋华、宋雅丽), in a list after 领导 (市领导胡丘陵、谢宏), in a byline
(记者 陈润), after a meeting verb (会见梅帅元一行), or where the glossary lists a person.
A surname character followed by ordinary words is not a name: the candidate must start
with a known surname, must not be a dictionary word of another kind (unless it is a whole
item of a list after a title: 院长高峰、), and must end where a clause goes on (punctuation,
a common verb or preposition such as 主持, 表示, 率, 在, or a title: 李德厚院士).

Names of other shapes are found wherever they stand:
- transliterated names with a middle dot (阿依古丽·买买提, 安东尼奥·古特雷斯), romanised part by part;
- any name followed by its original in Latin letters in brackets (安东尼奥·古特雷斯（António
  Guterres）, 洪玛奈（Hun Manet）): the whole span is the name, rendered once in the original;
  its last part alone (古特雷斯) is then the original's last word (Guterres) on the whole page;
- Tibetan names made of two common Tibetan name elements (次仁央宗, 扎西顿珠), romanised
  element by element (Ciren Yangzong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..zh import words
from ..zh.pinyin import COMPOUND_SURNAMES, SINGLE_SURNAMES, romanize_name, romanize_word
from ..zh.script import is_han

# Surname characters that right after a title are far more often ordinary words (和 "and", 向 "towards",
# 于 "at", 时 "when", 常 "often"): there they start a name only if the glossary lists the person. In a
# list after 领导 or in a byline, where only names stand, they are accepted.
AMBIGUOUS_SURNAMES = set("和向时常来国文明平公元全万应由于")
# Characters that never occur inside a name we would find by rule (向 and 为 do: 石向阳, 王为民).
NOT_IN_NAME = set("的地得着了在和是与及等对把被将从到也都就还又而之其这那个们说称表示并")

# What may follow a name: the clause goes on. Longest first so 参加 is tried before 参.
FOLLOW_WORDS = sorted(
    """主持 主持召开 带队 率 率领 率队 参加 出席 参与 会见 会谈 会晤 表示 强调 指出 要求 说 讲 介绍 汇报 调研
    考察 看望 慰问 赴 到 在 向 对 与 和 及 同 为 代表 等 一行 同志 先生 女士 分别 陪同 致辞 讲话 宣布 听取 了解
    前往 来到 深入 走访 检查 督导 暗访 出席会议 参加会议 召开 主讲 作 做 提出 希望 认为 介绍说 指导 讲授
    也 又 还 再次 首先 随后 一同 共同 专程 亲切 热情 是 就 已 曾 将 当选 任 担任 兼任 获 被 所 从 自
    书记 市长 主任 局长 表态 回答 通报 部署 发表 签署 签约 见证 揭牌 点评 批示 的
    当天 当日 今天 昨天 日前 近日 此前 随后 上午 下午 晚上 今年 近年 多次 一起 一道 共同 分别 亲自 专门 同样
    院士 教授 研究员 博士 主席 副主席 委员 代表 总理 部长 省长 县长 区长 镇长 乡长 院长 校长 董事长 总经理 经理
    厂长 所长 处长 科长 馆长 社长 台长 团长 队长 会长 秘书长 书记员 等人 夫妇 家人 来自 出生 毕业 现任 曾任""".split(),
    key=len, reverse=True,
)
PUNCTUATION = set("，。、；：！？,.;:!?（）()“”\"'‘’《》〈〉【】[]·—-…　 \n\t")

# Verbs whose object is usually a person: 会见梅帅元一行 (the strict surname and follow-word checks apply).
MEETING_VERBS = ("会见", "会晤", "接见", "陪同", "看望", "慰问")
LIST_LEADERS = ("市领导", "省领导", "县领导", "区领导", "领导", "负责人")
BYLINE_ROLES = ("全媒体记者", "融媒体记者", "实习记者", "特约记者", "首席记者", "记者", "通讯员", "实习生", "摄影",
                "编辑")
LIST_SEPARATORS = "、，, 　"


@dataclass(frozen=True)
class NameMatch:
    """A person name found in a text: ``text[start:end] == zh``; ``how`` says which rule found it."""

    start: int
    end: int
    zh: str
    en: str
    how: str  # glossary|title|list|byline|verb|repeat|dotted|latin|tibetan
    short: tuple[tuple[str, str], ...] = ()  # (zh, en) short forms it may appear as later (古特雷斯 Guterres)


# ---------------------------------------------------------------------------
# Finding names
# ---------------------------------------------------------------------------

def surname_at(text: str, pos: int, strict: bool = True) -> str | None:
    """The surname starting at ``pos`` (compound first), or None."""
    if text[pos:pos + 2] in COMPOUND_SURNAMES:
        return text[pos:pos + 2]
    ch = text[pos:pos + 1]
    if ch in SINGLE_SURNAMES and not (strict and ch in AMBIGUOUS_SURNAMES):
        return ch
    return None


def is_common_word(candidate: str) -> bool:
    """Whether jieba knows ``candidate`` as a word that is not a person name (高度, 文化 ...).

    A word jieba tags as a place is no common word here: 阿东 and 寿光 are names too.
    """
    tag = words.word_tags().get(candidate)
    return tag is not None and not tag.startswith(("nr", "ns"))


def follows_clause(text: str, pos: int) -> bool:
    """Whether what starts at ``pos`` can follow a name: end, punctuation, a digit or a common verb/preposition."""
    if pos >= len(text):
        return True
    ch = text[pos]
    if ch in PUNCTUATION or ch.isdigit() or not is_han(ch):
        return True
    return any(text.startswith(w, pos) for w in FOLLOW_WORDS)


def name_plausible(candidate: str) -> bool:
    return (all(is_han(c) for c in candidate) and not any(c in NOT_IN_NAME for c in candidate[1:])
            and not is_common_word(candidate))


def name_at(text: str, pos: int, known: dict[str, str], strict: bool = True, whole: bool = False) -> str | None:
    """The person name starting at ``pos``, or None.

    ``known`` maps glossary persons' Chinese to English: a known name wins where
    the clause goes on after it, and is the fallback where no rule reads a name.
    ``whole``: the name runs to the next separator (an item of a list), so only
    its length (2-4) and surname are checked.
    """
    listed = next(iter(sorted((k for k in known if text.startswith(k, pos)), key=len, reverse=True)), None)
    if listed is not None and (whole or follows_clause(text, pos + len(listed))):
        return listed
    # A listed name that the clause does not go on after may be the start of a longer one
    # (谢宏 listed, 谢宏越主持 read): the rules below decide, the listed name is the fallback.
    found = _rule_name(text, pos, strict, whole)
    return found if found is not None else listed


def _rule_name(text: str, pos: int, strict: bool, whole: bool) -> str | None:
    surname = surname_at(text, pos, strict)
    if surname is None:
        return None
    lengths = [len(surname) + 2, len(surname) + 1]
    if whole:
        # A Chinese name is at most four characters (compound surname + two): a run
        # longer than that is not one list item, and looking no further keeps a
        # 100,000-character clause linear.
        end, limit = pos, min(len(text), pos + LONGEST_NAME + 1)
        while end < limit and is_han(text[end]):
            end += 1
        candidate = text[pos:end]
        if len(candidate) in lengths and name_plausible(candidate):
            return candidate
        return None
    viable = [n for n in lengths if name_plausible(text[pos:pos + n]) and len(text[pos:pos + n]) == n
              and follows_clause(text, pos + n)]
    if not viable:
        return _jieba_name(text, pos, lengths)
    if len(viable) == 2:
        # Both read well (朱健说 / 朱健 + 说): when the longer one's last character is itself a
        # word that may follow a name, the shorter name is the likelier reading.
        long_n, short_n = viable
        if follows_clause(text, pos + short_n) and any(text.startswith(w, pos + short_n) for w in FOLLOW_WORDS):
            return text[pos:pos + short_n]
        return text[pos:pos + long_n]
    return text[pos:pos + viable[0]]


def _jieba_name(text: str, pos: int, lengths: list[int]) -> str | None:
    """jieba's reading when the follow-word rule cannot decide (朱健昨天…): its first word, if tagged a name."""
    window = text[pos:pos + max(lengths) + 4]
    for token in words.pos_cut(window):
        if token.flag.startswith("nr") and len(token.word) in lengths and name_plausible(token.word):
            return token.word
        return None
    return None


LONGEST_NAME = 4


def _list_after(text: str, pos: int, known: dict[str, str], how: str, separators: str = LIST_SEPARATORS
                ) -> list[NameMatch]:
    """Names in a list starting at ``pos`` (胡丘陵、谢宏 / 陈润 罗文鹏), separated by ``separators``."""
    found = []
    while pos < len(text):
        while pos < len(text) and text[pos] in " 　":
            pos += 1
        # An item followed by a separator is a whole name; the last item ends where the clause goes on.
        # A Chinese name is at most four characters (compound surname + two): a run
        # longer than that is not one list item, and looking no further keeps a
        # 100,000-character clause linear.
        end, limit = pos, min(len(text), pos + LONGEST_NAME + 1)
        while end < limit and is_han(text[end]):
            end += 1
        is_listed = end < len(text) and text[end] in separators and text[end] not in " 　" or (
            end < len(text) and text[end] in " 　" and how == "byline")
        zh = name_at(text, pos, known, strict=False, whole=is_listed or (how == "byline" and end >= len(text)))
        if zh is None and how == "byline":
            zh = name_at(text, pos, known, strict=False, whole=True)
        if zh is None:
            break
        found.append(NameMatch(pos, pos + len(zh), zh, known.get(zh) or romanize_name(zh), how))
        pos += len(zh)
        if pos < len(text) and text[pos] in separators:
            pos += 1
        else:
            break
    return found


def find_names(text: str, glossary) -> list[NameMatch]:
    """Person names in ``text``, in text order, not overlapping.

    Rules: glossary persons anywhere; a name right after a glossary title
    (市长朱健, 市委书记刘越高) and the names listed after it with 、; names listed
    after 领导/市领导 (市领导胡丘陵、谢宏); names after a byline role (记者 陈润, 通讯员 X);
    a name as the object of a meeting verb (会见梅帅元一行); dotted, bracketed-original
    and Tibetan names (see the module docstring). Glossary persons keep their
    glossary English; others are romanised.
    """
    known = glossary.person_english() if glossary is not None else {}
    found: list[NameMatch] = []
    matches = glossary.match(text) if glossary is not None else []
    listed: list[NameMatch] = []
    for m in matches:
        if m.term.type == "person":
            listed.append(NameMatch(m.start, m.end, text[m.start:m.end], m.term.en, "glossary"))
        elif m.term.type == "title":
            zh = name_at(text, m.end, known) or _whole_item(text, m.end, known)
            if zh is None:
                continue
            if zh not in known:
                found.append(NameMatch(m.end, m.end + len(zh), zh, romanize_name(zh), "title"))
            after = m.end + len(zh)
            if text[after:after + 1] == "、":  # 大会执行主席汪承远、陈秋华、何立新、宋雅丽在…
                found.extend(n for n in _list_after(text, after + 1, known, "list", "、") if n.zh not in known)
    for verb in MEETING_VERBS:
        for hit in re.finditer(verb + "(?:了)?", text):
            zh = name_at(text, hit.end(), known)
            if zh is not None and zh not in known:
                found.append(NameMatch(hit.end(), hit.end() + len(zh), zh, romanize_name(zh), "verb"))
    for leader in LIST_LEADERS:
        for hit in re.finditer(re.escape(leader), text):
            found.extend(n for n in _list_after(text, hit.end(), known, "list") if n.zh not in known)
    for role in BYLINE_ROLES:
        for hit in re.finditer(re.escape(role) + r"[ 　]*", text):
            if hit.start() > 0 and text[hit.start() - 1] in "媒体实特首" and role == "记者":
                continue  # 全媒体记者 is matched as a whole
            found.extend(n for n in _list_after(text, hit.end(), known, "byline") if n.zh not in known)
    strong = _dotted_names(text, matches) + _tibetan_names(text)
    # A name followed by its original in Latin letters takes the brackets and the original's spelling.
    found = [_with_original(text, n) for n in found + strong]
    listed = [_with_original(text, n) for n in listed]
    found.extend(_bracketed_names(text, matches, found + listed))
    # A listed person is dropped where the rules read a longer name over it (谢宏越, 谢宏 listed).
    longer = [(n.start, n.end) for n in found]
    found.extend(n for n in listed if not any(s <= n.start and n.end <= e and e - s > n.end - n.start
                                              for s, e in longer))
    return _without_overlaps(found)


def _whole_item(text: str, pos: int, known: dict[str, str]) -> str | None:
    """A name that is a whole item of a list after a title, though it is a dictionary word (院长高峰、…)."""
    end, limit = pos, min(len(text), pos + LONGEST_NAME + 1)
    while end < limit and is_han(text[end]):
        end += 1
    if end >= len(text) or text[end] != "、" or not 2 <= end - pos <= LONGEST_NAME:
        return None
    candidate = text[pos:end]
    if surname_at(candidate, 0, strict=True) is None or any(c in NOT_IN_NAME for c in candidate[1:]):
        return None
    return candidate


# ---------------------------------------------------------------------------
# Transliterated, bracketed and Tibetan names
# ---------------------------------------------------------------------------

_DOT = "·•・"
_DOTTED = re.compile(rf"[\u4e00-\u9fff]+(?:[{_DOT}][\u4e00-\u9fff]+)+")
_LATIN_ORIGINAL = re.compile(r"[（(]\s*([A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’.\- ]{0,60}?)\s*[）)]")
# Longest first part of a transliterated name read without jieba's help, and longest last part.
_LONGEST_PART = 6
# Tibetan name elements (two characters each); a name is two of them (次仁央宗, 扎西顿珠).
TIBETAN_ELEMENTS = set("""
    扎西 次仁 央宗 顿珠 卓玛 旦增 丹增 格桑 平措 多吉 拉姆 达瓦 达娃 尼玛 巴桑 次旦 白玛 索朗
    普布 德吉 曲珍 措姆 边巴 次珠 旺堆 洛桑 强巴 益西 嘎玛 阿旺 贡嘎 仁增 群培 罗布 琼达 米玛
    拉巴 桑珠 曲扎 拉珍 央金 贡布 旺姆 德庆 欧珠 土登 赤列 晋美 顿旦 格列 朗杰 次仁 加措 嘉措
    坚参 坚赞 才让 卓嘎 央拉 玉珍 仓决 德央 次央 尼珍 普珍 仁青 索南 扎巴 贡桑 泽仁 拉宗 白珍
    格勒 旺久 琼珠 巴珠 次拉 拉旺 群宗 旦达 边珍 米久 多布杰""".split())


def _dotted_names(text: str, matches) -> list[NameMatch]:
    """Names with a middle dot (阿依古丽·买买提): the first part starts after the last term or ordinary
    word before it, the last part ends where the clause goes on."""
    ends = sorted(m.end for m in matches if m.term.type != "person")
    out = []
    for m in _DOTTED.finditer(text):
        if _inside_quotes(text, m.start()):  # 《印象·刘三姐》 is a show, not a person
            continue
        first_dot = next(i for i in range(m.start(), m.end()) if text[i] in _DOT)
        last_dot = max(i for i in range(m.start(), m.end()) if text[i] in _DOT)
        floor = max([m.start()] + [e for e in ends if m.start() < e <= first_dot])
        start = _first_part_start(text, floor, first_dot)
        end = next((last_dot + 1 + n for n in range(2, min(_LONGEST_PART, m.end() - last_dot - 1) + 1)
                    if follows_clause(text, last_dot + 1 + n)), None)
        if start is None or end is None:
            continue
        zh = text[start:end]
        out.append(NameMatch(start, end, zh, romanize_name(zh), "dotted"))
    return out


def _inside_quotes(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside 《…》 or “…” (a title or a quotation: no place for a transliterated name)."""
    return any(text.rfind(opener, 0, pos) > text.rfind(closer, 0, pos) for opener, closer in ("《》", "“”"))


def _first_part_start(text: str, floor: int, dot: int) -> int | None:
    """Where the first part of a dotted name starts: back from the dot over jieba's words that may be
    names, to ``floor`` at most (挡车工|阿依古丽, 总统|雷杰普, 会见|了|安瓦尔)."""
    start = dot
    for token in reversed(list(words.pos_cut(text[floor:dot]))):
        if len(token.word) > 1 and not token.flag.startswith(("nr", "nz", "ns", "x")) and start < dot:
            break
        if len(token.word) == 1 and token.word in NOT_IN_NAME:
            break
        start -= len(token.word)
        if dot - start > _LONGEST_PART:
            return None
    return start if start < dot else None


def _tibetan_names(text: str) -> list[NameMatch]:
    out = []
    i = 0
    while i + 4 <= len(text):
        if text[i:i + 2] in TIBETAN_ELEMENTS and text[i + 2:i + 4] in TIBETAN_ELEMENTS:
            zh = text[i:i + 4]
            out.append(NameMatch(i, i + 4, zh, " ".join(romanize_word(zh[k:k + 2]) for k in (0, 2)), "tibetan"))
            i += 4
        else:
            i += 1
    return out


def _with_original(text: str, n: NameMatch) -> NameMatch:
    m = _LATIN_ORIGINAL.match(text, n.end)
    if m is None:
        return n
    return NameMatch(n.start, m.end(), text[n.start:m.end()], m.group(1).strip(), "latin",
                     _short_forms(n.zh, m.group(1).strip()))


def _short_forms(zh: str, latin: str) -> tuple[tuple[str, str], ...]:
    """古特雷斯 -> Guterres for 安东尼奥·古特雷斯（António Guterres）: the last part and the last word."""
    parts = [p for p in re.split(f"[{_DOT}]", zh) if p]
    latin_words = latin.split()
    if len(parts) >= 2 and len(parts) == len(latin_words) and len(parts[-1]) >= 2:
        return ((parts[-1], latin_words[-1]),)
    return ()


def _bracketed_names(text: str, matches, found: list[NameMatch]) -> list[NameMatch]:
    """A name no rule read, right before its Latin original (会见了洪玛奈（Hun Manet）): the Han run after
    the last match, clause mark or verb, of two to six characters."""
    out = []
    for m in _LATIN_ORIGINAL.finditer(text):
        if any(n.start < m.end() and m.start() < n.end for n in found):
            continue
        start = m.start()
        while start > 0 and is_han(text[start - 1]) and m.start() - start < _LONGEST_PART \
                and not any(mt.end == start for mt in matches):
            start -= 1
        zh = text[start:m.start()]
        if 2 <= len(zh) and not any(c in NOT_IN_NAME for c in zh):
            out.append(NameMatch(start, m.end(), text[start:m.end()], m.group(1).strip(), "latin",
                                 _short_forms(zh, m.group(1).strip())))
    return out


def _without_overlaps(found: list[NameMatch]) -> list[NameMatch]:
    rank = {"latin": -2, "dotted": -1, "tibetan": -1, "glossary": 0, "title": 1, "byline": 2, "list": 3, "verb": 4,
            "repeat": 5}
    found.sort(key=lambda n: (rank.get(n.how, 9), -(n.end - n.start), n.start))
    taken: set[int] = set()
    kept = []
    for n in found:
        span = set(range(n.start, n.end))
        if span & taken:
            continue
        taken |= span
        kept.append(n)
    return sorted(kept, key=lambda n: n.start)


def find_known_names(text: str, names: dict[str, str]) -> list[NameMatch]:
    """Every occurrence in ``text`` of names already found elsewhere (zh -> en), longest first, not overlapping."""
    if not names:
        return []
    found = []
    for hit in _names_pattern(tuple(sorted(names, key=len, reverse=True))).finditer(text):
        found.append(NameMatch(hit.start(), hit.end(), hit.group(), names[hit.group()], "repeat"))
    return _without_overlaps(found)


@lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One alternation of the names, longest first (a page's names are looked for in each of its sentences)."""
    return re.compile("|".join(re.escape(n) for n in names))
