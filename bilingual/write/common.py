"""What several writers say of an edition: its title, the note on where its English came from,
the signature line, the fonts, and checking the layout options."""

from __future__ import annotations

from ..config import CJK_FONT_STYLES, LAYOUTS, PAPERS, WriteOptions
from ..engines import ENGINES
from ..errors import UsageError
from ..model import HUMAN_ORIGINS, Edition
from ..signature import Signature

CJK_FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
# DejaVu Serif ships with fontconfig on Debian (fonts-dejavu-core); Noto Serif where installed.
ENGLISH_FONTS = ("Noto Serif", "DejaVu Serif")

# What a reader should be told about each origin of the English, in the footer and colophon.
ORIGIN_NOTES = {spec.name: spec.note for spec in ENGINES.values()} | HUMAN_ORIGINS


def engine_note(edition: Edition) -> str:
    """One line saying what produced the English, e.g. 'Dictionary gloss \u2014 not a translation'."""
    # Bylines are set in English convention by a rule, not by an engine: nothing to tell the reader.
    engines = sorted({s.engine for s in edition.segments() if s.engine and s.engine != "byline"})
    if not engines and edition.signature is not None and edition.signature.engine:
        engines = [edition.signature.engine]
    if not engines:
        return "Not translated"
    notes = [ORIGIN_NOTES.get(e.split(":")[0], f"Machine translation ({e})") for e in engines]
    return "; ".join(dict.fromkeys(notes))


def signature_line(edition: Edition) -> str:
    """The reproducibility stamp for the colophon: engine (model and version), glossary, tool."""
    if edition.signature is None:
        return Signature().describe()
    return edition.signature.describe()


def edition_title(edition: Edition) -> str:
    """The document title: paper and date when known, else the source file's stem."""
    bits = [b for b in (edition.paper, edition.date) if b]
    return " ".join(bits) if bits else edition.stem


def check_options(options: WriteOptions) -> None:
    """UsageError for a layout, paper or font the writers do not know."""
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose from {', '.join(LAYOUTS)}")
    if options.paper not in PAPERS:
        raise UsageError(f"unknown paper size {options.paper!r}; choose from {', '.join(PAPERS)}")
    if options.cjk_font not in CJK_FONT_STYLES:
        raise UsageError(f"unknown Chinese font {options.cjk_font!r}; choose from {', '.join(CJK_FONT_STYLES)}")
