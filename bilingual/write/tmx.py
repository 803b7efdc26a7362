"""TMX 1.4b: Edition -> translation memory, one ``tu`` per segment (``tuid`` = segment id).

Written with lxml rather than translate-toolkit's ``tmxfile`` because the toolkit
stamps its own name as ``creationtool`` and has no per-unit ``tuid``; the files
are read back with translate-toolkit in the tests, as a translator's tool would.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from lxml import etree

from .. import __version__
from ..config import WriteOptions
from ..files import write_xml
from ..model import Edition
from ..signature import Signature

SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Characters XML 1.0 cannot hold (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str | None) -> str:
    """``text`` with the characters XML 1.0 forbids removed (lxml would refuse the whole file)."""
    return _NOT_XML.sub("", text or "")


def creation_date() -> str:
    """UTC timestamp in TMX/XLIFF form; SOURCE_DATE_EPOCH pins it for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


def signature_props(edition: Edition) -> dict[str, str]:
    """The edition's signature as flat x- properties (engine, model, glossary, tool, source)."""
    props = (edition.signature or Signature()).props()
    props["x-source"] = edition.stem
    return props


def build_tmx(edition: Edition):
    """The edition as a TMX 1.4b lxml element tree."""
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": "bilingual",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "bilingual-json",
        "adminlang": "en",
        "srclang": SOURCE_LANG,
        "datatype": "plaintext",
        "creationdate": creation_date(),
    })
    for key, value in signature_props(edition).items():
        etree.SubElement(header, "prop", type=key).text = xml_text(value)
    body = etree.SubElement(root, "body")
    for article in edition.articles:
        for part, seg in list(article.heads()) + [("body", s) for s in article.body_segments()]:
            if not seg.zh:  # English an aligner found no Chinese for: no use as a memory entry
                continue
            tu = etree.SubElement(body, "tu", tuid=seg.id)
            # TMX order inside a tu: note*, prop*, tuv+.
            etree.SubElement(tu, "prop", type="x-article").text = article.id
            etree.SubElement(tu, "prop", type="x-part").text = part
            if seg.engine:
                etree.SubElement(tu, "prop", type="x-engine").text = seg.engine
            for flag in seg.flags:
                etree.SubElement(tu, "prop", type="x-flag").text = xml_text(flag)
            zh = etree.SubElement(tu, "tuv", {XML_LANG: SOURCE_LANG})
            etree.SubElement(zh, "seg").text = xml_text(seg.zh)
            if seg.en:
                en = etree.SubElement(tu, "tuv", {XML_LANG: TARGET_LANG})
                etree.SubElement(en, "seg").text = xml_text(seg.en)
    return etree.ElementTree(root)


def write_tmx(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the edition's sentence pairs as TMX 1.4b to ``path``; returns ``path``."""
    return write_xml(build_tmx(edition), path)


def write_memory_tmx(entries, path: Path) -> int:
    """Write translation-memory entries (``bilingual.memory.MemoryEntry``) as TMX 1.4b; returns the count."""
    tmx = etree.Element("tmx", version="1.4")
    etree.SubElement(tmx, "header", creationtool="bilingual", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang=SOURCE_LANG, datatype="plaintext",
                     **{"o-tmf": "bilingual-tm"})
    body = etree.SubElement(tmx, "body")
    count = 0
    for entry in entries:
        tu = etree.SubElement(body, "tu")
        for prop, value in (("x-engine", entry.engine), ("x-model", entry.model), ("x-glossary", entry.glossary)):
            etree.SubElement(tu, "prop", type=prop).text = xml_text(value)
        for lang, text in ((SOURCE_LANG, entry.source), (TARGET_LANG, entry.en)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = xml_text(text)
        count += 1
    write_xml(tmx, path)
    return count
