"""The translation memory: keys, storage, stats, clear, TMX export, location."""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from bilingual.config import default_data_dir
from bilingual.memory import TranslationMemory, normalise_source, open_memory
from bilingual.write.tmx import write_memory_tmx


def test_default_location_is_the_xdg_data_dir():
    # tests/conftest.py points XDG_DATA_HOME at a per-test folder
    assert default_data_dir() == Path(os.environ["XDG_DATA_HOME"]) / "bilingual"
    with open_memory() as memory:
        assert memory.path == Path(os.environ["XDG_DATA_HOME"]) / "bilingual" / "memory.sqlite3"
        assert memory.path.exists()


def test_lookup_uses_normalised_source_and_every_key_part(tmp_path):
    with open_memory(tmp_path) as memory:
        memory.store("他说。 ", "He said.", "argos", "zh_en 1.9", "g1", score=-0.3,
                     terms=[{"zh": "他", "en": "he", "status": "enforced"}])
        memory.commit()
        entry = memory.lookup("他说。", "argos", "zh_en 1.9", "g1")
        assert entry.en == "He said." and entry.score == -0.3 and entry.terms[0]["status"] == "enforced"
        memory.store("他说，好", "He said OK", "argos", "zh_en 1.9", "g1")
        assert memory.lookup("他说,好", "argos", "zh_en 1.9", "g1").en == "He said OK"  # NFKC folds the comma
        assert memory.lookup("他说。", "gloss", "zh_en 1.9", "g1") is None
        assert memory.lookup("他说。", "argos", "zh_en 2.0", "g1") is None
        assert memory.lookup("他说。", "argos", "zh_en 1.9", "g2") is None
    assert normalise_source("  a \t b\n") == "a b"


def test_memory_persists_across_opens(tmp_path):
    with open_memory(tmp_path) as memory:
        memory.store("他说。", "He said.", "gloss", "", "")
        memory.commit()
    with open_memory(tmp_path) as memory:
        assert memory.lookup("他说。", "gloss", "", "").en == "He said."


def test_stats_clear_and_export(tmp_path):
    with open_memory(tmp_path) as memory:
        memory.store("他说。", "He said.", "argos", "m 1", "g")
        memory.store("我们走。", "We go & <stay>.", "gloss", "", "g")
        memory.commit()
        memory.lookup("他说。", "argos", "m 1", "g")
        stats = memory.stats()
        assert stats.entries == 2 and stats.hits == 1 and stats.by_engine == {"argos m 1": 1, "gloss ": 1}
        out = tmp_path / "tm.tmx"
        assert write_memory_tmx(memory.entries(), out) == 2
        root = etree.parse(str(out)).getroot()
        assert root.get("version") == "1.4" and root.find("header").get("srclang") == "zh-CN"
        segs = [s.text for s in root.iter("seg")]
        assert segs == ["他说。", "He said.", "我们走。", "We go & <stay>."]
        assert memory.clear() == 2
        assert memory.stats().entries == 0


def test_unwritable_location_is_an_output_error(tmp_path):
    import pytest

    from bilingual.errors import OutputError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot open the translation memory"):
        TranslationMemory(blocker / "sub" / "memory.sqlite3")
