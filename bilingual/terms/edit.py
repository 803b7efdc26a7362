"""Safe edits to glossary files: comments and row order kept, lint before write, atomic rename.

A proposed file text is linted together with the other files of the glossary;
if it has an error the edit is refused (GlossaryError) and the file on disk is
unchanged. Otherwise the text is written to a temporary file beside it and
renamed over it, so a reader never sees half a file.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GlossaryError
from ..files import atomic_path
from ..zh.script import has_han
from .glossary import COLUMNS, LOCAL_FILE_NAME, Term, glossary_files, is_national
from .lint import errors_in, lint_paths, read_rows

HEADER = "\t".join(COLUMNS)
# A tab, and every character str.splitlines() ends a line at (the glossary reader splits there): in a
# field any of them would start a second, hidden row.
_BREAKS = re.compile("[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]+")


def clean_field(text: str) -> str:
    """One glossary field on one line: tabs and line separators of any kind become one space."""
    return " ".join(_BREAKS.sub(" ", text or "").split(" ")).strip()
# The note of a row a machine drafted (``glossary suggest --out``): never imported until a person replaces it.
DRAFT_NOTE = "draft: review"


def format_row(term: Term) -> str:
    """A Term as one TSV line (no line end); tabs and line separators in fields become spaces."""
    cells = [term.zh, term.en, term.type, term.status, "|".join(term.variants), term.note]
    return "\t".join(clean_field(c) for c in cells)


def check_direction(term: Term, path: Path | str | None = None) -> None:
    """GlossaryError when a term's Chinese has no Chinese and its English does (the arguments swapped)."""
    if not has_han(term.zh) and has_han(term.en):
        raise GlossaryError(f"{term.zh!r} -> {term.en!r}: the source is not Chinese and the target is; "
                            "Chinese first, then English", path)


def _current_text(path: Path) -> str:
    if not path.exists():
        return HEADER + "\n"
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise GlossaryError(f"cannot read: {e}", path) from None


def write_checked(path: Path, text: str, glossary_paths: list[Path] | None = None) -> None:
    """Write ``text`` to glossary file ``path`` if the glossary with it lints without errors.

    ``glossary_paths``: the other files it is linted with (None: the folder ``path`` is in).
    """
    path = Path(path)
    paths = glossary_paths if glossary_paths is not None else [path.parent]
    # An existing file outside ``paths`` is linted with them; a new one is linted from ``text`` alone.
    if path.exists() and not any(f.resolve() == path.resolve() for f in glossary_files(paths)):
        paths = [*paths, path]
    errors = errors_in(lint_paths(paths, replace={path: text}))
    if errors:
        raise GlossaryError("edit refused, the glossary would not lint: " + "; ".join(str(m) for m in errors[:3]),
                            path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _present_rows(paths: list[Path]) -> set[tuple[str, str, str]]:
    """(zh, en, status) of every readable row in ``paths`` (a bad row or file is lint's business, not ours)."""
    present = set()
    for f in paths:
        try:
            rows, _ = read_rows(str(f), _current_text(f), 0)
        except GlossaryError:
            continue
        present.update((clean_field(t.zh), clean_field(t.en), t.status) for t in rows)
    return present


def add_terms(path: Path, terms: list[Term], glossary_paths: list[Path] | None = None) -> int:
    """Append rows to ``path`` (created with a header if missing); rows already present in ``path`` or in
    any file of ``glossary_paths`` (a national row re-imported from an export) are skipped.

    Returns the number of rows added. Refused (GlossaryError) if a term's source and target look swapped
    or the result would not lint.
    """
    path = Path(path)
    text = _current_text(path)
    others = []
    if glossary_paths is not None:
        try:
            others = [f for f in glossary_files(glossary_paths) if f.resolve() != path.resolve()]
        except GlossaryError:
            others = []
    present = _present_rows([path, *others])  # status normalised: "" reads as preferred
    new_lines = []
    for t in terms:
        check_direction(t, path.name)
        key = (clean_field(t.zh), clean_field(t.en), t.status)
        if key in present:
            continue
        present.add(key)
        new_lines.append(format_row(t))
    if not new_lines:
        return 0
    if text and not text.endswith("\n"):
        text += "\n"
    write_checked(path, text + "".join(line + "\n" for line in new_lines), glossary_paths)
    return len(new_lines)


def remove_terms(path: Path, zh: str, en: str | None = None, glossary_paths: list[Path] | None = None) -> int:
    """Remove the rows of ``path`` whose zh is ``zh`` (and en is ``en``, when given); comments stay.

    Returns the number of rows removed (0: the file is not rewritten).
    """
    path = Path(path)
    text = _current_text(path)
    kept, removed, header_seen = [], 0, False
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.strip() and not stripped.lstrip().startswith("#"):
            if not header_seen:
                header_seen = True
            else:
                cells = [c.strip() for c in stripped.split("\t")]
                if cells[0] == zh and (en is None or (len(cells) > 1 and cells[1] == en)):
                    removed += 1
                    continue
        kept.append(line)
    if removed:
        write_checked(path, "".join(kept), glossary_paths)
    return removed


def default_edit_file(glossary_paths: list[Path] | None, shipped_dir: Path | None = None) -> Path:
    """Where a new term goes when no file is named: the first local (not national) glossary file,
    else ``local.tsv`` in the first glossary folder. GlossaryError when there is no folder to add to.

    ``shipped_dir``: the folder used when ``glossary_paths`` is None.
    """
    files = [f for f in glossary_files(glossary_paths) if not is_national(f)]
    if files:
        return files[0]
    folders = [Path(p) for p in (glossary_paths or ([shipped_dir] if shipped_dir else [])) if Path(p).is_dir()]
    if folders:
        return folders[0] / LOCAL_FILE_NAME
    raise GlossaryError("no glossary folder to add to; name a file")


def replace_row(path: Path, line: int, old_zh: str, term: Term, glossary_paths: list[Path] | None = None) -> None:
    """Replace the row at ``line`` of ``path`` by ``term``, if that row still has the Chinese ``old_zh``.

    Refused (GlossaryError naming file and line) when the row changed meanwhile or the result
    would not lint; the file is then unchanged.
    """
    path = Path(path)
    check_direction(term, path.name)
    lines = _current_text(path).splitlines(keepends=True)
    if not 1 <= line <= len(lines) or lines[line - 1].split("\t")[0].strip() != old_zh:
        raise GlossaryError("the row changed meanwhile; search again", path.name, line)
    lines[line - 1] = format_row(term) + "\n"
    write_checked(path, "".join(lines), glossary_paths)
