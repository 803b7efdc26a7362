"""Translation memory: a project's human work, and a cache of machine English, in SQLite.

Each output folder has its own memory (``<out>/.bilingual/memory.sqlite3``), so two projects
on one machine never see each other's work. It holds two kinds of unit:

- **human**: a person's English for a source sentence (from an imported XLIFF, the web editor,
  ``align`` or ``tm import``), with status (translated/approved), who and when, and an edit
  history. Human units are found by the source alone, whatever the engine, model or glossary:
  a re-run never replaces them.
- **machine**: an engine's English, found again only under the same source + engine + model +
  glossary + options (place, sentence splitting), so an unchanged page decodes nothing and a
  new model or glossary translates afresh.

Other memories can be added read-only as references (``--memory PATH``: another project's
memory, or a TMX file loaded by the pipeline): their human units are exact matches, and every
memory offers fuzzy matches (similar sources) as suggestions, never applied by themselves.

Robustness: WAL mode and a busy timeout let several processes share a memory; every write is
one short transaction (no transaction is open while an engine decodes); hit counting is
best-effort. A damaged memory is moved aside (renamed, never deleted) with a warning and a
fresh one started; a memory that cannot be written is used read-only with a warning.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .errors import OutputError
from .model import Suggestion, utc_now

DB_NAME = "memory.sqlite3"
PROJECT_DIR = ".bilingual"  # inside an output folder: hidden, never listed or served
SCHEMA_VERSION = "2"
BUSY_TIMEOUT_S = 30.0
FUZZY_THRESHOLD = 0.75
HUMAN = "human"
MACHINE = "machine"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    kind TEXT NOT NULL,            -- human | machine
    source_key TEXT NOT NULL,      -- normalised source (NFKC, whitespace collapsed)
    engine TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    glossary TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,          -- as translated, for TMX export
    en TEXT NOT NULL,
    status TEXT NOT NULL,          -- draft | translated | approved
    how TEXT NOT NULL DEFAULT '',  -- human: xliff | web | align | tmx
    who TEXT NOT NULL DEFAULT '',
    score REAL,
    terms TEXT NOT NULL DEFAULT '[]',
    created TEXT NOT NULL,
    changed TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, source_key, engine, model, glossary, options)
);
CREATE TABLE IF NOT EXISTS history (
    source_key TEXT NOT NULL, old TEXT, new TEXT NOT NULL, status TEXT NOT NULL,
    how TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL
);
"""
_COLUMNS = "kind, source, en, status, how, who, engine, model, glossary, options, score, terms, created, changed, hits"


def normalise_source(text: str) -> str:
    """The form under which a source sentence is remembered: NFKC, trimmed, inner whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def project_memory_path(out_dir: Path) -> Path:
    """Where an output folder's own memory lives."""
    return Path(out_dir) / PROJECT_DIR / DB_NAME


@dataclass
class MemoryEntry:
    kind: str  # human | machine
    source: str
    en: str
    status: str
    how: str = ""
    who: str = ""
    engine: str = ""
    model: str = ""
    glossary: str = ""
    options: str = ""
    score: float | None = None
    terms: list[dict] = field(default_factory=list)  # [{"zh", "en", "status"}] as they stood when stored
    created: str = ""
    changed: str = ""
    hits: int = 0
    memory: str = ""  # the name of the memory it came from

    @classmethod
    def from_row(cls, row, memory: str = "") -> "MemoryEntry":
        kind, source, en, status, how, who, engine, model, glossary, options, score, terms, created, changed, hits = row
        return cls(kind, source, en, status, how, who, engine, model, glossary, options, score,
                   json.loads(terms or "[]"), created, changed, hits, memory)


@dataclass
class MemoryStats:
    path: Path
    human: int
    machine: int
    by_engine: dict[str, int]  # machine units per engine and model
    by_status: dict[str, int]  # human units per status
    hits: int
    size_bytes: int

    @property
    def entries(self) -> int:
        return self.human + self.machine


class TranslationMemory:
    """One SQLite memory. Use as a context manager, or call ``close``.

    ``readonly``: a reference memory (never written). ``warnings`` collects one line per problem met
    on opening (a damaged file moved aside, an unwritable file used read-only).
    """

    def __init__(self, path: Path, readonly: bool = False, name: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.name
        self.readonly = readonly
        self.warnings: list[str] = []
        self.db = self._open()

    # -- opening ------------------------------------------------------------------------------

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        if readonly:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL memory on a read-only mount without its -shm file cannot be opened read-only the usual
                # way; nobody can write it there, so it is opened as an immutable file.
                db.close()
                db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, timeout=BUSY_TIMEOUT_S,
                                     isolation_level=None)
        else:
            db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        return db

    def _open(self) -> sqlite3.Connection:
        if self.readonly:
            if not self.path.is_file():
                raise OutputError("no such translation memory", self.path)
            try:
                db = self._connect(readonly=True)
                self._check(db)
                return db
            except sqlite3.DatabaseError as e:
                raise OutputError(f"not a translation memory this tool can read: {e}", self.path) from None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"cannot create the translation memory's folder: {e.strerror or e}", self.path) from None
        try:
            db = self._connect(readonly=False)
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and "meta" not in tables:
                db.close()
                raise sqlite3.DatabaseError(f"another schema (tables {', '.join(sorted(tables))})")
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self._check(db)
            return db
        except sqlite3.OperationalError as e:
            if self.path.is_file() and _unwritable(e):
                return self._open_readonly_after(e)
            if not self.path.exists():
                raise OutputError(f"cannot create the translation memory: {e}", self.path) from None
            return self._move_aside_and_start_again(e)
        except sqlite3.DatabaseError as e:  # not a database, a damaged page, another schema
            return self._move_aside_and_start_again(e)

    @staticmethod
    def _check(db: sqlite3.Connection) -> None:
        schema = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if schema is None or schema[0] != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema {schema[0] if schema else 'unknown'}, expected {SCHEMA_VERSION}")
        db.execute(f"SELECT {_COLUMNS} FROM units LIMIT 1").fetchall()
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("integrity check failed")

    def _open_readonly_after(self, error: Exception) -> sqlite3.Connection:
        try:
            db = self._connect(readonly=True)
            self._check(db)
        except sqlite3.DatabaseError:
            raise OutputError(f"cannot open the translation memory: {error}", self.path) from None
        self.readonly = True
        self.warnings.append(f"{self.path}: cannot write the translation memory ({error}); using it read-only")
        return db

    def _move_aside_and_start_again(self, error: Exception) -> sqlite3.Connection:
        aside = _free_name(self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"))
        try:
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    extra.rename(aside.with_name(aside.name + suffix))
        except OSError as e:
            raise OutputError(f"the translation memory is damaged ({error}) and cannot be moved aside: "
                              f"{e.strerror or e}", self.path) from None
        self.warnings.append(f"{self.path}: damaged translation memory ({error}) moved aside to {aside.name}; "
                             "started a fresh one")
        db = self._connect(readonly=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return db

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- writing: one short transaction each --------------------------------------------------

    def _write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        if self.readonly:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    self.db.execute(sql, params)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            raise OutputError(f"cannot save the translation memory: {e}", self.path) from None

    def store_machine(self, units: list[MemoryEntry]) -> None:
        """Remember (or replace) machine English, in one transaction."""
        now = utc_now()
        self._write((
            "INSERT OR REPLACE INTO units (kind, source_key, engine, model, glossary, options, source, en, status, "
            "score, terms, created, changed) VALUES ('machine', ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)",
            (normalise_source(u.source), u.engine, u.model, u.glossary, u.options, u.source.strip(), u.en, u.score,
             json.dumps(u.terms, ensure_ascii=False), now, now)) for u in units)

    def store_human(self, source: str, en: str, how: str, status: str = "translated", who: str = "",
                    at: str | None = None, terms: list[dict] | None = None) -> bool:
        """Remember a person's English for ``source`` (the latest wins; the earlier goes to the history).

        Returns False when the memory already holds exactly this English and status.
        """
        key = normalise_source(source)
        at = at or utc_now()
        old = self.db.execute("SELECT en, status FROM units WHERE kind = 'human' AND source_key = ?",
                              (key,)).fetchone()
        if old is not None and tuple(old) == (en, status):
            return False
        self._write([
            ("INSERT INTO history (source_key, old, new, status, how, who, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
             (key, old[0] if old else None, en, status, how, who, at)),
            ("INSERT INTO units (kind, source_key, source, en, status, how, who, terms, created, changed) "
             "VALUES ('human', ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, source_key, engine, model, glossary, "
             "options) DO UPDATE SET en = excluded.en, status = excluded.status, how = excluded.how, "
             "who = excluded.who, terms = excluded.terms, changed = excluded.changed",
             (key, source.strip(), en, status, how, who, json.dumps(terms or [], ensure_ascii=False), at, at)),
        ])
        return True

    def count_hit(self, entry: MemoryEntry) -> None:
        """Best-effort usage count: a busy or read-only memory just does not count it."""
        if self.readonly:
            return
        try:
            self.db.execute("UPDATE units SET hits = hits + 1 WHERE kind = ? AND source_key = ? AND engine = ? AND "
                            "model = ? AND glossary = ? AND options = ?",
                            (entry.kind, normalise_source(entry.source), entry.engine, entry.model,
                             entry.glossary, entry.options))
        except sqlite3.Error:
            pass

    def count_hits(self, entries: list[MemoryEntry]) -> None:
        """``count_hit`` for many units in one transaction (best-effort too)."""
        if self.readonly or not entries:
            return
        try:
            self._write(("UPDATE units SET hits = hits + 1 WHERE kind = ? AND source_key = ? AND engine = ? AND "
                         "model = ? AND glossary = ? AND options = ?",
                         (e.kind, normalise_source(e.source), e.engine, e.model, e.glossary, e.options))
                        for e in entries)
        except OutputError:
            pass

    # -- reading ------------------------------------------------------------------------------

    def human(self, source: str) -> MemoryEntry | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM units WHERE kind = 'human' AND source_key = ?",
                              (normalise_source(source),)).fetchone()
        return MemoryEntry.from_row(row, self.name) if row else None

    def machine(self, source: str, engine: str, model: str, glossary: str, options: str) -> MemoryEntry | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM units WHERE kind = 'machine' AND source_key = ? AND "
                              "engine = ? AND model = ? AND glossary = ? AND options = ?",
                              (normalise_source(source), engine, model, glossary, options)).fetchone()
        return MemoryEntry.from_row(row, self.name) if row else None

    def entries(self, kinds: tuple[str, ...] = (HUMAN, MACHINE)) -> Iterator[MemoryEntry]:
        """Units of these kinds, oldest first."""
        marks = ",".join("?" * len(kinds))
        for row in self.db.execute(f"SELECT {_COLUMNS} FROM units WHERE kind IN ({marks}) ORDER BY created, source",
                                   kinds):
            yield MemoryEntry.from_row(row, self.name)

    def history(self, source: str) -> list[dict]:
        rows = self.db.execute("SELECT old, new, status, how, who, at FROM history WHERE source_key = ? "
                               "ORDER BY rowid", (normalise_source(source),))
        return [dict(zip(("old", "new", "status", "how", "who", "at"), r)) for r in rows]

    def stats(self) -> MemoryStats:
        kinds = Counter(dict(self.db.execute("SELECT kind, COUNT(*) FROM units GROUP BY kind").fetchall()))
        by_engine = dict(self.db.execute("SELECT engine || ' ' || model, COUNT(*) FROM units WHERE kind = 'machine' "
                                         "GROUP BY engine, model ORDER BY 1").fetchall())
        by_status = dict(self.db.execute("SELECT status, COUNT(*) FROM units WHERE kind = 'human' GROUP BY status "
                                         "ORDER BY 1").fetchall())
        (hits,) = self.db.execute("SELECT COALESCE(SUM(hits), 0) FROM units").fetchone()
        size = self.path.stat().st_size if self.path.exists() else 0
        return MemoryStats(self.path, kinds[HUMAN], kinds[MACHINE], by_engine, by_status, hits, size)

    def clear(self, include_human: bool = False) -> int:
        """Forget the machine units (and the human ones too with ``include_human``); returns how many."""
        if self.readonly:
            raise OutputError("this translation memory is read-only here; nothing was removed", self.path)
        kinds = (MACHINE, HUMAN) if include_human else (MACHINE,)
        marks = ",".join("?" * len(kinds))
        (count,) = self.db.execute(f"SELECT COUNT(*) FROM units WHERE kind IN ({marks})", kinds).fetchone()
        self._write([(f"DELETE FROM units WHERE kind IN ({marks})", kinds)])
        try:
            self.db.execute("VACUUM")
        except sqlite3.Error:
            pass  # the space comes back later; the units are gone
        return count


# --- several memories: the project's own and read-only references ----------------------------------------


@dataclass
class ReferenceUnit:
    """A unit of a reference memory read from a file (TMX): a person's English."""

    source: str
    en: str
    who: str = ""
    at: str = ""


class FuzzyIndex:
    """Similar sources by character bigrams (Dice coefficient), for suggestions.

    Chinese has no spaces: bigrams of characters are the usual unit (as CAT tools' fuzzy matching
    of CJK text does). Candidates share at least one bigram; the score is 2|A∩B| / (|A| + |B|).
    """

    def __init__(self):
        self.entries: list[tuple[str, frozenset[str], MemoryEntry]] = []
        self.postings: dict[str, list[int]] = {}

    @staticmethod
    def grams(text: str) -> frozenset[str]:
        text = re.sub(r"\s+", "", normalise_source(text))
        return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset([text])

    def add(self, entry: MemoryEntry) -> None:
        grams = self.grams(entry.source)
        index = len(self.entries)
        self.entries.append((normalise_source(entry.source), grams, entry))
        for g in grams:
            self.postings.setdefault(g, []).append(index)

    def search(self, source: str, threshold: float, limit: int) -> list[tuple[float, MemoryEntry]]:
        grams = self.grams(source)
        key = normalise_source(source)
        shared: Counter = Counter()
        for g in grams:
            for i in self.postings.get(g, ()):
                shared[i] += 1
        scored = []
        for i, common in shared.items():
            other_key, other, entry = self.entries[i]
            if other_key == key:
                continue  # an exact match is not a suggestion
            score = 2 * common / (len(grams) + len(other))
            if score >= threshold:
                scored.append((round(score, 3), entry))
        scored.sort(key=lambda t: -t[0])
        return scored[:limit]


class Memories:
    """The project's memory (read and written) and reference memories (read only), asked as one.

    Exact human matches come from the project first, then from the references in order;
    machine units only from the project; fuzzy suggestions from all of them.

    A memory that fails while a batch runs (damaged by another program, a failing disk, a lock held too
    long) never fails a page: the lookup is a miss, the machine English is not stored, the memory is left
    out for the rest of the run and ``problems`` says so in one line. Storing a person's English
    (``store_human``) still raises: that work must not be dropped silently.
    """

    def __init__(self, project: TranslationMemory | None, references: list[TranslationMemory] | None = None,
                 reference_units: dict[str, list[ReferenceUnit]] | None = None,
                 fuzzy_threshold: float = FUZZY_THRESHOLD, use_machine: bool = True):
        self.project = project
        self.references = list(references or [])
        self.fuzzy_threshold = fuzzy_threshold
        self.use_machine = use_machine
        self.problems: list[str] = []  # memories given up during the run, one line each
        self._lost: list[TranslationMemory] = []
        self._file_units: dict[str, MemoryEntry] = {}
        self._index: FuzzyIndex | None = None
        for name, units in (reference_units or {}).items():
            for u in units:
                self._file_units.setdefault(normalise_source(u.source), MemoryEntry(
                    HUMAN, u.source, u.en, "translated", "tmx", u.who, changed=u.at, memory=name))

    @property
    def warnings(self) -> list[str]:
        """What opening the memories met (a damaged one moved aside ...), then what failed since."""
        opened = [w for m in ([self.project] if self.project else []) + self.references + self._lost
                  for w in m.warnings]
        return opened + self.problems

    def _usable(self) -> list[TranslationMemory]:
        return [m for m in ([self.project] if self.project else []) + self.references if m not in self._lost]

    def _give_up(self, memory: TranslationMemory, error: Exception) -> None:
        if memory in self._lost:
            return
        self._lost.append(memory)
        what = "translation memory" if memory is self.project else "reference memory"
        cause = error.message if isinstance(error, OutputError) else str(error)
        self.problems.append(f"{memory.path}: the {what} failed ({cause}); going on without it")

    def human(self, source: str) -> MemoryEntry | None:
        """A person's English for exactly this source: the project's own, else a reference's."""
        for memory in self._usable():
            try:
                entry = memory.human(source)
            except sqlite3.Error as e:
                self._give_up(memory, e)
                continue
            if entry is not None:
                if memory is self.project:
                    entry.memory = "project"
                return entry
        return self._file_units.get(normalise_source(source))

    def machine(self, source: str, engine: str, model: str, glossary: str, options: str) -> MemoryEntry | None:
        if self.project is None or not self.use_machine or self.project in self._lost:
            return None
        try:
            entry = self.project.machine(source, engine, model, glossary, options)
        except sqlite3.Error as e:
            self._give_up(self.project, e)
            return None
        if entry is not None:
            self.project.count_hit(entry)
        return entry

    def store_machine(self, units: list[MemoryEntry]) -> None:
        if self.project is not None and self.use_machine and units and self.project not in self._lost:
            try:
                self.project.store_machine(units)
            except (OutputError, sqlite3.Error) as e:
                self._give_up(self.project, e)

    def store_human(self, source: str, en: str, how: str, status: str = "translated", who: str = "",
                    at: str | None = None, terms: list[dict] | None = None) -> bool:
        if self.project is None:
            return False
        try:
            stored = self.project.store_human(source, en, how, status, who, at, terms)
        except sqlite3.Error as e:
            raise OutputError(f"cannot save the translation memory: {e}", self.project.path) from None
        self._index = None
        return stored

    def suggestions(self, source: str, limit: int = 3) -> list[Suggestion]:
        """Fuzzy matches of human work (every memory) for a reviewer, best first."""
        if self._index is None:
            self._index = FuzzyIndex()
            for memory in self._usable():
                try:
                    entries = list(memory.entries((HUMAN,)))
                except sqlite3.Error as e:
                    self._give_up(memory, e)
                    continue
                for entry in entries:
                    entry.memory = "project" if memory is self.project else memory.name
                    self._index.add(entry)
            for entry in self._file_units.values():
                self._index.add(entry)
        return [Suggestion(en=e.en, zh=e.source, score=score, memory=e.memory, origin="human")
                for score, e in self._index.search(source, self.fuzzy_threshold, limit)]

    def close(self) -> None:
        for memory in ([self.project] if self.project else []) + self.references:
            try:
                memory.close()
            except sqlite3.Error:
                pass

    def __enter__(self) -> "Memories":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- one writer: a process that translates away from the memory's writer ---------------------------------


@dataclass
class MemoryWrites:
    """What translating a page stored in the project's memory, held for the one process that writes it.

    A Ray actor translates against a read-only view of the memory (``SnapshotMemories``); its page comes
    back to the driver with these, and the driver stores them (``apply``), so the memory has one writer.
    """

    machine: list[MemoryEntry] = field(default_factory=list)
    human: list[dict] = field(default_factory=list)  # ``Memories.store_human``'s arguments, in order
    hits: list[MemoryEntry] = field(default_factory=list)  # machine units reused (their usage count)

    def __bool__(self) -> bool:
        return bool(self.machine or self.human or self.hits)

    def apply(self, memories: Memories) -> None:
        """Store these in ``memories`` (the writer's). Machine units and hits as ``Memories`` stores them (a
        failing memory is left out, with a line in ``problems``); a person's English raises OutputError when it
        cannot be stored."""
        memories.store_machine(self.machine)
        if memories.project is not None and memories.project not in memories._lost:
            memories.project.count_hits(self.hits)
        for unit in self.human:
            memories.store_human(**unit)


class SnapshotMemories(Memories):
    """``Memories`` whose project memory is read only (a snapshot, or the live file opened read-only) and
    whose writes are collected in ``pending`` instead (see ``MemoryWrites``).

    What this process collected is found again by its own later lookups, as if it had been stored.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = MemoryWrites()
        self._own_machine: dict[tuple, MemoryEntry] = {}
        self._own_human: dict[str, MemoryEntry] = {}

    def take_writes(self) -> MemoryWrites:
        """The writes collected since the last call (and a fresh, empty collection)."""
        writes, self.pending = self.pending, MemoryWrites()
        return writes

    def human(self, source: str) -> MemoryEntry | None:
        return self._own_human.get(normalise_source(source)) or super().human(source)

    def machine(self, source: str, engine: str, model: str, glossary: str, options: str) -> MemoryEntry | None:
        if not self.use_machine:
            return None
        entry = self._own_machine.get((normalise_source(source), engine, model, glossary, options)) or \
            super().machine(source, engine, model, glossary, options)  # a read-only memory counts no hit
        if entry is not None:
            self.pending.hits.append(entry)
        return entry

    def store_machine(self, units: list[MemoryEntry]) -> None:
        if not self.use_machine:
            return
        for unit in units:
            self._own_machine[(normalise_source(unit.source), unit.engine, unit.model, unit.glossary,
                               unit.options)] = unit
        self.pending.machine.extend(units)

    def store_human(self, source: str, en: str, how: str, status: str = "translated", who: str = "",
                    at: str | None = None, terms: list[dict] | None = None) -> bool:
        known = self.human(source)
        if known is not None and known.memory == "project" and (known.en, known.status) == (en, status):
            return False
        self.pending.human.append({"source": source, "en": en, "how": how, "status": status, "who": who,
                                   "at": at, "terms": terms})
        self._own_human[normalise_source(source)] = MemoryEntry(HUMAN, source.strip(), en, status, how, who,
                                                                terms=list(terms or []), changed=at or "",
                                                                memory="project")
        self._index = None
        return True


def _free_name(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3`` ... the first that does not exist (a rename never replaces a file)."""
    candidate, n = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + "-wal").exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _unwritable(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "readonly" in text or "read-only" in text or "disk i/o" in text or "full" in text \
        or "unable to open" in text or "permission" in text
