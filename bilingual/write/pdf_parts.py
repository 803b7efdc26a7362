"""Long PDF editions in parts: plan the parts, render them on several processes, join them, number the pages.

WeasyPrint lays out one document on one core at about 0.1-0.2 s a page. A long
edition is therefore cut, at article boundaries, into parts of about
``PART_PAGES`` pages; the parts are rendered at once on as many processes as
there are cores, then joined into one PDF with pikepdf:

* pages in order, each part's named destinations and bookmarks, and one structure
  tree (the parts' tagged content is re-parented under one Document element and the
  ParentTree keys renumbered), so the joined file reads and extracts in order
  like a single render;
* "Page N of M" is stamped on every page after the join, when M is known,
  in a subset of the English serif embedded once, marked as a pagination artifact.

The plan depends only on the edition, never on the machine: the same edition gives
the same parts, the same page breaks and the same file on one core or sixteen.
Each part after the first starts on a new page; that is the only mark of a part.
"""

from __future__ import annotations

import hashlib
import io
import math
import multiprocessing
import subprocess
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from ..config import usable_cpus
from ..errors import OutputError
from ..model import Edition
from .measure import Measures, head_height, measures

PART_PAGES = 50  # an edition is cut into parts of about this many pages ...
MIN_PARTED_PAGES = 75  # ... once it is estimated at this many pages or more

# The height model behind the page estimate (only the part plan uses it), in points, on the print measures.
_ROW_GAP = 3.0  # under each sentence row (side by side) or paragraph
_PARA_GAP = 6.0
_PAGE_FILL = 0.95  # a page's foot is left blank where the next row does not fit whole


def estimate_pages(edition: Edition, articles: Sequence[int] | None = None, layout: str = "side-by-side",
                   paper: str = "A4", measure: Measures | None = None) -> float:
    """A quick page estimate of the edition (or of some of its articles), from text lengths alone."""
    m = measure or measures(edition, layout, paper)
    chosen = edition.articles if articles is None else [edition.articles[i] for i in articles]
    height = 0.0
    for article in chosen:
        height += head_height(article, m, layout != "english") * m.columns  # the heads run across the columns
        for para in article.paragraphs:
            zh = [len(s.zh) / m.zh_chars for s in para.segments] if layout != "english" else []
            en = [len(s.en or "") / m.en_chars for s in para.segments]
            if layout == "side-by-side":  # one row per sentence, as tall as its taller side
                height += sum(max(math.ceil(z) * m.zh_line, math.ceil(e) * m.en_line) + _ROW_GAP
                              for z, e in zip(zh, en)) + _PARA_GAP
            else:  # a Chinese paragraph, then its English
                height += math.ceil(sum(zh)) * m.zh_line + math.ceil(sum(en)) * m.en_line + 2 * _ROW_GAP
    return height / (m.text_height * m.columns * _PAGE_FILL)


def plan_parts(edition: Edition, layout: str = "side-by-side", paper: str = "A4") -> list[range]:
    """The articles of each part, as index ranges: one part for most editions, about
    ``PART_PAGES`` pages each for long ones, balanced by estimated length."""
    count = len(edition.articles)
    measure = measures(edition, layout, paper)
    weights = [estimate_pages(edition, [i], layout, paper, measure) for i in range(count)]
    total = sum(weights)
    if count < 2 or total < MIN_PARTED_PAGES:
        return [range(count)]
    parts = min(count, max(1, round(total / PART_PAGES)))
    cuts, running, k = [0], 0.0, 1
    for i, w in enumerate(weights[:-1]):
        # Cut after article i when that brings the running total closest to the k-th share.
        running += w
        target = total * k / parts
        if k < parts and abs(running - target) <= abs(running + weights[i + 1] - target):
            cuts.append(i + 1)
            k += 1
    cuts.append(count)
    return [range(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def render_all(htmls: list[str], render_one: Callable[[str], bytes], jobs: int | None = None) -> list[bytes]:
    """``render_one`` over the parts' HTML: in this process for one part or one job, else on a process pool.

    A single-threaded process forks its workers (they start warm, with WeasyPrint and the fonts loaded);
    a threaded one (the web server) uses a fork server, since forking a threaded process can deadlock.
    """
    jobs = min(jobs or usable_cpus(), len(htmls))
    if jobs <= 1:
        return [render_one(h) for h in htmls]
    method = "fork" if threading.active_count() == 1 else "forkserver"
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
            return list(pool.map(render_one, htmls))
    except BrokenProcessPool:
        raise OutputError("a PDF worker process died (out of memory or killed)") from None


# --- joining -------------------------------------------------------------------------------------------


def join_parts(parts: list[bytes]):
    """One pikepdf.Pdf from the parts' PDFs: pages, named destinations and structure tree joined.

    The first part supplies the catalog (language, viewer preferences, mark info) and the document
    information (title, author, creator, subject).
    """
    import pikepdf

    out = pikepdf.open(io.BytesIO(parts[0]))
    tree = out.Root.get("/StructTreeRoot")
    document = tree.K[0] if tree is not None else None
    next_key = _parent_tree_next_key(tree) if tree is not None else 0
    dests = _dest_pairs(out)
    bookmarks = []
    for data in parts[1:]:
        src = pikepdf.open(io.BytesIO(data))
        first_new = len(out.pages)
        out.pages.extend(src.pages)  # copied with one foreign-object map, which copy_foreign below shares
        dests += [(name, _copy(out, dest)) for name, dest in _dest_pairs(src)]
        bookmarks += _bookmarks(out, src)
        src_tree = src.Root.get("/StructTreeRoot")
        if document is None or src_tree is None:
            continue
        # Re-parent the part's top-level structure elements under the first part's Document element.
        for kid in src_tree.K[0].K:
            copied = _copy(out, kid)
            if isinstance(copied, pikepdf.Dictionary):
                copied.P = document
            document.K.append(copied)
        # Renumber the part's ParentTree keys after the ones already used, on the tree and on its pages.
        nums = tree.ParentTree.Nums
        src_nums = src_tree.ParentTree.Nums
        for i in range(0, len(src_nums), 2):
            nums.append(int(src_nums[i]) + next_key)
            nums.append(_copy(out, src_nums[i + 1]))
        for page in out.pages[first_new:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + next_key
        next_key = _parent_tree_next_key(tree)
    if tree is not None:
        tree.ParentTreeNextKey = next_key
    if bookmarks:
        with out.open_outline() as outline:
            outline.root.extend(bookmarks)
    if dests:
        # A name tree's keys are sorted and unique; an id used twice keeps its first page, as in one render.
        unique = {}
        for name, dest in dests:
            unique.setdefault(bytes(name), (name, dest))
        dests = [unique[key] for key in sorted(unique)]
        names = out.Root.get("/Names") or out.make_indirect(pikepdf.Dictionary())
        out.Root.Names = names
        names.Dests = out.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array([x for pair in dests for x in pair])))
    return out


def _bookmarks(out, src) -> list:
    """The part's outline items, rebuilt in ``out`` (their destinations pointing at the copied pages)."""
    import pikepdf

    def rebuild(item):
        copy = pikepdf.OutlineItem(item.title, _copy(out, item.destination))
        copy.children.extend(rebuild(child) for child in item.children)
        return copy

    if "/Outlines" not in src.Root:
        return []
    with src.open_outline() as outline:
        return [rebuild(item) for item in outline.root]


def _copy(out, obj):
    """``obj`` of another PDF, brought into ``out``: indirect objects through copy_foreign (one map per
    source, shared with the copied pages), direct arrays and dictionaries member by member."""
    import pikepdf

    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(out, x) for x in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _copy(out, v) for k, v in obj.items()})
    return obj


def _parent_tree_next_key(tree) -> int:
    """The first ParentTree key not in use."""
    nums = tree.ParentTree.get("/Nums", [])
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    return max(max(keys, default=-1) + 1, int(tree.get("/ParentTreeNextKey", 0)))


def _dest_pairs(pdf) -> list[tuple]:
    """The (name, destination) pairs of a flat /Dests name tree, as WeasyPrint writes it."""
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return []
    if "/Kids" in dests:  # WeasyPrint writes a flat tree; a nested one is not expected
        raise OutputError("cannot join PDF parts: nested named-destination tree")
    flat = dests.get("/Names", [])
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


# --- page numbers --------------------------------------------------------------------------------------

STAMP_FONT_SIZE = 8.0
STAMP_CHARS = "Page of 0123456789"


@dataclass(frozen=True)
class StampFont:
    """A TrueType subset holding the glyphs of "Page N of M", with what a PDF simple font needs."""

    name: str  # the PDF BaseFont: six-letter subset tag + PostScript name
    data: bytes  # the subset font program (FontFile2)
    widths: dict[int, int]  # character code -> advance in 1/1000 em
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]


def _font_file(families: Sequence[str]) -> Path:
    """The TrueType file fontconfig gives for the first of ``families`` it really has."""
    for family in families:
        try:
            found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", f"{family}:fontformat=TrueType"],
                                   capture_output=True, text=True, timeout=10).stdout.splitlines()
        except (OSError, subprocess.SubprocessError):
            found = []
        if len(found) == 2 and family.lower() in found[0].lower() and found[1].lower().endswith(".ttf"):
            return Path(found[1])
    fallback = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if fallback.exists():
        return fallback
    raise OutputError(f"no TrueType font for page numbers among {', '.join(families)} (install fonts-dejavu-core)")


@lru_cache(maxsize=4)
def stamp_font(families: tuple[str, ...]) -> StampFont:
    """The page-number font: the first English serif found, subset to ``STAMP_CHARS`` (built once)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = _font_file(families)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = [1, 2, 3, 4, 6]
    options.notdef_outline = True
    # FontForge's timestamp table (fontTools warns on it), and the layout tables: digits and "Page of" need no
    # shaping, and decompiling Noto Serif's GSUB/GPOS alone took 0.25-0.45 s of every run.
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]
    font = TTFont(str(path), recalcTimestamp=False)  # the same bytes every run: its tag is drawn from them
    for tag in options.drop_tables:  # removed before the subsetter decompiles GSUB/GPOS anyway (0.45 s)
        if tag in font:
            del font[tag]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=STAMP_CHARS)
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {ord(c): round(font["hmtx"][cmap[ord(c)]][0] * scale) for c in set(STAMP_CHARS)}
    buffer = io.BytesIO()
    font.save(buffer)
    data = buffer.getvalue()
    ps_name = font["name"].getDebugName(6) or path.stem
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
    head, os2 = font["head"], font["OS/2"]
    return StampFont(
        name=f"{tag}+{ps_name}", data=data, widths=widths,
        ascent=round(font["hhea"].ascent * scale), descent=round(font["hhea"].descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", 0) * scale) or round(font["hhea"].ascent * scale),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
    )


def _font_object(pdf, font: StampFont):
    import pikepdf

    first, last = min(font.widths), max(font.widths)
    program = pikepdf.Stream(pdf, font.data)
    program.Length1 = len(font.data)
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + font.name),
        Flags=32 | 2,  # nonsymbolic, serif
        FontBBox=pikepdf.Array(list(font.bbox)), ItalicAngle=0, Ascent=font.ascent, Descent=font.descent,
        CapHeight=font.cap_height, StemV=80, FontFile2=pdf.make_indirect(program))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/" + font.name),
        FirstChar=first, LastChar=last, Encoding=pikepdf.Name.WinAnsiEncoding,
        Widths=pikepdf.Array([font.widths.get(c, 0) for c in range(first, last + 1)]),
        FontDescriptor=pdf.make_indirect(descriptor)))


def stamp_page_numbers(pdf, families: Sequence[str], margins_mm: Sequence[float]) -> None:
    """Write "Page N of M" on every page: right-aligned on the text block's right edge, centred in the
    bottom margin (where a CSS @bottom-right box would be), as a pagination artifact."""
    import pikepdf

    font = stamp_font(tuple(families))
    font_ref = _font_object(pdf, font)
    total = len(pdf.pages)
    size = STAMP_FONT_SIZE
    _top, right_mm, bottom_mm, _left = margins_mm
    pt = 72 / 25.4
    baseline = bottom_mm * pt / 2 + (-font.descent - font.ascent) * size / 2000  # text box centred
    opening = pikepdf.Stream(pdf, b"q\n")
    for number, page in enumerate(pdf.pages, 1):
        text = f"Page {number} of {total}"
        width = sum(font.widths[ord(c)] for c in text) * size / 1000
        box = page.mediabox
        x = float(box[2]) - right_mm * pt - width
        y = float(box[1]) + baseline
        resources = page.obj.get("/Resources")
        if resources is None:
            resources = page.obj.Resources = pikepdf.Dictionary()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = resources.Font = pikepdf.Dictionary()
        fonts.BlPgNum = font_ref
        stamp = (f"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq BT /BlPgNum {size:g} Tf "
                 f"0 g {x:.3f} {y:.3f} Td ({text}) Tj ET Q\nEMC\n").encode("ascii")
        # The page's own content may leave its coordinate system changed (WeasyPrint flips y): wrap it.
        page.contents_add(opening, prepend=True)
        page.contents_add(pikepdf.Stream(pdf, stamp))


def save(pdf) -> bytes:
    import pikepdf

    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return buffer.getvalue()
