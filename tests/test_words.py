"""jieba set up in one place (``bilingual.zh.words``): its frequencies and word tags are jieba's own, kept as one table."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import jieba
from hypothesis import given, settings
from hypothesis import strategies as st

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


HAN_TEXT = st.text(alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                                      st.sampled_from("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分")),
                   min_size=1, max_size=16)


@settings(max_examples=100, deadline=None)
@given(text=HAN_TEXT)
def test_the_decoder_gives_jiebas_probability_and_route(text):
    import jieba.posseg as posseg
    from jieba.posseg.viterbi import viterbi as jieba_viterbi

    from bilingual.zh.hmm import viterbi

    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    assert viterbi(text, *tables) == jieba_viterbi(text, *tables)


def test_tagging_with_the_decoder_is_jiebas_on_rare_and_real_text():
    """The tokenizers (default and private) cut and tag as jieba's own tokenizer does: the seed, whose unknown
    runs are names and places, and runs of rare characters, where the decoder does all the work (the decoder
    itself is compared with jieba's on random text above)."""
    import random

    import jieba.posseg as posseg

    from bilingual.zh.hmm import tokenizer_class

    seed = Path(__file__).resolve().parent.parent / "seeds" / "hengyang-evening-news-2023-08-19.txt"
    rng = random.Random(5)
    texts = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 16))) for _ in range(6)]
    ours = words.pos_tokenizer()
    assert isinstance(ours, tokenizer_class(posseg)) and ours.word_tag_tab is words.word_tags()
    jiebas = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
    jiebas.tokenizer, jiebas.word_tag_tab = ours.tokenizer, ours.word_tag_tab
    private = words.custom_pos_tokenizer(["衡阳晚报"])
    for text in texts:
        expected = [(p.word, p.flag) for p in jiebas.cut(text)]
        assert [(p.word, p.flag) for p in ours.cut(text)] == expected
        if "衡阳晚报" not in text:
            assert [(p.word, p.flag) for p in private.cut(text)] == expected
