"""Glossary import and export: TSV (ours), CSV (source first, as DeepL reads it) and TBX-Basic.

TSV is this tool's own file (zh, en, type, status, variants, note, with that header). A plain
two-column TSV or CSV (source, target), with or without a header row, is read too: a first row
whose source holds no Chinese while the next row's does, or that names its columns (``source``,
``zh``, ``zh-CN``, ``Chinese`` ...), is a header, not a term.

CSV holds only source and target (DeepL's glossary CSV has no room for more), so its import takes
the type from an option. Its export leaves out forbidden rows, and renders a ``{place}`` slot with the
place given, or leaves those rows out and says how many (``Export.notes``).

TBX follows TBX-Basic (ISO 30042, ``martif type="TBX-Basic"``): one ``termEntry`` per Chinese term,
a ``langSet`` per language, the English target's ``tig`` first with ``administrativeStatus``
``preferredTerm-admn-sts`` (``deprecatedTerm-admn-sts`` for a forbidden rendering), each variant a
further ``tig`` with ``admittedTerm-admn-sts``, the note a ``note``, and our type (title, person ...)
in the custom data category ``descrip type="x-bilingual-type"``. TSV -> TBX -> TSV keeps zh, en,
type, status, variants and note. Reading takes what other tools write: language codes with regions
or scripts (``zh-CN``, ``zh-Hans``, ``en-US``, ``en-GB``, ``zho``, ``eng``), ``ntig``/``termGrp``
as well as ``tig``, TBX v3's ``conceptEntry``/``langSec``/``termSec``, a ``subjectField`` that is one
of our types or, when it is not, kept as a note.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import GlossaryError
from ..zh.script import has_han
from .edit import DRAFT_NOTE, HEADER, clean_field, format_row
from .glossary import TYPES, Term, header_is_valid, parse_row, render_term, table_lines

SOURCE_LANG, TARGET_LANG = "zh", "en"
PREFERRED_STATUS = "preferredTerm-admn-sts"
ADMITTED_STATUS = "admittedTerm-admn-sts"
DEPRECATED_STATUS = "deprecatedTerm-admn-sts"
TYPE_CATEGORY = "x-bilingual-type"  # our own data category: TBX-Basic has none for "what kind of name"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Words a header row of a two-column glossary uses (DeepL, Google, spreadsheets, other tools).
_HEADER_WORDS = {"source", "target", "zh", "en", "term", "translation", "chinese", "english", "src", "tgt",
                 "source term", "target term", "中文", "英文", "原文", "译文"}


@dataclass
class Export:
    """An exported glossary: the bytes, how many terms they hold, and what was left out and why."""

    data: bytes
    count: int
    notes: list[str] = field(default_factory=list)


def format_of(path: Path, given: str | None = None) -> str:
    """The format named by ``given`` or by the file's suffix; GlossaryError for an unknown one."""
    fmt = (given or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise GlossaryError(f"unknown glossary format {fmt!r} (expected {'|'.join(FORMATS)})", path)
    return fmt


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def export_tsv(terms: list[Term], place: str | None = None) -> Export:
    data = (HEADER + "\n" + "".join(format_row(t) + "\n" for t in terms)).encode("utf-8")
    return Export(data, len(terms))


def export_csv(terms: list[Term], place: str | None = None) -> Export:
    """source,target rows, no header (DeepL would read a header as an entry); forbidden rows left out; a
    ``{place}`` slot rendered with ``place``, or its rows left out when no place is given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    count = slotted = 0
    for t in terms:
        if t.status != "preferred":
            continue
        if "{place}" in t.en and not place:
            slotted += 1
            continue
        writer.writerow([clean_field(t.zh), clean_field(render_term(t, place) if place else t.en)])
        count += 1
    notes = []
    if slotted:
        notes.append(f"{slotted} term{'s' if slotted != 1 else ''} with a {{place}} slot left out (such as "
                     "市委书记); give --place to render them for one edition's place")
    return Export(buffer.getvalue().encode("utf-8"), count, notes)


def export_tbx(terms: list[Term], place: str | None = None) -> Export:
    from lxml import etree  # only for TBX

    root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = etree.SubElement(root, "martifHeader")
    source_desc = etree.SubElement(etree.SubElement(header, "fileDesc"), "sourceDesc")
    etree.SubElement(source_desc, "p").text = "bilingual glossary (zh -> en)"
    etree.SubElement(etree.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for n, t in enumerate(terms, start=1):
        entry = etree.SubElement(body, "termEntry", id=f"c{n}")
        etree.SubElement(entry, "descrip", type=TYPE_CATEGORY).text = t.type
        if t.note:
            etree.SubElement(entry, "note").text = clean_field(t.note)
        zh_set = etree.SubElement(entry, "langSet", {XML_LANG: SOURCE_LANG})
        _tig(zh_set, t.zh, PREFERRED_STATUS)
        en_set = etree.SubElement(entry, "langSet", {XML_LANG: TARGET_LANG})
        _tig(en_set, t.en, DEPRECATED_STATUS if t.status == "forbidden" else PREFERRED_STATUS)
        for variant in t.variants:
            _tig(en_set, variant, ADMITTED_STATUS)
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True,
                          doctype='<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">')
    return Export(data, len(terms))


def _tig(lang_set, text: str, status: str) -> None:
    from lxml import etree

    tig = etree.SubElement(lang_set, "tig")
    etree.SubElement(tig, "term").text = clean_field(text)
    etree.SubElement(tig, "termNote", type="administrativeStatus").text = status


def export_terms(terms: list[Term], fmt: str, place: str | None = None) -> Export:
    """The terms serialised in ``fmt`` (a name in ``FORMATS``); ``place`` fills ``{place}`` where the format
    cannot carry the slot (CSV)."""
    return FORMATS[fmt].export(terms, place)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------

def import_terms(path: Path, fmt: str | None = None, default_type: str = "term", data: bytes | None = None
                 ) -> list[Term]:
    """Terms read from a TSV, CSV or TBX file (rows without a type get ``default_type``); GlossaryError while a
    row drafted by ``glossary suggest --out`` still has its draft note.

    ``data``: the file's bytes when they are already read (stdin); ``path`` then only names it.
    """
    path = Path(path)
    fmt = format_of(path, fmt)
    if default_type not in TYPES:
        raise GlossaryError(f"unknown type {default_type!r} (expected {'|'.join(TYPES)})", path)
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise GlossaryError("no such file", path) from None
        except OSError as e:
            raise GlossaryError(f"cannot read: {e.strerror or e}", path) from None
    terms = FORMATS[fmt].read(data, path, default_type)
    drafts = [t for t in terms if t.note.strip().casefold().startswith(DRAFT_NOTE)]
    if drafts:
        where = f"line {drafts[0].line}: " if drafts[0].line else ""
        raise GlossaryError(f"{where}{drafts[0].zh} is a draft ({len(drafts)} such rows): review each row, then "
                            f"replace the note {DRAFT_NOTE!r} by the rendering's source", path)
    return terms


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError(f"not UTF-8 (byte {e.start})", path) from None


def _import_tsv(data: bytes, path: Path, default_type: str) -> list[Term]:
    text = _decode(data, path)
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    if header_is_valid(first.split("\t")):  # this tool's own TSV
        return _own_tsv(text, path)
    return _two_columns(text, path, "\t", default_type)


def _own_tsv(text: str, path: Path) -> list[Term]:
    """Rows of this tool's TSV, with their lines; a bad row (an empty English too: a person fills in or deletes
    each row ``glossary suggest --out`` drafts) is a GlossaryError at file:line."""
    terms = []
    for number, cells, is_header in table_lines(text):
        if not is_header:
            t = parse_row(cells, str(path), number)
            terms.append(Term(t.zh, t.en, t.type, t.status, t.variants, t.note, line=number))
    return terms


def _import_csv(data: bytes, path: Path, default_type: str) -> list[Term]:
    text = _decode(data, path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return _two_columns(text, path, delimiter, default_type)


def _is_header(cells: list[str], following: list[str] | None) -> bool:
    """Whether the first row of a two-column glossary names its columns."""
    first = cells[0].strip() if cells else ""
    if not first or has_han(first) and first not in _HEADER_WORDS:
        return False
    return (first.lower() in _HEADER_WORDS or _lang(first) != "" or not following
            or has_han(following[0]))


def _two_columns(text: str, path: Path, delimiter: str, default_type: str) -> list[Term]:
    """Source/target rows (a third column, when it is one of our types, is the type); a header row skipped."""
    try:
        rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
                if any(c.strip() for c in row) and not row[0].lstrip().startswith("#")]
    except csv.Error as e:
        raise GlossaryError(f"not a readable {'TSV' if delimiter == chr(9) else 'CSV'} glossary: {e}", path) from None
    if rows and _is_header(rows[0][1], rows[1][1] if len(rows) > 1 else None):
        rows = rows[1:]
    terms = []
    for n, row in rows:
        cells = [c.strip() for c in row]
        zh, en = (cells + ["", ""])[:2]
        if not zh or not en:
            raise GlossaryError("a row without source or target", path, n)
        kind = cells[2] if len(cells) > 2 and cells[2] in TYPES else default_type
        terms.append(Term(zh, en, kind))
    return terms


def _lang(code: str | None) -> str:
    """``zh``/``en`` for any code of those languages (zh-CN, zh-Hans, zho, chi, en-US, en-GB, eng), else ''."""
    base = re.split(r"[-_]", (code or "").strip().lower())[0]
    return {"zh": "zh", "zho": "zh", "chi": "zh", "cmn": "zh", "en": "en", "eng": "en"}.get(base, "")


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _children(el, *names: str):
    return [c for c in el if _local(c) in names]


def _entry_terms(lang_set) -> list[tuple[str, str]]:
    """(term, administrative status) of each term group in a langSet/langSec, in order."""
    found = []
    for group in _children(lang_set, "tig", "ntig", "termSec"):
        holders = [group, *_children(group, "termGrp")]
        text = next((t.text or "" for h in holders for t in _children(h, "term")), "").strip()
        status = ""
        for h in holders:
            for note in _children(h, "termNote"):
                if note.get("type") in ("administrativeStatus", "normativeAuthorization"):
                    status = (note.text or "").strip()
        if text:
            found.append((text, status))
    return found


def _import_tbx(data: bytes, path: Path, default_type: str) -> list[Term]:
    from lxml import etree  # only for TBX

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise GlossaryError(f"not a readable TBX file: {e}", path) from None
    terms = []
    entries = [el for el in root.iter() if _local(el) in ("termEntry", "conceptEntry")]
    for entry in entries:
        kind, notes = "", []
        for el in entry.iter():
            name, category = _local(el), el.get("type") or ""
            value = " ".join((el.text or "").split())
            if not value:
                continue
            if name == "descrip" and category == TYPE_CATEGORY and value in TYPES:
                kind = value
            elif name == "descrip" and category == "subjectField":
                if value in TYPES and not kind:
                    kind = value  # what earlier versions of this tool wrote
                else:
                    notes.append(value)  # a subject field such as "Politics" is worth keeping, not a type
            elif name == "note" or (name == "descrip" and category in ("definition", "context")):
                notes.append(value)
        by_lang: dict[str, list[tuple[str, str]]] = {"zh": [], "en": []}
        for lang_set in _children(entry, "langSet", "langSec"):
            lang = _lang(lang_set.get(XML_LANG) or lang_set.get("lang"))
            if lang:
                by_lang[lang].extend(_entry_terms(lang_set))
        sources, targets = by_lang["zh"], by_lang["en"]
        if not sources or not targets:
            continue
        main = next(((t, s) for t, s in targets if "preferred" in s.lower()), targets[0])
        status = "forbidden" if ("deprecated" in main[1].lower() or "forbidden" in main[1].lower()
                                 or "superseded" in main[1].lower()) else "preferred"
        variants = tuple(dict.fromkeys(t for t, s in targets if t != main[0] and "deprecated" not in s.lower()))
        note = "; ".join(dict.fromkeys(notes))
        for zh, zh_status in sources:
            if "deprecated" in zh_status.lower() and len(sources) > 1:
                continue  # a deprecated Chinese form is not a key to match
            terms.append(Term(zh, main[0], kind or default_type, status, variants, note))
    return terms


@dataclass(frozen=True)
class GlossaryFormat:
    name: str
    description: str
    export: Callable[[list[Term], str | None], Export]  # (terms, place for {place} slots) -> Export
    read: Callable[[bytes, Path, str], list[Term]]  # (bytes, path for messages, default type) -> terms


# The registry: the CLI's --format choices come from it; a new format is two functions and one line.
FORMATS: dict[str, GlossaryFormat] = {f.name: f for f in (
    GlossaryFormat("tsv", "this tool's TSV (zh, en, type, status, variants, note), or plain source<TAB>target",
                   export_tsv, _import_tsv),
    GlossaryFormat("csv", "source,target CSV as DeepL reads it", export_csv, _import_csv),
    GlossaryFormat("tbx", "TBX-Basic (ISO 30042)", export_tbx, _import_tbx),
)}
