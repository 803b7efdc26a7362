"""A fast converter that gives exactly what opencc-python-reimplemented gives, on its own data.

Why: the reimplementation searches every chunk for its longest dictionary phrase again and
again in pure Python (about 0.1 MB/s), which made traditional pages 20 times slower to read
than simplified ones. This module reads the same configuration and dictionary files and
applies the same rule, computed once per chunk:

  The text is split at OpenCC's separator characters. For each conversion group in the
  chain, each dictionary of the group in turn replaces, within the parts no earlier
  dictionary of the group replaced, the longest phrase it knows (leftmost among equally
  long ones), then the longest in what is left on either side, and so on; a value with
  several candidates gives its first. The group's output is the next group's input.

Picking "longest, then leftmost" repeatedly inside the parts that remain is the same as
taking all dictionary matches sorted by (length descending, start ascending) and keeping
each one that does not overlap one kept before: this is how it is computed here, with
a two-character prefix index so most positions cost one set lookup. Single-character
dictionaries that end a group become ``str.translate`` tables.

``tests/read/test_opencc_fast.py`` checks equality with the library on real text.
"""

from __future__ import annotations

import io
import json
import os
import re
from functools import lru_cache


class _Dictionary:
    def __init__(self, path: str):
        self.table: dict[str, str] = {}
        with io.open(path, "r", encoding="utf-8") as f:
            for line in f:
                key, value = line.strip().split("\t")
                self.table[key] = value.split(" ")[0]
        lengths = {len(k) for k in self.table}
        self.single_chars = lengths == {1}
        self.has_single = 1 in lengths
        # first two characters -> the key lengths (>= 2) that start with them, longest first
        by_prefix: dict[str, set[int]] = {}
        for key in self.table:
            if len(key) >= 2:
                by_prefix.setdefault(key[:2], set()).add(len(key))
        self.lengths_by_prefix = {p: sorted(ls, reverse=True) for p, ls in by_prefix.items()}
        self.translate_table = str.maketrans(self.table) if self.single_chars else None
        # Small phrase dictionaries rarely match: a regex over their keys says "none here" at C speed.
        self.quick_check = None
        if not self.single_chars and len(self.table) <= 5000:
            keys = sorted(self.table, key=len, reverse=True)
            self.quick_check = re.compile("|".join(re.escape(k) for k in keys))

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Every (start, end) where a key occurs in ``text``."""
        if self.quick_check is not None and self.quick_check.search(text) is None:
            return []
        found = []
        table = self.table
        lengths_by_prefix = self.lengths_by_prefix
        n = len(text)
        for i in range(n):
            lengths = lengths_by_prefix.get(text[i:i + 2])
            if lengths:
                for length in lengths:
                    if i + length <= n and text[i:i + length] in table:
                        found.append((i, i + length))
            if self.has_single and text[i] in table:
                found.append((i, i + 1))
        return found


@lru_cache(maxsize=None)
def _dictionary(path: str) -> _Dictionary:
    return _Dictionary(path)


def _config_path(profile: str) -> str:
    import opencc

    return os.path.join(os.path.dirname(opencc.__file__), "config", profile + ".json")


def _conversion_chain(profile: str) -> list[list[str]]:
    """The dictionary files of each conversion group of ``profile``, in order, as the library's config names them."""
    config_path = _config_path(profile)
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    folder = os.path.join(os.path.dirname(os.path.dirname(config_path)), "dictionary")
    chain = []
    for step in config["conversion_chain"]:
        spec = step["dict"]
        files = [d["file"] for d in spec["dicts"]] if spec.get("type") == "group" else [spec["file"]]
        chain.append([os.path.join(folder, name) for name in files])
    return chain


def profile_files(profile: str) -> list[str]:
    """Every file a profile's conversion reads (its configuration and dictionaries), and this module: what a table
    derived from its output depends on."""
    return [__file__, _config_path(profile), *(path for group in _conversion_chain(profile) for path in group)]


class FastOpenCC:
    """``convert(text)`` as ``opencc.OpenCC(profile).convert(text)``, much faster."""

    def __init__(self, profile: str):
        import opencc

        self.groups: list[list[_Dictionary]] = [[_dictionary(path) for path in group]
                                                for group in _conversion_chain(profile)]
        self.separators = opencc.OpenCC().split_chars_re  # the library's own separator pattern
        # When no key holds a separator, no match can cross one and the "longest first" choices in
        # one chunk cannot touch another's: the whole text can be done at once (fewer, longer calls).
        self.whole_text = not any(self.separators.search(key) for group in self.groups for d in group
                                  for key in d.table)

    def convert(self, text: str) -> str:
        if self.whole_text:
            return self._convert_chunk(text)
        parts = self.separators.split(text)
        # Even indexes are text, odd ones the separators (kept as they are).
        for k in range(0, len(parts), 2):
            if parts[k]:
                parts[k] = self._convert_chunk(parts[k])
        return "".join(parts)

    def _convert_chunk(self, chunk: str) -> str:
        for group in self.groups:
            # pieces: (text, replaced?) ; replaced pieces are frozen for the rest of the group
            pieces: list[tuple[str, bool]] = [(chunk, False)]
            for d in group:
                if d.translate_table is not None:
                    pieces = [(t if done else t.translate(d.translate_table), True) for t, done in pieces]
                    continue
                new_pieces: list[tuple[str, bool]] = []
                for t, done in pieces:
                    if done:
                        new_pieces.append((t, True))
                    else:
                        new_pieces.extend(self._replace_longest_first(t, d))
                pieces = new_pieces
            chunk = "".join(t for t, _ in pieces)
        return chunk

    @staticmethod
    def _replace_longest_first(text: str, d: _Dictionary) -> list[tuple[str, bool]]:
        found = d.matches(text)
        if not found:
            return [(text, False)]
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken = bytearray(len(text))
        kept = []
        for start, end in found:
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * (end - start)
                kept.append((start, end))
        kept.sort()
        out: list[tuple[str, bool]] = []
        pos = 0
        for start, end in kept:
            if start > pos:
                out.append((text[pos:start], False))
            out.append((d.table[text[start:end]], True))
            pos = end
        if pos < len(text):
            out.append((text[pos:], False))
        return out
