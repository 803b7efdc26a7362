"""The pipeline: read -> segment -> terms -> translate -> quality -> write, the same for every entry point.

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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .config import Config
from .engines import Engine, load_engine
from .errors import BilingualError, InputError
from .files import decode_utf8, read_input_bytes, read_utf8_text, remove_stale_parts
from .memory import TranslationMemory, open_memory
from .model import Article, Edition, Paragraph, Segment
from .read import read_page
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
from .stages.decks import translate_decks
from .stages.quality import flag_quality
from .stages.review import apply_review
from .stages.segment import segment_edition
from .stages.terms import find_terms
from .stages.translate import translate_edition
from .terms.glossary import Glossary, load_glossary
from .write import DEFAULT_FORMATS, WRITERS, output_path
from .write.report import summarize_report
from .write.tmx import write_memory_tmx


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

    def count(self, edition: Edition) -> None:
        """Fill the counts and the summary from a finished edition."""
        self.articles = len(edition.articles)
        self.segments = sum(1 for _ in edition.segments())
        self.flagged = sum(1 for s in edition.segments() if s.flags)
        self.summary = summarize_report(edition)


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


def source_digest(path: Path) -> str:
    """sha256 of a page's bytes (InputError naming the file when it cannot be read)."""
    return hashlib.sha256(read_input_bytes(path, "page")).hexdigest()


def read_edition_json(path: Path) -> Edition:
    """An edition's JSON from disk; InputError naming the file when it is not one."""
    try:
        return Edition.from_json(json.loads(read_utf8_text(path, "edition JSON")))
    except BilingualError as e:
        raise InputError(e.message, path) from None
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise InputError(f"not an edition JSON: {type(e).__name__}: {e}", path) from None


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
    """One run's resources (engine, glossary) and every way a page goes through the tool.

    ``engine`` and ``glossary`` may be given (already loaded); otherwise they are loaded from
    ``config`` on first use and kept, so a worker process or the web server loads them once.
    """

    def __init__(self, config: Config, engine: Engine | None = None, glossary: Glossary | None = None):
        self.config = config
        self._engine = engine
        self._glossary = glossary

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = load_engine(self.config.engine, self.config.data_dir)
        return self._engine

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = load_glossary(self.config.glossary_paths)
        return self._glossary

    def load(self) -> "Pipeline":
        """Load the glossary and the engine now, so a broken one stops a run before its first page."""
        _ = self.glossary, self.engine
        return self

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

    def read(self, path: Path) -> Edition:
        """Read a page and split it into sentences (no translation)."""
        edition = read_page(Path(path))
        if self.config.place:
            edition.place = self.config.place
        return segment_edition(edition, split_semicolons=self.config.split_semicolons)

    @contextmanager
    def memory(self) -> Iterator[TranslationMemory | None]:
        """The translation memory for this run, or None with ``use_memory`` off."""
        if not self.config.use_memory:
            with nullcontext(None) as nothing:
                yield nothing
            return
        with open_memory(self.config.data_dir) as memory:
            yield memory

    def translate(self, edition: Edition, source_sha256: str = "") -> Edition:
        """Find terms and names, translate with enforcement (a head's decks one by one), verify and flag;
        name the paper in English from the glossary; stamp the signature."""
        edition = find_terms(edition, self.glossary)
        with self.memory() as memory:
            edition = translate_edition(edition, self.engine, glossary=self.glossary, memory=memory)
            edition = translate_decks(edition, self.engine, glossary=self.glossary, memory=memory)
        self.name_paper(edition)
        edition = flag_quality(edition, self.glossary)
        edition.signature = self.signature(source_sha256)
        return edition

    def name_paper(self, edition: Edition) -> None:
        """Set ``edition.paper_en``, when unset, to the glossary's English for the paper's Chinese name."""
        if edition.paper and edition.paper_en is None and (term := self.glossary.lookup(edition.paper)):
            edition.paper_en = term.en

    def write(self, edition: Edition, formats: tuple[str, ...] | None = None, out_dir: Path | None = None
              ) -> list[Path]:
        """Write every requested format (into ``out_dir``, default the config's); the JSON last, so its
        presence means the page is complete."""
        formats = formats or self.formats
        out_dir = out_dir if out_dir is not None else self.config.out_dir
        ordered = [f for f in formats if f != "json"] + (["json"] if "json" in formats else [])
        return [WRITERS[fmt].write(edition, output_path(out_dir, edition.stem, fmt), self.config.write)
                for fmt in ordered]

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

    def translate_page(self, path: Path, force: bool = False) -> PageResult:
        """Translate one page into its editions, or skip it when already finished; never raises for a bad page."""
        started = time.monotonic()
        path = Path(path)
        result = PageResult(source=str(path), stem=path.stem, status="failed")
        try:
            digest = source_digest(path)
            signature = self.signature(digest)
            if not force and self.is_finished(path.stem, signature):
                result.status = "skipped"
                result.outputs = [str(p) for p in self.outputs(path.stem)]
                try:
                    result.count(read_edition_json(output_path(self.config.out_dir, path.stem, "json")))
                except BilingualError:
                    pass
                return result
            remove_stale_parts(Path(self.config.out_dir) / path.stem)
            edition = self.translate(self.read(path), digest)
            written = self.write(edition)
            result.status = "done"
            result.stem = edition.stem
            result.outputs = [str(p) for p in written]
            result.count(edition)
        except BilingualError as e:
            result.error = str(e)
        except MemoryError:
            result.error = f"{path}: out of memory"
        except Exception as e:  # an unexpected bug on one page must not stop the batch
            result.error = f"{path}: internal error: {type(e).__name__}: {e}".replace("\n", " ")
        finally:
            result.seconds = round(time.monotonic() - started, 3)
        return result

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

    # -- an existing human translation --------------------------------------------------------

    def align(self, zh_path: Path, en_path: Path, plain: bool = False, store: bool = False) -> AlignResult:
        """Pair a Chinese page with its existing English sentence by sentence and write the editions.

        ``plain``: the Chinese is plain text (one paragraph a line), not a newspaper page.
        ``store``: also put the pairs in the translation memory (as human work).
        """
        zh_edition = plain_chinese_edition(read_text_input(zh_path, "Chinese text"), str(zh_path)) if plain \
            else self.read(zh_path)
        zh_sentences = [seg.zh for seg in reading_order(zh_edition)]
        if not zh_sentences:
            raise InputError("no Chinese sentences found", zh_path)
        en_sentences = split_english_sentences(read_text_input(en_path, "English text"))
        pairs = align_sentences(zh_sentences, en_sentences, term_pairs=glossary_anchors(self.glossary, zh_edition))
        edition = aligned_edition(zh_edition, en_sentences, pairs, english_source=Path(en_path).name)
        self.name_paper(edition)
        written = self.write(edition)
        stored = self._store(edition, [s for s in edition.segments() if s.zh and s.en]) if store else None
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
        """Apply a post-edited XLIFF to its edition and rewrite the editions without translating.

        ``out_dir``: where the edition is (and is rewritten); None: the folder above its JSON, found
        beside the XLIFF.
        """
        original, units = read_reviewed_xliff(xliff_path)
        json_path = self.find_edition_json(xliff_path, original, out_dir)
        edition = read_edition_json(json_path)
        out_dir = out_dir if out_dir is not None else json_path.parent.parent
        changed, problems = apply_review(edition, units, str(xliff_path))
        self.name_paper(edition)
        if changed and edition.signature is not None:
            edition.signature = edition.signature.with_(extra={**edition.signature.extra,
                                                               "reviewed": Path(xliff_path).name})
        written = self.write(edition, out_dir=out_dir)
        result = ReviewResult(edition, json_path, changed, problems, written)
        try:
            result.stored = self._store(edition, [s for s in edition.segments() if s.id in changed and s.en])
        except BilingualError as e:  # the memory failing must not lose the edition already written
            result.memory_error = str(e)
        return result

    # -- the translation memory ---------------------------------------------------------------

    def _store(self, edition: Edition, segments: list[Segment]) -> int:
        """Put segments' English in the memory under the edition's signature (what a later run looks up)."""
        signature = edition.signature or Signature()
        with open_memory(self.config.data_dir) as memory:
            for seg in segments:
                memory.store(seg.text_key, seg.en, engine=signature.engine, model=signature.model_id,
                             glossary=signature.glossary, terms=[t.to_dict() for t in seg.terms])
            memory.commit()
        return len(segments)

    def export_memory(self, path: Path) -> int:
        """Write the whole translation memory as TMX; returns the number of units."""
        with open_memory(self.config.data_dir) as memory:
            return write_memory_tmx(memory.entries(), path)


def read_text_input(path: Path, what: str) -> str:
    """A plain-text input (UTF-8): InputError naming the file when binary, undecodable or empty."""
    data = read_input_bytes(path, what)
    if b"\x00" in data[:4096]:
        raise InputError(f"binary file, expected {what} as UTF-8 text", path)
    text = decode_utf8(data, path, what)
    if not text.strip():
        raise InputError(f"empty file, expected {what}", path)
    return text
