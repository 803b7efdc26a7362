"""XLIFF 1.2: Edition -> file for a reviewer's CAT tool, and the reviewed file back.

One ``trans-unit`` per segment (id = segment id), grouped by article and
paragraph; flags and glossary terms travel as notes; machine output is marked
``state="needs-review-translation"``. ``read_xliff`` parses a post-edited file
with translate-toolkit (as forgiving as the CAT tools that wrote it).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .. import __version__
from ..config import WriteOptions
from ..files import write_xml
from ..model import Edition, Segment
from .tmx import SOURCE_LANG, TARGET_LANG, signature_props, xml_text, xsd_date

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def target_state(seg: Segment) -> tuple[str, str | None] | None:
    """XLIFF 1.2 (state, state-qualifier) of a segment's English, from its provenance: a person's English
    is ``translated`` (``signed-off`` once approved); an exact match of a person's work from a reference
    memory is ``needs-review-translation``/``exact-match``; machine English ``needs-review-translation``/
    ``mt-suggestion``."""
    if not seg.en:
        return None
    origin = seg.origin
    if origin is not None and origin.origin == "human":
        return ("signed-off" if origin.status == "approved" else "translated"), None
    if origin is not None and origin.origin == "memory":
        return "needs-review-translation", "exact-match"
    return "needs-review-translation", "mt-suggestion"


def origin_note(seg: Segment) -> str | None:
    """One line on where the English came from: "engine gloss (model)", "human (web, 2026-…Z, by Ana)"."""
    o = seg.origin
    if o is None:
        return seg.engine
    if o.origin == "engine":
        return f"engine {o.engine}" + (f" ({o.model})" if o.model else "")
    details = ", ".join(x for x in (o.memory if o.origin == "memory" else None, o.how, o.at,
                                    f"by {o.by}" if o.by else None) if x)
    return f"{o.origin} {o.status}" + (f" ({details})" if details else "")


def _add_unit(parent, seg: Segment, part: str):
    q = f"{{{XLIFF_NS}}}"
    unit = etree.SubElement(parent, q + "trans-unit", id=seg.id, resname=part)
    unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    etree.SubElement(unit, q + "source", {XML_LANG: SOURCE_LANG}).text = xml_text(seg.zh)
    state = target_state(seg)
    if state:
        target = etree.SubElement(unit, q + "target", {XML_LANG: TARGET_LANG}, state=state[0])
        if state[1]:
            target.set("state-qualifier", state[1])
        target.text = xml_text(seg.en)
    note = origin_note(seg)
    if note:
        etree.SubElement(unit, q + "note", {"from": "origin"}).text = xml_text(note)
    for flag in seg.flags:
        etree.SubElement(unit, q + "note", {"from": "flag", "priority": "1"}).text = xml_text(flag)
    for term in seg.terms:
        text = f"{term.zh} = {term.en} ({term.type}, {term.status}"
        text += f", {term.source})" if term.source else ")"
        etree.SubElement(unit, q + "note", {"from": "glossary"}).text = xml_text(text)
    for match in seg.suggestions:  # fuzzy matches of a person's work: offered, never applied
        alt = etree.SubElement(unit, q + "alt-trans", {"match-quality": f"{round(match.score * 100)}",
                                                        "origin": match.memory or "memory"})
        etree.SubElement(alt, q + "source", {XML_LANG: SOURCE_LANG}).text = xml_text(match.zh)
        etree.SubElement(alt, q + "target", {XML_LANG: TARGET_LANG}).text = xml_text(match.en)
    return unit


def build_xliff(edition: Edition):
    """The edition as an XLIFF 1.2 lxml element tree."""
    q = f"{{{XLIFF_NS}}}"
    root = etree.Element(q + "xliff", version="1.2", nsmap={None: XLIFF_NS})
    file_el = etree.SubElement(root, q + "file", {
        "original": Path(edition.source).name,
        "source-language": SOURCE_LANG,
        "target-language": TARGET_LANG,
        "datatype": "plaintext",
        "tool-id": "bilingual",
        "date": xsd_date(),
    })
    header = etree.SubElement(file_el, q + "header")
    etree.SubElement(header, q + "tool", {"tool-id": "bilingual", "tool-name": "bilingual",
                                          "tool-version": __version__})
    for key, value in signature_props(edition).items():
        etree.SubElement(header, q + "note", {"from": key}).text = xml_text(value)
    body = etree.SubElement(file_el, q + "body")
    for article in edition.articles:
        group = etree.SubElement(body, q + "group", id=article.id, resname="article")
        for part, seg in article.heads():
            _add_unit(group, seg, part)
        for para in article.paragraphs:
            para_group = etree.SubElement(group, q + "group", id=para.id, resname="paragraph")
            for seg in para.segments:
                _add_unit(para_group, seg, "body")
    return etree.ElementTree(root)


def write_xliff(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the edition as XLIFF 1.2 to ``path``; returns ``path``."""
    return write_xml(build_xliff(edition), path)
