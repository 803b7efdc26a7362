"""The glossary: TSV files of official renderings, loaded once and matched fast.

A glossary file is UTF-8 TSV with a header line::

    zh	en	type	status	variants	note

``type`` is one of title|person|place|org|slogan|term; ``status`` preferred
(the default) or forbidden (the row lists an English rendering that must not
appear); ``variants`` are other English forms that also count as correct,
``|``-separated; ``note`` says where the rendering comes from. Lines starting
with ``#`` and blank lines are comments. An English target may hold a
``{place}`` slot that is filled with the edition's place ("Secretary of the
CPC {place} Municipal Committee").

Matching is longest match first over OpenCC-normalised text with one
Aho–Corasick automaton (pyahocorasick), so 市委副书记 beats 市委书记 beats 书记
and 10,000 terms cost little; equally long overlapping matches go to the file
with the higher priority (local files over ``national.tsv``).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from ..config import GLOSSARY_DIR_ENV, shipped_glossary_dir
from ..errors import GlossaryError
from ..zh import words
from ..zh.script import simplified_key

COLUMNS = ("zh", "en", "type", "status", "variants", "note")
TYPES = ("title", "person", "place", "org", "slogan", "term")
STATUSES = ("preferred", "forbidden")
PLACE_SLOT = "{place}"
# The national files (``national.tsv``, ``national-*.tsv``) are the fallback: any other (local)
# file wins an equal-length tie.
NATIONAL_STEM = "national"
LOCAL_FILE_NAME = "local.tsv"  # where new terms go when a glossary folder has only national files


@dataclass(frozen=True)
class Term:
    """One glossary row."""

    zh: str
    en: str
    type: str
    status: str = "preferred"
    variants: tuple[str, ...] = ()
    note: str = ""
    file: str | None = None  # where the row was read, for messages and TermHit.source
    line: int | None = None
    priority: int = 0  # higher wins an equal-length overlap (local files over national.tsv)

    @property
    def source(self) -> str:
        """``glossary/hengyang.tsv:12`` style location, or ``glossary`` when unknown."""
        if self.file is None:
            return "glossary"
        return f"{self.file}:{self.line}" if self.line else self.file


class TermMatch(NamedTuple):
    """A glossary term found in a text: ``text[start:end]`` is the term's Chinese (normalised).

    A named tuple: matching makes thousands of them a second.
    """

    start: int
    end: int
    term: Term


def default_glossary_dir() -> Path:
    """The glossary shipped with the tool (the CLI passes ``$BILINGUAL_GLOSSARY_DIR`` in its place)."""
    return shipped_glossary_dir()


def render_term(term: Term, place: str | None) -> str:
    """The term's English with its ``{place}`` slot filled.

    With no place known, the row's first variant without a slot is its placeless form
    (县长 "Head of {place} County" -> "County Magistrate"); a row without one drops the
    slot with the words that only served it: "Mayor of {place}" -> "Mayor", "Secretary
    of the CPC {place} Municipal Committee" -> "Secretary of the CPC Municipal Committee".
    """
    if place or PLACE_SLOT not in term.en:
        return fill_place(term.en, place)
    return next((v for v in term.variants if PLACE_SLOT not in v), None) or fill_place(term.en, None)


def fill_place(english: str, place: str | None) -> str:
    """``english`` with ``{place}`` replaced by ``place`` (or removed sensibly when None)."""
    if PLACE_SLOT not in english:
        return english
    if place:
        return english.replace(PLACE_SLOT, place)
    # "Mayor of {place}", "Governor of {place} Province": the slot, its "of" and its level word go.
    text = re.sub(r"\s*\b(?:of|in|for)\s+\{place\}(?:\s+(?:Province|City|County|District|Town|Township|Village))?"
                  r"(?=\s*(?:$|[,;.)]))", "", english)
    text = text.replace(PLACE_SLOT, "")
    return re.sub(r"\s{2,}", " ", text).strip()


# English words a place's English ends with ("Zhuzhou City", "Hunan Province"), dropped for its bare name.
_LEVEL_WORDS = re.compile(
    r"\s+(?:Special Administrative Region|Autonomous (?:Region|Prefecture|County|Banner)|New Area|Subdistrict|"
    r"Community|Prefecture|Province|City|League|County|Banner|District|Town|Township|Village|Municipality)$")
# One-character suffixes of place names that may also start the next term: 株洲市|委 is 株洲 + 市委.
PLACE_SUFFIX_CHARS = "市省县区州"
# Level of a place by its suffix, for ``Glossary.place_levels`` (the full table is in ``terms.places``).
_SUFFIX_LEVELS = (("自治区", "province"), ("特别行政区", "province"), ("自治州", "city"), ("自治县", "county"),
                  ("省", "province"), ("市", "city"), ("州", "city"), ("盟", "city"), ("地区", "city"),
                  ("县", "county"), ("旗", "county"), ("区", "district"), ("镇", "township"), ("乡", "township"),
                  ("村", "village"))


def bare_english(en: str) -> str:
    """A place's English without its article and level word: "the Hunan Province" -> "Hunan"."""
    en = re.sub(r"^the\s+", "", en.strip())
    return _LEVEL_WORDS.sub("", en).strip()


# ---------------------------------------------------------------------------
# Normalisation: traditional -> simplified, character by character
# ---------------------------------------------------------------------------

def normalise_key(text: str) -> str:
    """The form glossary keys and texts are compared in: simplified, same length as ``text``."""
    return simplified_key(text)


# ---------------------------------------------------------------------------
# Reading TSV files
# ---------------------------------------------------------------------------

def split_variants(field: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in field.split("|") if v.strip())


def parse_row(cells: list[str], file: str, line: int, priority: int = 0) -> Term:
    """One TSV row (cells in COLUMNS order, trailing ones optional) -> Term, or GlossaryError at file:line."""
    if len(cells) > len(COLUMNS):
        raise GlossaryError(f"{len(cells)} columns, expected at most {len(COLUMNS)} ({', '.join(COLUMNS)})",
                            file, line)
    cells = [c.strip() for c in cells] + [""] * (len(COLUMNS) - len(cells))
    zh, en, kind, status, variants, note = cells
    if not zh:
        raise GlossaryError("empty zh", file, line)
    if not en:
        raise GlossaryError(f"empty en for {zh}", file, line)
    if kind not in TYPES:
        raise GlossaryError(f"unknown type {kind!r} for {zh} (expected {'|'.join(TYPES)})", file, line)
    status = status or "preferred"
    if status not in STATUSES:
        raise GlossaryError(f"unknown status {status!r} for {zh} (expected {'|'.join(STATUSES)})", file, line)
    return Term(zh=zh, en=en, type=kind, status=status, variants=split_variants(variants), note=note,
                file=file, line=line, priority=priority)


def is_national(path: Path) -> bool:
    """Whether ``path`` is one of the shipped national files (``national.tsv`` or ``national-<topic>.tsv``)."""
    stem = Path(path).stem
    return stem == NATIONAL_STEM or stem.startswith(NATIONAL_STEM + "-")


def file_priority(path: Path) -> int:
    """0 for the national files; 1 for every other (local) file."""
    return 0 if is_national(path) else 1


def display_path(path: Path) -> str:
    """``glossary/hengyang.tsv`` for shipped files (stable across machines), else the path as given."""
    try:
        shipped = default_glossary_dir().resolve()
        resolved = path.resolve()
        if resolved.parent == shipped:
            return f"{shipped.name}/{resolved.name}"
    except OSError:
        pass
    return str(path)


def read_glossary_file(path: Path, priority: int | None = None) -> list[Term]:
    """All rows of one TSV glossary file, in file order. GlossaryError names file:line on a bad row."""
    path = Path(path)
    return list(_parse_glossary_bytes(_glossary_bytes(path), path, priority))


def _glossary_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError("no such glossary file", path) from None
    except OSError as e:
        raise GlossaryError(f"cannot read: {e.strerror or e}", path) from None


def _parse_glossary_bytes(data: bytes, path: Path, priority: int | None = None) -> tuple[Term, ...]:
    name = display_path(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError(f"not UTF-8 (byte {e.start})", path) from None
    prio = file_priority(path) if priority is None else priority
    terms: list[Term] = []
    for number, cells, is_header in table_lines(text):
        if is_header:
            if not header_is_valid(cells):
                raise GlossaryError(HEADER_MESSAGE, name, number)
            continue
        terms.append(parse_row(cells, name, number, prio))
    return tuple(terms)


HEADER_MESSAGE = f"header must be {'<TAB>'.join(COLUMNS)}"


def table_lines(text: str):
    """Yield (line number, cells, is_header) for each line of a TSV glossary that is not blank or a comment.

    The first such line is the header. Shared by loading (which stops at a bad row)
    and lint (which reports every bad row).
    """
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        yield number, raw.split("\t"), not header_seen
        header_seen = True


def header_is_valid(cells: list[str]) -> bool:
    header = [c.strip().lower() for c in cells]
    return header[:3] == list(COLUMNS[:3]) and all(h in COLUMNS for h in header)


def glossary_files(paths: list[Path] | None) -> list[Path]:
    """The TSV files behind ``paths``: a file as given, a folder's ``*.tsv`` sorted; None: the shipped folder."""
    if paths is None:
        folder = default_glossary_dir()
        if not folder.is_dir():
            raise GlossaryError(f"no glossary folder here; set {GLOSSARY_DIR_ENV} or pass --glossary", folder)
        paths = [folder]
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(p.glob("*.tsv")))
        elif p.exists():
            files.append(p)
        else:
            raise GlossaryError("no such glossary file or folder", p)
    return files


# ---------------------------------------------------------------------------
# The glossary
# ---------------------------------------------------------------------------

class Glossary:
    """Terms from one or more files, with an Aho–Corasick automaton over their normalised Chinese.

    ``terms`` holds every row (forbidden ones too); ``version`` is a short hash
    of the files' content, part of the translation-memory key and the edition's
    signature.
    """

    def __init__(self, terms: list[Term], version: str | None = None):
        self.terms: list[Term] = list(terms)
        self.version: str = version if version is not None else content_version(
            "\n".join("\t".join((t.zh, t.en, t.type, t.status, "|".join(t.variants))) for t in self.terms))
        # One target per normalised key: the highest priority, then the first row read.
        self._by_key: dict[str, Term] = {}
        self.forbidden: list[Term] = []
        for term in self.terms:
            if term.status == "forbidden":
                self.forbidden.append(term)
                continue
            key = normalise_key(term.zh)
            kept = self._by_key.get(key)
            if kept is None or term.priority > kept.priority:
                self._by_key[key] = term
        self._automaton = None
        self._persons: list[Term] | None = None
        self._person_english: dict[str, str] | None = None
        self._place_levels: dict[str, set[str]] | None = None
        # Places that may give their last character to the term after them (株洲市 in 株洲市委).
        self._suffixed_places = {t.zh for t in self._by_key.values()
                                 if t.type == "place" and len(t.zh) >= 3 and t.zh[-1] in PLACE_SUFFIX_CHARS}

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def automaton(self):
        """The pyahocorasick automaton over the preferred terms' keys (built on first use)."""
        if self._automaton is None:

            automaton = ahocorasick.Automaton()
            for key, term in self._by_key.items():
                automaton.add_word(key, (len(key), term))
            if len(automaton):
                automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def lookup(self, zh: str) -> Term | None:
        """The preferred term for exactly this Chinese (normalised), or None."""
        return self._by_key.get(normalise_key(zh))

    def match(self, text: str) -> list[TermMatch]:
        """Non-overlapping glossary matches in ``text``, in text order.

        Longest first; equally long overlapping matches go to the higher file
        priority, then to the leftmost. Offsets are ``text``'s own.
        """
        automaton = self.automaton
        if not text or not len(automaton):
            return []
        key = normalise_key(text)
        found = [(end_index + 1 - length, end_index + 1, term) for end_index, (length, term) in automaton.iter(key)]
        boundaries = WordBoundaries(key)
        if self._suffixed_places and any(ch in key for ch in PLACE_SUFFIX_CHARS) and \
                any(t.zh in self._suffixed_places for _, _, t in found):
            found = self._bare_places(key, found, boundaries)
        return resolve_overlaps(found, boundaries)

    def _bare_places(self, key: str, found: list, boundaries: "WordBoundaries") -> list:
        """Candidates with a place that swallows the first character of what follows cut to its bare form.

        株洲市委书记 is 株洲 + 市委书记, 长沙市场 is 长沙 + 市场: a place of three or more characters
        ending in 市省县区州 whose last character starts a glossary term that reaches further (and is
        not itself beaten by a longer term over its end), or a word of jieba's segmentation, is
        replaced by its bare name (the glossary's row for it, or its English without the level word).
        """
        ends = {}
        for i, (start, end, term) in enumerate(found):
            if term.type == "place" and end - start >= 3 and key[end - 1] in PLACE_SUFFIX_CHARS:
                ends.setdefault(end, []).append(i)
        if not ends:
            return found
        starts: dict[int, list[tuple[int, int, Term]]] = {}
        for cand in found:
            starts.setdefault(cand[0], []).append(cand)
        out = list(found)
        for end, indexes in ends.items():
            followers = [c for c in starts.get(end - 1, ()) if c[1] > end]
            takes_suffix = any(not any(s2 > f[0] and s2 < f[1] < e2 and e2 - s2 > f[1] - f[0]
                                       for s2 in range(f[0] + 1, f[1]) for (_, e2, _t) in starts.get(s2, ()))
                               for f in followers)
            if not takes_suffix:
                takes_suffix = boundaries.word_runs_on(end - 1, end)
            if not takes_suffix:
                continue
            for i in indexes:
                start, _, term = found[i]
                out[i] = (start, end - 1, self._bare_place(term))
            # What follows the bare place starts a word there, whatever jieba read (株洲市|长石 is 株洲|市长).
            boundaries.word_starts.add(end - 1)
        return out

    def _bare_place(self, term: Term) -> Term:
        bare = self._by_key.get(normalise_key(term.zh[:-1]))
        if bare is not None and bare.type == "place":
            return bare
        return Term(zh=term.zh[:-1], en=bare_english(term.en), type="place", variants=(), note=term.note,
                    file=term.file, line=term.line, priority=term.priority)

    def place_levels(self) -> dict[str, set[str]]:
        """Bare English of each place (casefolded) -> the levels its suffixed Chinese forms name."""
        if self._place_levels is None:
            levels: dict[str, set[str]] = {}
            for key, term in self._by_key.items():
                if term.type != "place":
                    continue
                level = next((lv for suffix, lv in _SUFFIX_LEVELS if key.endswith(suffix) and len(key) > len(suffix)),
                             None)
                if level is not None:
                    levels.setdefault(bare_english(term.en).casefold(), set()).add(level)
            self._place_levels = levels
        return self._place_levels

    def persons(self) -> list[Term]:
        """The preferred person terms (computed once: name finding asks for them per sentence)."""
        if self._persons is None:
            self._persons = [t for t in self._by_key.values() if t.type == "person"]
        return self._persons

    def person_english(self) -> dict[str, str]:
        """Chinese -> English of the preferred person terms (made once; not to be changed by the caller)."""
        if self._person_english is None:
            self._person_english = {t.zh: t.en for t in self.persons()}
        return self._person_english


# Two-character terms that are not person names are checked against word boundaries:
# 市长 must not be matched in 城市长远 (城市 + 长远), nor 行长 in 银行长期.
CHECKED_LENGTH = 2
ETC = "等"


class WordBoundaries:
    """Whether a span of ``text`` cuts through a word of jieba's segmentation around it.

    Most spans are decided by a few dictionary lookups (no word of the dictionary straddles
    their edges). The others are decided by jieba's segmentation of a window of the text
    around the span (``WINDOW`` characters on each side), not of the whole sentence: the
    boundaries near a span depend on its neighbours, and a sentence with many terms costs
    a few short segmentations instead of one long one each time it is asked.
    """

    WINDOW = 4

    def __init__(self, text: str):
        self.text = text
        self.word_starts: set[int] = set()  # offsets known to start a word (a bare place's end)

    def crosses(self, start: int, end: int) -> bool:
        """True if a word starts before ``start`` and ends inside the span, or starts inside it and ends after.

        A term inside one longer word (书记 in 县委书记) does not cross; a term
        made of the end of one word and the start of the next (市长 in 城市|长远) does.
        """
        if start in self.word_starts:
            return False
        # 等 after a name is "and others" (福州、南平等地; 湖南等省): jieba's 平等 across the term's end is not a word
        # of the sentence there. The term's start must still fall on a word boundary.
        if self.text.startswith(ETC, end) and not self.crosses_left(start):
            return False
        if not (self._straddled(start) or self._straddled(end)):
            return False
        lo, hi, bounds = self._window(start, end)
        # The span crosses a word unless both its edges fall on word starts, or it lies inside one word.
        before = max(b for b in bounds if b <= start)
        after = min(b for b in bounds if b >= end)
        if before <= start and end <= after and not any(start < b < end for b in bounds):
            return False
        return start not in bounds or end not in bounds

    def crosses_left(self, start: int) -> bool:
        """True if a word of jieba's segmentation starts before ``start`` and ends after it (如何|维护 at 何)."""
        if not self._straddled(start):
            return False
        _, _, bounds = self._window(start, start + 1)
        return start not in bounds

    def word_runs_on(self, pos: int, end: int) -> bool:
        """True if the word of jieba's segmentation that starts at ``pos`` ends after ``end`` (市|场 in 长沙市场)."""
        if self.text[pos:end + 1] not in words.frequencies():
            return False
        _, _, bounds = self._window(pos, end + 1)
        return pos in bounds and end not in bounds

    def _straddled(self, pos: int) -> bool:
        """Whether some word of the dictionary runs across offset ``pos`` (from before it to after it)."""
        text = self.text
        n = len(text)
        if pos <= 0 or pos >= n:
            return False
        freq = words.frequencies()
        for i in range(pos - 1, max(-1, pos - words.LONGEST_WORD), -1):
            # A word from i across pos starts with text[i:pos + 1]; the dictionary holds every prefix of its words.
            j = pos + 1
            fragment = text[i:j]
            while fragment in freq:
                if freq[fragment]:
                    return True
                j += 1
                if j > n or j - i > words.LONGEST_WORD:
                    break
                fragment = text[i:j]
        return False

    def _window(self, start: int, end: int) -> tuple[int, int, set[int]]:
        """Word start offsets (absolute) in jieba's segmentation of the text around ``start..end``."""
        lo, hi = max(0, start - self.WINDOW), min(len(self.text), end + self.WINDOW)
        return lo, hi, {lo + b for b in words.word_starts(self.text[lo:hi])}


def resolve_overlaps(found: list[tuple[int, int, Term]], boundaries: "WordBoundaries | None" = None
                     ) -> list[TermMatch]:
    """Keep the longest, then higher-priority, then leftmost candidates that do not overlap a kept one.

    ``boundaries``: the text's word boundaries. A short candidate (two characters) that cuts
    through a word is dropped; for a person, only a word running into the name from the left
    counts (如何|维护 holds no 何维; 李强|调研 still holds 李强).
    """
    if len(found) > 1:
        found.sort(key=_rank)
    taken = bytearray(max((m[1] for m in found), default=0))
    kept = []
    for start, end, term in found:
        if end - start == 1:
            if taken[start]:
                continue
        elif any(taken[start:end]):
            continue
        if boundaries is not None and end - start <= CHECKED_LENGTH:
            if term.type == "person":
                if boundaries.crosses_left(start):
                    continue
            elif boundaries.crosses(start, end):
                continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append(TermMatch(start, end, term))
    if len(kept) > 1:
        kept.sort(key=_start)
    return kept


def _rank(candidate: tuple[int, int, Term]) -> tuple[int, int, int]:
    start, end, term = candidate
    return start - end, -term.priority, start


_start = itemgetter(0)


def content_version(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


_LOADED: OrderedDict[tuple, Glossary] = OrderedDict()
_LOADED_KEEP = 4  # glossaries kept in a process (a web server's, a test run's few)
_LOADED_LOCK = threading.Lock()


def load_glossary(paths: list[Path] | None = None) -> Glossary:
    """Load the glossary from ``paths`` (files or folders); None means every ``*.tsv`` shipped in ``glossary/``.

    The version is a hash of the files' bytes (names and content), so editing
    any file changes it. Raises GlossaryError (file:line) on a malformed row.

    The files are read every time; a glossary whose files hold exactly the bytes of one loaded before in this
    process (same names, same priorities) is that glossary again, not parsed and indexed again (8,000 rows: about
    0.2 s). A ``Glossary`` is never changed once made, so sharing it is safe; an edited file is new bytes.
    """
    files = glossary_files(paths)
    digest = hashlib.sha1()
    contents = []
    for f in files:
        data = _glossary_bytes(f)
        digest.update(f.name.encode("utf-8") + b"\0" + data + b"\0")
        contents.append((f, data))
    key = (digest.digest(), tuple((display_path(f), file_priority(f)) for f in files))  # bytes, names, priorities
    with _LOADED_LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return _LOADED[key]
    terms: list[Term] = []
    for f, data in contents:
        terms.extend(_parse_glossary_bytes(data, f))
    glossary = Glossary(terms, version=digest.hexdigest()[:12])
    with _LOADED_LOCK:
        _LOADED[key] = glossary
        while len(_LOADED) > _LOADED_KEEP:
            _LOADED.popitem(last=False)
    return glossary
