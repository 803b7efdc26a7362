"""Newspaper text pages (``.txt``, ``.md``): one block per non-empty line; ``#``/``##`` marks headlines."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Edition
from .encoding import decode_page
from .page import Block, build_edition

_HEADING = re.compile(r"^[ \t\u3000]*#{1,6}(?!#)[ \t\u3000]*")  # "## 标题", also "##标题"


def blocks_from_text(text: str) -> list[Block]:
    """One Block per non-empty line, with Markdown heading marks taken off and noted."""
    blocks = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _HEADING.match(line)
        if m:
            blocks.append(Block(line[m.end():].strip(), n, heading=True))
        else:
            blocks.append(Block(line.strip(), n))
    return blocks


def read_text_page(path: Path, data: bytes, *, script: str = "keep") -> Edition:
    """A text page's bytes -> Edition (see ``page`` for the structure rules)."""
    warnings: list = []
    text, encoding = decode_page(data, path, warnings)
    edition = build_edition(blocks_from_text(text), str(path), encoding, script=script)
    for code, message, line in warnings:
        edition.warn(code, message, line)
    return edition
