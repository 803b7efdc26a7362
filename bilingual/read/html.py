"""HTML news pages (lxml): the article body, not the navigation.

Rules:
 - Decoding: a BOM, else the ``charset`` the page declares in its first 4 KB (GB2312/GBK
   read as GB18030), else the same detection as text pages.
 - Dropped before anything else: ``script, style, noscript, nav, header, footer, aside,
   form, iframe, template`` and elements whose class/id says nav/menu/footer/sidebar/comment;
   but not a ``header`` inside an ``article`` or holding an ``<h1>`` (the headline lives there).
 - The body: the ``<article>`` with the most text; without one, the element whose direct
   ``<p>`` children hold the most text (the densest block of paragraphs).
 - Blocks: ``h1``-``h6``, ``p``, ``li``, ``blockquote`` inside the body, in document order
   (an element inside another taken one is not taken twice). A page without such blocks
   (text set with ``<br>``) gives one block per line of the element with the most text of its own.
   ``<h1>`` is the headline mark;
   the page's first ``<h1>`` outside the body is put in front of it, and when there is no
   ``<h1>`` at all the ``<title>`` is. Lines are the elements' source lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..model import Edition
from .encoding import decode_page
from .page import Block, build_edition, check_text_size

_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template")
_DROP_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|sidebar|breadcrumb|comment|share|related|ad|ads)(?:$|[\s_-])",
    re.IGNORECASE)
_BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CODEC_FOR_CHARSET = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
                      "big5": "cp950", "utf8": "utf-8"}


def decode_html(data: bytes, path: Path, warnings: list | None = None) -> tuple[str, str]:
    """The page's text and encoding: BOM, then the declared charset, then detection."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii").lower()
            codec = _CODEC_FOR_CHARSET.get(declared, declared)
            try:
                return data.decode(codec), declared
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common: detect instead
    return decode_page(data, path, warnings)


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _droppable(el) -> bool:
    if el.tag == "header" and (el.find(".//h1") is not None
                               or any(a.tag == "article" for a in el.iterancestors())):
        return False  # an article's own header holds its headline and byline
    if el.tag in _DROP_TAGS:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    return bool(marks) and _DROP_CLASS.search(marks) is not None


def _body_element(root):
    articles = root.findall(".//article")
    if articles:
        return max(articles, key=lambda a: len(_text(a)))
    best, best_size = root, 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        size = sum(len(_text(p)) for p in el if p.tag == "p")
        if size > best_size:
            best, best_size = el, size
    return best


def _own_text_size(el) -> int:
    return len((el.text or "").strip()) + sum(len((child.tail or "").strip()) for child in el)


def _line_blocks(root) -> list[Block]:
    """Pages that set their text in one element with ``<br>`` line breaks instead of ``<p>``:
    the element holding the most text of its own, one block per line."""
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el.tag not in ("html", "head", "title")]
    if not elements:
        return []
    best = max(elements, key=_own_text_size)
    if _own_text_size(best) == 0:
        return []
    for br in best.iter("br"):
        br.tail = "\n" + (br.tail or "")
    first = best.sourceline or 0
    blocks = []
    for n, line in enumerate(best.text_content().split("\n")):
        if line.strip():
            blocks.append(Block(re.sub(r"\s+", " ", line).strip(), first + n))
    return blocks


def _block_elements(body) -> list:
    """The block elements (``_BLOCK_TAGS``) under ``body`` in document order, an element inside a taken one
    not taken again. One walk, linear in the page (an explicit stack: deep pages need no recursion)."""
    taken, stack = [], [body]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if el.tag in _BLOCK_TAGS:
            taken.append(el)  # what is inside is part of this block
            continue
        stack.extend(reversed(el))
    return taken


def _parse(text: str, path: Path):
    import lxml.html
    from lxml import etree

    # huge_tree: libxml2 otherwise stops at 256 levels of nesting and keeps only what came before,
    # which silently loses the whole article of a deeply nested page.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not a readable HTML page ({exc})", path) from None
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in error.message:
            raise InputError(f"HTML nested too deeply to read (line {error.line}: {error.message.strip()})",
                             path, error.line or None)
    return root


def blocks_from_html(text: str, path: Path) -> list[Block]:
    root = _parse(text, path)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and _droppable(el):
            el.drop_tree()
    body = _body_element(root)
    blocks = []
    for el in _block_elements(body):
        content = _text(el)
        if content:
            blocks.append(Block(content, el.sourceline or 0, heading=el.tag == "h1"))
    if not any(not b.heading for b in blocks):
        blocks += _line_blocks(root)
    if not any(not b.heading for b in blocks):
        raise InputError("no article text found in this HTML page (no paragraphs or lines of text in its body"
                         + (", only its title)" if root.find(".//title") is not None else ")"), path)
    check_text_size(blocks, path)
    if not any(b.heading for b in blocks):
        h1 = root.find(".//h1")
        title = root.find(".//title")
        source = h1 if h1 is not None and _text(h1) else title if title is not None and _text(title) else None
        if source is not None:
            blocks.insert(0, Block(_text(source), source.sourceline or 0, heading=True))
    return blocks


def read_html_page(path: Path, data: bytes, *, script: str = "keep") -> Edition:
    """An HTML page's bytes -> Edition of its article body (paragraphs not yet split into sentences)."""
    warnings: list = []
    text, encoding = decode_html(data, path, warnings)
    edition = build_edition(blocks_from_html(text, path), str(path), encoding, script=script)
    for code, message, line in warnings:
        edition.warn(code, message, line)
    return edition
