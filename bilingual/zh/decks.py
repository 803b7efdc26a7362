"""Headline decks. A Chinese head set on several lines (引题, 主题, 副题 often run to two or three decks)
reaches us flattened to one line with a space where each line ended: Chinese needs no spaces
between words, so a space between two Chinese characters is a deck break, never a word space.

The English of a multi-deck head keeps one line per deck, joined by ``EN_DECK_BREAK``
(``bilingual.stages.decks`` translates each deck on its own); writers set each deck on its line.
"""

from __future__ import annotations

import re

# A run of spaces (ASCII or ideographic) with no Latin letter or digit on either side: between two
# Chinese characters, or a closing quote and a Chinese character. "iPhone 15发布" keeps its spaces.
DECK_BREAK = re.compile(r"(?<=[^\sA-Za-z0-9])[ \u3000]+(?=[^\sA-Za-z0-9])")
EN_DECK_BREAK = "\n"


def split_decks(text: str | None) -> list[str]:
    """The decks of a Chinese head, in order: ``"坚决扛牢重大责任 持续深化两地发展联动"`` -> two decks."""
    return [deck for deck in DECK_BREAK.split((text or "").strip()) if deck]


def deck_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each deck in ``text`` itself (not stripped)."""
    spans, start = [], 0
    for m in DECK_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def split_english_decks(text: str | None) -> list[str]:
    """The English decks of a head: one per line of its English (a single deck when it has no break)."""
    return [line.strip() for line in (text or "").split(EN_DECK_BREAK) if line.strip()]
