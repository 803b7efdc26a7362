"""Which characters are Chinese, and converting between the scripts.

One definition of "Han character" for the whole tool (the test used to be written ten
ways with differing Unicode ranges), plus OpenCC converters and the character-level
traditional -> simplified table used for matching keys.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .opencc_fast import FastOpenCC

# Han ideographs: unified (BMP), extension A, compatibility, and the supplementary planes.
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Han plus CJK symbols and punctuation, kana, bopomofo, enclosed forms, vertical and full-width forms:
# none of these may reach the English.
CJK_RANGES = ("\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ef\u3200-\u33ff"
              "\ufe30-\ufe4f\uff00-\uffef" + HAN_RANGES)
# Chinese running text: Han, CJK punctuation, full-width forms and the curly quotes Chinese text uses.
CHINESE_TEXT_RANGES = HAN_RANGES + "\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"

HAN = re.compile(f"[{HAN_RANGES}]")
HAN_RUN = re.compile(f"[{HAN_RANGES}]+")
NON_HAN_RUN = re.compile(f"[^{HAN_RANGES}]+")
CJK = re.compile(f"[{CJK_RANGES}]")
CHINESE_TEXT = re.compile(f"[{CHINESE_TEXT_RANGES}]")


def is_han(ch: str) -> bool:
    """Whether the single character ``ch`` is a Han ideograph."""
    return bool(ch) and HAN.match(ch) is not None


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def all_han(text: str) -> bool:
    return bool(text) and HAN_RUN.fullmatch(text) is not None


def is_chinese_text(ch: str) -> bool:
    """Han, CJK punctuation or a full-width form: a character of Chinese running text."""
    return bool(ch) and CHINESE_TEXT.match(ch) is not None


@lru_cache(maxsize=None)
def converter(profile: str):
    """A cached OpenCC converter (``t2s``, ``tw2sp``, ``hk2s``, ``s2t`` ...), loaded on first use.

    ``FastOpenCC`` gives the library's exact output on the library's data, several times faster.
    """
    return FastOpenCC(profile)


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """OpenCC's one-to-one traditional -> simplified characters as a ``str.translate`` table.

    Character-level on purpose: the text's offsets must stay the text's offsets.
    """
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    with open(path, encoding="utf-8") as f:
        for row in f:
            key, _, values = row.rstrip("\n").partition("\t")
            first = values.split(" ")[0]
            if len(key) == 1 and len(first) == 1 and key != first:
                table[ord(key)] = first
    return table


def simplified_key(text: str) -> str:
    """``text`` with traditional characters replaced one for one by simplified ones (same length)."""
    return text.translate(_t2s_table())
