"""The pipeline: read -> segment -> terms -> bylines -> translate -> quality -> write, the same for every entry point.

The CLI's commands, the batch runner's worker processes, the web page's upload jobs,
``translate-text``, ``align`` and ``import-xliff`` all go through ``Pipeline``: it loads the
engine and the glossary once, builds each edition's signature (the one place a signature is
built), uses the translation memory, and writes the editions. The CLI and the web page
parse input and show output; they hold no logic of their own.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, WriteOptions
from .engines import Engine, load_engine
from .errors import BilingualError, ConflictError, GlossaryError, InputError, OutputError, UsageError, printable
from .files import (
    PART_SUFFIX,
    check_writable,
    decode_utf8,
    page_stem,
    read_input_bytes,
    read_utf8_text,
    remove_stale_parts,
)
from .memory import (
    HUMAN,
    MACHINE,
    Memories,
    ReferenceUnit,
    SnapshotMemories,
    TranslationMemory,
    normalise_source,
    project_memory_path,
)
from .model import REVIEW_STATUSES, Article, Edition, Paragraph, Segment, is_structural_flag
from .read import read_page, read_page_bytes
from .read.tmx import read_tmx_pairs
from .read.xliff import read_reviewed_xliff
from .signature import Signature
from .stages.align import (
    AlignedPair,
    align_sentences,
    aligned_edition,
    glossary_anchors,
    plain_chinese_edition,
    reading_order,
    split_english_sentences,
)
from .stages.bylines import render_bylines
from .stages.decks import translate_decks
from .stages.quality import flag_quality
from .stages.review import apply_review, tidy_english
from .stages.segment import segment_edition
from .stages.terms import find_terms
from .stages.translate import translate_edition
from .terms.glossary import Glossary, glossary_files, load_glossary, table_lines
from .terms.lint import glossary_errors, lint_entries
from .write import DEFAULT_FORMATS, PROOF_FORMATS, WRITERS, output_path
from .write.report import summarize_report
from .write.tmx import write_memory_tmx
from .zh.script import is_han


@dataclass
class PageResult:
    """What became of one page: status is ``done``, ``skipped`` (already finished) or ``failed``."""

    source: str
    stem: str
    status: str
    articles: int = 0
    segments: int = 0
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    flagged: int = 0  # segments with a quality flag (missed term, number mismatch, untranslated ...)
    summary: str | None = None  # the edition's readable quality summary (``summarize_report``)
    warnings: list[str] = field(default_factory=list)  # about the run rather than the page (the memory ...)

    def count(self, edition: Edition) -> None:
        """Fill the counts and the summary from a finished edition."""
        self.articles = len(edition.articles)
        self.segments = sum(1 for _ in edition.segments())
        self.flagged = sum(1 for s in edition.segments() if s.flags)
        self.summary = summarize_report(edition)
        self.warnings = [w.message for w in edition.warnings if w.code == "memory"]


@dataclass
class AlignResult:
    edition: Edition
    pairs: list[AlignedPair]
    zh_sentences: int
    en_sentences: int
    written: list[Path]
    stored: int | None = None  # pairs put in the translation memory, when asked


@dataclass
class ReviewResult:
    edition: Edition
    json_path: Path
    changed: set[str]
    problems: list[str]
    written: list[Path]
    stored: int = 0  # reviewed sentences put in the translation memory
    memory_error: str | None = None


@dataclass
class MemoryImport:
    pairs: int  # Chinese/English pairs in the file
    stored: int  # new or changed human units in the project's memory


def discard_folder(folder: Path, stem: str) -> None:
    """Remove a page folder an attempt created and did not finish: the edition's files and temporary parts
    in it, then the folder if that empties it (anything else put there is left alone)."""
    names = {output_path(folder.parent, stem, fmt).name for fmt in WRITERS}
    try:
        for entry in folder.iterdir():
            if entry.name in names or entry.name.endswith(PART_SUFFIX):
                entry.unlink(missing_ok=True)
        folder.rmdir()
    except OSError:
        pass


def read_edition_json(path: Path) -> Edition:
    """An edition's JSON from disk; InputError naming the file when it is not one."""
    try:
        return Edition.from_json(json.loads(read_utf8_text(path, "edition JSON")))
    except BilingualError as e:
        raise InputError(e.message, path) from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        raise InputError(f"not an edition JSON: {type(e).__name__}: {str(e)[:200]}", path) from None


def lines_edition(lines: list[str], source: str) -> Edition:
    """One paragraph per line (empty lines give empty paragraphs), under one untitled article."""
    paragraphs = []
    for n, line in enumerate(lines, 1):
        text = line.strip()
        segments = [Segment(id=f"l{n}", zh=text, line=n)] if text else []
        paragraphs.append(Paragraph(id=f"p{n}", segments=segments, line=n))
    return Edition(source=source, encoding="utf-8",
                   articles=[Article(id="text", headline=Segment(id="title", zh=""), paragraphs=paragraphs)])


class Pipeline:
    """One run's resources (engine, glossary, memories) and every way a page goes through the tool.

    ``engine`` and ``glossary`` may be given (already loaded); otherwise they are loaded from
    ``config`` on first use and kept, so a worker process or the web server loads them once.
    The memories (the output folder's own, and read-only references) are opened on first use
    and stay open until ``close``.

    ``snapshot_memory``: this process does not write the project's memory (a Ray actor: the driver is its one
    writer). It is opened read-only, when it exists, and what pages would store in it is collected in
    ``memories.pending`` (``memory.SnapshotMemories``) to travel back with each page.
    """

    def __init__(self, config: Config, engine: Engine | None = None, glossary: Glossary | None = None,
                 snapshot_memory: bool = False):
        self.config = config
        self.snapshot_memory = snapshot_memory
        self._engine = engine
        self._glossary = glossary
        self._glossary_stamp = self._stamp_glossary() if glossary is None else None
        self._memories: Memories | None = None
        self.memory_error: OutputError | None = None  # why the project's memory could not be opened, if so
        self.warnings: list[str] = []  # one line per problem met along the way (a memory moved aside ...)

    # -- resources ----------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = load_engine(self.config.engine, self.config.data_dir, self.config.engine_options)
        return self._engine

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = load_glossary(self.config.glossary_paths)
        return self._glossary

    def _stamp_glossary(self) -> tuple | None:
        try:
            return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in glossary_files(
                self.config.glossary_paths))
        except (BilingualError, OSError):
            return None

    def refresh_glossary(self) -> bool:
        """Reload the glossary if its files changed since it was loaded (the web page's edits reach the next
        job at once). Returns True when it was reloaded."""
        stamp = self._stamp_glossary()
        if self._glossary is not None and stamp == self._glossary_stamp:
            return False
        self._glossary, self._glossary_stamp = None, stamp
        _ = self.glossary
        return True

    def load(self) -> "Pipeline":
        """Load the glossary and the engine now, so a broken one stops a run before its first page."""
        _ = self.glossary, self.engine
        return self

    def check_glossary(self) -> list[str]:
        """Lint the glossary as ``bilingual glossary lint`` does before a batch: GlossaryError (one line,
        ``file:line``, the first error and how many more) when it has errors, such as two rows giving one term
        conflicting renderings. Returns warnings worth a line each (a glossary file without any row)."""
        entries = lint_entries(glossary_files(self.config.glossary_paths))  # (name, text, priority) of each file
        errors = glossary_errors(entries)
        if errors:
            first = errors[0]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise GlossaryError(f"{first.severity}: {first.message}{more}; see `bilingual glossary lint`",
                                first.file, first.line)
        return [f"{name}: empty glossary file (no rows)" for name, text, _ in entries
                if not any(not is_header for _, _, is_header in table_lines(text))]

    @property
    def memory_path(self) -> Path:
        return self.config.memory_path or project_memory_path(self.config.out_dir)

    @property
    def memories(self) -> Memories:
        """The project's memory and the reference memories (opened once)."""
        if self._memories is None:
            try:
                if self.snapshot_memory:
                    project = TranslationMemory(self.memory_path, readonly=True) if self.memory_path.is_file() \
                        else None
                else:
                    project = TranslationMemory(self.memory_path)
            except OutputError as e:  # a read-only output folder without a memory yet: pages go on without one
                project = None
                self.memory_error = e
                self.warnings.append(f"{e}; going on without the translation memory")
            references, files = [], {}
            for path in self.config.reference_memories:
                path = Path(path)
                if path.suffix.lower() == ".tmx":
                    files[path.name] = [ReferenceUnit(p.zh, p.en, p.who, p.at) for p in read_tmx_pairs(path)]
                else:
                    references.append(TranslationMemory(path, readonly=True))
            kind = SnapshotMemories if self.snapshot_memory else Memories
            self._memories = kind(project, references, files, self.config.fuzzy_threshold,
                                  use_machine=self.config.use_memory)
            self.warnings.extend(self._memories.warnings)
        return self._memories

    def close(self) -> None:
        if self._memories is not None:
            self._memories.close()
            self._memories = None

    def __enter__(self) -> "Pipeline":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def formats(self) -> tuple[str, ...]:
        return self.config.formats or DEFAULT_FORMATS

    # -- the signature ------------------------------------------------------------------------

    def options_key(self) -> str:
        """The options that change the English, as the signature records them."""
        parts = []
        if self.config.place:
            parts.append(f"place={self.config.place}")
        if self.config.split_semicolons:
            parts.append("split-semicolons")
        return ";".join(parts)

    def signature(self, source_sha256: str = "") -> Signature:
        """The signature an edition made by this run carries (of a source with this hash)."""
        return self.engine.signature().with_(glossary=self.glossary.version, options=self.options_key(),
                                             write=self.config.write.key(), source_sha256=source_sha256)

    # -- steps --------------------------------------------------------------------------------

    def read(self, path: Path, data: bytes | None = None) -> Edition:
        """Read a page (``data``: its bytes, when already read) and split it into sentences (no translation)."""
        edition = read_page(Path(path), data=data)
        if self.config.place:
            edition.place = self.config.place
        return segment_edition(edition, split_semicolons=self.config.split_semicolons)

    def translate(self, edition: Edition, source_sha256: str = "", previous: Edition | None = None) -> Edition:
        """Find terms and names, translate with enforcement (a head's decks one by one), verify and flag; name
        the paper in English from the glossary; stamp the signature.

        A person's English is kept: on the edition's own segments, on the ``previous`` edition of the
        same page (matched by segment id and Chinese, then by Chinese), and in the memories.
        """
        memories = self.memories
        if previous is not None:
            recovered = keep_human_work(edition, previous)
            try:
                self._remember_human(recovered)
            except BilingualError as e:  # the English is kept in the edition itself; the memory can wait
                memories.problems.append(f"{e}; a person's English recovered from the previous edition is kept "
                                         "in the edition only")
        edition = render_bylines(find_terms(edition, self.glossary), self.glossary)
        edition = translate_edition(edition, self.engine, glossary=self.glossary, memory=memories,
                                    options=self.options_key())
        edition = translate_decks(edition, self.engine, glossary=self.glossary, memory=self.memories,
                                  options=self.options_key())
        self.name_paper(edition)
        edition = flag_quality(edition, self.glossary)
        edition.signature = self.signature(source_sha256)
        for line in dict.fromkeys(self.warnings + memories.problems):
            if not any(w.message == line for w in edition.warnings):
                edition.warn("memory", line)
        return edition

    def name_paper(self, edition: Edition) -> None:
        """Set ``edition.paper_en``, when unset, to the glossary's English for the paper's Chinese name."""
        if edition.paper and edition.paper_en is None and (term := self.glossary.lookup(edition.paper)):
            edition.paper_en = term.en

    def write(self, edition: Edition, formats: tuple[str, ...] | None = None, out_dir: Path | None = None,
              only: bool = False) -> list[Path]:
        """Write every requested format (into ``out_dir``, default the config's) and every other edition
        file already in the page's folder, so none is left stale beside new ones (``only``: just the
        requested ones); the JSON last, so its presence means the page is complete."""
        out_dir = Path(out_dir if out_dir is not None else self.config.out_dir)
        wanted = list(formats or self.formats)
        if not only:
            wanted += [f for f in WRITERS if f not in wanted and output_path(out_dir, edition.stem, f).exists()]
        ordered = [f for f in wanted if f != "json"] + (["json"] if "json" in wanted else [])
        written = []
        for fmt in ordered:
            options = self.config.write
            if fmt in PROOF_FORMATS:
                options = WriteOptions(**{**options.__dict__, "highlight_flags": True})
            written.append(WRITERS[fmt].write(edition, output_path(out_dir, edition.stem, fmt), options))
        return written

    # -- one page, resumable ------------------------------------------------------------------

    def outputs(self, stem: str) -> list[Path]:
        return [output_path(self.config.out_dir, stem, fmt) for fmt in self.formats]

    def is_finished(self, stem: str, signature: Signature) -> bool:
        """True when every requested output exists and the JSON's signature equals ``signature``."""
        if "json" not in self.formats:
            return False  # without the JSON nothing proves the outputs belong together
        if not all(p.is_file() for p in self.outputs(stem)):
            return False
        try:
            stored = read_edition_json(output_path(self.config.out_dir, stem, "json")).signature
        except BilingualError:
            return False
        return stored == signature

    def previous_edition(self, stem: str, out_dir: Path | None = None) -> Edition | None:
        """The page's edition already in the output folder, if there is a readable one."""
        path = output_path(out_dir if out_dir is not None else self.config.out_dir, stem, "json")
        if not path.is_file():
            return None
        try:
            return read_edition_json(path)
        except BilingualError:
            return None

    def translate_page(self, path: Path, force: bool = False, source_name: str | None = None) -> PageResult:
        """Translate one page into its editions, or skip it when already finished; never raises for a bad page.

        ``source_name``: what the edition records as its source instead of ``path`` (an upload's file name, not
        where the server keeps it); its stem must be ``path``'s.

        The page is read once, checked before it is read (``read_page_bytes``). The output folder is checked
        to be writable before anything is translated. When a page fails or is interrupted, a folder this
        attempt created is removed again, so no folder is left holding some of an edition's files.
        """
        started = time.monotonic()
        path = Path(path)
        stem = page_stem(path)
        result = PageResult(source=printable(str(path)), stem=stem, status="failed")
        folder = Path(self.config.out_dir) / stem
        created = False
        try:
            data = read_page_bytes(path)
            digest = hashlib.sha256(data).hexdigest()
            if not force and self.is_finished(stem, self.signature(digest)):
                return self._skipped(result)
            created = not folder.exists()
            check_writable(folder)
            remove_stale_parts(folder)
            edition = self.read(path, data)
            if source_name:
                edition.source = printable(source_name)
            edition = self.translate(edition, digest, previous=self.previous_edition(stem))
            written = self.write(edition)
            result.status = "done"
            result.stem = edition.stem
            result.outputs = [str(p) for p in written]
            result.count(edition)
        except BilingualError as e:
            result.error = str(e)
        except MemoryError:
            result.error = f"{printable(str(path))}: out of memory"
        except Exception as e:  # an unexpected bug on one page must not stop the batch
            result.error = f"{printable(str(path))}: internal error: {type(e).__name__}: {e}".replace("\n", " ")
        finally:
            result.seconds = round(time.monotonic() - started, 3)
            if result.status == "failed" and created:
                discard_folder(folder, stem)
        return result

    def _skipped(self, result: PageResult) -> PageResult:
        result.status = "skipped"
        result.outputs = [str(p) for p in self.outputs(result.stem)]
        try:
            result.count(read_edition_json(output_path(self.config.out_dir, result.stem, "json")))
        except BilingualError:
            pass
        return result

    def finished_page(self, path: Path) -> PageResult | None:
        """The ``skipped`` result ``translate_page`` would give a page already finished, else None (a page that
        cannot be read is not finished: translating it says why). Reads the page to hash it; writes nothing.
        For an executor that decides which pages to send at all."""
        started = time.monotonic()
        path = Path(path)
        result = PageResult(source=printable(str(path)), stem=page_stem(path), status="failed")
        try:
            digest = hashlib.sha256(read_page_bytes(path)).hexdigest()
            if not self.is_finished(result.stem, self.signature(digest)):
                return None
        except BilingualError:
            return None
        result = self._skipped(result)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def retranslate(self, edition: Edition) -> Edition:
        """Translate an edition's machine sentences again (a newer glossary, another engine); a person's
        English is kept. The edition need not have its source file."""
        for seg in edition.segments():
            if not seg.is_human:
                seg.en, seg.origin, seg.engine, seg.score = None, None, None, None
                seg.flags = [f for f in seg.flags if is_structural_flag(f)]
            seg.terms = []
        source_sha256 = edition.signature.source_sha256 if edition.signature is not None else ""
        return self.translate(edition, source_sha256)

    # -- lines of text ------------------------------------------------------------------------

    def translate_lines(self, lines: list[str], source: str = "<stdin>") -> list[str]:
        """English for each line, in order: always exactly ``len(lines)`` strings, none holding a newline."""
        edition = segment_edition(lines_edition(lines, source), split_semicolons=self.config.split_semicolons)
        if self.config.place:
            edition.place = self.config.place
        edition = self.translate(edition)
        by_line: dict[int, list[str]] = {}
        for paragraph in edition.articles[0].paragraphs:  # paragraph n is input line n
            by_line.setdefault(paragraph.line, []).extend(seg.en for seg in paragraph.segments if seg.en)
        return [" ".join(" ".join(by_line.get(n, [])).split()) for n in range(1, len(lines) + 1)]

    # -- a person's English -------------------------------------------------------------------

    def _remember_human(self, segments: list[Segment]) -> int:
        """Put a person's English in the project's memory (what a later run finds by the source alone)."""
        stored = 0
        for seg in segments:
            if seg.is_human and seg.zh and seg.origin is not None and seg.origin.origin == "human":
                stored += self.memories.store_human(
                    seg.text_key, seg.en, seg.origin.how or "human", seg.origin.status, seg.origin.by or "",
                    seg.origin.at, [{"zh": t.zh, "en": t.en, "status": t.status} for t in seg.terms])
        return stored

    def edit_segment(self, stem: str, segment_id: str, en: str, base: str | None, status: str = "translated",
                     by: str | None = None) -> tuple[Edition, Segment]:
        """A reviewer's English for one segment of a published edition (the web editor).

        ``base`` is the English the reviewer started from: if the segment changed meanwhile (another tab)
        the edit is refused with ConflictError, never lost silently. The edition's JSON is written at
        once; the other files are regenerated by ``write`` (the web page does that in the background).
        """
        if status not in REVIEW_STATUSES[1:]:
            raise UsageError(f"status must be translated or approved, not {status!r}")
        if not en.strip():
            raise UsageError("the English is empty")
        edition = self.previous_edition(stem)
        if edition is None:
            raise InputError("no such edition", stem)
        seg = edition.segment(segment_id)
        if seg is None:
            raise InputError(f"no segment {segment_id!r} in this edition", stem)
        en = tidy_english(en, lines="\n" in (seg.en or ""))  # a head keeps a line per deck
        if base is not None and (seg.en or "") != base:
            raise ConflictError(f"segment {segment_id} was changed meanwhile (now: {seg.en!r:.80}); reload", stem)
        if seg.en == en and seg.status == status and seg.is_human:
            return edition, seg
        seg.set_human(en, "web", status, by)
        self._remember_human([seg])
        flag_quality(edition, self.glossary)  # a person's English: only a glossary disagreement stays flagged
        self.write(edition, formats=("json",), only=True)
        return edition, seg

    # -- an existing human translation --------------------------------------------------------

    def align(self, zh_path: Path, en_path: Path, plain: bool = False, store: bool = False) -> AlignResult:
        """Pair a Chinese page with its existing English sentence by sentence and write the editions.

        ``plain``: the Chinese is plain text (one paragraph a line), not a newspaper page.
        ``store``: also put the pairs in the project's memory (as a person's work).
        """
        zh_edition = plain_chinese_edition(read_text_input(zh_path, "Chinese text"), str(zh_path)) if plain \
            else self.read(zh_path)
        zh_sentences = [seg.zh for seg in reading_order(zh_edition)]
        if not zh_sentences:
            raise InputError("no Chinese sentences found", zh_path)
        en_text = read_text_input(en_path, "English text")
        check_align_languages("".join(zh_sentences), en_text, zh_path, en_path)
        en_sentences = split_english_sentences(en_text)
        pairs = align_sentences(zh_sentences, en_sentences, term_pairs=glossary_anchors(self.glossary, zh_edition))
        edition = aligned_edition(zh_edition, en_sentences, pairs, english_source=Path(en_path).name)
        self.name_paper(edition)
        written = self.write(edition)
        stored = self._remember_human([s for s in edition.segments() if s.zh and s.en]) if store else None
        return AlignResult(edition, pairs, len(zh_sentences), len(en_sentences), written, stored)

    # -- a reviewer's XLIFF -------------------------------------------------------------------

    @staticmethod
    def find_edition_json(xliff_path: Path, original: str | None, out_dir: Path | None = None) -> Path:
        """The edition JSON an XLIFF was exported from: beside it (<stem>.json), or under OUT/<stem>/."""
        xliff_path = Path(xliff_path)
        stems = [xliff_path.name.split(".")[0]] + ([Path(original).stem] if original else [])
        candidates = []
        for stem in dict.fromkeys(stems):
            candidates.append(xliff_path.parent / f"{stem}.json")
            if out_dir is not None:
                candidates.append(output_path(out_dir, stem, "json"))
        for candidate in dict.fromkeys(candidates):
            if candidate.is_file():
                return candidate
        raise InputError(f"cannot find the edition's JSON (looked for {', '.join(str(c) for c in candidates)})",
                         xliff_path)

    def import_review(self, xliff_path: Path, out_dir: Path | None = None) -> ReviewResult:
        """Apply a post-edited XLIFF to its edition, keep the reviewed English in the project's memory as a
        person's work, and rewrite every file of the edition without translating.

        ``out_dir``: where the edition is (and is rewritten); None: the folder above its JSON, found
        beside the XLIFF.
        """
        original, units = read_reviewed_xliff(xliff_path)
        json_path = self.find_edition_json(xliff_path, original, out_dir)
        edition = read_edition_json(json_path)
        out_dir = out_dir if out_dir is not None else json_path.parent.parent
        changed, problems = apply_review(edition, units, str(xliff_path))
        self.name_paper(edition)
        if changed:
            flag_quality(edition, self.glossary)
            if edition.signature is not None:
                edition.signature = edition.signature.with_(extra={**edition.signature.extra,
                                                                   "reviewed": Path(xliff_path).name})
        result = ReviewResult(edition, json_path, changed, problems, [])
        if out_dir != self.config.out_dir:
            self.close()
            self.config = self.config.with_(out_dir=out_dir)  # the edition's own project and memory
        try:
            result.stored = self._remember_human([s for s in edition.segments() if s.id in changed])
        except BilingualError as e:  # the memory failing must not stop the edition being written
            result.memory_error = str(e)
        result.written = self.write(edition, out_dir=out_dir)
        return result

    # -- the translation memory ---------------------------------------------------------------

    def import_memory(self, path: Path) -> MemoryImport:
        """Put the pairs of a TMX file (OmegaT, Trados, memoQ ...) in the project's memory as a person's work."""
        pairs = read_tmx_pairs(path)
        stored = 0
        for pair in pairs:
            stored += self.memories.store_human(pair.zh, pair.en, "tmx", "translated", pair.who, pair.at or None)
        return MemoryImport(len(pairs), stored)

    def export_memory(self, path: Path, include_machine: bool = False) -> int:
        """Write the project's memory as TMX (a person's work only, unless ``include_machine``)."""
        kinds = (HUMAN, MACHINE) if include_machine else (HUMAN,)
        return write_memory_tmx(self.memories.project.entries(kinds), path)


def keep_human_work(edition: Edition, previous: Edition) -> list[Segment]:
    """Give the segments of a freshly read ``edition`` the English a person wrote on the ``previous``
    edition of the same page: by segment id when the Chinese is unchanged, else by the Chinese alone.
    Returns the segments that got one."""
    by_id = {s.id: s for s in previous.segments() if s.is_human}
    by_source = {normalise_source(s.text_key): s for s in by_id.values()}
    kept = []
    for seg in edition.segments():
        old = by_id.get(seg.id)
        if old is None or normalise_source(old.text_key) != normalise_source(seg.text_key):
            old = by_source.get(normalise_source(seg.text_key))
        if old is not None and not seg.is_human:
            seg.en, seg.engine, seg.origin, seg.score = old.en, old.engine, old.origin, None
            kept.append(seg)
    return kept


def han_share(text: str) -> float:
    """The share of Han characters among the letters of ``text`` (0 for text without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if is_han(ch)) / len(letters) if letters else 0.0


def check_align_languages(zh_text: str, en_text: str, zh_path: Path, en_path: Path) -> None:
    """InputError when the Chinese side is not Chinese or the English side is not English (swapped files, or
    the same language twice), before a TMX pairs English with English under a zh-CN tag."""
    zh_share, en_share = han_share(zh_text), han_share(en_text)
    if zh_share < 0.3 and en_share >= 0.3:
        raise InputError(f"{zh_path} is English and {en_path} is Chinese: the files are swapped "
                         "(the Chinese comes first: align ZH_FILE EN_FILE)", zh_path)
    if zh_share < 0.3:
        raise InputError("expected Chinese text, found almost none (both files are English?)", zh_path)
    if en_share >= 0.3:
        raise InputError("expected the English translation, found Chinese text (both files are Chinese?)", en_path)


def read_text_input(path: Path, what: str) -> str:
    """A plain-text input (UTF-8): InputError naming the file when binary, undecodable or empty."""
    data = read_input_bytes(path, what)
    if b"\x00" in data[:4096]:
        raise InputError(f"binary file, expected {what} as UTF-8 text", path)
    text = decode_utf8(data, path, what)
    if not text.strip():
        raise InputError(f"empty file, expected {what}", path)
    return text
