"""Transfer rules: the gloss engine's words, tagged by jieba, put into English order.

The engine glosses each word, then these rules move words and adjust their English
over the part-of-speech tags, clause by clause. They are grouped in families that
can be switched off one by one (the bench measures each):

``numbers``   8月22日上午 -> "on the morning of August 22", 现年52岁的X -> "X, 52,", 3000 -> "3,000",
              "%" -> "percent", a plural noun after a number, 一名 -> "a", ranges with an en dash
``modifiers`` A的B -> "B of A" / "our B" / adjective + noun; 关于X的Y -> "Y on X"; 对X的Y -> "Y for X";
              V O 的 N -> "N V-ing O"; V 的 N -> "N V-ed"; 由X V 的 N -> "N V-ed by X"; X之一 -> "one of X"
``frames``    对/向/为/给/与/就 X V -> "V ... to X"; 把 X V -> "V X"; 被/由 X V -> "was V-ed by X";
              X期间/以来/后/时， -> "during/since/after/when X,"
``reporting`` X强调，要V -> "X stressed the need to V"; X指出，... -> "X pointed out that ..."
``verbs``     past tense after 了 and in reports of the past; V V -> "V and V"; 赴X V -> "went to X to V"
``lists``     A、B -> "A and B"; A、B等N -> "N such as A and B"
``articles``  "the" before a head a rule made definite and before a sentence's subject; plurals after 各

A placeholder (a glossary term or a name) is one opaque noun phrase: it may move, never
split, drop or double. Rules never delete a word: they move it, change its English or add
English around it, so each placeholder comes out exactly once.
"""

from __future__ import annotations

import re

from .english import Word, added
from .inflect import gerund, participle, past, plural

RULE_FAMILIES = ("numbers", "senses", "modifiers", "frames", "reporting", "verbs", "lists", "articles")

CLAUSE_BREAKS = {"，", ",", "。", ".", "；", ";", "：", ":", "！", "!", "？", "?"}
SENTENCE_ENDS = {"。", ".", "！", "!", "？", "?", "；", ";"}
OPENING_QUOTES = {"“": "”", "《": "》", "「": "」", "『": "』", "‘": "’", "〈": "〉"}

# -- word classes over jieba's tags ----------------------------------------------------------

_NOUN_TAGS = {"n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "nw", "s", "j", "eng", "vn", "an", "ph", "nq",
              "m", "mo", "mq", "nx"}
_MODIFIER_TAGS = {"a", "b", "ad", "z", "mq", "q"}
_ADVERB_TAGS = {"d", "ad", "df", "dg"}
_VERB_TAGS = {"v", "vd", "vi", "vg", "vq", "vf", "vx"}
_DETERMINERS = {"各", "各类", "各项", "各级", "各种", "该", "这", "这个", "这些", "那些", "此", "本", "全", "全体",
                "每", "一些", "有关", "相关", "其他", "其它", "所有", "多", "众多", "诸多", "许多", "不少", "广大",
                "大批", "一批", "部分", "主要", "重点", "这次", "此次", "本次"}
_PLURAL_AFTER = {"各", "各类", "各项", "各种", "这些", "那些", "一些", "众多", "诸多", "许多", "不少", "广大", "大批",
                 "一批", "多", "所有", "其他", "其它", "两", "几", "数", "多个", "多项", "多家", "部分"}
_POSSESSIVES = {"我": "my", "我们": "our", "他": "his", "她": "her", "他们": "their", "她们": "their", "其": "its",
                "你": "your", "你们": "your", "它": "its", "它们": "their", "咱们": "our", "自己": "their own"}
_COORDINATORS = {"和", "与", "及", "以及", "、", "或", "或者", "并"}


def _is_verb(word: Word) -> bool:
    return word.tag in _VERB_TAGS and word.zh not in {"是", "有"}


_APPROXIMATE = {"约", "近", "超过", "逾", "共", "共计", "总计", "累计", "仅"}
_DEGREE = {"最", "更", "更加", "很", "非常", "十分", "较", "比较", "特别", "最为", "极", "越来越"}


def _is_nominal(word: Word) -> bool:
    if word.zh in _APPROXIMATE and word.tag in {"d", "v", "p", "x"}:
        return True
    if word.tag == "+":
        return word.text in {"of", "on", "for", "such as", "and", "one of"}
    if word.tag == "r":
        return word.zh in _DETERMINERS or word.zh in _POSSESSIVES or word.zh in {"我市", "我省", "我国", "其中"}
    return word.tag in _NOUN_TAGS or word.tag.startswith("n") or word.tag in _MODIFIER_TAGS or (
        word.tag == "t" and not word.zh.endswith(("上午", "下午", "晚上")))


def _is_noun(word: Word) -> bool:
    """A word that can head a noun phrase (not just modify one)."""
    return (word.tag in _NOUN_TAGS or word.tag.startswith("n")) and word.tag not in {"m", "mq"}


def _is_break(word: Word) -> bool:
    return word.tag == "w" and word.zh in CLAUSE_BREAKS


def _np_end(words: list[Word], i: int, end: int) -> int:
    """Where the noun phrase starting at ``i`` ends (exclusive); ``i`` if none starts there.

    A phrase is determiners, numbers, adjectives and nouns (placeholders and quoted titles
    are nouns), with 、/和/与/及 between nouns; it must hold a noun.
    """
    j, last_noun = i, -1
    while j < end:
        word = words[j]
        if word.zh in _COORDINATORS and word.tag in {"c", "w", "x"} and j > i:
            if j + 1 < end and _is_nominal(words[j + 1]) and not _is_verb(words[j + 1]):
                j += 1
                continue
            if j + 1 < end and _is_verb(words[j + 1]) and last_noun == j - 1 and words[last_noun].tag in {"n", "vn"} \
                    and (j + 2 >= end or not _is_nominal(words[j + 2])):
                last_noun = j + 1  # 关心和支持: a verb coordinated with a noun is a noun
                j += 2
                continue
            break
        if word.zh == "的" and not word.text:
            break
        if not _is_nominal(word):
            break
        if _is_noun(word) or word.tag == "+":
            last_noun = j
        j += 1
    return last_noun + 1 if last_noun >= 0 else i


def _np_start(words: list[Word], k: int, start: int) -> int:
    """Where the noun phrase ending at ``k`` (inclusive) starts; ``k + 1`` if none ends there."""
    j = k
    while j >= start:
        word = words[j]
        if word.zh in _COORDINATORS and word.tag in {"c", "w", "x"} and j < k:
            if j - 1 >= start and _is_nominal(words[j - 1]) and not _is_verb(words[j - 1]):
                j -= 1
                continue
            break
        if not _is_nominal(word):
            break
        j -= 1
    return j + 1


def _clauses(words: list[Word]) -> list[tuple[int, int]]:
    """(start, end) of each clause: words between clause punctuation, the punctuation excluded."""
    spans, start = [], 0
    for i, word in enumerate(words):
        if _is_break(word):
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(words)))
    return [(a, b) for a, b in spans if b > a]


def _group_quotes(words: list[Word]) -> list[Word]:
    """A short quoted title or slogan (《…》, “…”) without clause punctuation becomes one noun."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        close = OPENING_QUOTES.get(word.zh)
        if close and word.tag == "w":
            j = i + 1
            while j < len(words) and j - i <= 16 and words[j].zh != close and not _is_break(words[j]):
                j += 1
            if j < len(words) and words[j].zh == close and j - i <= 16:
                span = words[i:j + 1]
                out.append(Word("".join(w.zh for w in span), "nq", [p for w in span for p in w.pieces], word.src))
                i = j + 1
                continue
        out.append(word)
        i += 1
    return out


def _ungroup(words: list[Word]) -> list[Word]:
    return words  # grouped quotes keep their pieces; nothing to undo


def _head(words: list[Word], a: int, b: int) -> int | None:
    """The head noun of the phrase words[a:b]: its last noun before a coordinator or 'of'."""
    head = None
    for j in range(a, b):
        word = words[j]
        if word.tag == "+" and word.text in {"of", "on", "for", "such as"}:
            break
        if word.zh in _COORDINATORS and word.tag in {"c", "w", "x"}:
            break
        if _is_noun(word) and word.tag not in {"ph"}:
            head = j
    return head


# -- numbers ---------------------------------------------------------------------------------

_PARTS_OF_DAY = {"上午": "morning", "下午": "afternoon", "晚上": "evening", "早上": "morning", "中午": "noon",
                 "凌晨": "early morning", "傍晚": "evening", "晚间": "evening", "夜间": "night", "早晨": "morning"}
_DAY_DATE = re.compile(r"^[A-Z][a-z]+ \d{1,2}(?:[-–]\d{1,2})?(?:, \d{4})?$")
_MONTH_DATE = re.compile(r"^(?:(?:early|mid-|late|end of) ?)?[A-Z][a-z]+(?: \d{4})?$|^\d{4}(?:[-–]\d{4})?$")
_AFTER_NUMBER = {"以上": "more than", "左右": "about", "以下": "under", "上下": "about", "之多": "as many as"}
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{4,})(?![\d])")


def _thousands(text: str, always: bool) -> str:
    def group(match: re.Match) -> str:
        digits = match.group(1)
        if len(digits) == 4 and not always:
            return digits
        return f"{int(digits):,}"
    return _THOUSANDS.sub(group, text)


def rule_numbers(words: list[Word]) -> list[Word]:
    out: list[Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        # 8月22日上午 -> "the morning of August 22"
        if word.tag == "t" and following is not None and following.zh in _PARTS_OF_DAY \
                and _DAY_DATE.match(word.text):
            word.set_text(f"the {_PARTS_OF_DAY[following.zh]} of {word.text}")
            following.set_text("")
            out.extend([word, following])
            i += 2
            continue
        if word.tag == "m":
            text = word.text
            if word.measure == "%" or text.endswith("%"):
                text = re.sub(r"(\d)%", r"\1 percent", text)
            text = _thousands(text, always=bool(word.measure) or "more than" in text or "percent" in text
                              or (word.count or 0) >= 10000)
            text = text.replace("-", "–") if re.search(r"\d-\d", text) else text
            word.set_text(text)
        if word.tag == "t" and re.search(r"\d-\d", word.text):
            word.set_text(re.sub(r"(\d)-(\d)", r"\1–\2", word.text))
        # 150亿元以上 -> "more than 15 billion yuan"; 3000人左右 -> "about 3,000 people"
        if word.tag == "m" and following is not None and following.zh in _AFTER_NUMBER and word.text[:1].isdigit():
            word.set_text(f"{_AFTER_NUMBER[following.zh]} {word.text}")
            following.set_text("")
            following.done = True
        out.append(word)
        i += 1
    # 8月22日，… -> "On August 22, …"; 2023年5月，… -> "In May 2023, …"
    for start, end in _clauses(out):
        first = out[start]
        if first.tag == "t" and end == start + 1 + sum(not w.text for w in out[start + 1:end]) and end < len(out) \
                and out[end].zh in {"，", ","} and first.text[:1].isalnum():
            if _DAY_DATE.match(first.text) or first.text.startswith(("the morning", "the afternoon", "the evening")):
                first.set_text("on " + first.text)
            elif _MONTH_DATE.match(first.text):
                first.set_text("in " + first.text)
    # 现年52岁的王德胜 -> "Wang Desheng, 52,"; 52岁的X -> "52-year-old X"
    i = 0
    while i < len(out):
        word = out[i]
        if word.tag == "m" and word.measure == "岁" and i + 2 < len(out) and out[i + 1].zh == "的":
            end = _np_end(out, i + 2, len(out))
            if end > i + 2:
                years = re.sub(r"\D", "", word.zh)
                now = i > 0 and out[i - 1].zh in {"现年", "今年", "年仅", "时年"}
                if out[i + 2].tag in {"ph", "nr"} or (now and _is_noun(out[i + 2])):
                    if now:
                        out[i - 1].set_text("")
                    word.set_text(f", {years},")
                    word.pieces[0].glue_left = True
                    out[i:end] = out[i + 2:end] + [word, out[i + 1]]
                    i = end
                    continue
                word.set_text(f"{years}-year-old")
        i += 1
    _numeral_nouns(out)
    return out


def _numeral_nouns(words: list[Word]) -> None:
    """一名村医 -> "a village doctor"; 28名队员 -> "28 team members" (the head of the phrase after)."""
    for i, word in enumerate(words):
        if word.tag not in {"m", "mq"} or word.count is None or i + 1 >= len(words):
            continue
        end = _np_end(words, i + 1, len(words))
        if end == i + 1:
            continue
        if word.count == 1 and word.text == "one" and re.fullmatch(r"一\w", word.zh):
            first = words[i + 1].text.lstrip('"')
            word.set_text("an" if first[:1].lower() in "aeio" else "a")
            continue
        if word.count > 1:
            for j in _heads(words, i + 1, end):
                if not words[j].done:
                    words[j].set_text(plural(words[j].text))
                    words[j].done = True


def _heads(words: list[Word], a: int, b: int) -> list[int]:
    """Heads of coordinated nouns in words[a:b] (the last noun before each coordinator)."""
    heads, last = [], None
    for j in range(a, b):
        word = words[j]
        if (word.zh in _COORDINATORS and word.tag in {"c", "w", "x"}) or (word.tag == "+" and word.text == "of"):
            if last is not None:
                heads.append(last)
            last = None
            if word.tag == "+":
                break
            continue
        if _is_noun(word) and word.tag not in {"ph", "nq"} and word.pieces:
            last = j
    if last is not None:
        heads.append(last)
    return heads


# -- senses: an English chosen by the neighbours -----------------------------------------

# A verb of going before a place: 深入衡南县 "went to Hengnan County", not "in-depth".
_GOING = {"深入": "went to", "走进": "visited", "来到": "came to", "前往": "went to", "赴": "went to",
          "走访": "visited", "奔赴": "rushed to", "深入到": "went to"}
_PERSON_TAGS = {"ph", "nr", "nrfg", "nrt"}
_LEADING = {"带队", "率队", "率领", "带领", "率", "率团", "带团"}


def rule_senses(words: list[Word]) -> None:
    for i, word in enumerate(words):
        before = words[i - 1] if i else None
        after = words[i + 1] if i + 1 < len(words) else None
        if word.zh in _GOING and after is not None and after.tag in {"ph", "ns", "nq", "s"} | _PERSON_TAGS:
            # 带队赴长沙 "led a delegation to Changsha", 率代表团赴 "led a delegation to"
            led = any(w.zh in _LEADING for w in words[max(0, i - 6):i]) and before is not None \
                and not _is_break(before)
            word.set_text("to" if led else _GOING[word.zh])
            word.done = led
        elif word.zh == "一行" and before is not None and before.tag in _PERSON_TAGS:
            word.set_text("and his party")  # 周立明一行: the official and those with him
        elif word.zh == "表示" and after is not None and _is_nominal(after):
            word.set_text("expressed")
        elif word.zh in {"将", "会"} and word.tag in {"d", "v"} and after is not None and _is_verb(after):
            word.set_text("will")
        elif word.zh == "是" and after is not None and after.tag == "w":
            word.set_text("is")


# -- modifiers: 的, 关于, 之一 ----------------------------------------------------------------

_ABOUT = {"关于": "on", "有关": "on", "对": "for", "对于": "for"}
_ADJECTIVE_TAGS = {"a", "ad", "b", "z", "l", "i", "d", "an"}
_AGENT = {"由": "by", "被": "by"}


def rule_modifiers(words: list[Word], start: int, end: int) -> tuple[list[Word], int]:
    """Resolve each 的 of words[start:end], right to left. Returns the words and the new end."""
    while True:
        k = next((j for j in range(end - 1, start - 1, -1)
                  if words[j].zh == "的" and not words[j].done and not words[j].text), None)
        if k is None:
            break
        words[k].done = True
        head_end = _np_end(words, k + 1, end)
        if head_end == k + 1 or k == start:
            continue
        left = words[k - 1]
        head = words[k + 1:head_end]
        # 我们的 -> "our"
        if left.tag.startswith("r") and left.zh in _POSSESSIVES and (k - 1 == start or not _is_nominal(words[k - 2])):
            left.set_text(_POSSESSIVES[left.zh])
            left.done = True
            continue
        # 关于X的Y -> "Y on X", 对X的Y -> "Y for X"
        about = next((j for j in range(k - 1, max(start, k - 12) - 1, -1)
                      if words[j].zh in _ABOUT and words[j].tag in {"p", "x", "v"}), None)
        if about is not None and all(not _is_break(w) and (words[about].zh in {"关于", "有关"} or _is_nominal(w)
                                                         or w.tag in {"c", "uj"}) for w in words[about + 1:k]):
            words[about].set_text(_ABOUT[words[about].zh])
            words[about].done = True
            words[start:end] = (words[start:about] + head + [words[about]] + words[about + 1:k] + [words[k]]
                                + words[head_end:end])
            _mark_definite(words, start, head)
            continue
        if _is_verb(left):  # V 的 N: "N V-ed" (by X)
            a = k - 1
            by = None
            if a - 1 > start and _is_nominal(words[a - 1]):
                agent_start = _np_start(words, a - 1, start)
                if agent_start - 1 >= start and words[agent_start - 1].zh in _AGENT:
                    by = agent_start - 1
            if by is not None:
                words[by].set_text("by")
                left.set_text(participle(left.text))
                left.done = True
                modifier = [left] + words[by:k - 1]
                a = by
            else:
                while a - 1 >= start and words[a - 1].tag in _ADVERB_TAGS | {"t"}:
                    a -= 1
                left.set_text(participle(left.text))
                left.done = True
                for word in words[a:k - 1]:
                    if word.tag == "t" and re.match(r"the \d+\w\w$|[A-Z][a-z]+ \d+$", word.text):
                        word.set_text("on " + word.text)  # 在17日举行的座谈会 -> "the symposium held on the 17th"
                modifier = [left] + words[a:k - 1]
            words[start:end] = words[start:a] + head + modifier + [words[k]] + words[head_end:end]
            continue
        if (left.tag in _ADJECTIVE_TAGS and not _is_noun(left)) or (k - 2 >= start and words[k - 2].zh in _DEGREE):
            continue  # 重要的讲话 -> "important speech", 最古老的 -> "most ancient"
        object_start = _np_start(words, k - 1, start)
        if object_start > k - 1:
            continue
        verb = object_start - 1
        if verb >= start and _is_verb(words[verb]) and _relative(words, start, verb, head_end, end):
            a = verb
            while a - 1 >= start and words[a - 1].tag in _ADVERB_TAGS:
                a -= 1
            words[verb].set_text(gerund(words[verb].text))
            words[verb].done = True
            words[start:end] = words[start:a] + head + words[a:k] + [words[k]] + words[head_end:end]
            continue
        if verb > start and _is_verb(words[verb]) and _is_nominal(words[verb - 1]) \
                and any(_is_verb(w) or w.zh == "是" for w in words[start:verb - 1]):
            continue  # 是党中央交给衡阳的任务: a relative clause with its own subject; left as it is
        # A的B -> "B of A"
        modifier = words[object_start:k]
        if len(modifier) > 10:
            continue
        words[start:end] = (words[start:object_start] + head + [added("of")] + modifier + [words[k]]
                            + words[head_end:end])
        end += 1
        _mark_definite(words, start, head)
    # X之一 -> "one of X"
    for j in range(start, end):
        if words[j].zh == "之一" and not words[j].done:
            words[j].done = True
            a = _np_start(words, j - 1, start)
            while a - 2 >= start and words[a - 1].zh == "的" and not words[a - 1].text:
                b = a - 2  # 最古老的书院之一: the modifier belongs to the phrase
                while b - 1 >= start and (words[b - 1].tag in _ADJECTIVE_TAGS or words[b - 1].zh in _DEGREE):
                    b -= 1
                if b == a - 2 and not (words[b].tag in _ADJECTIVE_TAGS or words[b].zh in _DEGREE):
                    break
                a = b
            if a < j:
                for h in _heads(words, a, j):
                    if not words[h].done:
                        words[h].set_text(plural(words[h].text))
                        words[h].done = True
                words[start:end] = words[start:a] + [words[j]] + words[a:j] + words[j + 1:end]
                words[a].set_text("one of")
    return words, end


def _relative(words: list[Word], start: int, verb: int, head_end: int, end: int) -> bool:
    """Whether the verb before "O 的 N" opens a relative clause rather than being the clause's own verb.

    It is relative when another verb comes before it in the clause (the phrase is an object), or
    when a verb follows the head noun (the phrase is the subject).
    """
    if words[verb].done or words[verb].zh in _GO_VERBS:
        return False  # 率团赴我市对口支援的县: the clause's own serial verb
    before = words[verb - 1] if verb > start else None
    if before is not None and (_is_nominal(before) or _is_verb(before)):
        return False  # a subject before it (党中央交给衡阳的任务: the head is its object) or 继承发扬: own verbs
    if any(_is_verb(w) or w.zh == "是" for w in words[start:verb]):
        return True
    rest = [w for w in words[head_end:end] if w.tag not in _ADVERB_TAGS]
    return bool(rest) and (_is_verb(rest[0]) or rest[0].zh == "是")


def _mark_definite(words: list[Word], start: int, head: list[Word]) -> None:
    for word in head:
        if word.tag in {"ph", "nq", "m", "mo", "t"} or word.zh in _DETERMINERS or word.tag.startswith("r"):
            return
        if _is_nominal(word):
            word.definite = True
            return


# -- frames: prepositions before the verb, 把, 被/由, localisers -----------------------------

_MOVED_PREPOSITIONS = {"对": "to", "向": "to", "为": "for", "给": "to", "与": "with", "同": "with", "跟": "with",
                       "就": "on", "对于": "for", "为了": "in order to", "替": "for"}
# Prepositions that read well at the head of a clause but not between subject and verb.
_INNER_PREPOSITIONS = {"通过": "through", "按照": "according to", "根据": "according to", "围绕": "around",
                       "依托": "relying on", "在": "in", "从": "from", "以": "with", "依法": "in accordance with law",
                       "用": "with"}
_LOCALISERS = {"期间": "during", "以来": "since", "后": "after", "之后": "after", "以后": "after", "前": "before",
               "之前": "before", "以前": "before", "时": "when", "之际": "on the occasion of", "中": "in",
               "过程中": "in the course of"}
_OPENERS = {"在", "自", "从", "当", "于", "到"}
_AS_VERBS = {"作为": "as", "当作": "as", "视为": "as", "当成": "as", "列为": "as", "作": "as"}
_CONJUNCTIONS = {"并", "并且", "而", "同时", "且", "还", "又"}


def _verb_after(words: list[Word], i: int, end: int, skip_np: bool = False) -> int | None:
    """The verb after a preposition's object at ``i`` (adverbs and time words may come between)."""
    j = i
    while j < end and (words[j].tag in _ADVERB_TAGS | {"t"} or words[j].zh in {"多年来", "长期以来", "一直"}):
        j += 1
    if j < end and (_is_verb(words[j]) or words[j].tag in {"i", "l"}):
        return j
    if skip_np:  # 对X多年来对Y的支持表示感谢: the thing thanked for comes between
        k = _np_end(words, j, end)
        if k > j:
            return _verb_after(words, k, end)
    return None


def _vp_end(words: list[Word], verb: int, end: int) -> int:
    j = verb + 1
    while j < end:
        word = words[j]
        if word.zh in _CONJUNCTIONS or (word.tag == "p" and (word.zh in _MOVED_PREPOSITIONS or word.zh in "把将")):
            break
        if word.zh in {"和", "与"} and j + 1 < end and _is_verb(words[j + 1]):
            break
        j += 1
    return j


def rule_frames(words: list[Word], start: int, end: int) -> list[Word]:
    i = start
    while i < end:
        word = words[i]
        if word.done or not word.zh:
            i += 1
            continue
        zh = word.zh
        if zh in {"被", "由"} and word.tag in {"p", "x"}:
            before = len(words)
            words = _passive(words, i, start, end)
            end += len(words) - before
            i += 1
            continue
        if zh in {"把", "将"} and word.tag in {"p", "d", "x"}:
            words = _ba(words, i, end)
            i += 1
            continue
        moved = _MOVED_PREPOSITIONS.get(zh) if word.tag == "p" else None
        if moved is None and word.tag == "p" and zh in _INNER_PREPOSITIONS and i > start \
                and any(_is_nominal(w) for w in words[start:i]) and zh not in _OPENERS:
            moved = _INNER_PREPOSITIONS[zh]
        if moved is not None:
            np_end = _np_end(words, i + 1, end)
            verb = _verb_after(words, np_end, end, skip_np=zh in {"对", "向"}) if np_end > i + 1 else None
            if verb is not None:
                vp_end = _vp_end(words, verb, end)
                word.set_text(moved)
                word.done = True
                words[i:vp_end] = words[np_end:vp_end] + words[i:np_end]
                i = vp_end
                continue
        i += 1
    # X期间， -> "during X,"
    last = end - 1
    if last > start and words[last].zh in _LOCALISERS and not words[last].done and end < len(words) \
            and words[end].zh in {"，", ","} and not any(w.zh in _OPENERS for w in words[start:last]):
        words[last].set_text(_LOCALISERS[words[last].zh])
        words[last].done = True
        words[start:end] = [words[last]] + words[start:last]
    return words


def _passive(words: list[Word], i: int, start: int, end: int) -> list[Word]:
    """被/由 X V -> "was V-ed by X"; 被V -> "was V-ed"."""
    marker = words[i]
    np_end = _np_end(words, i + 1, end)
    verb = _verb_after(words, np_end, end)
    if verb is None:
        return words
    future = any(w.zh in {"将", "将要", "会"} for w in words[start:i])
    subject = next((w.text for w in reversed(words[start:i]) if w.text), "")
    plural_subject = subject.endswith("s") and not subject.endswith(("ss", "us", "is"))
    be = "be" if future else ("were" if plural_subject else "was")
    words[verb].set_text(participle(words[verb].text))
    words[verb].done = True
    marker.done = True
    if np_end == i + 1:  # 被评为
        marker.set_text(be)
        return words
    marker.set_text("by")
    if marker.zh == "被" or words[start:i]:
        words[i:verb + 1] = [added(be)] + words[np_end:verb + 1] + words[i:np_end]
    else:
        words[i:verb + 1] = words[np_end:verb + 1] + words[i:np_end]
    return words


def _ba(words: list[Word], i: int, end: int) -> list[Word]:
    """把 X V -> "V X"; 把 X 作为 Y -> "take X as Y"."""
    np_end = _np_end(words, i + 1, end)
    if np_end == i + 1:
        return words
    verb = _verb_after(words, np_end, end)
    if verb is None:
        return words
    if words[verb].zh not in _AS_VERBS and any(_is_verb(w) for w in words[verb + 1:end]):
        return words  # 把X、Y结合起来: the verb found first is inside the object
    marker = words[i]
    marker.done = True
    if words[verb].zh in _AS_VERBS:
        marker.set_text("take")
        words[verb].set_text(_AS_VERBS[words[verb].zh])
        for piece in marker.pieces + words[verb].pieces:
            piece.zh = ""
        words[verb].done = True
        return words
    marker.set_text("")
    for piece in marker.pieces:
        piece.zh = ""
    words[i + 1:verb + 1] = [words[verb]] + words[i + 1:np_end] + words[np_end:verb]
    return words


# -- reporting -------------------------------------------------------------------------------

_REPORTING = {"强调": "stressed", "指出": "pointed out", "表示": "said", "说": "said", "认为": "believed",
              "提出": "proposed", "介绍": "said", "要求": "required", "希望": "expressed the hope",
              "表态": "pledged", "坦言": "admitted", "透露": "revealed", "强调指出": "stressed"}
_MUST = {"要", "必须", "一定要", "务必", "需要", "应", "应当", "要求"}


_SOURCES = {"据了解", "据悉", "据介绍", "据统计", "据测算", "据估算"}


def rule_reporting(words: list[Word]) -> list[Word]:
    for i, word in enumerate(words[:-1]):
        if word.zh in _SOURCES and words[i + 1].zh in {"，", ","}:
            words[i + 1].set_text("")  # "it is learned that" runs on into its clause
            continue
        if word.zh not in _REPORTING or word.done or not _is_break(words[i + 1]) or words[i + 1].zh not in {"，", ","}:
            continue
        comma = words[i + 1]
        after = words[i + 2] if i + 2 < len(words) else None
        if after is not None and after.tag == "w":
            continue  # 他说，“…” keeps its punctuation
        word.set_text(_REPORTING[word.zh])
        word.done = True
        comma.set_text("")
        if after is not None and after.zh in _MUST:
            if word.zh == "要求":
                word.set_text("called for efforts")
                after.set_text("to")
            elif word.zh in {"强调", "指出", "表示", "提出", "强调指出"}:
                after.set_text("the need to")
            after.done = True
        elif word.zh == "要求":
            must = next((j for j in range(i + 2, min(len(words), i + 14)) if words[j].zh in _MUST), None)
            if must is not None and not any(_is_break(w) for w in words[i + 2:must]):
                words[must].set_text("to")
                words[must].done = True
            else:
                comma.set_text("that")
                comma.pieces[0].glue_left = False
        else:
            comma.set_text("that")
            comma.pieces[0].glue_left = False
    return words


# -- verbs -----------------------------------------------------------------------------------

_PAST_MARKERS = {"了", "日前", "近日", "昨天", "昨日", "前不久", "此前", "去年", "上周", "上月", "近期", "刚刚", "已",
                 "已经", "曾", "曾经"}
_MODALS = {"要", "将", "会", "应", "应该", "应当", "必须", "能", "能够", "可以", "可", "需要", "需", "务必", "一定",
           "要求", "希望", "确保", "推动", "努力", "力争", "争取", "计划", "准备", "打算", "继续", "持续", "进一步",
           "正在", "正", "不断", "着力", "加快", "坚持", "致力", "致力于", "旨在", "用于", "以", "为了", "来", "去"}
_LIGHT_VERBS = {"进行", "开展", "加以", "予以", "给予", "作出", "做出", "实施", "加强", "推进", "推动", "实现", "召开",
                "举行", "组织", "参加", "参与", "出席", "发表", "提出", "表示", "进入", "开始", "继续", "持续", "坚持",
                "加大", "提供", "做好", "抓好", "完成", "促进", "深化", "强化", "提升", "提高", "增强", "带队", "前往",
                "作为", "成为", "有", "是", "让", "使", "请", "要求", "希望", "帮助", "支持", "鼓励", "引导"}
_GO_VERBS = {"赴", "到", "前往", "来到", "走进", "深入"}


def rule_verbs(words: list[Word], spans: list[tuple[int, int]]) -> None:
    sentence_past = any(w.zh in _PAST_MARKERS or (w.tag == "t" and re.search(r"\d[日号]", w.zh))
                        for w in words)
    future = any(w.zh in {"将", "将要", "即将", "明年", "下一步", "今后", "未来"} for w in words)
    inserts: list[int] = []
    settled: set[int] = set()  # the verbs this rule gave a form (two side by side are joined by "and")
    for start, end in spans:
        seen_verb = False
        for j in range(start, end):
            word = words[j]
            marked = j + 1 < end and words[j + 1].zh in {"了", "过"} and not words[j + 1].text
            verbal = _is_verb(word) or (word.tag == "vn" and marked)  # 研究了: a verb, whatever its tag
            if not verbal or word.done or not word.pieces or word.zh in _MODALS:
                if word.zh in _MODALS or word.zh in {"要", "将", "才能", "以便"}:
                    seen_verb = True  # what follows a modal keeps its bare form
                    word.done = True
                continue
            before = words[j - 1] if j > start else None
            after = words[j + 1] if j + 1 < end else None
            aspect = after is not None and after.zh in {"了", "过"} and not after.text
            if before is not None and before.done and before.tag == "+" :
                seen_verb = True
                continue
            # 传达学习 -> "conveyed and studied": two verbs side by side
            if before is not None and j - 1 in settled and before.zh not in _LIGHT_VERBS \
                    and before.zh not in _GO_VERBS and word.zh not in _LIGHT_VERBS and before.zh not in _MODALS \
                    and not (after is not None and after.tag in {"v", "vn"}):  # 汲取统计违法案件: 统计 modifies
                inserts.append(j)
            coordinated = before is not None and before.zh in {"并", "并且", "和", "及", "而", "、"} and \
                any(words[k].done and _is_verb(words[k]) for k in range(start, j))
            if seen_verb and not aspect and not coordinated:
                if before is not None and not _is_verb(before) and before.zh not in _MODALS \
                        and before.tag not in _ADVERB_TAGS and any(words[k].zh in _GO_VERBS and k + 1 < j
                                                                    and _is_nominal(words[k + 1])
                                                                    for k in range(start, j)):
                    # 赴长沙拜访 -> "went to Changsha to visit"; a verb the lexicon gives in the past: "and inspected"
                    word.set_text(("and " if past(word.text) == word.text else "to ") + word.text)
                    word.done = True
                    settled.add(j)
                continue
            if (sentence_past and not future) or aspect:
                if before is None or before.zh not in _MODALS:
                    if not coordinated or not any(words[k].zh in _MODALS for k in range(start, j)):
                        word.set_text(past(word.text))
                        word.tensed = True
            word.done = True
            settled.add(j)
            seen_verb = True
    for j in reversed(inserts):
        words.insert(j, added("and"))


# -- lists -----------------------------------------------------------------------------------

def rule_lists(words: list[Word], start: int, end: int) -> list[Word]:
    # A、B等N -> "N such as A and B"
    for j in range(start, end):
        word = words[j]
        if word.zh not in {"等", "等等"} or word.done:
            continue
        head_end = _np_end(words, j + 1, end)
        first = _list_start(words, j, start)
        if first >= j:
            continue
        if any(words[k].zh == "、" for k in range(first, j)):
            _and_before_last(words, first, j)
        if head_end > j + 1 and not any(w.tag in {"m", "mq"} for w in words[j + 1:head_end]):
            word.set_text("such as")
            word.done = True
            for h in _heads(words, j + 1, head_end):
                words[h].set_text(plural(words[h].text))
                words[h].done = True
            words[first:head_end] = words[j + 1:head_end] + [word] + words[first:j]
            return words
        word.done = True
    # A、B (no 和 at the end) -> "A and B"
    j = start
    while j < end:
        if words[j].zh == "、":
            first = _np_start(words, j - 1, start)
            last = _np_end(words, j + 1, end)
            if first < j and last > j + 1:
                _and_before_last(words, first, last)
                j = last
                continue
        j += 1
    return words


_LIST_STOPS = {"的", "了", "着", "过", "在", "对", "把", "将", "通过", "从", "向", "为"}


def _list_start(words: list[Word], j: int, start: int) -> int:
    """Where the 、-list ending before ``words[j]`` (等) starts: items are runs between 、; the first
    item is taken as long as the second (lists are parallel: 实地察看、座谈交流), at most."""
    items: list[int] = []  # lengths, last item first
    k, length = j - 1, 0
    while k >= start:
        word = words[k]
        if word.zh == "、":
            if not length:
                return j
            items.append(length)
            length = 0
        elif _is_break(word) or word.zh in _LIST_STOPS or word.tag in {"p", "d", "ad", "ul", "uj"} or not word.pieces:
            break
        else:
            length += 1
        k -= 1
    if not items:
        return _np_start(words, j - 1, start)
    if length:  # the words before the first 、: take no more than the next item's length, nouns first
        take = min(length, items[-1])
        first = k + 1 + (length - take)
        return first
    return k + 2  # the list opened with 、 (should not happen): start after it


def _and_before_last(words: list[Word], first: int, last: int) -> None:
    commas = [k for k in range(first, last) if words[k].zh == "、"]
    if commas and not any(words[k].zh in {"和", "与", "及", "以及"} for k in range(commas[-1], last)):
        words[commas[-1]].set_text("and")
        words[commas[-1]].pieces[0].glue_left = False


# -- articles --------------------------------------------------------------------------------

_THE_SUBJECTS = {"会议", "大会", "活动", "项目", "工作组", "检查组", "调研组", "督导组", "代表团", "双方",
                 "市委常委会", "常务会议", "座谈会", "论坛", "展会", "比赛", "该项目", "政府", "企业", "公司"}


_ARTICLE_AFTER = {"p", "f"}
_PREPOSITION_ENGLISH = {"in", "at", "on", "of", "for", "to", "from", "with", "by", "during", "under", "through",
                        "after", "before", "since", "around", "about", "into", "over", "among", "as"}


def _needs_article(word: Word) -> bool:
    text = word.text
    return bool(text) and word.tag in {"n", "vn", "nz", "an"} and text[:1].islower() \
        and not text.startswith(("the ", "a ", "an ", "our ", "its ", "their ", "his ", "her ", "all ", "each ",
                                 "every ", "this ", "these ", "those ", "some ")) \
        and not text.endswith("s") and word.zh not in _DETERMINERS


def rule_articles(words: list[Word], spans: list[tuple[int, int]]) -> None:
    for word in words:
        if word.definite and word.pieces and not word.text.lower().startswith(("the ", "a ", "an ", "our ", "its ")):
            text = word.text
            if text and text[0].islower():
                word.set_text("the " + text)
    for start, end in spans:
        first = words[start]
        if first.zh in _THE_SUBJECTS and first.pieces and first.text[:1].islower() and not first.definite \
                and (start == 0 or _is_break(words[start - 1])) and not first.text.startswith("the "):
            first.set_text("the " + first.text)
        for j in range(start, end - 1):
            word, following = words[j], words[j + 1]
            last = word.text.rsplit(" ", 1)[-1].lower() if word.text else ""
            if last in _PREPOSITION_ENGLISH and word.tag in {"p", "f", "+", "t"} and _needs_article(following) \
                    and not following.definite:
                following.set_text("the " + following.text)
                following.definite = True
            if word.tensed and _needs_article(following) and not following.definite \
                    and (j + 2 >= end or not _is_nominal(words[j + 2])):
                following.set_text("the " + following.text)  # attended opening ceremony -> "the opening ceremony"
                following.definite = True
            if words[j].zh in _PLURAL_AFTER | {"各"}:
                head_end = _np_end(words, j + 1, end)
                if words[j].zh == "各" and head_end > j + 1:
                    words[j].set_text("all")  # 各部门 -> "all departments"
                for h in _heads(words, j + 1, head_end):
                    if not words[h].done:
                        words[h].set_text(plural(words[h].text))
                        words[h].done = True


# -- driver ----------------------------------------------------------------------------------

def reorder(words: list[Word], families: frozenset[str] | set[str]) -> list[Word]:
    """Apply the enabled rule families to a sentence's words (in Chinese order); return them in English order."""
    if not families:
        return words
    words = _group_quotes(words)
    if "numbers" in families:
        words = rule_numbers(words)
    if "senses" in families:
        rule_senses(words)
    for start, end in reversed(_clauses(words)):
        if "lists" in families:
            words = rule_lists(words, start, end)
        if "modifiers" in families:
            before = len(words)
            words, _ = rule_modifiers(words, start, end)
            end += len(words) - before
        if "frames" in families:
            words = rule_frames(words, start, end)
    if "reporting" in families:
        words = rule_reporting(words)
    if "verbs" in families:
        rule_verbs(words, _clauses(words))
    if "articles" in families:
        rule_articles(words, _clauses(words))
    return words
