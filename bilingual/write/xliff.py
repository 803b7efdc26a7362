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
from ..model import HUMAN_ORIGINS, Edition, Segment
from .tmx import SOURCE_LANG, TARGET_LANG, creation_date, signature_props, xml_text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def target_state(seg: Segment) -> str | None:
    """XLIFF 1.2 state for a segment's English: machine output must be reviewed."""
    if not seg.en:
        return None
    if (seg.engine or "").split(":")[0] in HUMAN_ORIGINS and not seg.flags:
        return "translated"
    return "needs-review-translation"


def _add_unit(parent, seg: Segment, part: str):
    q = f"{{{XLIFF_NS}}}"
    unit = etree.SubElement(parent, q + "trans-unit", id=seg.id, resname=part)
    unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    etree.SubElement(unit, q + "source", {XML_LANG: SOURCE_LANG}).text = xml_text(seg.zh)
    state = target_state(seg)
    if state:
        target = etree.SubElement(unit, q + "target", {XML_LANG: TARGET_LANG}, state=state)
        if state == "needs-review-translation":
            target.set("state-qualifier", "mt-suggestion")
        target.text = xml_text(seg.en)
    if seg.engine:
        etree.SubElement(unit, q + "note", {"from": "engine"}).text = xml_text(seg.engine)
    for flag in seg.flags:
        etree.SubElement(unit, q + "note", {"from": "flag", "priority": "1"}).text = xml_text(flag)
    for term in seg.terms:
        text = f"{term.zh} = {term.en} ({term.type}, {term.status}"
        text += f", {term.source})" if term.source else ")"
        etree.SubElement(unit, q + "note", {"from": "glossary"}).text = xml_text(text)
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
        "date": creation_date(),
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
