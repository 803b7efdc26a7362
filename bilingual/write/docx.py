"""DOCX edition: Edition -> Word document through python-docx, in the three layouts, as Word users expect.

* The masthead names the paper in both languages over a ruled dateline (both date conventions, the
  edition's label); each article's headline is a Heading 1 and its subtitle a Heading 2 (outline levels
  0 and 1, so Word's navigation pane and a table of contents list the articles), each holding the
  Chinese decks then the English ones, a line each; kicker and byline have styles of their own.
* Side by side, the sentences sit in a borderless two-column table, one row per sentence, with cell
  padding, no header row, rows never split across pages (but the first, which the heads keep with),
  the columns shared as in the PDF
  (``bilingual.write.measure``). Interleaved: each Chinese paragraph, then its English. English only:
  the English paragraphs. Chinese is justified (Word spreads CJK lines between the characters).
* A different first page (no running head over the masthead); the running head names the paper and
  the date in both languages; the footer says where the English came from and "Page X of Y" in
  fields, smaller than the body.
* ``compatibilityMode`` 15 (Word 2013 and later), the theme's East Asian language zh-CN, the
  document's title, author (the paper), dates and language in ``core.xml``.
* Fonts: python-docx's ``font.name`` sets only the Latin slots, so every style and run names all four
  (``w:ascii``, ``w:hAnsi``, ``w:eastAsia``, ``w:cs``) and ``w:lang``. The fonts named are the ones the
  PDF embeds (Noto Serif, Noto Serif CJK SC); the font table tells Word what each is like (family,
  panose, character set) and an alternative a Windows or Mac machine has (Cambria, SimSun or
  Microsoft YaHei), so Word substitutes sensibly where Noto is not installed.

English is set in print typography (``bilingual.write.typography``) on the way out; the model's English
is not changed.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..config import WriteOptions
from ..files import atomic_path
from ..model import Article, Edition, Segment, xml_safe
from ..zh.decks import split_decks, split_english_decks
from ..zh.script import CJK_RANGES
from .common import (
    CJK_FONTS,
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
from .measure import HEAD_TYPE, measures
from .typography import english_typography

ENGLISH_FONT = "Noto Serif"
# What Word needs to substitute a font it does not have: (alternative it has, panose, charset, family).
FONT_TABLE = {
    "Noto Serif": ("Cambria", "02020502060505020204", "00", "roman"),
    "Noto Serif CJK SC": ("SimSun", "02020400000000000000", "86", "roman"),
    "Noto Sans CJK SC": ("Microsoft YaHei", "020B0500000000000000", "86", "swiss"),
}
# Page width and height in cm, by paper.
PAPER_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
MARGIN_CM = 2.0
GUTTER_TWIPS = 284  # 5 mm between the Chinese and the English column
ROW_GAP_TWIPS = 80  # 4 pt under each sentence row

# Sizes (pt) of each head's Chinese and English, as in the PDF (bilingual.write.measure).
SIZES = {part: (zh, en) for part, (zh, _, en, _, _) in HEAD_TYPE.items()}
# paragraph style -> (language of its text, size pt, bold, italic, centred)
STYLES = {
    "Nameplate": ("zh", 30, True, False, True),
    "Nameplate EN": ("en", 11.5, False, False, True),
    "Dateline": ("en", 8.5, False, False, False),
    "Engine Note": ("en", 8, False, True, True),
    "Kicker": ("en", 10, False, False, False),
    "Byline": ("en", 8.5, False, False, False),
    "Body ZH": ("zh", 10.5, False, False, False),
    "Body EN": ("en", 9.5, False, False, False),
    "Colophon": ("en", 8, False, False, False),
    "Running Head": ("en", 8, False, False, False),
    "Page Footer": ("en", 7.5, False, False, False),
}
HEADINGS = {"headline": ("Heading 1", 0), "subtitle": ("Heading 2", 1)}  # style, outline level
HEAD_STYLE = {"kicker": "Kicker", "headline": "Heading 1", "subtitle": "Heading 2", "byline": "Byline"}
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+(?:[ ·]*[{CJK_RANGES}]+)*")


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _set_run_fonts(rpr, cjk_font: str, lang: str) -> None:
    """Put rFonts (all four slots, no theme fonts) and w:lang on a run or style rPr element."""
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(_qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(theme), None)  # a theme font would win over the named one
    latin = cjk_font if lang == "zh" else ENGLISH_FONT
    fonts.set(_qn("w:ascii"), latin)
    fonts.set(_qn("w:hAnsi"), latin)
    fonts.set(_qn("w:eastAsia"), cjk_font)
    fonts.set(_qn("w:cs"), latin)
    if lang == "zh":  # quotes and dashes, shared by both scripts, take the Chinese font in Chinese text
        fonts.set(_qn("w:hint"), "eastAsia")
    lang_el = rpr.find(_qn("w:lang"))
    if lang_el is None:
        lang_el = rpr.makeelement(_qn("w:lang"), {})
        rpr.append(lang_el)
    lang_el.set(_qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    lang_el.set(_qn("w:eastAsia"), "zh-CN")


def _element(tag: str, **attrs):
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_qn(f"w:{key}"), str(value))
    return el


def _replace(parent, tag: str, new) -> None:
    """Put ``new`` in ``parent`` in place of any ``tag`` child (appended when there was none)."""
    old = parent.find(_qn(tag))
    if old is not None:
        parent.replace(old, new)
    else:
        parent.append(new)


class _DocxBuilder:
    def __init__(self, edition: Edition, options: WriteOptions):
        from docx import Document

        self.edition = edition
        self.options = options
        self.layout = options.layout
        self.bilingual = bilingual_layout(options.layout)
        self.cjk_font = CJK_FONTS[options.cjk_font]
        self.doc = Document()
        self._define_styles()
        self.style_ids = {name: self.doc.styles[name].style_id for name in (*STYLES, *HEAD_STYLE.values())}
        self._set_page()

    # -- setup ---------------------------------------------------------------
    def _define_styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        styles = self.doc.styles
        defaults = styles.element.find(_qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
            if rpr is not None:
                _set_run_fonts(rpr, self.cjk_font, "en")
        normal = styles["Normal"]
        _set_run_fonts(normal.element.get_or_add_rPr(), self.cjk_font, "en")
        normal.font.size = Pt(9.5)
        normal.paragraph_format.space_after = Pt(0)
        for name, (lang, size, bold, italic, centred) in STYLES.items():
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.italic = italic
            _set_run_fonts(style.element.get_or_add_rPr(), self.cjk_font, lang)
            fmt = style.paragraph_format
            fmt.space_after = Pt(0)
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
        styles["Body ZH"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        styles["Body ZH"].paragraph_format.line_spacing = 1.15
        for name in ("Body ZH", "Body EN"):
            styles[name].paragraph_format.space_after = Pt(3 if self.layout != "side-by-side" else 0)
        styles["Nameplate"].element.get_or_add_rPr().append(_element("w:spacing", val=90))  # letter-spaced
        styles["Nameplate EN"].font.all_caps = True
        styles["Nameplate EN"].element.get_or_add_rPr().append(_element("w:spacing", val=40))
        styles["Kicker"].paragraph_format.space_after = Pt(3)
        styles["Byline"].paragraph_format.space_after = Pt(6)
        for name in ("Nameplate", "Nameplate EN", "Dateline", "Engine Note", "Kicker", "Byline"):
            styles[name].paragraph_format.keep_with_next = True  # never alone at the foot of a page
        styles["Byline"].font.color.rgb = RGBColor(0x33, 0x33, 0x33)
        styles["Engine Note"].paragraph_format.space_after = Pt(10)
        styles["Engine Note"].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        styles["Dateline"].paragraph_format.space_before = Pt(6)
        styles["Dateline"].paragraph_format.space_after = Pt(3)
        self._borders(styles["Dateline"].element.get_or_add_pPr(), top=16, bottom=4)
        self._right_tab(styles["Dateline"].element.get_or_add_pPr())
        self._borders(styles["Colophon"].element.get_or_add_pPr(), top=6)
        styles["Colophon"].paragraph_format.space_before = Pt(14)
        self._borders(styles["Running Head"].element.get_or_add_pPr(), bottom=4)
        self._right_tab(styles["Page Footer"].element.get_or_add_pPr())
        for part, (name, level) in HEADINGS.items():
            style = styles[name]
            rpr = style.element.get_or_add_rPr()
            _set_run_fonts(rpr, self.cjk_font, "en")
            color = rpr.find(_qn("w:color"))
            if color is not None:
                rpr.remove(color)
            style.font.size = Pt(SIZES[part][1])
            style.font.bold = part == "headline"
            style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
            fmt = style.paragraph_format
            fmt.space_before = Pt(10 if part == "headline" else 2)
            fmt.space_after = Pt(4)
            fmt.keep_with_next = True
            fmt.line_spacing = 1.0
            _replace(style.element.get_or_add_pPr(), "w:outlineLvl", _element("w:outlineLvl", val=level))

    def _borders(self, ppr, top: int | None = None, bottom: int | None = None) -> None:
        """Paragraph rules, in eighths of a point."""
        borders = _element("w:pBdr")
        for side, size in (("top", top), ("bottom", bottom)):
            if size:
                borders.append(_element(f"w:{side}", val="single", sz=size, space=2, color="111111"))
        _replace(ppr, "w:pBdr", borders)

    def _right_tab(self, ppr) -> None:
        """A right tab at the right margin."""
        width = round((PAPER_SIZES_CM[self.options.paper][0] - 2 * MARGIN_CM) / 2.54 * 1440)
        tabs = _element("w:tabs")
        tabs.append(_element("w:tab", val="right", pos=width))
        _replace(ppr, "w:tabs", tabs)

    def _set_page(self) -> None:
        from docx.shared import Cm

        width, height = PAPER_SIZES_CM[self.options.paper]
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
        section.header_distance = section.footer_distance = Cm(1.0)
        # A different first page: the masthead has no running head over it.
        section.different_first_page_header_footer = True
        header = self._style(section.header.paragraphs[0], "Running Head")
        self._add_mixed(header, running_head(self.edition, self.layout))
        for footer in (section.footer, section.first_page_footer):
            paragraph = self._style(footer.paragraphs[0], "Page Footer")
            self._add_run(paragraph, engine_note(self.edition) + "\tPage ", "en")
            self._add_field(paragraph, "PAGE", "1")
            self._add_run(paragraph, " of ", "en")
            self._add_field(paragraph, "NUMPAGES", "1")

    def _add_field(self, paragraph, instruction: str, shown: str) -> None:
        """A Word field (PAGE, NUMPAGES) with a shown value until Word or LibreOffice updates it."""
        parts = [_element("w:fldChar", fldCharType="begin"), None, _element("w:fldChar", fldCharType="separate"),
                 shown, _element("w:fldChar", fldCharType="end")]
        for part in parts:
            run = self._add_run(paragraph, "", "en")
            if part is None:
                instr = _element("w:instrText")
                instr.set(_qn("xml:space"), "preserve")
                instr.text = f" {instruction} "
                run._r.append(instr)
            elif isinstance(part, str):
                run.text = part
            else:
                run._r.append(part)

    # -- paragraphs and runs ---------------------------------------------------
    def _style(self, paragraph, name: str):
        """Apply a paragraph style by its cached id: python-docx's lookup by name scans every
        latent style on each call, which dominated the build time of long editions."""
        paragraph._p.get_or_add_pPr().style = self.style_ids[name]
        return paragraph

    def _paragraph(self, name: str):
        return self._style(self.doc.add_paragraph(), name)

    def _add_run(self, paragraph, text: str, lang: str, seg: Segment | None = None, size: float | None = None):
        from docx.enum.text import WD_COLOR_INDEX
        from docx.shared import Pt

        run = paragraph.add_run(xml_safe(text))
        _set_run_fonts(run._r.get_or_add_rPr(), self.cjk_font, lang)
        if size is not None:
            run.font.size = Pt(size)
        if seg is not None and seg.flags and self.options.highlight_flags:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def _add_mixed(self, paragraph, text: str, size: float | None = None) -> None:
        """Text mixing Chinese and English (a running head): each script in a run of its own."""
        pos = 0
        for m in _CJK_RUN.finditer(text):
            if m.start() > pos:
                self._add_run(paragraph, text[pos:m.start()], "en", size=size)
            self._add_run(paragraph, m.group(), "zh", size=size)
            pos = m.end()
        if pos < len(text):
            self._add_run(paragraph, text[pos:], "en", size=size)

    def _add_lines(self, paragraph, lines: list[str], lang: str, seg: Segment | None, size: float | None = None,
                   italic: bool = False, first: bool = True) -> None:
        """Lines (a head's decks) in one paragraph, separated by line breaks."""
        for i, line in enumerate(lines):
            if i or not first:
                paragraph.add_run().add_break()
            run = self._add_run(paragraph, line, lang, seg, size)
            if italic:
                run.italic = True

    # -- content -------------------------------------------------------------
    def build(self):
        self._add_masthead()
        for number, article in enumerate(self.edition.articles):
            self._add_heads(article, rule=number > 0)
            if self.layout == "side-by-side":
                self._add_sentence_table(article)
            else:
                self._add_paragraphs(article)
        colophon = self._paragraph("Colophon")
        self._add_run(colophon, f"{engine_note(self.edition)}. {signature_line(self.edition)}.", "en")
        source = self._paragraph("Colophon")
        self._add_mixed(source, f"Source: {self.edition.stem}"
                                + "".join(f", {b}" for b in (self.edition.paper, self.edition.date) if b)
                                + f". Made by bilingual {__version__}.")
        self._finish_package()
        return self.doc

    def _add_masthead(self) -> None:
        paper_zh, paper_en = paper_names(self.edition, self.layout)
        if paper_zh:
            self._add_run(self._paragraph("Nameplate"), paper_zh, "zh")
        if paper_en or not paper_zh:
            plate = self._paragraph("Nameplate EN" if paper_zh else "Nameplate")
            # Without a paper's name the nameplate says what this is: a file name is no paper's name.
            self._add_run(plate, paper_en or edition_label(self.layout)[0], "en",
                          size=None if paper_zh else 24)
        date_en, date_zh = masthead_dates(self.edition, self.layout)
        label_en, label_zh = edition_label(self.layout)
        dateline = self._paragraph("Dateline")
        self._add_run(dateline, date_en or "", "en")
        if date_zh:
            self._add_run(dateline, " \u00b7 ", "en")
            self._add_run(dateline, date_zh, "zh")
        self._add_run(dateline, f"\t{label_en}", "en")
        if label_zh:
            self._add_run(dateline, " ", "en")
            self._add_run(dateline, label_zh, "zh")
        self._add_run(self._paragraph("Engine Note"), engine_note(self.edition), "en")

    def _add_heads(self, article: Article, rule: bool) -> None:
        from docx.shared import Pt

        heads = [(part, seg) for part, seg in article.heads() if seg.zh.strip() or (seg.en or "").strip()]
        for number, (part, seg) in enumerate(heads):
            paragraph = self._paragraph(HEAD_STYLE[part])
            if number == 0 and rule:  # a rule between articles, over the article's first head
                self._borders(paragraph._p.get_or_add_pPr(), top=10)
                paragraph.paragraph_format.space_before = Pt(12)
            zh_size, en_size = SIZES[part]
            zh_lines = split_decks(seg.zh) if part != "byline" else [seg.zh]
            en_lines = [english_typography(d) for d in split_english_decks(seg.en)] if part != "byline" \
                else [english_typography(seg.en)] if seg.en else []
            if self.bilingual:
                self._add_lines(paragraph, zh_lines, "zh", seg, zh_size)
            italic = part in ("kicker", "subtitle")
            if en_lines:
                self._add_lines(paragraph, en_lines, "en", seg, en_size, italic, first=not self.bilingual)
            else:
                self._add_lines(paragraph, ["[not translated]"], "en", seg, en_size, True, first=not self.bilingual)

    def _add_sentence_table(self, article: Article) -> None:
        from docx.shared import Cm
        from docx.table import _Cell

        segments = list(article.body_segments())
        if not segments:
            return
        measure = measures(self.edition, self.layout, self.options.paper)
        text_width = PAPER_SIZES_CM[self.options.paper][0] - 2 * MARGIN_CM
        zh_width = round(text_width * measure.zh_width / measure.text_width, 2)
        widths = (Cm(zh_width), Cm(text_width - zh_width))
        table = self.doc.add_table(rows=0, cols=2)
        table.autofit = False
        self._borderless(table, widths)
        first_ids = {p.segments[0].id for p in article.paragraphs if p.segments}
        for number, seg in enumerate(segments):
            row = table.add_row()
            # A sentence pair is never split across pages, but for the first: the heads keep with it, and a
            # first row that may not split sends them and it to the next page (LibreOffice), leaving a gap.
            if number:
                row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
            # python-docx's row.cells walks the whole table each time (quadratic on long articles).
            zh_cell, en_cell = (_Cell(tc, table) for tc in row._tr.tc_lst)
            zh_cell.width, en_cell.width = widths
            zh_par, en_par = zh_cell.paragraphs[0], en_cell.paragraphs[0]
            self._style(zh_par, "Body ZH")
            self._style(en_par, "Body EN")
            if seg.id in first_ids:  # a new paragraph of the article starts here
                zh_par.paragraph_format.first_line_indent = Cm(0.74)  # two characters
            self._add_run(zh_par, seg.zh, "zh", seg)
            self._add_en(en_par, seg)
        # A little air after the table before the next article's headline.
        self._paragraph("Body EN")

    def _borderless(self, table, widths) -> None:
        """No borders, fixed column widths, padding between the columns and under each row."""
        tbl_pr = table._tbl.tblPr
        borders = _element("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_element(f"w:{side}", val="nil"))
        _replace(tbl_pr, "w:tblBorders", borders)
        _replace(tbl_pr, "w:tblW", _element("w:tblW", w=sum(w.twips for w in widths), type="dxa"))
        _replace(tbl_pr, "w:tblLayout", _element("w:tblLayout", type="fixed"))
        _replace(tbl_pr, "w:tblInd", _element("w:tblInd", w=0, type="dxa"))
        margins = _element("w:tblCellMar")
        for side, value in (("top", 0), ("left", 0), ("bottom", ROW_GAP_TWIPS), ("right", GUTTER_TWIPS)):
            margins.append(_element(f"w:{side}", w=value, type="dxa"))
        _replace(tbl_pr, "w:tblCellMar", margins)
        look = tbl_pr.find(_qn("w:tblLook"))
        if look is not None:
            tbl_pr.remove(look)
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(_qn("w:gridCol")), widths):
            col.set(_qn("w:w"), str(width.twips))

    def _add_en(self, paragraph, seg: Segment) -> None:
        if seg.en:
            self._add_run(paragraph, english_typography(seg.en), "en", seg)
        else:
            self._add_run(paragraph, "[not translated]", "en", seg).italic = True

    def _add_paragraphs(self, article: Article) -> None:
        from docx.shared import Cm

        for number, para in enumerate(article.paragraphs):
            if self.bilingual:
                zh_par = self._paragraph("Body ZH")
                zh_par.paragraph_format.first_line_indent = Cm(0.74)
                zh_par.paragraph_format.keep_with_next = True
                for seg in para.segments:
                    self._add_run(zh_par, seg.zh, "zh", seg)
            en_par = self._paragraph("Body EN")
            if not self.bilingual and number:
                en_par.paragraph_format.first_line_indent = Cm(0.4)
            for i, seg in enumerate(para.segments):
                if i:
                    self._add_run(en_par, " ", "en")
                self._add_en(en_par, seg)

    # -- the package: settings, fonts, properties ------------------------------
    def _finish_package(self) -> None:
        settings = self.doc.settings.element
        compat = settings.find(_qn("w:compat"))
        if compat is None:
            compat = _element("w:compat")
            settings.append(compat)
        mode = [c for c in compat.findall(_qn("w:compatSetting")) if c.get(_qn("w:name")) == "compatibilityMode"]
        if mode:
            mode[0].set(_qn("w:val"), "15")
        else:
            compat.append(_element("w:compatSetting", name="compatibilityMode",
                                   uri="http://schemas.microsoft.com/office/word", val=15))
        lang = settings.find(_qn("w:themeFontLang"))
        if lang is None:
            lang = _element("w:themeFontLang")
            settings.append(lang)
        lang.set(_qn("w:val"), "en-GB")
        lang.set(_qn("w:eastAsia"), "zh-CN")
        self._fill_font_table()
        self._fill_core_properties()
        self._name_application()

    def _fill_font_table(self) -> None:
        from lxml import etree

        part = next((p for p in self.doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"),
                    None)
        if part is None:
            return
        root = etree.fromstring(part.blob)
        for font in root.findall(_qn("w:font")):
            if font.get(_qn("w:name")) in FONT_TABLE or font.get(_qn("w:name")) == "ＭＳ 明朝":
                root.remove(font)  # the template's Japanese Mincho has no place in a Chinese document
        for name in (ENGLISH_FONT, self.cjk_font):
            alt, panose, charset, family = FONT_TABLE[name]
            font = etree.SubElement(root, _qn("w:font"), {_qn("w:name"): name})
            etree.SubElement(font, _qn("w:altName"), {_qn("w:val"): alt})
            etree.SubElement(font, _qn("w:panose1"), {_qn("w:val"): panose})
            etree.SubElement(font, _qn("w:charset"), {_qn("w:val"): charset})
            etree.SubElement(font, _qn("w:family"), {_qn("w:val"): family})
            etree.SubElement(font, _qn("w:pitch"), {_qn("w:val"): "variable"})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _name_application(self) -> None:
        """app.xml names the program that wrote the file (the template's says Word 2010 for the Mac)."""
        from lxml import etree

        part = next((p for p in self.doc.part.package.iter_parts() if str(p.partname) == "/docProps/app.xml"), None)
        if part is None:
            return
        root = etree.fromstring(part.blob)
        for child in root:
            name = etree.QName(child).localname
            if name == "Application":
                child.text = "bilingual"
            elif name == "AppVersion":
                root.remove(child)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _fill_core_properties(self) -> None:
        now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        props = self.doc.core_properties
        props.title = xml_safe(document_title(self.edition, self.layout))
        props.author = xml_safe(self.edition.paper_en or self.edition.paper or "bilingual")
        props.last_modified_by = f"bilingual {__version__}"
        props.created = props.modified = now
        props.revision = 1
        props.language = "zh-CN" if self.bilingual else "en-GB"
        props.subject = engine_note(self.edition)
        props.comments = f"{signature_line(self.edition)}; layout {self.layout}"
        props.keywords = "bilingual; zh-CN; en" if self.bilingual else "English; translated from zh-CN"
        props.category = edition_label(self.layout)[0]


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
