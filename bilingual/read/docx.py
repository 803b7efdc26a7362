"""DOCX pages (python-docx): one block per non-empty paragraph, in body order (table cells included).

A paragraph styled Title or Heading N (英文 or 中文 style names: "标题 1") is a headline mark;
a document without any is read by the unmarked-page rules, and when those find no head
its first paragraph is the headline (see ``page``). Block "lines" are paragraph numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import InputError
from ..model import Edition
from .page import Block, build_edition

_HEADING_STYLE = re.compile(r"^(?:Title|Heading\s*1|标题\s*1?|標題\s*1?)$", re.IGNORECASE)


def blocks_from_docx(data: bytes, path: Path) -> list[Block]:
    """The document's paragraphs as Blocks; ``InputError`` when the bytes are not a DOCX."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a valid DOCX file ({exc.__class__.__name__})", path) from None
    except Exception as exc:  # python-docx raises its own types for damaged packages
        raise InputError(f"not a valid DOCX file ({exc})", path) from None
    style_names = {style.style_id: style.name or style.style_id for style in document.styles}
    blocks = []
    number = 0
    body = document.element.body
    # Paragraphs and table cells in reading order; ``iter`` walks nested tables too.
    for p in body.iter(qn("w:p")):
        number += 1
        text = _paragraph_text(p, qn)
        if not text.strip():
            continue
        style = _style_name(p, style_names, qn)
        blocks.append(Block(text.strip(), number, heading=bool(_HEADING_STYLE.match(style))))
    return blocks


def _paragraph_text(p, qn) -> str:
    parts = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append(" ")  # a line break inside a paragraph: Chinese needs no space, but keep words apart
    return "".join(parts)


def _style_name(p, style_names: dict, qn) -> str:
    ppr = p.find(qn("w:pPr"))
    style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
    if style_el is None:
        return ""
    style_id = style_el.get(qn("w:val")) or ""
    return style_names.get(style_id, style_id)


def read_docx_page(path: Path, data: bytes, *, script: str = "keep") -> Edition:
    """A DOCX page's bytes -> Edition (paragraphs not yet split into sentences)."""
    return build_edition(blocks_from_docx(data, path), str(path), "utf-8", script=script)
