"""Readers: a page on disk -> an Edition. One module per format, chosen by file suffix.

``read_page(path)`` checks what every format shares (the file exists, is not empty,
is a file) and hands the bytes to the reader registered for the suffix; unknown
suffixes are read as text pages. Each reader returns an Edition whose articles have
head parts as Segments and paragraphs each holding one Segment with the whole
paragraph text (column breaks repaired); ``stages.segment`` splits the sentences.

What a reader fills in: ``Edition.encoding`` (``utf-8``, ``utf-8-sig``, ``utf-16-le``,
``gb18030``, ``big5`` ...), ``script`` (the source's), ``paper`` and ``date`` when the page
or file name gives them (never ``place``); on each Segment ``zh`` (published: full-width
punctuation, source script unless asked otherwise), ``source`` (exactly as read, when it
differs), ``key`` (simplified, when it differs from ``zh``) and ``line``.

Warning codes (``Edition.warnings``, each with its line): ``column-join`` (two lines
joined across a column break), ``doubled-char`` (a character doubled across a break,
dropped or kept), ``halfwidth-punct`` (half-width marks made full-width, one per line),
``uncertain-headline`` (a head part chosen by the rules in ``page`` with some doubt).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError, read_input_bytes
from ..model import Edition


def _text(path: Path, data: bytes, script: str) -> Edition:
    from .text import read_text_page

    return read_text_page(path, data, script=script)


def _docx(path: Path, data: bytes, script: str) -> Edition:
    from .docx import read_docx_page

    return read_docx_page(path, data, script=script)


def _html(path: Path, data: bytes, script: str) -> Edition:
    from .html import read_html_page

    return read_html_page(path, data, script=script)


# suffix -> reader(path, bytes, script) -> Edition. Adding a format is one module and one line here.
READERS: dict[str, Callable[[Path, bytes, str], Edition]] = {
    ".txt": _text,
    ".md": _text,
    ".text": _text,
    ".docx": _docx,
    ".html": _html,
    ".htm": _html,
    ".xhtml": _html,
}


# A newspaper page is tens of kilobytes; 2 MB of text is a book. A larger file is a
# mistake (or a dump) and would tie up a batch for many minutes. DOCX and HTML carry
# markup, styles and images besides the text, so their files may be larger.
MAX_PAGE_BYTES = 2_000_000
MAX_MARKUP_PAGE_BYTES = 10 * MAX_PAGE_BYTES


def read_page(path: Path, *, script: str = "keep") -> Edition:
    """Read one page into an Edition (paragraphs not yet split into sentences).

    ``script``: ``keep`` (publish in the source's script), ``simplified`` or ``traditional``.
    Raises ``InputError`` (naming the file) if it is missing, not a file, empty, binary or undecodable.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path)
    if not path.is_file():
        raise InputError("not a file", path)
    reader = READERS.get(path.suffix.lower(), _text)
    size, limit = path.stat().st_size, MAX_PAGE_BYTES if reader is _text else MAX_MARKUP_PAGE_BYTES
    if size > limit:
        raise InputError(f"{size / 1e6:.1f} MB is too large for a page (at most {limit / 1e6:.0f} MB; "
                         "split it into pages)", path)
    data = read_input_bytes(path, "page")
    if not data.strip():
        raise InputError("empty file", path)
    edition = reader(path, data, script)
    if not edition.articles:
        raise InputError("empty file (no text, only whitespace or markup)", path)
    return edition

