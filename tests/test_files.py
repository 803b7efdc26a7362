"""``files.derived_table``: a table derived from installed files, kept in the user's cache and read back while
its stamp (the sources' name, size and mtime, a version, Python's version) holds; anything else builds it."""

from __future__ import annotations

import os

import pytest

from bilingual.files import derived_table


def test_built_once_then_read_while_the_stamp_holds(tmp_path):
    source, cache = tmp_path / "dict.txt", tmp_path / "cache" / "table.marshal"
    source.write_text("a 1\nb 2\n", encoding="utf-8")
    builds = []

    def build():
        builds.append(1)
        return {line.split()[0]: int(line.split()[1]) for line in source.read_text(encoding="utf-8").splitlines()}

    assert derived_table(cache, [source], "v1", build) == {"a": 1, "b": 2} and len(builds) == 1
    assert derived_table(cache, [source], "v1", build) == {"a": 1, "b": 2} and len(builds) == 1  # read back
    assert derived_table(cache, [source], "v2", build) == {"a": 1, "b": 2} and len(builds) == 2  # another form
    stat = source.stat()
    source.write_text("a 1\nb 3\n", encoding="utf-8")  # same size: the mtime tells it apart
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert derived_table(cache, [source], "v2", build) == {"a": 1, "b": 3} and len(builds) == 3
    assert not list(cache.parent.glob("*.part"))


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_cache_is_built_again_and_rewritten(tmp_path, damage):
    source, cache = tmp_path / "dict.txt", tmp_path / "table.marshal"
    source.write_text("x\n", encoding="utf-8")
    derived_table(cache, [source], "v1", lambda: {"x": 1})
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2] if damage is None else damage)
    assert derived_table(cache, [source], "v1", lambda: {"x": 2}) == {"x": 2}
    assert derived_table(cache, [source], "v1", lambda: {"x": 3}) == {"x": 2}  # the rewritten cache


def test_an_unwritable_cache_or_a_missing_source_still_gives_the_table(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("x\n", encoding="utf-8")
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    assert derived_table(blocked / "table.marshal", [source], "v1", lambda: {"x": 1}) == {"x": 1}
    assert derived_table(tmp_path / "t.marshal", [tmp_path / "absent"], "v1", lambda: {"y": 1}) == {"y": 1}
    assert not (tmp_path / "t.marshal").exists()


def test_a_build_that_fails_writes_nothing(tmp_path):
    source, cache = tmp_path / "dict.txt", tmp_path / "table.marshal"
    source.write_text("x\n", encoding="utf-8")

    def broken():
        raise ValueError("line 3: not an entry")

    with pytest.raises(ValueError, match="line 3"):
        derived_table(cache, [source], "v1", broken)
    assert not cache.exists() and not list(tmp_path.glob("*.part"))


def test_the_cache_folder_is_bilingual_cache_dir_else_the_users(monkeypatch, tmp_path):
    from bilingual.config import default_cache_dir

    monkeypatch.setenv("BILINGUAL_CACHE_DIR", str(tmp_path / "tables"))
    assert default_cache_dir() == tmp_path / "tables"
    monkeypatch.delenv("BILINGUAL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "bilingual"
