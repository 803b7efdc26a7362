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


def _now_seconds() -> int:
    # SOURCE_DATE_EPOCH (reproducible-builds.org) pins the time for reproducible files.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) if epoch and epoch.isdigit() else int(time.time())


def creation_date() -> str:
    """UTC timestamp in TMX form (20261203T065222Z)."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(_now_seconds()))


def xsd_date() -> str:
    """UTC timestamp as xsd:dateTime (2026-12-03T06:52:22Z), as XLIFF's ``date`` wants it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_now_seconds()))


def tmx_date(xsd: str | None) -> str | None:
    """2026-12-03T06:52:22Z -> 20261203T065222Z (TMX's form); None for None."""
    return xsd.replace("-", "").replace(":", "") if xsd else None


def signature_props(edition: Edition) -> dict[str, str]:
    """The edition's signature as flat x- properties (engine, model, glossary, tool, source)."""
    props = (edition.signature or Signature()).props()
    props["x-source"] = edition.stem
    return props


def build_tmx(edition: Edition, include_machine: bool = False):
    """The edition as a TMX 1.4b lxml element tree.

    Only a person's English goes in by default (translated, approved, or an exact match of a person's
    work), so nobody's memory fills with raw machine output by accident; ``include_machine`` adds the
    machine drafts too, each marked ``x-origin engine``. The header says how many were left out.
    """
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
    body = etree.SubElement(root, "body")
    left_out = 0
    for article in edition.articles:
        for part, seg in list(article.heads()) + [("body", s) for s in article.body_segments()]:
            if not seg.zh or not seg.en:  # no pair: nothing a memory could use
                continue
            if not seg.is_human and not include_machine:
                left_out += 1
                continue
            origin = seg.origin
            attrs = {"tuid": seg.id}
            if seg.is_human and origin is not None:
                if origin.by:
                    attrs["creationid"] = attrs["changeid"] = origin.by
                if origin.at:
                    attrs["creationdate"] = attrs["changedate"] = tmx_date(origin.at)
            tu = etree.SubElement(body, "tu", attrs)
            # TMX order inside a tu: note*, prop*, tuv+.
            etree.SubElement(tu, "prop", type="x-article").text = article.id
            etree.SubElement(tu, "prop", type="x-part").text = part
            if origin is not None:
                etree.SubElement(tu, "prop", type="x-origin").text = origin.origin
                etree.SubElement(tu, "prop", type="x-status").text = origin.status
            if seg.engine:
                etree.SubElement(tu, "prop", type="x-engine").text = seg.engine
            for flag in seg.flags:
                etree.SubElement(tu, "prop", type="x-flag").text = xml_text(flag)
            zh = etree.SubElement(tu, "tuv", {XML_LANG: SOURCE_LANG})
            etree.SubElement(zh, "seg").text = xml_text(seg.zh)
            en = etree.SubElement(tu, "tuv", {XML_LANG: TARGET_LANG})
            etree.SubElement(en, "seg").text = xml_text(seg.en)
    props = signature_props(edition)
    props["x-machine-units-left-out"] = str(left_out)
    for key, value in props.items():
        etree.SubElement(header, "prop", type=key).text = xml_text(value)
    return etree.ElementTree(root)


def write_tmx(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the edition's sentence pairs as TMX 1.4b to ``path``; returns ``path``."""
    include_machine = bool(options and options.tmx_machine)
    return write_xml(build_tmx(edition, include_machine), path)


def write_memory_tmx(entries, path: Path) -> int:
    """Write translation-memory entries (``bilingual.memory.MemoryEntry``) as TMX 1.4b; returns the count.

    Each unit says whose English it is (``x-origin`` human or engine), who made it and when.
    """
    tmx = etree.Element("tmx", version="1.4")
    etree.SubElement(tmx, "header", creationtool="bilingual", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang=SOURCE_LANG, datatype="plaintext",
                     creationdate=creation_date(), **{"o-tmf": "bilingual-tm"})
    body = etree.SubElement(tmx, "body")
    count = 0
    for entry in entries:
        attrs = {}
        if entry.who:
            attrs["creationid"] = attrs["changeid"] = entry.who
        for name, value in (("creationdate", entry.created), ("changedate", entry.changed)):
            if value:
                attrs[name] = tmx_date(value)
        if entry.hits:
            attrs["usagecount"] = str(entry.hits)
        tu = etree.SubElement(body, "tu", attrs)
        origin = "human" if entry.kind == "human" else "engine"
        props = [("x-origin", origin), ("x-status", entry.status)]
        props += [("x-how", entry.how)] if entry.how else []
        props += [("x-engine", entry.engine), ("x-model", entry.model), ("x-glossary", entry.glossary)] \
            if entry.kind != "human" else []
        for prop, value in props:
            etree.SubElement(tu, "prop", type=prop).text = xml_text(value)
        for lang, text in ((SOURCE_LANG, entry.source), (TARGET_LANG, entry.en)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = xml_text(text)
        count += 1
    write_xml(tmx, path)
    return count
