"""DOCX edition: Edition -> Word document through python-docx, in the three layouts.

Side by side: per article the head parts as Chinese/English paragraph pairs, then
a zh | en table, one row per sentence, whose header row repeats on every page and
whose rows never split across pages. Interleaved: each Chinese paragraph, then its
English. English only: the English paragraphs.

python-docx's ``font.name`` sets only the Latin font slots; Chinese would keep
Word's default East Asian font. So every Chinese run (and every style) gets
``w:rFonts w:eastAsia`` and ``w:lang w:eastAsia="zh-CN"`` explicitly.
"""

from __future__ import annotations

import io
from pathlib import Path

from .. import __version__
from ..config import WriteOptions
from ..files import atomic_path
from ..model import Article, Edition, Segment, xml_safe
from .common import CJK_FONTS, check_options, edition_title, engine_note, signature_line

ENGLISH_FONT = "DejaVu Serif"
# Page width and height in cm, by paper.
PAPER_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
MARGIN_CM = 2.0

# style name -> (language, size pt, bold, italic)
STYLES = {
    "Masthead": ("zh", 20, True, False),
    "Kicker ZH": ("zh", 9, False, False),
    "Kicker EN": ("en", 9, False, False),
    "Headline ZH": ("zh", 16, True, False),
    "Headline EN": ("en", 15, True, False),
    "Subtitle ZH": ("zh", 11, False, False),
    "Subtitle EN": ("en", 11, False, True),
    "Byline ZH": ("zh", 8.5, False, False),
    "Byline EN": ("en", 8.5, False, False),
    "Body ZH": ("zh", 10.5, False, False),
    "Body EN": ("en", 10, False, False),
    "Colophon": ("en", 8, False, False),
}
HEAD_STYLE = {"kicker": "Kicker", "headline": "Headline", "subtitle": "Subtitle", "byline": "Byline"}


def _set_run_fonts(rpr, cjk_font: str, lang: str) -> None:
    """Put rFonts (all four slots) and w:lang on a run or style rPr element."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    latin = cjk_font if lang == "zh" else ENGLISH_FONT
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), cjk_font)
    fonts.set(qn("w:cs"), latin)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    lang_el.set(qn("w:eastAsia"), "zh-CN")


class _DocxBuilder:
    def __init__(self, edition: Edition, options: WriteOptions):
        from docx import Document

        self.edition = edition
        self.options = options
        self.cjk_font = CJK_FONTS[options.cjk_font]
        self.doc = Document()
        self._define_styles()
        self.style_ids = {name: self.doc.styles[name].style_id for name in STYLES}
        self._set_page()

    # -- setup ---------------------------------------------------------------
    def _define_styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        styles = self.doc.styles
        _set_run_fonts(styles["Normal"].element.get_or_add_rPr(), self.cjk_font, "en")
        for name, (lang, size, bold, italic) in STYLES.items():
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.italic = italic
            _set_run_fonts(style.element.get_or_add_rPr(), self.cjk_font, lang)
            fmt = style.paragraph_format
            fmt.space_after = Pt(2 if lang == "zh" and name.startswith(("Headline", "Subtitle")) else 4)
            # Chinese is never justified: the slack would go into ASCII spaces.
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if name == "Masthead" else WD_ALIGN_PARAGRAPH.LEFT
            if name.startswith("Headline"):
                fmt.keep_with_next = True

    def _set_page(self) -> None:
        from docx.shared import Cm

        width, height = PAPER_SIZES_CM[self.options.paper]
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
        header = section.header.paragraphs[0]
        self._add_mixed_text(header, edition_title(self.edition))
        footer = section.footer.paragraphs[0]
        footer.add_run(engine_note(self.edition) + "    Page ")
        self._add_page_field(footer)

    @staticmethod
    def _add_page_field(paragraph) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._r.append(el)

    # -- paragraphs and runs ---------------------------------------------------
    def _style(self, paragraph, name: str):
        """Apply a paragraph style by its cached id: python-docx's lookup by name scans every
        latent style on each call, which dominated the build time of long editions."""
        paragraph._p.get_or_add_pPr().style = self.style_ids[name]
        return paragraph

    def _paragraph(self, name: str):
        return self._style(self.doc.add_paragraph(), name)


    def _add_run(self, paragraph, text: str, lang: str, seg: Segment | None = None):
        from docx.enum.text import WD_COLOR_INDEX

        run = paragraph.add_run(xml_safe(text))
        _set_run_fonts(run._r.get_or_add_rPr(), self.cjk_font, lang)
        if seg is not None and seg.flags and self.options.highlight_flags:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def _add_mixed_text(self, paragraph, text: str) -> None:
        # Header text mixes the Chinese paper name and a date: mark the run as Chinese so both slots are right.
        self._add_run(paragraph, text, "zh")

    def _add_en(self, paragraph, seg: Segment) -> None:
        if seg.en:
            self._add_run(paragraph, seg.en, "en", seg)
        else:
            self._add_run(paragraph, "[not translated]", "en", seg).italic = True

    # -- content -------------------------------------------------------------
    def build(self):
        doc = self.doc
        masthead = self._paragraph("Masthead")
        # Without a paper's name the masthead says what this is: a file name is no paper's name.
        self._add_run(masthead, self.edition.paper or "Bilingual edition", "zh")
        dateline = self._paragraph("Colophon")
        bits = [b for b in (self.edition.date, self.edition.place, "Bilingual edition" if self.edition.paper else "",
                            engine_note(self.edition)) if b]
        self._add_run(dateline, " \u00b7 ".join(bits), "en")
        for article in self.edition.articles:
            self._add_heads(article)
            if self.options.layout == "side-by-side":
                self._add_sentence_table(article)
            else:
                self._add_paragraphs(article)
        colophon = self._paragraph("Colophon")
        self._add_run(colophon, f"{engine_note(self.edition)}. {signature_line(self.edition)}. "
                                f"Source: {self.edition.stem}.", "en")
        self._fill_core_properties()
        return doc

    def _add_heads(self, article: Article) -> None:
        for part, seg in article.heads():
            base = HEAD_STYLE[part]
            if self.options.layout != "english":
                self._add_run(self._paragraph(f"{base} ZH"), seg.zh, "zh", seg)
            self._add_en(self._paragraph(f"{base} EN"), seg)

    def _add_sentence_table(self, article: Article) -> None:
        from docx.oxml import OxmlElement
        from docx.shared import Cm
        from docx.table import _Cell

        segments = list(article.body_segments())
        if not segments:
            return
        table = self.doc.add_table(rows=1, cols=2)
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        width = (PAPER_SIZES_CM[self.options.paper][0] - 2 * MARGIN_CM) / 2
        first_ids = {p.segments[0].id for p in article.paragraphs if p.segments}
        header = table.rows[0]
        # The header row repeats at the top of every page the table spans.
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, (label, lang) in zip(header.cells, (("中文", "zh"), ("English", "en"))):
            paragraph = cell.paragraphs[0]
            self._style(paragraph, f"Body {lang.upper()}")
            self._add_run(paragraph, label, lang).bold = True
        for seg in segments:
            row = table.add_row()
            # A sentence pair is never split across pages.
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            # python-docx's row.cells walks the whole table each time (quadratic on long articles).
            zh_cell, en_cell = (_Cell(tc, table) for tc in row._tr.tc_lst)
            zh_cell.width = en_cell.width = Cm(width)
            zh_par, en_par = zh_cell.paragraphs[0], en_cell.paragraphs[0]
            self._style(zh_par, "Body ZH")
            self._style(en_par, "Body EN")
            if seg.id in first_ids:  # a new paragraph of the article starts here
                zh_par.paragraph_format.first_line_indent = Cm(0.75)
            self._add_run(zh_par, seg.zh, "zh", seg)
            self._add_en(en_par, seg)
        for cell in header.cells:
            cell.width = Cm(width)
        # A little air after the table before the next article's headline.
        self._paragraph("Body EN")

    def _add_paragraphs(self, article: Article) -> None:
        from docx.shared import Cm

        for para in article.paragraphs:
            if self.options.layout == "interleaved":
                zh_par = self._paragraph("Body ZH")
                zh_par.paragraph_format.first_line_indent = Cm(0.75)
                zh_par.paragraph_format.keep_with_next = True
                for seg in para.segments:
                    self._add_run(zh_par, seg.zh, "zh", seg)
            en_par = self._paragraph("Body EN")
            for i, seg in enumerate(para.segments):
                if i:
                    self._add_run(en_par, " ", "en")
                self._add_en(en_par, seg)

    def _fill_core_properties(self) -> None:
        props = self.doc.core_properties
        props.title = xml_safe(edition_title(self.edition))
        props.author = "bilingual"
        props.last_modified_by = "bilingual"
        props.language = "zh-CN" if self.options.layout != "english" else "en"
        props.subject = engine_note(self.edition)
        props.comments = f"{signature_line(self.edition)}; layout {self.options.layout}"
        props.keywords = "bilingual; zh-CN; en"
        props.category = f"bilingual {__version__}"


def build_docx(edition: Edition, options: WriteOptions | None = None):
    """The edition as an in-memory ``docx.Document`` (what ``write_docx`` saves)."""
    options = options or WriteOptions()
    check_options(options)
    return _DocxBuilder(edition, options).build()


def write_docx(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the edition as a Word document in ``options.layout`` to ``path``; returns ``path``."""
    buffer = io.BytesIO()
    build_docx(edition, options).save(buffer)  # in memory first: a full disk fails one plain write, never a zip
    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return Path(path)
