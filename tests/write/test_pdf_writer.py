"""PDF writer: layout facts checked on the rendered file (poppler tools), not only its text.

Rendering costs about a second a page, so each layout is rendered once per module.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from bilingual.config import WriteOptions
from bilingual.model import Segment
from bilingual.write.measure import measures
from bilingual.write.pdf import _local_fetcher, write_pdf
from bilingual.write.typography import english_typography as typeset
from bilingual.zh.decks import split_decks, split_english_decks

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
LONG_HEADLINE = ("Join hands to open a new chapter of win-win cooperation and development between the city "
                 "and the bank for the years to come")
SCRIPT = "<script>alert('x')</script> & <b>bold</b>"

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def sbs(tmp_path_factory, make_newspaper):
    """A two-copy side-by-side edition (several pages) with a hostile segment, rendered once."""
    edition = make_newspaper(repeat=2)
    edition.articles[-1].headline.en = LONG_HEADLINE
    edition.articles[-1].paragraphs[-1].segments.append(
        Segment(id="evil", zh="他说<script>不要执行</script>。", en=SCRIPT, engine="gloss"))
    path = write_pdf(edition, tmp_path_factory.mktemp("pdf") / "page.zh-en.pdf", WriteOptions())
    return edition, path


@pytest.fixture(scope="module")
def interleaved(tmp_path_factory, make_edition):
    edition = make_edition()
    path = write_pdf(edition, tmp_path_factory.mktemp("pdf") / "i.pdf",
                     WriteOptions(layout="interleaved", paper="Letter", cjk_font="sans"))
    return edition, path


def pages_words(path: Path) -> list[dict]:
    """Per page: width, height and words (text, xMin, yMin, xMax, yMax) from pdftotext -bbox-layout."""
    xml = run("pdftotext", "-bbox-layout", str(path), "-")
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ElementTree.fromstring(xml)
    pages = []
    for page in root.iter("page"):
        words = [(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                 for w in page.iter("word")]
        pages.append({"width": float(page.get("width")), "height": float(page.get("height")), "words": words})
    return pages


def squash(text: str) -> str:
    return "".join(text.split())


def column_text(path: Path, page_count: int, left: bool) -> list[str]:
    """Text of the left or right half of every page (pdftotext crop), one string per page."""
    width, height = 595, 842
    texts = []
    for page in range(1, page_count + 1):
        x = 0 if left else width // 2
        texts.append(run("pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", "0",
                         "-W", str(width // 2), "-H", str(height), str(path), "-"))
    return texts


def test_fonts_are_named_cjk_subsets_and_a_serif(sbs):
    fonts = run("pdffonts", str(sbs[1]))
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    cjk = [n for n in names if "NotoSerifCJK" in n.replace("-", "")]
    assert cjk and all(re.match(r"^[A-Z]{6}\+", n) for n in cjk), fonts
    faces = [n.split("+", 1)[-1] for n in names]  # the subset tag before "+" is six random letters
    assert not any("JP" in n or "KR" in n for n in faces), "fontconfig fell back to a non-SC CJK face"
    assert not any("CJK" in n and ("Oblique" in n or "Italic" in n) for n in names), "Chinese set in fake italics"
    assert any("Serif" in n and "CJK" not in n for n in names), fonts
    for line in fonts.splitlines()[2:]:  # every font embedded and subset: "emb sub" columns say yes yes
        assert re.search(r"\byes\s+yes\b", line), line


def test_sans_option_uses_noto_sans_cjk(interleaved):
    fonts = run("pdffonts", str(interleaved[1]))
    assert "NotoSansCJKSC" in fonts.replace("-", "") and "NotoSerifCJK" not in fonts.replace("-", "")


def test_metadata_title_language_creator(sbs):
    info = run("pdfinfo", str(sbs[1]))
    assert "Title:           衡阳晚报 Hengyang Evening News, 19 August 2023" in info
    assert re.search(r"Creator:\s+bilingual \d", info)
    assert "Author:          Hengyang Evening News" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    raw = sbs[1].read_bytes()
    streams = [raw] + [zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)endstream", raw, re.S)
                       if m[:1] == b"x"]
    assert any(b"/Lang (en)" in s for s in streams)


def test_headlines_sentences_in_order_once_each(sbs):
    edition, path = sbs
    pages = pages_words(path)
    zh_columns = squash("".join(column_text(path, len(pages), left=True)))
    # The masthead and colophon hold Chinese too; find each body sentence after the previous one.
    cursor = 0
    for seg in (s for a in edition.articles for s in a.body_segments()):
        found = zh_columns.find(squash(seg.zh), cursor)
        assert found >= 0, f"{seg.id} missing or out of order: {seg.zh}"
        cursor = found + len(squash(seg.zh))
    text = run("pdftotext", str(path), "-")
    headline = edition.articles[0].headline
    # The heads run across the page, a line per deck: each deck on a line of its own.
    lines = [line.strip() for line in text.splitlines()]
    for deck in split_decks(headline.zh) + split_english_decks(headline.en):
        assert deck in lines, deck


def test_text_extracts_in_reading_order(sbs):
    # Content order (pdftotext -raw) and the tag tree: each Chinese sentence, then its English.
    edition, path = sbs
    assert re.search(r"Tagged:\s+yes", run("pdfinfo", str(path)))
    raw = squash(run("pdftotext", "-raw", str(path), "-"))
    positions = []
    for seg in edition.segments():
        start = positions[-1] if positions else 0
        positions.append(raw.index(squash(seg.zh), start))
        positions.append(raw.index(squash(typeset(seg.en.replace("\n", " "))), positions[-1]))
    assert positions == sorted(positions)


def test_side_by_side_columns_and_no_overlaps(sbs):
    edition, path = sbs
    pages = pages_words(path)
    assert 2 <= len(pages) <= 6, f"{len(pages)} pages for a two-copy sample"
    body = [s for a in edition.articles for s in a.body_segments()]
    english_words = {w for seg in body if seg.en for w in seg.en.split() if re.fullmatch(r"[A-Za-z]{4,}", w)}
    heads = {w for a in edition.articles for _, seg in a.heads() for w in f"{seg.zh} {seg.en}".split()}
    checked_zh = checked_en = 0
    m = measures(edition, "side-by-side", "A4")  # the columns' widths are chosen from the edition's text
    zh_right = 16 * 72 / 25.4 + m.zh_width
    en_left = zh_right + m.gutter
    for number, page in enumerate(pages, 1):
        words = page["words"]
        top = 70  # running header above
        bottom = page["height"] - 70  # footer below
        if number == 1:  # masthead is centred across the page
            top = max(w[4] for w in words if w[0] == "edition") + 25
        colophon = [w[2] for w in words if w[0] == "Source:"]
        if colophon:
            bottom = min(colophon) - 40
        for text, x0, y0, x1, _y1 in words:
            if not (top < y0 < bottom) or text in heads:  # the heads run across the page
                continue
            if CJK.search(text):
                assert x1 <= zh_right + 1, f"page {number}: Chinese word {text!r} in the right column"
                checked_zh += 1
            elif text in english_words:
                assert x0 >= en_left - 1, f"page {number}: English word {text!r} in the left column"
                checked_en += 1
        # No two words overlap (a float or a row drawn over another).
        boxes = sorted(words, key=lambda w: (w[2], w[1]))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                if b[2] >= a[4]:
                    break
                overlap_x = min(a[3], b[3]) - max(a[1], b[1])
                overlap_y = min(a[4], b[4]) - max(a[2], b[2])
                # Tight headline leading lets glyph boxes (ascent to descent) touch; drawn text never overlaps.
                slack = 0.2 * min(a[4] - a[2], b[4] - b[2])
                assert not (overlap_x > 0.5 and overlap_y > slack), f"page {number}: {a[0]!r} overlaps {b[0]!r}"
    assert checked_zh > 20 and checked_en > 50  # pdftotext takes a line of Chinese as one word


def test_a_sentence_row_is_never_split_across_pages(sbs):
    edition, path = sbs
    count = len(pages_words(path))
    right = [squash(t) for t in column_text(path, count, left=False)]
    for seg in (s for a in edition.articles for s in a.body_segments()):
        if seg.en:
            assert sum(squash(typeset(seg.en)) in page for page in right) >= 1, f"{seg.id} split across pages"


def test_running_header_page_numbers_and_engine_footer(sbs):
    edition, path = sbs
    count = len(pages_words(path))
    # Poppler reads the whole file without complaint (a text-overflow ellipsis once broke ToUnicode).
    checked = subprocess.run(["pdftotext", str(path), "/dev/null"], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stderr == ""
    headers = [run("pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-").splitlines()[0]
               for n in range(2, count + 1)]
    titles = [h.split("2023年8月19日", 1)[1].strip() for h in headers]
    assert titles and all(0 < len(t) <= 49 for t in titles), titles  # one line: long headlines are cut
    last = run("pdftotext", "-f", str(count), "-l", str(count), str(path), "-")
    second = run("pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-")
    assert f"Page {count} of {count}" in last
    assert "Dictionary gloss — not a translation" in second  # footer on every page
    assert "衡阳晚报" in second.splitlines()[0] or "衡阳晚报" in second[:200]  # running header
    assert "engine gloss (cc-cedict-test)" in last and "glossary g1a2b3c4" in last  # colophon


def test_markup_in_text_is_shown_not_run(sbs):
    text = run("pdftotext", str(sbs[1]), "-")
    assert "<script>alert(\u2018x\u2019)</script>" in text and "<b>bold</b>" in text
    assert "<script>不要执行</script>" in squash(text)


def test_page_renders_to_png_with_ink_in_both_columns(sbs, tmp_path):
    from PIL import Image

    run("pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(sbs[1]), str(tmp_path / "p"))
    png = next(tmp_path.glob("p*.png"))
    image = Image.open(png).convert("L")
    w, h = image.size
    body = (int(h * 0.25), int(h * 0.85))

    def ink(x0, x1):
        return sum(1 for x in range(x0, x1, 2) for y in range(*body, 2) if image.getpixel((x, y)) < 160)

    assert ink(int(w * 0.08), int(w * 0.48)) > 60 and ink(int(w * 0.52), int(w * 0.92)) > 60


def test_interleaved_letter_order(interleaved):
    edition, path = interleaved
    assert "612 x 792 pts (letter)" in run("pdfinfo", str(path))
    text = squash(run("pdftotext", "-raw", str(path), "-"))
    positions = []
    # Paragraphs flow on across columns and pages (with the running head between): look for their openings.
    for para in (p for a in edition.articles for p in a.paragraphs):
        positions += [text.index(squash(para.zh)[:12]), text.index(squash(typeset(para.segments[0].en))[:24])]
    assert positions == sorted(positions), "each Chinese paragraph must precede its English"


def test_english_only_has_no_chinese_body(tmp_path, make_edition):
    edition = make_edition()
    path = write_pdf(edition, tmp_path / "e.pdf", WriteOptions(layout="english"))
    text = run("pdftotext", str(path), "-")
    for seg in edition.segments():
        assert squash(seg.zh) not in squash(text)
    assert "Shoulder the great" in text


def test_fetcher_refuses_the_network_and_files_outside_templates():
    fetcher = _local_fetcher()
    for url in ("http://example.com/a.css", "https://example.com/x.png", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(ValueError, match="refuses"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
