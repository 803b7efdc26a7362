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
``uncertain-headline`` (a head part chosen by the rules in ``page`` with some doubt), ``control-char``
(characters XML cannot hold removed: ESC, other C0 controls, U+FFFE ...), ``cut-off`` (the file ends
inside a character: the incomplete character is dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import InputError, printable
from ..files import input_size, read_input_bytes
from ..model import Edition
from ..zh.script import HAN
from .docx import read_docx_page
from .html import read_html_page
from .page import MAX_TEXT_BYTES
from .text import read_text_page

# A text page's file is its text (``MAX_TEXT_BYTES``); DOCX and HTML carry markup, styles and
# images besides the text, so their files may be larger, and their text counts against the same limit.
MAX_PAGE_BYTES = MAX_TEXT_BYTES
MAX_MARKUP_PAGE_BYTES = 10 * MAX_PAGE_BYTES


@dataclass(frozen=True)
class Reader:
    """One input format: the suffixes it reads, the largest file it accepts, and the function."""

    name: str
    suffixes: tuple[str, ...]
    max_bytes: int
    read: Callable[..., Edition]  # (path, bytes, script=...) -> Edition
    description: str


# The registry. Adding a format is one module and one line here; the batch's page discovery,
# the web page's upload list and the CLI's help are derived from it.
READERS: tuple[Reader, ...] = (
    Reader("text", (".txt", ".md", ".text"), MAX_PAGE_BYTES, read_text_page, "newspaper text page"),
    Reader("docx", (".docx",), MAX_MARKUP_PAGE_BYTES, read_docx_page, "Word document"),
    Reader("html", (".html", ".htm", ".xhtml"), MAX_MARKUP_PAGE_BYTES, read_html_page, "web page"),
)
PAGE_SUFFIXES: tuple[str, ...] = tuple(s for r in READERS for s in r.suffixes)
_BY_SUFFIX = {s: r for r in READERS for s in r.suffixes}
TEXT_READER = READERS[0]


def reader_for(path: Path) -> Reader:
    """The reader for a file's suffix; a file with any other suffix is read as a text page."""
    return _BY_SUFFIX.get(Path(path).suffix.lower(), TEXT_READER)


def is_page(path: Path) -> bool:
    """Whether a folder listing should take ``path`` as a page (a registered suffix, not hidden)."""
    path = Path(path)
    return path.suffix.lower() in _BY_SUFFIX and not path.name.startswith(".")


def check_page_file(path: Path) -> None:
    """``InputError`` naming the file unless it can be read as a page: a regular file (not a folder, FIFO,
    device or symlink loop), not a PDF, not larger than its reader's limit. Nothing is read."""
    path = Path(path)
    size = input_size(path, "page")
    if path.suffix.lower() == ".pdf":
        raise InputError(f"PDF input is not supported (yet); extract its text first (pdftotext -layout "
                         f"{printable(path.name)}) and translate the .txt", path)
    reader = reader_for(path)
    if size > reader.max_bytes:
        raise InputError(f"{size / 1e6:.1f} MB is too large for a page (at most {reader.max_bytes / 1e6:.0f} MB; "
                         "split it into pages)", path)


def read_page_bytes(path: Path) -> bytes:
    """A page's bytes, checked before they are read (``check_page_file``) and not empty; ``InputError``
    naming the file otherwise."""
    path = Path(path)
    check_page_file(path)
    data = read_input_bytes(path, "page", limit=reader_for(path).max_bytes, regular_only=True)
    if not data.strip():
        raise InputError("empty file", path)
    return data


def read_page(path: Path, *, script: str = "keep", data: bytes | None = None) -> Edition:
    """Read one page into an Edition (paragraphs not yet split into sentences).

    ``script``: ``keep`` (publish in the source's script), ``simplified`` or ``traditional``.
    ``data``: the page's bytes when already read (``read_page_bytes``).
    Raises ``InputError`` (naming the file) if it is missing, not a regular file, too large, empty, binary,
    undecodable, or holds no Chinese text.
    """
    path = Path(path)
    if data is None:
        data = read_page_bytes(path)
    edition = reader_for(path).read(path, data, script=script)
    edition.source = printable(str(path))  # a name that is not UTF-8 or holds a newline is written escaped
    if not edition.articles:
        raise InputError("empty file (no text, only whitespace or markup)", path)
    if not any(HAN.search(seg.zh) for seg in edition.segments()):
        raise InputError("no Chinese text to translate (only English, digits, punctuation or markup)", path)
    return edition
