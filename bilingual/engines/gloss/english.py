"""Assembling English from glossed pieces: punctuation, spacing, two-part frames (在……上 -> "at ..."),
doubled words, capitals, and the last line of defence that no Chinese character remains."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ...zh.pinyin import syllables
from ...zh.script import CJK

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
class Piece:
    text: str
    glue_left: bool = False
    glue_right: bool = False
    proper: bool = False  # a name: an administrative word after it is capitalised
    placeholder: bool = False
    at_end: str | None = None  # the English to use instead when punctuation or the end follows
    zh: str = ""  # the Chinese word this piece glosses (for the frame rules)
    src: int = -1  # index of the source word it glosses (-1: English a rule added)


@dataclass
class Word:
    """One source unit (a jieba word, a date, an amount, a placeholder, a punctuation mark) and its English.

    ``tag`` is jieba's part of speech, or for units cut by pattern: ``ph`` placeholder, ``t`` date or
    time, ``m`` amount, ``mo`` ordinal, ``eng`` Latin letters, ``w`` punctuation; ``+`` marks
    English a transfer rule inserted. A dropped particle (的, 了) is a word with no pieces: the
    rules still see it. ``count`` is the number an amount or numeral stands for.
    """

    zh: str
    tag: str
    pieces: list[Piece]
    src: int = -1
    count: float | None = None
    measure: str = ""  # the measure word an amount carried (28名 -> "名")
    definite: bool = False  # a head noun a rule made definite ("the leadership of ...")
    done: bool = False  # a rule has used this word up (its form or place is settled)
    tensed: bool = False  # a verb a rule put in the past tense (its bare object takes "the")

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.pieces if p.text)

    def set_text(self, text: str) -> None:
        """Replace the English with one piece (keeping the first piece's flags and source index)."""
        if self.pieces:
            first = self.pieces[0]
            first.text = text
            del self.pieces[1:]
        else:
            self.pieces = [Piece(text, src=self.src)]


def added(text: str) -> Word:
    """A word of English a rule adds ("of", "the", "that")."""
    return Word("", "+", [Piece(text)], done=True)


def join_pieces(pieces: list[Piece]) -> str:
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


def apply_frames(pieces: list[Piece]) -> None:
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


def settle_endings(pieces: list[Piece]) -> None:
    # 等 reads "and other" before a noun but "etc." before a comma or at the end.
    for i, piece in enumerate(pieces):
        if piece.at_end is not None:
            following = next((pieces[k] for k in range(i + 1, len(pieces)) if pieces[k].text), None)
            if following is None or (following.glue_left and not following.placeholder):
                piece.text = piece.at_end


def dedupe_runs(pieces: list[Piece]) -> list[Piece]:
    # Punctuation runs ("——", "……", ",,") and doubled words ("work work") read as noise.
    kept: list[Piece] = []
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


def no_chinese(text: str) -> str:
    """Last line of defence: romanise any CJK character still present; drop what has no reading."""
    if not CJK.search(text):
        return re.sub(r"\s{2,}", " ", text).strip()

    def replace(match: re.Match) -> str:
        char = unicodedata.normalize("NFKC", match.group())
        if CJK.fullmatch(char):
            return " " + " ".join(syllables(char)) + " "
        return char

    text = CJK.sub(replace, text)
    text = CJK.sub("", text)
    return re.sub(r"\s{2,}", " ", text).strip()
