"""jieba set up in one place (``bilingual.zh.words``): its dictionary is read from jieba's own cache in one piece."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import jieba

from bilingual.zh import words


def test_the_dictionary_is_jiebas_own():
    ours = words.dictionary()
    theirs = jieba.Tokenizer()
    theirs.tmp_dir = tempfile.mkdtemp(prefix="jieba-")  # jieba builds it from dict.txt, not from a cache
    try:
        theirs.initialize()
    finally:
        shutil.rmtree(theirs.tmp_dir, ignore_errors=True)
    assert ours.initialized and ours.total == theirs.total and ours.FREQ == theirs.FREQ


def test_the_cache_is_read_in_one_piece_and_a_damaged_one_is_left_to_jieba(tmp_path):
    real = Path(words.dictionary().tmp_dir or tempfile.gettempdir()) / "jieba.cache"
    shutil.copy(real, tmp_path / "jieba.cache")
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_path)
    words.load_jieba_cache(tokenizer)
    assert tokenizer.initialized and tokenizer.FREQ == words.dictionary().FREQ
    for damage in (b"", b"not marshal data", (tmp_path / "jieba.cache").read_bytes()[:1000]):
        (tmp_path / "jieba.cache").write_bytes(damage)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(tmp_path)
        words.load_jieba_cache(tokenizer)
        assert not tokenizer.initialized  # jieba's initialize builds it (and writes a good cache)
    (tmp_path / "jieba.cache").unlink()
    tokenizer.initialize()
    assert tokenizer.FREQ == words.dictionary().FREQ and (tmp_path / "jieba.cache").stat().st_size > 1_000_000
