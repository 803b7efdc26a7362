"""XLIFF 1.2: Edition -> file for a reviewer's CAT tool, and the reviewed file back.

One ``trans-unit`` per segment (id = segment id), grouped by article and
paragraph; flags and glossary terms travel as notes; machine output is marked
``state="needs-review-translation"``. ``read_xliff`` parses a post-edited file
with translate-toolkit (as forgiving as the CAT tools that wrote it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import InputError, read_input_bytes
from ..model import Edition, Segment
from . import WriteOptions, write_xml
from .tmx import SOURCE_LANG, TARGET_LANG, creation_date, signature_props, xml_text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Engines whose English is a person's, not a machine's.
HUMAN_ENGINES = ("xliff", "align", "human")


def target_state(seg: Segment) -> str | None:
    """XLIFF 1.2 state for a segment's English: machine output must be reviewed."""
    if not seg.en:
        return None
    if (seg.engine or "").split(":")[0] in HUMAN_ENGINES and not seg.flags:
        return "translated"
    return "needs-review-translation"


def _add_unit(parent, seg: Segment, part: str):
    from lxml import etree

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
    from lxml import etree

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


@dataclass
class ReviewedUnit:
    """One trans-unit of a post-edited XLIFF."""

    id: str
    source: str
    target: str | None
    state: str | None


def read_xliff(path: Path) -> tuple[str | None, list[ReviewedUnit]]:
    """Parse a (post-edited) XLIFF 1.2 file: returns (the file's ``original``, its units in order).

    Raises InputError naming the file when it is missing or not XLIFF.
    """
    from translate.storage.xliff import xlifffile

    path = Path(path)
    data = read_input_bytes(path, "XLIFF file")
    if not data.strip():
        raise InputError("empty file, expected XLIFF 1.2", path)
    try:
        store = xlifffile.parsestring(data)
    except Exception as e:  # lxml/toolkit raise assorted errors for non-XLIFF input
        raise InputError(f"not an XLIFF file: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
                         path) from None
    originals = store.getfilenames()
    units = []
    for unit in store.getunits():
        if unit.isheader():
            continue
        target_el = unit.getlanguageNode(lang=None, index=1)
        units.append(ReviewedUnit(
            id=unit.xmlelement.get("id") or "",
            source=unit.source or "",
            target=unit.target if target_el is not None else None,
            state=target_el.get("state") if target_el is not None else None,
        ))
    return (originals[0] if originals else None), units
