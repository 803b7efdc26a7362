"""HTML edition: Edition -> one self-contained HTML file, from the same templates as the PDF.

``render_html`` is shared with ``bilingual.write.pdf``: the PDF is the HTML
rendered with ``for_print=True`` (paged-media CSS: @page, running header, page
numbers). All text is escaped by Jinja2's autoescape, so a segment holding
``<script>`` shows as text and never runs.
"""

from __future__ import annotations

from datetime import date as _date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..config import WriteOptions
from ..files import write_text_atomic
from ..model import Edition, Segment
from ..zh.decks import split_decks, split_english_decks
from .common import (
    CJK_FONTS,
    ENGLISH_FONTS,
    bilingual_layout,
    check_options,
    document_title,
    edition_label,
    engine_note,
    masthead_dates,
    paper_names,
    running_head,
    signature_line,
)
from .measure import HEAD_TYPE, PAGE_MARGINS_MM, measures
from .report import build_report
from .typography import english_typography, keep_last_characters, keep_last_words

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

@lru_cache(maxsize=1)
def _environment():
    # autoescape for every template: the page text is never trusted markup.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    return env


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside <style>: quotes, backslashes, newlines and ``<``
    are escaped as CSS hex escapes, so page text can neither end the string nor the style element."""
    out = []
    for ch in str(text):
        if ch in '"\\<>&' or ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


RUNNING_TITLE_CHARS = 48  # one line of 8pt italic beside the paper's names and the date


def running_title(text: str | None) -> str:
    """A headline short enough for the running header, cut at a word boundary with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= RUNNING_TITLE_CHARS:
        return text
    cut = text[:RUNNING_TITLE_CHARS]
    if " " in cut:  # English: end on a whole word; Chinese has no spaces and is cut anywhere
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "\u2026"


def _segment_view(seg: Segment, options: WriteOptions, for_print: bool) -> dict:
    """A body sentence as the templates show it: Chinese (kept from ending on one character in print) and
    English in print typography (None when untranslated)."""
    flags = list(seg.flags)
    return {
        "id": seg.id,
        "zh": keep_last_characters(seg.zh) if for_print else seg.zh,
        "en": english_typography(seg.en) or None,
        "flags": flags,
        "flagged": bool(flags) and options.highlight_flags,
    }


def _head_view(part: str, seg: Segment, options: WriteOptions, for_print: bool) -> dict:
    """A head part (kicker, headline, subtitle, byline) with its decks, one line each, in both languages."""
    view = _segment_view(seg, options, for_print)
    zh_decks = split_decks(seg.zh) if part != "byline" else [seg.zh]
    en_decks = [english_typography(d) for d in split_english_decks(seg.en)] if part != "byline" \
        else [english_typography(seg.en)] if seg.en else []
    if for_print:
        zh_decks = [keep_last_characters(d) for d in zh_decks]
        en_decks = [keep_last_words(d) for d in en_decks]
    view.update(part=part, zh_decks=zh_decks, en_decks=en_decks)
    return view


def edition_view(edition: Edition, options: WriteOptions, articles: range | None = None,
                 for_print: bool = False) -> dict:
    """The plain data the templates need, so templates hold layout only.

    ``articles`` picks the articles laid out (a part of a long PDF edition); everything said of
    the edition as a whole (title, engine note, signature, column widths) still comes from all of it.
    """
    chosen = edition.articles if articles is None else [edition.articles[i] for i in articles]
    layout = options.layout
    articles_view = []
    for article in chosen:
        zh_title = " ".join(split_decks(article.headline.zh))
        en_title = " \u2014 ".join(english_typography(d) for d in split_english_decks(article.headline.en))
        articles_view.append({
            "id": article.id,
            "running": running_title(en_title or zh_title),
            # The bookmark and the contents list name an article in the layout's languages.
            "title_zh": zh_title if bilingual_layout(layout) else "",
            "title_en": en_title,
            "heads": [_head_view(part, seg, options, for_print) for part, seg in article.heads()
                      if seg.zh.strip() or (seg.en or "").strip()],  # an untitled article has no empty h1
            "paragraphs": [
                {"id": p.id, "segments": [_segment_view(s, options, for_print) for s in p.segments]}
                for p in article.paragraphs
            ],
        })
    paper_zh, paper_en = paper_names(edition, layout)
    date_en, date_zh = masthead_dates(edition, layout)
    label_en, label_zh = edition_label(layout)
    return {
        "title": document_title(edition, layout),
        "running_head": running_head(edition, layout),
        "paper_zh": paper_zh,
        "paper_en": paper_en,
        "date_en": date_en,
        "date_zh": date_zh,
        "label_en": label_en,
        "label_zh": label_zh,
        "paper": edition.paper,
        "date": edition.date,
        "source": edition.stem,
        "articles": articles_view,
        "contents": len(edition.articles) > 1,
        "engine_note": engine_note(edition),
        "signature": signature_line(edition),
        "generated": _date.today().isoformat(),
        "proof": proof_view(edition) if options.highlight_flags else None,
    }


# What each quality flag means, for a proof's legend.
FLAG_MEANINGS = {
    "missed-term": "a glossary term or name is not rendered",
    "number-mismatch": "numbers differ",
    "untranslated": "Chinese left or no English",
    "repetition": "the English loops",
    "length-ratio": "far too short or long",
    "low-score": "the engine was unsure",
    "review-vs-glossary": "a person's English disagrees with the current glossary",
}


def proof_view(edition: Edition) -> dict:
    """What a proof lists after the text: flagged sentences, missed terms, names to confirm."""
    report = build_report(edition)
    return {
        "legend": "; ".join(f"{flag}: {meaning}" for flag, meaning in FLAG_MEANINGS.items()),
        "flagged": [{"zh": f["zh"], "flags": ", ".join(f["flags"])} for f in report["flagged"]],
        "missed": [{"zh": m["zh"], "en": m["en"], "count": len(m["segments"])} for m in report["terms_missed"]],
        "names": [{"zh": n.get("zh", ""), "en": n.get("en", "")} for n in report["names"]],
    }


def render_html(edition: Edition, options: WriteOptions | None = None, for_print: bool = False,
                articles: range | None = None, first: bool = True, last: bool = True) -> str:
    """The edition as an HTML string in ``options.layout``.

    ``for_print`` adds the paged-media rules used by the PDF writer (paper size, the Chinese grid,
    running header, engine footer), keeps Chinese and headline decks from ending on a lone character,
    and leaves out screen-only CSS and the contents list. ``articles``, ``first`` and ``last`` make
    one part of a long PDF: only the first part has the masthead and an unheaded first page, only the
    last the colophon.
    """
    options = options or WriteOptions()
    check_options(options)
    template = _environment().get_template("edition.html.j2")
    return template.render(
        edition=edition_view(edition, options, articles, for_print),
        part={"first": first, "last": last},
        page_margins=" ".join(f"{m}mm" for m in PAGE_MARGINS_MM),
        measure=measures(edition, options.layout, options.paper),
        head_type=HEAD_TYPE,
        layout=options.layout,
        bilingual=bilingual_layout(options.layout),
        paper=options.paper,
        cjk_font=CJK_FONTS[options.cjk_font],
        english_fonts=ENGLISH_FONTS,
        for_print=for_print,
        highlight_flags=options.highlight_flags,
        tool_version=__version__,
    )


def write_html(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the HTML edition (one self-contained file) to ``path``; returns ``path``."""
    return write_text_atomic(path, render_html(edition, options, for_print=False))
