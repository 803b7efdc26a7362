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
from .common import CJK_FONTS, ENGLISH_FONTS, check_options, edition_title, engine_note, signature_line
from .report import build_report

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


RUNNING_TITLE_CHARS = 60  # one line of 8pt italic beside the paper and date


def running_title(text: str | None) -> str:
    """A headline short enough for the running header, cut at a word boundary with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= RUNNING_TITLE_CHARS:
        return text
    cut = text[:RUNNING_TITLE_CHARS]
    if " " in cut:  # English: end on a whole word; Chinese has no spaces and is cut anywhere
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "\u2026"


def _segment_view(seg: Segment | None, options: WriteOptions) -> dict | None:
    if seg is None:
        return None
    flags = list(seg.flags)
    return {
        "id": seg.id,
        "zh": seg.zh,
        "en": seg.en,
        "flags": flags,
        "flagged": bool(flags) and options.highlight_flags,
    }


def edition_view(edition: Edition, options: WriteOptions, articles: range | None = None) -> dict:
    """The plain data the templates need, so templates hold layout only.

    ``articles`` picks the articles laid out (a part of a long PDF edition); everything said of
    the edition as a whole (title, engine note, signature) still comes from all of it.
    """
    chosen = edition.articles if articles is None else [edition.articles[i] for i in articles]
    title = edition_title(edition)
    articles_view = []
    for article in chosen:
        heads = {part: _segment_view(seg, options) for part, seg in article.heads()}
        articles_view.append({
            "id": article.id,
            "running": running_title(article.headline.en or article.headline.zh),
            "heads": heads,
            "headline": _segment_view(article.headline, options),
            "paragraphs": [
                {"id": p.id, "segments": [_segment_view(s, options) for s in p.segments]}
                for p in article.paragraphs
            ],
        })
    return {
        "title": title,
        # The running header's left side: the masthead's paper (or title) and date.
        "title_line": "  ".join(b for b in (edition.paper or title, edition.date) if b),
        "paper": edition.paper,
        "date": edition.date,
        "place": edition.place,
        "source": edition.stem,
        "articles": articles_view,
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


# Page margins of the PDF (top right bottom left). bilingual.write.pdf_parts stamps the page numbers
# in the bottom margin, right-aligned on the text block, so it reads them from here.
PAGE_MARGINS_MM = (20, 16, 20, 16)


def render_html(edition: Edition, options: WriteOptions | None = None, for_print: bool = False,
                articles: range | None = None, first: bool = True, last: bool = True) -> str:
    """The edition as an HTML string in ``options.layout``.

    ``for_print`` adds the paged-media rules used by the PDF writer (paper size,
    running header, engine footer) and leaves out screen-only CSS. ``articles``,
    ``first`` and ``last`` make one part of a long PDF: only the first part has
    the masthead and an unheaded first page, only the last the colophon.
    """
    options = options or WriteOptions()
    check_options(options)
    template = _environment().get_template("edition.html.j2")
    return template.render(
        edition=edition_view(edition, options, articles),
        part={"first": first, "last": last},
        page_margins=" ".join(f"{m}mm" for m in PAGE_MARGINS_MM),
        layout=options.layout,
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
