"""PDF edition: Edition -> PDF through WeasyPrint, from the HTML templates (``render_html(for_print=True)``).

Fonts are named explicitly ("Noto Serif CJK SC" / "Noto Sans CJK SC" for Chinese,
a serif for English) and embedded as subsets, so a page of Chinese is a few tens
of kilobytes, not 13 MB. Rendering never touches the network: the URL fetcher
only serves data: URLs and files inside the package's templates folder.

A long edition is laid out in parts on several processes and joined, and every
edition's "Page N of M" is stamped after the join (``pdf_parts``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import WriteOptions
from ..errors import OutputError
from ..files import atomic_path
from ..model import Edition
from . import pdf_finish, pdf_parts, weasy
from .common import ENGLISH_FONTS, edition_title
from .html import TEMPLATES_DIR, render_html
from .measure import PAGE_MARGINS_MM


def _local_fetcher():
    weasy.load()
    from weasyprint.urls import URLFetcher

    class TemplatesOnlyFetcher(URLFetcher):
        """Serve data: URLs and files under the templates folder; refuse everything else."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                target = Path(unquote(urlparse(url).path)).resolve()
                if target.is_relative_to(TEMPLATES_DIR):
                    return super().fetch(url, headers)
            # WeasyPrint catches this, logs it and renders without the resource.
            raise ValueError(f"bilingual refuses to fetch {url!r}: only data: and packaged template files")

    return TemplatesOnlyFetcher()


def render_pdf_bytes(edition: Edition, options: WriteOptions | None = None) -> bytes:
    """The edition laid out as PDF bytes (what ``write_pdf`` writes).

    A long edition is rendered in parts on several processes and joined (``pdf_parts``); every
    edition gets its "Page N of M" stamped after the join, so one path serves short and long ones.
    """

    options = options or WriteOptions()
    parts = pdf_parts.plan_parts(edition, options.layout, options.paper)
    if len(parts) > 1:
        weasy.load()  # imported before the workers fork, so they start warm
    htmls = [render_html(edition, options, for_print=True, articles=articles, first=i == 0,
                         last=i == len(parts) - 1) for i, articles in enumerate(parts)]
    try:
        bodies = pdf_parts.render_all(htmls, render_part, options.pdf_jobs)
        joined = pdf_parts.join_parts(bodies)
        pdf_finish.finish_tags(joined)
        pdf_finish.retag_font_subsets(joined)
        pdf_parts.stamp_page_numbers(joined, ENGLISH_FONTS, PAGE_MARGINS_MM)
        return pdf_parts.save(joined)
    except OutputError:
        raise
    except Exception as e:  # WeasyPrint and pikepdf raise plain exceptions; give the user one line
        raise OutputError(f"PDF rendering failed for {edition_title(edition)}: {e}") from e


def render_part(html: str) -> bytes:
    """One part's HTML (``render_html(for_print=True)``) laid out by WeasyPrint; runs in a worker process."""
    # WeasyPrint logs every missing glyph and refused URL at WARNING; keep its chatter out of the CLI.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = _parsed_html(html, TEMPLATES_DIR.as_uri() + "/", _local_fetcher())
    # full_fonts=False: subset every font (harfbuzz-subset when the library is present).
    # pdf_tags: a structure tree, so assistive tools read each Chinese sentence, then its English.
    return document.write_pdf(full_fonts=False, uncompressed_pdf=False, custom_metadata=True, pdf_tags=True)


def _parsed_html(html: str, base_url: str, url_fetcher):
    """A WeasyPrint HTML document of our own template's output, parsed by lxml (C) instead of WeasyPrint's
    pure-Python HTML5 parser: 0.3 s less per 50 pages, the same boxes. Only for markup we generate
    (no comments, no processing instructions); tests check it renders exactly as ``HTML(string=...)``."""
    import cssselect2
    import lxml.html

    HTML = weasy.load().HTML

    class ParsedHTML(HTML):
        def __init__(self, root):  # what HTML.__init__ sets after its parse
            self.base_url = base_url
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

    try:
        return ParsedHTML(_etree(lxml.html.document_fromstring(html)))
    except (AttributeError, TypeError, ValueError):  # a WeasyPrint whose HTML needs more: parse as it does
        return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)


def _etree(node):
    """An lxml element as a standard-library ElementTree element (what WeasyPrint's parser yields)."""
    from xml.etree import ElementTree

    out = ElementTree.Element(node.tag, dict(node.attrib))
    out.text = node.text
    for child in node:
        if isinstance(child.tag, str):  # comments and processing instructions are not rendered
            copy = _etree(child)
            copy.tail = child.tail
            out.append(copy)
        elif child.tail:  # keep the text after a skipped comment
            if len(out):
                out[-1].tail = (out[-1].tail or "") + child.tail
            else:
                out.text = (out.text or "") + child.tail
    return out


def write_pdf(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the edition as PDF (layout, paper, Chinese font from ``options``) to ``path``; returns ``path``."""
    data = render_pdf_bytes(edition, options)
    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(data)
    return Path(path)
