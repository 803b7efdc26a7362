"""What several writers say of an edition: its title, nameplate, dates, edition label and running head,
the note on where its English came from, the signature line, the fonts, and checking the layout options."""

from __future__ import annotations

from ..config import CJK_FONT_STYLES, LAYOUTS, PAPERS, WriteOptions
from ..engines import ENGINES
from ..errors import UsageError
from ..model import HUMAN_ORIGINS, Edition
from ..signature import Signature
from .typography import chinese_date, english_date, parse_iso_date

CJK_FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
# Noto Serif (Debian's fonts-noto-core, which the Makefile installs) is drawn to sit with Noto Serif CJK;
# DejaVu Serif (fonts-dejavu-core, always there with fontconfig) only if it is missing.
ENGLISH_FONTS = ("Noto Serif", "DejaVu Serif")

# What the edition is, by layout: (English, Chinese or None). The English-only edition says so.
EDITION_LABELS = {
    "side-by-side": ("Chinese\u2013English parallel edition", "中英对照版"),
    "interleaved": ("Chinese\u2013English interleaved edition", "中英对照版"),
    "english": ("English edition", None),
}

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
    """The edition named in messages: paper and date when known, else the source file's stem."""
    bits = [b for b in (edition.paper, edition.date) if b]
    return " ".join(bits) if bits else edition.stem


def bilingual_layout(layout: str) -> bool:
    """Whether the layout shows the Chinese (every layout but English only)."""
    return layout != "english"


def paper_names(edition: Edition, layout: str) -> tuple[str | None, str | None]:
    """(Chinese, English) names of the paper as the layout shows them; the Chinese is left out of the
    English-only edition when the English is known. Both None when the paper is unknown."""
    zh, en = edition.paper, edition.paper_en
    if not bilingual_layout(layout) and en:
        zh = None
    return zh, en


def masthead_dates(edition: Edition, layout: str, weekday: bool = True) -> tuple[str | None, str | None]:
    """(English, Chinese) dates: ("Saturday, 19 August 2023", "2023年8月19日 星期六"); the Chinese only in
    bilingual layouts; a date that is not ISO is shown as it is."""
    day = parse_iso_date(edition.date)
    if day is None:
        return edition.date, None
    return english_date(day, weekday), chinese_date(day, weekday) if bilingual_layout(layout) else None


def document_title(edition: Edition, layout: str) -> str:
    """The document's title (PDF and DOCX metadata, HTML title): "衡阳晚报 Hengyang Evening News, 19 August
    2023"; the source file's stem when neither paper nor date is known."""
    zh, en = paper_names(edition, layout)
    names = " ".join(n for n in (zh, en) if n)
    date_en, _ = masthead_dates(edition, layout, weekday=False)
    return ", ".join(b for b in (names, date_en) if b) or edition.stem


def running_head(edition: Edition, layout: str) -> str:
    """The running head's left side: the paper in the layout's languages and the date in both conventions
    ("衡阳晚报 · Hengyang Evening News · 19 August 2023 · 2023年8月19日")."""
    zh, en = paper_names(edition, layout)
    date_en, date_zh = masthead_dates(edition, layout, weekday=False)
    bits = [b for b in (zh, en, date_en, date_zh) if b]
    return " \u00b7 ".join(bits) or edition_label(layout)[0]  # a file name is no paper's name


def edition_label(layout: str) -> tuple[str, str | None]:
    """(English, Chinese) label of the edition for its layout."""
    return EDITION_LABELS[layout]


def check_options(options: WriteOptions) -> None:
    """UsageError for a layout, paper or font the writers do not know."""
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose from {', '.join(LAYOUTS)}")
    if options.paper not in PAPERS:
        raise UsageError(f"unknown paper size {options.paper!r}; choose from {', '.join(PAPERS)}")
    if options.cjk_font not in CJK_FONT_STYLES:
        raise UsageError(f"unknown Chinese font {options.cjk_font!r}; choose from {', '.join(CJK_FONT_STYLES)}")
