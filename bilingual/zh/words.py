"""jieba, set up in one place.

``dictionary()`` is jieba's default tokenizer with its shipped dictionary, initialised once
and quietly; nothing ever adds words to it, so what one part of the tool reads from it
(word boundaries, word tags, frequencies) does not depend on what another part did before.
A component that needs words of its own (the gloss engine's curated words) gets a private
tokenizer from ``custom_pos_tokenizer``.
"""

from __future__ import annotations

import io
import logging
import marshal
import os
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from ..config import default_cache_dir
from ..files import derived_table
from .hmm import tokenizer_class
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
            freq, total, _tags = _default_tables()
            jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = freq, total, True
        jieba.dt.initialize()  # builds the dictionary and its cache when they could not be read
    return jieba.dt


TABLES_VERSION = "jieba-tables-1"  # the form of ``_default_tables``' tuple: changed, the cache is built again


@lru_cache(maxsize=1)
def _default_tables() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's default dictionary as its tokenizer holds it (word and prefix -> frequency, the total) and its
    word tags (word -> part of speech), kept in the user's cache (``files.derived_table``).

    jieba itself reads the frequencies from its cache (0.3-0.4 s) and, when jieba.posseg is imported, the tags
    from dict.txt line by line (another 0.3-0.4 s). Kept together, the tags' words are the frequency table's
    own string objects, so one marshal read of both takes about 0.45 s.
    """
    jieba = _quiet_jieba()
    source = Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME
    return derived_table(default_cache_dir() / "jieba-tables.marshal", [source], TABLES_VERSION, _build_tables)


def _build_tables() -> tuple[dict[str, int], int, dict[str, str]]:
    jieba = _quiet_jieba()
    tokenizer = jieba.Tokenizer()
    load_jieba_cache(tokenizer)
    tokenizer.initialize()  # (from dict.txt when jieba's own cache could not be read)
    import jieba.posseg as tagger

    reader = tagger.POSTokenizer.__new__(tagger.POSTokenizer)
    reader.load_word_tag(tokenizer.get_dict_file())  # jieba's own reading, and its error for a bad line
    same = {word: word for word in tokenizer.FREQ}
    tags = {same.get(word, word): sys.intern(tag) for word, tag in reader.word_tag_tab.items()}
    return tokenizer.FREQ, tokenizer.total, tags


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
    """jieba's part-of-speech tokenizer over the default dictionary (its tables, and ``hmm``'s decoder)."""
    posseg = _posseg()
    fast = tokenizer_class(posseg)
    tokenizer = fast.__new__(fast)
    tokenizer.tokenizer, tokenizer.word_tag_tab = posseg.dt.tokenizer, posseg.dt.word_tag_tab
    return tokenizer


_POSSEG = None
_POSSEG_LOCK = threading.Lock()


def _posseg():
    """``jieba.posseg``, its default tokenizer holding the cached word tags (``_default_tables``).

    On import jieba.posseg reads the tags from dict.txt itself (0.3-0.4 s); here that import is given an empty
    file instead, and the tags are the cached ones: the same table. Returned only once it holds them.
    """
    global _POSSEG
    if _POSSEG is not None:
        return _POSSEG
    jieba = _quiet_jieba()
    tokenizer = dictionary()
    tags = _default_tables()[2] if tokenizer.dictionary == jieba.DEFAULT_DICT else None
    with _POSSEG_LOCK:
        if _POSSEG is None:
            if tags is None or "jieba.posseg" in sys.modules:
                import jieba.posseg  # (already imported, or not jieba's own dictionary: jieba reads its tags)
            else:
                tokenizer.get_dict_file = lambda: io.BytesIO(b"")  # (an instance attribute: shadows the method)
                try:
                    import jieba.posseg
                finally:
                    del tokenizer.get_dict_file
                jieba.posseg.dt.word_tag_tab = tags
            _POSSEG = jieba.posseg
    return _POSSEG


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
    posseg = _posseg()

    # A copy of the default dictionary's tables, not a second load of jieba's files (about 2 s a process).
    base = dictionary()
    tags = word_tags()
    tokenizer = posseg.jieba.Tokenizer()
    with _LOCK:
        tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
        tokenizer.initialized = True
    for word in words:
        if len(word) > 1 and is_han(word[0]) and not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, freq=tokenizer.suggest_freq(word, tune=False) * 3 + 10)
    fast = tokenizer_class(posseg)  # (unknown runs decoded over the transitions that exist: the same result)
    private = fast.__new__(fast)
    private.tokenizer, private.word_tag_tab = tokenizer, dict(tags)
    return private
