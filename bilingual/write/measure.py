"""The print measures of an edition: type sizes, line heights and column widths, in points.

One place for the numbers the PDF's CSS (``bilingual.write.html``), the part plan of long editions
(``bilingual.write.pdf_parts``) and the Word edition use, so they agree.

* English is set in Noto Serif at 9.5 pt: its large x-height matches Noto Serif CJK SC at 10.5 pt
  (五号, the Chinese body size) better than an equal size would.
* Chinese is set on a grid, as Chinese papers are: its column is a whole number of characters wide,
  so every full line of Chinese fills the column exactly on both sides. (WeasyPrint justifies only at
  spaces, and Chinese has none: ``text-align: justify`` would pour the slack into the odd ASCII space.)
* Interleaved and English only, the text runs in two columns, as in a paper, rather than in lines of
  a hundred English characters; the Chinese fills each column's grid.
* Side by side, the columns share the width in proportion to what they hold: an English sentence runs
  three to four times as many characters as its Chinese, so equal columns leave the Chinese half empty.
  The split is chosen from the edition's own text, between ``MIN_ZH_SHARE`` and ``MAX_ZH_SHARE``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Article, Edition
from ..zh.decks import split_decks, split_english_decks

PAPER_SIZES_PT = {"A4": (595.276, 841.89), "Letter": (612.0, 792.0)}
MM = 72 / 25.4
# Page margins of the PDF (top right bottom left), in mm. bilingual.write.pdf_parts stamps the page numbers
# in the bottom margin, right-aligned on the text block, so it reads them from here.
PAGE_MARGINS_MM = (20, 16, 20, 16)

ZH_SIZE = 10.5  # pt
ZH_LEADING = 1.6  # line height / size
EN_SIZE = 9.5
EN_LEADING = 1.45
EN_CHAR_EM = 0.47  # mean advance of a character of English running text in Noto Serif, in em
GUTTER = 14.0  # pt between the columns
# The heads, a deck hierarchy: part -> (Chinese size, line height, English size, line height, English em per
# character). Set across the full measure, the Chinese decks first; the PDF's CSS, the DOCX and the page
# estimate of long editions read them from here.
HEAD_TYPE = {
    "kicker": (11.0, 1.35, 10.0, 1.35, 0.47),
    "headline": (20.0, 1.3, 16.5, 1.22, 0.55),
    "subtitle": (12.0, 1.35, 11.0, 1.35, 0.47),
    "byline": (9.0, 1.4, 8.5, 1.4, 0.47),
}
HEAD_SPACE = 55.0  # pt of margins and rules around an article's heads
MIN_ZH_SHARE, MAX_ZH_SHARE = 0.34, 0.5


@dataclass(frozen=True)
class Measures:
    """Sizes in points for one edition in one layout on one paper."""

    text_width: float
    text_height: float
    zh_size: float  # Chinese body size: the grid's unit
    zh_chars: int  # characters in a full line of the Chinese column (or of the full measure)
    zh_width: float  # the Chinese column (side by side) or a text column: zh_chars * zh_size
    en_width: float  # the English column (side by side) or a text column
    gutter: float
    columns: int = 1  # columns of text on the page (side by side: one row of two languages)

    @property
    def zh_line(self) -> float:
        return self.zh_size * ZH_LEADING

    @property
    def en_line(self) -> float:
        return EN_SIZE * EN_LEADING

    @property
    def en_chars(self) -> float:
        """Characters of English running text in a full line of its column (an estimate)."""
        return self.en_width / (EN_CHAR_EM * EN_SIZE)


def head_height(article: Article, measure: Measures, bilingual: bool = True) -> float:
    """An estimate of the height of an article's heads, in points (each deck wraps on its own)."""
    height = HEAD_SPACE
    width = measure.text_width
    for part, seg in article.heads():
        zh_size, zh_leading, en_size, en_leading, em = HEAD_TYPE[part]
        if bilingual:
            decks = split_decks(seg.zh) if part != "byline" else [seg.zh]
            height += sum(math.ceil(len(d) * zh_size / width) for d in decks) * zh_size * zh_leading
        decks = split_english_decks(seg.en) if part != "byline" else [seg.en or ""]
        height += sum(max(1, math.ceil(len(d) * em * en_size / width)) for d in decks) * en_size * en_leading
    return height


def text_block(paper: str) -> tuple[float, float]:
    """Width and height of the text block on ``paper``, in points."""
    width, height = PAPER_SIZES_PT[paper]
    top, right, bottom, left = PAGE_MARGINS_MM
    return width - (left + right) * MM, height - (top + bottom) * MM


def english_ratio(edition: Edition) -> float:
    """Characters of English per character of Chinese in the edition's body (3.0 when there is none)."""
    zh = en = 0
    for article in edition.articles:
        for seg in article.body_segments():
            zh += len(seg.zh)
            en += len(seg.en or "")
    return en / zh if zh and en else 3.0


def measures(edition: Edition, layout: str, paper: str) -> Measures:
    """The measures of ``edition`` in ``layout`` on ``paper`` (see the module docstring)."""
    width, height = text_block(paper)
    if layout != "side-by-side":  # two columns, like a paper's; the gutter takes what the grid leaves over
        chars = int((width - GUTTER) / 2 / ZH_SIZE)
        column = chars * ZH_SIZE
        return Measures(width, height, ZH_SIZE, chars, column, column, width - 2 * column, columns=2)
    # Equal heights: zh_chars * zh_size * zh_line / zh_width = en_chars * em * en_size * en_line / en_width.
    weight = (ZH_SIZE * ZH_SIZE * ZH_LEADING) / (EN_CHAR_EM * EN_SIZE * EN_SIZE * EN_LEADING * english_ratio(edition))
    share = min(MAX_ZH_SHARE, max(MIN_ZH_SHARE, weight / (1 + weight)))
    chars = max(8, round(share * (width - GUTTER) / ZH_SIZE))
    zh_width = chars * ZH_SIZE
    return Measures(width, height, ZH_SIZE, chars, zh_width, width - GUTTER - zh_width, GUTTER)
