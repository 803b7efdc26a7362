"""Glossary lint: the checks a reviewer would make, as ``file:line: severity: message`` lines.

Errors (a glossary with any is refused by ``bilingual glossary add/remove/import``
and makes ``bilingual glossary lint`` exit non-zero):
- a malformed row: wrong number of columns, empty zh or en, unknown type or status;
- a duplicate row (same zh and en twice in one file, or in two files of the same priority);
- conflicting targets: one zh with two different preferred renderings in one file,
  or in two files of the same priority;
- a forbidden rendering that is also the preferred rendering of the same zh;
- a slot other than ``{place}``, or unbalanced braces.

Warnings (reported, exit status 0):
- a local file overriding national.tsv with another rendering (intended, but visible);
- a variant equal to the target;
- spaces around a field;
- a term contained in a longer term whose English does not hold the shorter
  term's words (书记 "Secretary" inside 党委书记 "Party chief": one of them is
  probably inconsistent);
- one title or body at several levels rendered in forms that are not parallel:
  市委书记 "Secretary of the CPC {place} Municipal Committee" and 县委书记 "Secretary of
  the CPC County Committee" (no slot), or 常务副市长 "Executive Vice Mayor of {place}" and
  常务副县长 "Executive Deputy County Magistrate". Rows are compared when their Chinese
  differs only in the level (省/市/县/区, 镇/乡, or 村/社区) and their English once the level words,
  the slot's place and the words for the head (Mayor, Governor, Head, Magistrate; Vice,
  Deputy) are set aside; the form most rows share is the parallel one.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path

from ..config import default_cache_dir
from ..errors import GlossaryError
from ..files import derived_table
from .glossary import (
    HEADER_MESSAGE,
    Term,
    display_path,
    file_priority,
    glossary_files,
    header_is_valid,
    parse_row,
    table_lines,
)
from .places import LEVEL_MARKS

_SLOT = re.compile(r"\{[^{}]*\}")
_STOPWORDS = {"a", "an", "the", "of", "and", "to", "in", "on", "for", "s"}


@dataclass(frozen=True)
class LintMessage:
    file: str
    line: int | None
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


def read_rows(name: str, text: str, priority: int) -> tuple[list[Term], list[LintMessage]]:
    """Every well-formed row of one file's text, and a message for every malformed one (does not stop)."""
    terms, messages = [], []
    header_seen = False
    for number, cells, is_header in table_lines(text):
        if is_header:
            header_seen = True
            if not header_is_valid(cells):
                messages.append(LintMessage(name, number, "error", HEADER_MESSAGE))
            continue
        if any(c != c.strip() for c in cells):
            messages.append(LintMessage(name, number, "warning", "spaces around a field (they are ignored)"))
        try:
            terms.append(parse_row(cells, name, number, priority))
        except GlossaryError as e:
            messages.append(LintMessage(name, number, "error", e.message))
    if not header_seen:
        messages.append(LintMessage(name, None, "error", "no header line"))
    return terms, messages


def _words(english: str) -> set[str]:
    english = english.replace("{place}", " ")
    return {w for w in re.split(r"[^\w]+", english.casefold()) if w and w not in _STOPWORDS}


def _forms(term: Term) -> list[str]:
    return [term.en, *term.variants]


def lint_texts(files: list[tuple[str, str, int]], warnings: bool = True) -> list[LintMessage]:
    """Lint glossary files given as (display name, text, priority); messages in file and line order.
    ``warnings=False`` skips the checks that can only warn (term containment, parallel levels)."""
    messages: list[LintMessage] = []
    all_terms: list[Term] = []
    for name, text, priority in files:
        terms, bad = read_rows(name, text, priority)
        messages.extend(bad)
        all_terms.extend(terms)
    for t in all_terms:
        for form in _forms(t):
            slots = _SLOT.findall(form)
            if any(s != "{place}" for s in slots) or form.count("{") != form.count("}") or \
                    form.count("{") != len(slots):
                messages.append(LintMessage(t.file, t.line, "error", f"unknown slot or unbalanced braces in {form!r}"))
        if t.en in t.variants:
            messages.append(LintMessage(t.file, t.line, "warning", f"variant {t.en!r} repeats the target"))

    first_preferred: dict[str, Term] = {}
    seen_rows: dict[tuple[int, str, str, str], Term] = {}
    for t in all_terms:
        # The same row twice in files of one priority (one file, or two national files) is a duplicate.
        row_key = (t.priority, t.zh, t.en, t.status)
        if row_key in seen_rows:
            first = seen_rows[row_key]
            where = f"line {first.line}" if first.file == t.file else f"{first.file}:{first.line}"
            messages.append(LintMessage(t.file, t.line, "error", f"duplicate of {where}: {t.zh} -> {t.en}"))
            continue
        seen_rows[row_key] = t
        if t.status != "preferred":
            continue
        other = first_preferred.get(t.zh)
        if other is None:
            first_preferred[t.zh] = t
        elif other.en != t.en:
            where = f"line {other.line}" if other.file == t.file else f"{other.file}:{other.line}"
            if other.file == t.file or other.priority == t.priority:
                messages.append(LintMessage(t.file, t.line, "error",
                                            f"conflicting targets for {t.zh}: {t.en!r} here, {other.en!r} at {where}"))
            else:  # reported on the winning (local) row
                win, lose = (t, other) if t.priority > other.priority else (other, t)
                messages.append(LintMessage(win.file, win.line, "warning",
                                            f"{t.zh}: {win.en!r} overrides {lose.en!r} at {lose.file}:{lose.line}"))
    preferred_forms = {}
    for t in all_terms:
        if t.status == "preferred":
            preferred_forms.setdefault(t.zh, set()).update(f.casefold() for f in _forms(t))
    for t in all_terms:
        if t.status == "forbidden" and t.en.casefold() in preferred_forms.get(t.zh, set()):
            messages.append(LintMessage(t.file, t.line, "error",
                                        f"{t.zh}: {t.en!r} is both forbidden and a preferred rendering"))
    if warnings:
        preferred = [t for t in all_terms if t.status == "preferred"]
        messages.extend(_containment_warnings(preferred))
        messages.extend(_parallel_warnings(preferred))
    messages.sort(key=lambda m: (m.file, m.line or 0))
    return messages


def _containment_warnings(terms: list[Term]) -> list[LintMessage]:
    """A shorter term inside a longer one whose English shares none of the shorter term's renderings."""
    by_zh: dict[str, list[Term]] = {}
    for t in terms:
        by_zh.setdefault(t.zh, []).append(t)
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for zh in by_zh:
        automaton.add_word(zh, zh)
    if not len(automaton):
        return []
    automaton.make_automaton()
    out = []
    for long in terms:
        long_words = [_words(f) for f in _forms(long)]
        for _end, short_zh in automaton.iter(long.zh):
            if short_zh == long.zh:
                continue
            for short in by_zh[short_zh]:
                consistent = any(_words(f) <= words for f in _forms(short) for words in long_words if _words(f))
                if not consistent:
                    out.append(LintMessage(long.file, long.line, "warning",
                                           f"{long.zh} {long.en!r} contains {short.zh} ({short.file}:{short.line}) "
                                           f"but not its rendering {short.en!r}"))
    return out


# Levels compared with one another: the Party and government levels named in English by their level
# word (Provincial, Municipal, County, District); towns and townships; villages and communities.
_LEVEL_CLASSES = {"province": "upper", "city": "upper", "county": "upper", "district": "upper",
                  "township": "township", "village": "village"}
_LEVEL_WORDS = re.compile(r"\b(?:autonomous (?:regional|region|prefecture|county)|provincial|province|municipal|city|"
                          r"county|district|town|township|village|community|prefectural|prefecture|subdistrict|league|banner)\b")
_HEAD_WORDS = re.compile(r"\b(?:mayor|governor|head|magistrate)\b")
_MARKS = sorted(LEVEL_MARKS, key=lambda m: -len(m[0]))


def _level_shape(zh: str) -> tuple[str, str] | None:
    """(the Chinese with its level mark replaced, the level class) or None: 常务副县长 -> (常务副◇长, upper)."""
    best = None
    for mark, level in _MARKS:
        pos = zh.find(mark)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, mark, level)
    if best is None or best[2] not in _LEVEL_CLASSES:
        return None
    pos, mark, level = best
    return zh[:pos] + "◇" + zh[pos + len(mark):], _LEVEL_CLASSES[level]


def _english_shape(english: str) -> str:
    text = english.casefold()
    slot = "{place}" in text
    text = _LEVEL_WORDS.sub(" ", text.replace("{place}", " "))
    text = _HEAD_WORDS.sub("◆", re.sub(r"\b(?:vice|deputy)\b", "vice", text))
    text = re.sub(r"\b(?:the|a|an)\b", " ", text)
    return " ".join(text.split()) + (" {place}" if slot else "")


def _parallel_warnings(terms: list[Term]) -> list[LintMessage]:
    """Rows of one title or body at several levels whose English forms are not parallel (see the module)."""
    groups: dict[tuple[str, str], list[Term]] = {}
    for t in terms:
        if t.type in ("title", "org"):
            shape = _level_shape(t.zh)
            if shape is not None:
                groups.setdefault(shape, []).append(t)
    out = []
    for rows in groups.values():
        if len({t.zh for t in rows}) < 2:
            continue
        shapes = Counter(_english_shape(t.en) for t in rows)
        if len(shapes) < 2:
            continue
        common, count = shapes.most_common(1)[0]
        model = next(t for t in rows if _english_shape(t.en) == common)
        for t in rows:
            if _english_shape(t.en) != common:
                out.append(LintMessage(t.file, t.line, "warning",
                                       f"{t.zh} {t.en!r} is not parallel to {model.zh} {model.en!r} "
                                       f"({model.file}:{model.line}) and {count - 1} more"))
    return out


def lint_paths(paths: list[Path] | None = None, replace: dict[Path, str] | None = None,
               warnings: bool = True) -> list[LintMessage]:
    """Lint glossary files (None: the shipped folder). ``replace`` maps a path to text to lint in its place
    (a proposed edit, checked before it is written)."""
    replace = {Path(p).resolve(): text for p, text in (replace or {}).items()}
    files = glossary_files(paths)
    resolved = {f.resolve() for f in files}
    entries = lint_entries(files, replace)
    for p, text in replace.items():  # a new file being created
        if p not in resolved:
            entries.append((display_path(p), text, file_priority(p)))
    return lint_texts(entries, warnings=warnings)


def lint_entries(files: list[Path], replace: dict[Path, str] | None = None) -> list[tuple[str, str, int]]:
    """(display name, text, priority) of each file, as ``lint_texts`` takes them; GlossaryError for one that cannot
    be read."""
    entries = []
    for f in files:
        text = (replace or {}).get(f.resolve())
        if text is None:
            try:
                text = f.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as e:
                raise GlossaryError(f"cannot read: {e}", f) from None
        entries.append((display_path(f), text, file_priority(f)))
    return entries


def errors_in(messages: list[LintMessage]) -> list[LintMessage]:
    return [m for m in messages if m.severity == "error"]


LINT_CACHE_VERSION = "glossary-errors-1"  # the form of the kept rows
# What the errors of a text depend on besides the text: the lint's own code and the row parser it uses.
_LINT_CODE = [Path(__file__), Path(__file__).with_name("glossary.py"), Path(__file__).with_name("places.py"),
              Path(__file__).parents[1] / "errors.py"]
_ERRORS: dict[str, list[LintMessage]] = {}
_ERRORS_LOCK = threading.Lock()


def glossary_errors(entries: list[tuple[str, str, int]]) -> list[LintMessage]:
    """The errors ``lint_texts(entries)`` reports (``entries`` as ``lint_entries`` reads a glossary's files),
    remembered by the files' names, priorities and text.

    Every run lints its glossary before its first page (8,000 rows: about 0.2 s). The files are read every time;
    their digest names the result, which is kept in this process and in the user's cache (``files.derived_table``,
    stamped also with the lint's code), so an unchanged glossary is not linted again and any change to a file's
    bytes is linted at once."""
    digest = hashlib.sha256()
    for name, text, priority in entries:
        for part in (name, str(priority), text):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(data) + data)
    key = digest.hexdigest()
    with _ERRORS_LOCK:
        errors = _ERRORS.get(key)
    if errors is None:
        rows = derived_table(default_cache_dir() / "glossary-errors.marshal", _LINT_CODE,
                             f"{LINT_CACHE_VERSION} {key}",
                             lambda: [astuple(m) for m in errors_in(lint_texts(entries, warnings=False))])
        errors = [LintMessage(*row) for row in rows]
        with _ERRORS_LOCK:
            _ERRORS.clear()  # one glossary at a time is what a process uses
            _ERRORS[key] = errors
    return list(errors)
