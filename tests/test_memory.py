"""The translation memory: a project's human work found by source alone, machine English by its full key,
history, stats, clear, damaged and read-only memories, fuzzy suggestions, TMX export."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from translate.storage.tmx import tmxfile

from bilingual.errors import OutputError
from bilingual.memory import (
    Memories,
    MemoryEntry,
    ReferenceUnit,
    TranslationMemory,
    normalise_source,
    project_memory_path,
)
from bilingual.write.tmx import write_memory_tmx


def machine(source, en, engine="argos", model="zh_en 1.9", glossary="g1", options="", score=None, terms=()):
    return MemoryEntry("machine", source, en, "draft", engine=engine, model=model, glossary=glossary,
                       options=options, score=score, terms=list(terms))


def test_the_memory_belongs_to_the_output_folder(tmp_path):
    assert project_memory_path(tmp_path / "out") == tmp_path / "out" / ".bilingual" / "memory.sqlite3"


def test_machine_english_is_found_only_under_its_whole_key(tmp_path):
    with TranslationMemory(tmp_path / "m.sqlite3") as memory:
        memory.store_machine([machine("他说。 ", "He said.", score=-0.3,
                                      terms=[{"zh": "他", "en": "he", "status": "enforced"}]),
                              machine("他说，好", "He said OK")])
        entry = memory.machine("他说。", "argos", "zh_en 1.9", "g1", "")
        assert entry.en == "He said." and entry.score == -0.3 and entry.terms[0]["status"] == "enforced"
        assert memory.machine("他说,好", "argos", "zh_en 1.9", "g1", "").en == "He said OK"  # NFKC folds the comma
        for other in (("gloss", "zh_en 1.9", "g1", ""), ("argos", "zh_en 2.0", "g1", ""),
                      ("argos", "zh_en 1.9", "g2", ""), ("argos", "zh_en 1.9", "g1", "place=Turpan")):
            assert memory.machine("他说。", *other) is None


def test_a_persons_english_is_found_by_the_source_alone_and_keeps_its_history(tmp_path):
    with TranslationMemory(tmp_path / "m.sqlite3") as memory:
        assert memory.store_human("市长朱健主持会议。", "Mayor Zhu Jian chaired the meeting.", "xliff", who="ana")
        assert not memory.store_human("市长朱健主持会议。", "Mayor Zhu Jian chaired the meeting.", "xliff")
        assert memory.store_human("市长朱健主持会议。", "Mayor Zhu Jian presided.", "web", "approved", "bo")
        entry = memory.human("市长朱健主持会议。 ")
        assert (entry.en, entry.status, entry.how, entry.who) == ("Mayor Zhu Jian presided.", "approved", "web", "bo")
        assert [(h["old"], h["new"]) for h in memory.history("市长朱健主持会议。")] == [
            (None, "Mayor Zhu Jian chaired the meeting."),
            ("Mayor Zhu Jian chaired the meeting.", "Mayor Zhu Jian presided.")]


def test_stats_and_clear_keep_a_persons_work_unless_asked(tmp_path):
    with TranslationMemory(tmp_path / "m.sqlite3") as memory:
        memory.store_machine([machine("他说。", "He said."), machine("我们走。", "We go.", engine="gloss", model="")])
        memory.store_human("他来了。", "He came.", "xliff")
        stats = memory.stats()
        assert (stats.human, stats.machine, stats.entries) == (1, 2, 3)
        assert stats.by_engine == {"argos zh_en 1.9": 1, "gloss ": 1} and stats.by_status == {"translated": 1}
        assert memory.clear() == 2
        assert memory.human("他来了。").en == "He came." and memory.stats().machine == 0
        assert memory.clear(include_human=True) == 1 and memory.stats().entries == 0


def test_the_memory_persists_across_opens(tmp_path):
    with TranslationMemory(tmp_path / "m.sqlite3") as memory:
        memory.store_human("他说。", "He said.", "align")
    with TranslationMemory(tmp_path / "m.sqlite3") as memory:
        assert memory.human("他说。").en == "He said."


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-schema", "garbage-in-the-middle"])
def test_a_damaged_memory_is_moved_aside_with_a_warning(tmp_path, damage):
    path = tmp_path / "m.sqlite3"
    with TranslationMemory(path) as memory:
        for i in range(300):
            memory.store_human(f"第{i}句话。", f"Sentence {i}.", "tmx")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        path.write_bytes(data[:len(data) // 3])
    elif damage == "other-schema":
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE translations (key TEXT PRIMARY KEY, en TEXT)")
    else:
        path.write_bytes(data[:8192] + os.urandom(4096) + data[12288:])
    with TranslationMemory(path) as memory:
        assert len(memory.warnings) == 1 and "moved aside" in memory.warnings[0]
        memory.store_human("他说。", "He said.", "web")  # a fresh memory that works
        assert memory.human("他说。").en == "He said."
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert aside and aside[0].stat().st_size > 0  # moved, never deleted


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_an_unwritable_memory_is_used_read_only(tmp_path):
    path = tmp_path / "m.sqlite3"
    with TranslationMemory(path) as memory:
        memory.store_human("他说。", "He said.", "web")
    path.chmod(stat.S_IRUSR)
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with TranslationMemory(path) as memory:
            assert memory.readonly and "read-only" in memory.warnings[0]
            assert memory.human("他说。").en == "He said."
            memory.store_machine([machine("我们走。", "We go.")])  # not written, no error
            with pytest.raises(OutputError):
                memory.clear()
    finally:
        tmp_path.chmod(stat.S_IRWXU)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_memories_prefer_the_project_then_references_and_suggest_similar_sources(tmp_path):
    reference = tmp_path / "ref.sqlite3"
    with TranslationMemory(reference) as ref:
        ref.store_human("市委书记刘越高主持会议。", "Liu Yuegao, Secretary, chaired the meeting.", "xliff")
        ref.store_human("他说。", "He said (reference).", "xliff")
    project = TranslationMemory(tmp_path / "project.sqlite3")
    project.store_human("他说。", "He said (project).", "web")
    files = {"omegat.tmx": [ReferenceUnit("今天天气很好。", "The weather is fine today.", "ana")]}
    with Memories(project, [TranslationMemory(reference, readonly=True)], files) as memories:
        assert memories.human("他说。").en == "He said (project)." and memories.human("他说。").memory == "project"
        assert memories.human("市委书记刘越高主持会议。").memory == "ref.sqlite3"
        assert memories.human("今天天气很好。").memory == "omegat.tmx"
        suggestions = memories.suggestions("市委书记刘越高主持了会议。")
        assert suggestions and suggestions[0].en.startswith("Liu Yuegao") and 0.75 <= suggestions[0].score < 1
        assert memories.suggestions("完全不同的句子。") == []
        assert memories.suggestions("他说。") == []  # an exact match is not a suggestion


def test_tmx_export_says_whose_english_each_unit_is(tmp_path):
    with TranslationMemory(tmp_path / "m.sqlite3") as memory:
        memory.store_machine([machine("他说。", "He said.")])
        memory.store_human("我们走。", "We go & <stay>.", "web", who="ana", at="2026-12-03T06:52:22Z")
        out = tmp_path / "tm.tmx"
        assert write_memory_tmx(memory.entries(("human",)), out) == 1
        (unit,) = tmxfile.parsefile(str(out)).units
        assert unit.target == "We go & <stay>." and unit.xmlelement.get("changeid") == "ana"
        assert unit.xmlelement.get("changedate") == "20261203T065222Z"
        assert write_memory_tmx(memory.entries(), out) == 2


def test_normalised_source():
    assert normalise_source("  他说，\t好  ") == "他说, 好"
