"""Translation memory: every translated segment remembered in SQLite, so an unchanged page decodes nothing.

A translation is found again only under the same key: the normalised source
(NFKC, whitespace collapsed) + engine + model version + glossary version. A
new model or an edited glossary therefore translates afresh instead of
serving stale English.

The database lives in the user's data directory (``platformdirs``, honouring
``XDG_DATA_HOME``) unless a data dir is passed in.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .config import default_data_dir
from .errors import OutputError

DB_NAME = "memory.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,  -- sha256 of normalised source, engine, model, glossary
    source TEXT NOT NULL,  -- as translated (not normalised), for TMX export
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    glossary TEXT NOT NULL,
    en TEXT NOT NULL,
    score REAL,
    terms TEXT NOT NULL DEFAULT '[]',
    created REAL NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0
);
"""


def normalise_source(text: str) -> str:
    """The form under which a source sentence is remembered: NFKC, trimmed, inner whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@dataclass
class MemoryEntry:
    source: str
    en: str
    score: float | None
    terms: list[dict]  # [{"zh", "en", "status"}] as they stood when stored
    engine: str
    model: str
    glossary: str


@dataclass
class MemoryStats:
    path: Path
    entries: int
    hits: int  # lookups answered, over the memory's lifetime
    by_engine: dict[str, int]
    size_bytes: int


class TranslationMemory:
    """A SQLite translation memory at ``path``. Use as a context manager, or call ``close``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path))
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise OutputError(f"cannot open the translation memory: {e}", self.path) from None

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @staticmethod
    def make_key(source: str, engine: str, model: str, glossary: str) -> str:
        parts = (normalise_source(source), engine, model, glossary)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def lookup(self, source: str, engine: str, model: str, glossary: str) -> MemoryEntry | None:
        """The remembered translation of ``source`` under this engine, model and glossary, or None."""
        key = self.make_key(source, engine, model, glossary)
        row = self.db.execute("SELECT source, en, score, terms, engine, model, glossary FROM translations "
                              "WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self.db.execute("UPDATE translations SET hits = hits + 1 WHERE key = ?", (key,))
        return MemoryEntry(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])

    def store(self, source: str, en: str, engine: str, model: str, glossary: str,
              score: float | None = None, terms: list[dict] | None = None) -> None:
        """Remember (or replace) the translation of ``source``; committed by ``commit``."""
        key = self.make_key(source, engine, model, glossary)
        self.db.execute(
            "INSERT OR REPLACE INTO translations (key, source, engine, model, glossary, en, score, terms, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, source.strip(), engine, model, glossary, en, score,
             json.dumps(terms or [], ensure_ascii=False), time.time()))

    def commit(self) -> None:
        try:
            self.db.commit()
        except sqlite3.Error as e:
            raise OutputError(f"cannot save the translation memory: {e}", self.path) from None

    def stats(self) -> MemoryStats:
        entries, hits = self.db.execute("SELECT COUNT(*), COALESCE(SUM(hits), 0) FROM translations").fetchone()
        by_engine = dict(self.db.execute(
            "SELECT engine || ' ' || model, COUNT(*) FROM translations GROUP BY engine, model ORDER BY 1"))
        size = self.path.stat().st_size if self.path.exists() else 0
        return MemoryStats(self.path, entries, hits, by_engine, size)

    def clear(self) -> int:
        """Forget everything; returns how many entries were removed."""
        (count,) = self.db.execute("SELECT COUNT(*) FROM translations").fetchone()
        self.db.execute("DELETE FROM translations")
        self.commit()
        self.db.execute("VACUUM")
        return count

    def entries(self):
        """Every entry, oldest first."""
        for row in self.db.execute("SELECT source, en, score, terms, engine, model, glossary FROM translations "
                                   "ORDER BY created, key"):
            yield MemoryEntry(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])


def open_memory(data_dir: Path | None = None) -> TranslationMemory:
    """Open (creating if needed) the translation memory in ``data_dir`` or the user's data directory."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    return TranslationMemory(base / DB_NAME)
