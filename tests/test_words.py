"""jieba set up in one place (``bilingual.zh.words``): its frequencies and word tags are jieba's own, kept as one table."""

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


def test_the_word_tags_are_jiebas_own_and_its_tagger_holds_them():
    import jieba.posseg

    theirs = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    theirs.load_word_tag(jieba.dt.get_dict_file())  # jieba's reading of dict.txt
    assert words.word_tags() == theirs.word_tag_tab and len(theirs.word_tag_tab) > 300_000
    assert words.pos_tokenizer().word_tag_tab is words.word_tags()
    assert [(p.word, p.flag) for p in words.pos_cut("衡阳市委书记讲话")] == [("衡阳", "ns"), ("市委书记", "n"),
                                                                      ("讲话", "n")]


def test_a_fresh_process_builds_the_tables_once_then_reads_them(tmp_path):
    """With an empty cache folder the first process builds the tables (jieba's frequencies and tags) and writes
    them; the next reads them; both cut and tag as jieba does."""
    import os
    import subprocess
    import sys

    code = ("from bilingual.zh import words\n"
        "print(len(words.frequencies()), words.dictionary().total, len(words.word_tags()),\n"
        "      ' '.join(f'{p.word}/{p.flag}' for p in words.pos_cut('衡阳市委书记讲话')), words.is_word('市委书记'))\n")
    env = {**os.environ, "BILINGUAL_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout == runs[1].stdout
    counts = runs[0].stdout.split()
    assert int(counts[0]) == len(words.frequencies()) and int(counts[1]) == words.dictionary().total
    assert int(counts[2]) == len(words.word_tags())
    assert "衡阳/ns 市委书记/n 讲话/n True" in runs[0].stdout
    assert (tmp_path / "jieba-tables.marshal").stat().st_size > 1_000_000
