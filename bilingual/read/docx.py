"""DOCX pages: one block per non-empty paragraph, in body order (table cells included).

A paragraph styled Title or Heading N (英文 or 中文 style names: "标题 1") is a headline mark;
a document without any is read by the unmarked-page rules, and when those find no head
its first paragraph is the headline (see ``page``). Block "lines" are paragraph numbers.

The package is read with bounded sizes, not through python-docx's loader (which inflates every
part, images included, into memory: a 2 MB DOCX holding a 2 GB image would cost gigabytes):

- only the main document part and its styles are read; media and every other part are never inflated;
- a part is inflated at most ``MAX_DOCUMENT_XML_BYTES`` (styles ``MAX_STYLES_XML_BYTES``), whatever its
  header claims, and streamed through lxml's ``iterparse``, each paragraph freed once read;
- the text taken counts against a page's text limit (``page.MAX_TEXT_BYTES``), and reading stops there.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import InputError
from ..model import Edition
from .page import MAX_TEXT_BYTES, Block, build_edition

_HEADING_STYLE = re.compile(r"^(?:Title|Heading\s*1|标题\s*1?|標題\s*1?)$", re.IGNORECASE)
# The document part of a page is a few megabytes at most (its text is limited to MAX_TEXT_BYTES); markup
# around that text rarely multiplies it by more than ten.
MAX_DOCUMENT_XML_BYTES = 64 * 1024 * 1024
MAX_STYLES_XML_BYTES = 16 * 1024 * 1024
MAX_RELS_BYTES = 1024 * 1024
_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
               "http://purl.oclc.org/ooxml/wordprocessingml/main")  # transitional, strict
_REL_TYPE_END = {"document": "/officeDocument", "styles": "/styles"}


class _TooLarge(Exception):
    pass


class _Bounded(io.RawIOBase):
    """A part's inflated bytes, at most ``limit`` of them: reading past it raises ``_TooLarge``."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.total = stream, limit, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = self.limit + 1 - self.total if size is None or size < 0 else min(size, self.limit + 1 - self.total)
        data = self.stream.read(max(want, 1))
        self.total += len(data)
        if self.total > self.limit:
            raise _TooLarge()
        return data


def _read_small(package: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with package.open(info) as stream:
        data = stream.read(limit + 1)
    return data if len(data) <= limit else None


def _related_part(package: zipfile.ZipFile, source: str, kind: str, default: str) -> str:
    """The part a relationship of ``source`` ("" for the package) points at, by type; else ``default``."""
    from lxml import etree

    folder, name = posixpath.split(source)
    rels = _read_small(package, posixpath.join(folder, "_rels", f"{name}.rels"), MAX_RELS_BYTES)
    if rels is None:
        return default
    try:
        root = etree.fromstring(rels, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return default
    for rel in root:
        if (rel.get("Type") or "").endswith(_REL_TYPE_END[kind]) and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            return part
    return default


def _iterparse(package: zipfile.ZipFile, name: str, limit: int, events: tuple[str, ...]):
    from lxml import etree

    stream = _Bounded(package.open(name), limit)
    return etree.iterparse(stream, events=events, resolve_entities=False, no_network=True, huge_tree=True,
                           remove_blank_text=False)


def _style_names(package: zipfile.ZipFile, part: str, ns: str) -> dict[str, str]:
    names: dict[str, str] = {}
    if part not in package.namelist() or package.getinfo(part).file_size > MAX_STYLES_XML_BYTES:
        return names  # no styles (or absurd ones): headings are then found by the unmarked-page rules
    style, style_id, name_tag, val = f"{{{ns}}}style", f"{{{ns}}}styleId", f"{{{ns}}}name", f"{{{ns}}}val"
    try:
        for _, el in _iterparse(package, part, MAX_STYLES_XML_BYTES, ("end",)):
            if el.tag == style:
                name_el = el.find(name_tag)
                sid = el.get(style_id) or ""
                names[sid] = (name_el.get(val) if name_el is not None else None) or sid
                el.clear()
    except Exception:  # damaged styles must not lose the text: headings fall back to the page rules
        return names
    return names


def blocks_from_docx(data: bytes, path: Path) -> list[Block]:
    """The document's paragraphs as Blocks; ``InputError`` when the bytes are not a DOCX, or it holds more
    than a page (an inflated document part over ``MAX_DOCUMENT_XML_BYTES``, text over ``MAX_TEXT_BYTES``)."""
    from lxml import etree

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError(f"not a valid DOCX file ({exc.__class__.__name__})", path) from None
    with package:
        main = _related_part(package, "", "document", "word/document.xml")
        try:
            info = package.getinfo(main)
        except KeyError:
            raise InputError("not a valid DOCX file (no main document part)", path) from None
        if info.file_size > MAX_DOCUMENT_XML_BYTES:
            raise InputError(f"its document unzips to {info.file_size / 1e6:.0f} MB of XML (at most "
                             f"{MAX_DOCUMENT_XML_BYTES / 1e6:.0f} MB): too large for a page", path)
        try:
            return _read_body(package, main, path)
        except _TooLarge:
            raise InputError(f"its document unzips to more than {MAX_DOCUMENT_XML_BYTES / 1e6:.0f} MB of XML: "
                             "too large for a page", path) from None
        except etree.XMLSyntaxError as exc:
            raise InputError(f"not a valid DOCX file (XMLSyntaxError: {exc})", path) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise InputError(f"not a valid DOCX file ({exc.__class__.__name__}: {exc})", path) from None


def _read_body(package: zipfile.ZipFile, main: str, path: Path) -> list[Block]:
    blocks: list[Block] = []
    size = 0
    number = 0
    ns = None
    names: dict[str, str] = {}
    body_tag = p_tag = None
    in_body = False
    p_depth = 0
    for event, el in _iterparse(package, main, MAX_DOCUMENT_XML_BYTES, ("start", "end")):
        if ns is None:  # the root element tells which of the two vocabularies this is
            ns = el.tag[1:].split("}")[0] if el.tag.startswith("{") else ""
            if ns not in _NAMESPACES:
                raise InputError("not a valid DOCX file (its document is not WordprocessingML)", path)
            body_tag, p_tag = f"{{{ns}}}body", f"{{{ns}}}p"
            names = _style_names(package, _related_part(package, main, "styles", "word/styles.xml"), ns)
        if event == "start":
            if el.tag == body_tag:
                in_body = True
            elif el.tag == p_tag and in_body:
                p_depth += 1
            continue
        if el.tag == body_tag:
            in_body = False
        elif el.tag == p_tag and in_body:
            p_depth -= 1
            if p_depth:
                continue  # a paragraph inside another (a text box): read with the outer one, in its order
            for p in el.iter(p_tag):
                number += 1
                text = _paragraph_text(p, ns)
                if not text.strip():
                    continue
                size += len(text.encode("utf-8")) + 1
                if size > MAX_TEXT_BYTES:
                    raise InputError(f"more than {MAX_TEXT_BYTES / 1e6:.0f} MB of text: too large for a page "
                                     "(split it into pages)", path)
                blocks.append(Block(text.strip(), number,
                                    heading=bool(_HEADING_STYLE.match(_style_name(p, names, ns)))))
            el.clear()  # read: its runs are not needed any more (a table's cells keep only empty shells)
        if in_body and p_depth == 0 and el.getparent() is not None and el.getparent().tag == body_tag:
            el.clear()  # read: free it, and what came before it
            while el.getprevious() is not None:
                del el.getparent()[0]
    if ns is None:
        raise InputError("not a valid DOCX file (an empty document part)", path)
    return blocks


def _paragraph_text(p, ns: str) -> str:
    t, tab, br = f"{{{ns}}}t", f"{{{ns}}}tab", f"{{{ns}}}br"
    parts = []
    for el in p.iter(t, tab, br):
        if el.tag == t:
            parts.append(el.text or "")
        elif el.tag == tab:
            parts.append("\t")
        else:
            parts.append(" ")  # a line break inside a paragraph: Chinese needs no space, but keep words apart
    return "".join(parts)


def _style_name(p, style_names: dict, ns: str) -> str:
    ppr = p.find(f"{{{ns}}}pPr")
    style_el = ppr.find(f"{{{ns}}}pStyle") if ppr is not None else None
    if style_el is None:
        return ""
    style_id = style_el.get(f"{{{ns}}}val") or ""
    return style_names.get(style_id, style_id)


def read_docx_page(path: Path, data: bytes, *, script: str = "keep") -> Edition:
    """A DOCX page's bytes -> Edition (paragraphs not yet split into sentences)."""
    return build_edition(blocks_from_docx(data, path), str(path), "utf-8", script=script)
