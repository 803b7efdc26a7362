"""jieba, set up in one place.

``dictionary()`` is jieba's default tokenizer with its shipped dictionary, initialised once
and quietly; nothing ever adds words to it, so what one part of the tool reads from it
(word boundaries, word tags, frequencies) does not depend on what another part did before.
A component that needs words of its own (the gloss engine's curated words) gets a private
tokenizer from ``custom_pos_tokenizer``.
"""

from __future__ import annotations

import logging
import marshal
import os
import tempfile
import threading
from functools import lru_cache

from .script import is_han

_LOCK = threading.Lock()


def _quiet_jieba():
    import jieba  # jieba loads a 5 MB dictionary: imported when words are first needed

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def dictionary():
    """jieba's default ``Tokenizer``, initialised (never modified)."""
    jieba = _quiet_jieba()
    with _LOCK:
        if not jieba.dt.initialized and jieba.dt.dictionary == jieba.DEFAULT_DICT:
            load_jieba_cache(jieba.dt)
        jieba.dt.initialize()  # builds the dictionary and its cache when they could not be read
    return jieba.dt


def load_jieba_cache(tokenizer) -> None:
    """Load the default dictionary from jieba's own cache file, read in one piece.

    jieba's ``initialize`` reads the same file with ``marshal.load(file)``, which pulls it from the file object by
    object: 0.5-0.7 s of every process, against 0.2 s for ``marshal.loads`` of its bytes. Anything unexpected (no
    cache yet, a damaged file) leaves the work to jieba, which writes the cache. For jieba's default dictionary only.
    """
    if tokenizer.cache_file:
        return
    path = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    try:
        with open(path, "rb") as handle:
            freq, total = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(freq, dict) and isinstance(total, int) and freq:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True


@lru_cache(maxsize=1)
def pos_tokenizer():
    """jieba's part-of-speech tokenizer over the default dictionary."""
    import jieba.posseg

    dictionary()
    return jieba.posseg.dt


LONGEST_WORD = 6  # words that matter for term boundaries are at most this long


def frequencies() -> dict[str, int]:
    """Word -> frequency in jieba's dictionary (prefixes of words have 0)."""
    return dictionary().FREQ


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """Word -> part-of-speech tag in jieba's dictionary."""
    tokenizer = pos_tokenizer()
    tokenizer.makesure_userdict_loaded()
    return tokenizer.word_tag_tab


def is_word(text: str) -> bool:
    return bool(frequencies().get(text))


def cut(text: str, hmm: bool = False) -> list[str]:
    """``text`` cut into words by the default dictionary."""
    return list(dictionary().cut(text, HMM=hmm))


def word_starts(text: str) -> list[int]:
    """Offsets where the words of ``cut(text)`` start (and ``len(text)``).

    For Chinese-only text jieba's DAG and route are used directly (what ``cut`` does inside,
    without its block splitting and generators): term boundaries ask for many short windows.
    """
    if not text or not all(is_han(ch) for ch in text):
        starts, pos = [], 0
        for token in cut(text):
            starts.append(pos)
            pos += len(token)
        return starts + [pos]
    tokenizer = dictionary()
    route: dict = {}
    tokenizer.calc(text, tokenizer.get_DAG(text), route)
    starts, x = [], 0
    while x < len(text):
        starts.append(x)
        x = route[x][1] + 1
    return starts + [len(text)]


def pos_cut(text: str):
    """``text`` cut into (word, flag) pairs by the default part-of-speech tokenizer."""
    return pos_tokenizer().cut(text)


def custom_pos_tokenizer(words):
    """A private part-of-speech tokenizer: jieba's dictionary plus ``words`` (kept whole).

    Each added word gets just enough weight to stay whole, not so much that it captures
    characters from its neighbours (未来衡阳 stays 未来|衡阳).
    """
    _quiet_jieba()
    import jieba.posseg

    # A copy of the default dictionary's tables, not a second load of jieba's files (about 2 s a process).
    base = dictionary()
    tags = word_tags()
    tokenizer = jieba.posseg.jieba.Tokenizer()
    with _LOCK:
        tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
        tokenizer.initialized = True
    for word in words:
        if len(word) > 1 and is_han(word[0]) and not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, freq=tokenizer.suggest_freq(word, tune=False) * 3 + 10)
    private = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    private.tokenizer, private.word_tag_tab = tokenizer, dict(tags)
    return private
