"""Glossary import and export: TSV (ours), CSV (source first, as DeepL reads it) and TBX.

CSV and TBX go through translate-toolkit's stores (``csvl10n.csvfile``,
``tbx.tbxfile``) rather than hand-written parsers and XML. The TBX follows
TBX-Basic: one ``termEntry`` per Chinese term, a ``langSet`` per language, the
English target first and its variants as further ``tig``s, the note as the
concept's ``descrip type="definition"``, our type as ``descrip
type="subjectField"`` and a forbidden rendering as ``termNote
type="administrativeStatus"`` ``deprecatedTerm-admn-sts``. TSV -> TBX -> TSV
keeps zh, en, type, status, variants and note.

CSV holds only source and target (DeepL's glossary CSV has no room for more),
so its import takes the type from an option.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import GlossaryError
from .edit import DRAFT_NOTE, HEADER, format_row
from .glossary import TYPES, Term, read_glossary_file

SOURCE_LANG, TARGET_LANG = "zh", "en"
PREFERRED_STATUS = "preferredTerm-admn-sts"
DEPRECATED_STATUS = "deprecatedTerm-admn-sts"


def format_of(path: Path, given: str | None = None) -> str:
    """The format named by ``given`` or by the file's suffix; GlossaryError for an unknown one."""
    fmt = (given or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise GlossaryError(f"unknown glossary format {fmt!r} (expected {'|'.join(FORMATS)})", path)
    return fmt


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def export_tsv(terms: list[Term]) -> bytes:
    return (HEADER + "\n" + "".join(format_row(t) + "\n" for t in terms)).encode("utf-8")


def export_csv(terms: list[Term]) -> bytes:
    """source,target rows, no header (DeepL would read a header as an entry); forbidden rows left out."""
    from translate.storage.csvl10n import csvfile

    store = csvfile(fieldnames=["source", "target"])
    for t in terms:
        if t.status == "preferred":
            unit = store.addsourceunit(t.zh)
            unit.target = t.en
    data = bytes(store).decode("utf-8")
    first_newline = data.find("\n")
    return data[first_newline + 1:].encode("utf-8")  # drop translate-toolkit's header row


def export_tbx(terms: list[Term]) -> bytes:
    from lxml import etree
    from translate.storage.tbx import tbxfile

    store = tbxfile(sourcelanguage=SOURCE_LANG, targetlanguage=TARGET_LANG)
    for t in terms:
        unit = store.addsourceunit(t.zh)
        unit.set_target_terms([t.en, *t.variants], TARGET_LANG)
        if t.note:
            unit.set_common_note(t.note, source=True)
        # Our type (title|person|place|org|slogan|term) as the concept's subject field, before the langSets.
        subject = etree.Element(unit.namespaced("descrip"), type="subjectField")
        subject.text = t.type
        unit.xmlelement.insert(0, subject)
        target_tig = unit.get_target_dom(TARGET_LANG).find(unit.namespaced("tig"))
        status = etree.SubElement(target_tig, unit.namespaced("termNote"), type="administrativeStatus")
        status.text = DEPRECATED_STATUS if t.status == "forbidden" else PREFERRED_STATUS
    return bytes(store)


def export_terms(terms: list[Term], fmt: str) -> bytes:
    """The terms serialised in ``fmt`` (a name in ``FORMATS``)."""
    return FORMATS[fmt].export(terms)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------

def import_terms(path: Path, fmt: str | None = None, default_type: str = "term") -> list[Term]:
    """Terms read from a TSV, CSV or TBX file (rows without a type get ``default_type``)."""
    path = Path(path)
    fmt = format_of(path, fmt)
    if default_type not in TYPES:
        raise GlossaryError(f"unknown type {default_type!r} (expected {'|'.join(TYPES)})", path)
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


def _import_tsv(data: bytes, path: Path, default_type: str) -> list[Term]:
    return [Term(t.zh, t.en, t.type, t.status, t.variants, t.note, line=t.line) for t in read_glossary_file(path)]


def _import_csv(data: bytes, path: Path, default_type: str) -> list[Term]:
    from translate.storage.csvl10n import csvfile

    try:
        store = csvfile(io.BytesIO(data), fieldnames=["source", "target"])
    except Exception as e:  # translate-toolkit raises plain ValueError/csv.Error on bad CSV
        raise GlossaryError(f"not a readable CSV glossary: {e}", path) from None
    terms = []
    for n, unit in enumerate(store.units, start=1):
        zh, en = (unit.source or "").strip(), (unit.target or "").strip()
        if (zh, en) == ("source", "target"):  # a header some tools write
            continue
        if not zh or not en:
            raise GlossaryError("a row without source or target", path, n)
        terms.append(Term(zh, en, default_type))
    return terms


def _import_tbx(data: bytes, path: Path, default_type: str) -> list[Term]:
    from translate.storage.tbx import tbxfile

    try:
        store = tbxfile.parsestring(data, sourcelanguage=SOURCE_LANG, targetlanguage=TARGET_LANG)
    except Exception as e:  # lxml's XMLSyntaxError and friends
        raise GlossaryError(f"not a readable TBX file: {e}", path) from None
    terms = []
    for n, unit in enumerate(store.units, start=1):
        sources = [t.text for t in unit.get_source_terms() if t.text]
        targets = unit.get_target_terms(TARGET_LANG)
        if not sources or not any(t.text for t in targets):
            continue
        notes = unit.get_common_notes(source=True)
        kind = next((n_.text.strip() for n_ in notes if n_.category == "subjectField"), "") or default_type
        note = next((n_.text for n_ in notes if n_.category in ("definition", None) and n_.origin == "definition"), "")
        if kind not in TYPES:
            raise GlossaryError(f"entry {n}: unknown type {kind!r}", path)
        first = targets[0]
        status = "forbidden" if first.deprecated else "preferred"
        variants = tuple(t.text for t in targets[1:] if t.text)
        for zh in sources:
            terms.append(Term(zh, first.text, kind, status, variants, note))
    return terms


@dataclass(frozen=True)
class GlossaryFormat:
    name: str
    description: str
    export: Callable[[list[Term]], bytes]
    read: Callable[[bytes, Path, str], list[Term]]  # (bytes, path for messages, default type) -> terms


# The registry: the CLI's --format choices come from it; a new format is two functions and one line.
FORMATS: dict[str, GlossaryFormat] = {f.name: f for f in (
    GlossaryFormat("tsv", "this tool's TSV (zh, en, type, status, variants, note)", export_tsv, _import_tsv),
    GlossaryFormat("csv", "source,target CSV as DeepL reads it", export_csv, _import_csv),
    GlossaryFormat("tbx", "TBX-Basic (ISO 30042)", export_tbx, _import_tbx),
)}
