"""Long PDF editions in parts (bilingual.write.pdf_parts): the plan, the join, the page numbers.

The parted render is checked on a small edition with the part size lowered, so it costs seconds:
three parts, rendered on a forked pool and in one process, must give the same pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from helpers import render_dies, render_explodes
from pdf_facts import struct_text

from bilingual.config import WriteOptions
from bilingual.errors import OutputError
from bilingual.write import pdf_parts
from bilingual.write.html import css_string, render_html
from bilingual.write.pdf import write_pdf
from bilingual.write.typography import english_typography

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
MM = 72 / 25.4


def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def squash(text: str) -> str:
    return "".join(text.split())


def page_texts(path: Path) -> list[str]:
    return run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


@pytest.fixture(scope="module")
def small_parts():
    """Parts of about a page and a half, so a six-copy sample edition (about 6 pages) is cut into three."""
    patch = pytest.MonkeyPatch()
    patch.setattr(pdf_parts, "PART_PAGES", 1.5)
    patch.setattr(pdf_parts, "MIN_PARTED_PAGES", 3)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def parted(small_parts, tmp_path_factory, make_edition):
    edition = make_edition(repeat=6)
    plan = pdf_parts.plan_parts(edition)
    out = tmp_path_factory.mktemp("parts")
    patch = pytest.MonkeyPatch()
    patch.setenv("BILINGUAL_PDF_JOBS", "2")
    pooled = write_pdf(edition, out / "pooled.pdf", WriteOptions())
    patch.setenv("BILINGUAL_PDF_JOBS", "1")
    single = write_pdf(edition, out / "single.pdf", WriteOptions())
    patch.undo()
    return edition, plan, pooled, single


def test_plan_is_one_part_for_a_page_and_balanced_parts_for_a_long_edition(make_edition):
    assert pdf_parts.plan_parts(make_edition(repeat=2)) == [range(0, 4)]
    long = make_edition(repeat=120)  # 240 short articles, about 100 pages
    plan = pdf_parts.plan_parts(long)
    assert len(plan) >= 2
    assert [i for part in plan for i in part] == list(range(len(long.articles)))  # all, in order, once
    sizes = [pdf_parts.estimate_pages(long, part) for part in plan]
    assert max(sizes) <= 1.2 * min(sizes), sizes


def test_plan_depends_on_the_edition_not_the_machine(make_edition, monkeypatch):
    edition = make_edition(repeat=120)
    plans = []
    for jobs in ("1", "2", "16"):
        monkeypatch.setenv("BILINGUAL_PDF_JOBS", jobs)
        plans.append(pdf_parts.plan_parts(edition))
    assert plans[0] == plans[1] == plans[2]


@pytest.mark.slow
def test_parted_edition_is_the_same_on_a_pool_and_in_one_process(parted):
    edition, plan, pooled, single = parted
    assert len(plan) >= 3
    assert page_texts(pooled) == page_texts(single)
    assert struct_text(pooled) == struct_text(single)


def test_every_page_is_numbered_once_bottom_right(parted):
    pooled = parted[2]
    pages = page_texts(pooled)
    total = len(pages)
    for number, text in enumerate(pages, 1):
        assert re.findall(r"Page \d+ of \d+", text) == [f"Page {number} of {total}"], number
    # Where the CSS @bottom-right box put it: right edge on the text block, centred in the 20 mm margin.
    bbox = run("pdftotext", "-bbox", "-f", "2", "-l", "2", str(pooled), "-")
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', bbox)
    number = [w for w in words if w[4] == str(total)][-1]
    x_max, y_min, y_max = float(number[2]), float(number[1]), float(number[3])
    assert abs(x_max - (595.276 - 16 * MM)) < 0.5
    assert abs((y_min + y_max) / 2 - (841.89 - 10 * MM)) < 2
    fonts = run("pdffonts", str(pooled))
    for line in fonts.splitlines()[2:]:
        assert re.search(r"\byes\s+yes\b", line), line  # embedded and subset, the stamp's font too


def test_parts_keep_masthead_headers_and_colophon_where_a_single_render_has_them(parted):
    edition, plan, pooled, _ = parted
    pages = page_texts(pooled)
    label = "Chinese\u2013English parallel edition"
    assert sum(label in p for p in pages) == 1 and label in pages[0]
    head = "衡阳晚报 · 19 August 2023 · 2023年8月19日"
    assert head not in pages[0].splitlines()[0]  # no running header on page 1
    for text in pages[1:]:  # every later page, the first page of each part included
        assert re.match(r"\s*" + head + r"\s+\S", text), text[:120]
        assert "Dictionary gloss — not a translation" in text
    assert sum("engine gloss (cc-cedict-test)" in p for p in pages) == 1 and "engine gloss" in pages[-1]
    # Each part after the first starts a page: its first article's first head opens a page body.
    openings = [squash("".join(p.splitlines()[1:]))[:40] for p in pages]
    for part in plan[1:]:
        first_head = next(iter(edition.articles[part[0]].heads()))[1]
        assert any(o.startswith(squash(first_head.zh)[:12]) for o in openings), first_head.zh


def test_joined_text_and_structure_tree_read_in_order(parted):
    edition, _, pooled, _ = parted
    raw = squash(run("pdftotext", "-raw", str(pooled), "-"))
    tags = squash("".join(re.findall(r'^\s*"(.*)"$', struct_text(pooled), re.M)))
    for text in (raw, tags):
        cursor = 0
        for seg in edition.segments():
            for piece in (seg.zh, english_typography(seg.en)):  # the English as set in print
                found = text.find(squash(piece), cursor)
                assert found >= 0, f"{seg.id} missing or out of order"
                cursor = found + len(squash(piece))


def test_joined_structure_tree_points_at_its_own_pages(parted):
    import pikepdf

    with pikepdf.open(parted[2]) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf finds nothing to repair (sorted name trees ...)
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        tree = pdf.Root.StructTreeRoot
        assert len(tree.K) == 1 and tree.K[0].S == "/Document"
        nums = tree.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert len(keys) == len(set(keys)) and int(tree.ParentTreeNextKey) > max(keys)
        by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            elements = by_key[int(page.obj.StructParents)]  # each page's marked content maps to elements
            live = [e for e in elements if isinstance(e, pikepdf.Dictionary)]
            assert len(live) > 0
            assert all(e.Pg.objgen == page.obj.objgen for e in live if "/Pg" in e)
            # A null entry is a marked-content id the page no longer uses (its running head, now an artifact).
            content = b"".join(c.read_bytes() for c in page.obj.Contents)
            for mcid, element in enumerate(elements):
                if not isinstance(element, pikepdf.Dictionary):
                    assert not re.search(rb"/MCID %d\b" % mcid, content)
        seen = 0
        stack = list(tree.K[0].K)
        for kid in stack:
            assert kid.P.objgen == tree.K[0].objgen  # every top-level element under the one Document
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary):
                if "/Pg" in element:
                    assert element.Pg.objgen in pages
                    seen += 1
                stack.extend(element.get("/K", []))
        assert seen > 100
        dests = pdf.Root.Names.Dests.Names
        names = [str(dests[i]) for i in range(0, len(dests), 2)]
        assert names == sorted(names) and {a.id for a in parted[0].articles} <= set(names)


@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "fork-server"])
def test_worker_failure_is_one_line_naming_the_edition(small_parts, make_edition, tmp_path, monkeypatch, threaded):
    from bilingual.write import pdf

    monkeypatch.setattr(pdf, "render_part", render_explodes)
    monkeypatch.setenv("BILINGUAL_PDF_JOBS", "2")
    target = tmp_path / "e.pdf"
    target.write_bytes(b"previous edition")
    # A live thread makes the writer start its workers from a fork server (as under the web server),
    # where the worker must import the render function by name.
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    if threaded:
        other.start()
    try:
        with pytest.raises(OutputError, match="PDF rendering failed for 衡阳晚报 2023-08-19: layout exploded"):
            write_pdf(make_edition(repeat=6), target, WriteOptions())
    finally:
        release.set()
    assert target.read_bytes() == b"previous edition"  # nothing written over the old file


def test_a_killed_worker_is_reported(small_parts, make_edition, tmp_path, monkeypatch):
    from bilingual.write import pdf

    monkeypatch.setattr(pdf, "render_part", render_dies)
    monkeypatch.setenv("BILINGUAL_PDF_JOBS", "2")
    with pytest.raises(OutputError, match="worker process died"):
        write_pdf(make_edition(repeat=6), tmp_path / "k.pdf", WriteOptions())


def test_a_threaded_process_renders_parts_through_a_fork_server(small_parts, make_edition, tmp_path,
                                                                 monkeypatch):
    # The web server renders from a thread; forking a threaded process can deadlock, so it must not fork.
    monkeypatch.setenv("BILINGUAL_PDF_JOBS", "2")
    result = {}

    def work():
        try:
            result["path"] = write_pdf(make_edition(repeat=6), tmp_path / "t.pdf", WriteOptions())
        except Exception as e:  # pragma: no cover - reported below
            result["error"] = e

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=300)
    assert "error" not in result, result.get("error")
    pages = page_texts(result["path"])
    assert len(pages) >= 3 and f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_the_page_number_font_is_the_same_bytes_whenever_it_is_made(monkeypatch):
    """Its subset tag is drawn from its bytes: fontTools stamps the time of saving into a font's head table
    unless told not to, so the tag changed every second (and held "JP" or "KR" now and then)."""
    from fontTools.ttLib.tables import _h_e_a_d

    from bilingual.write.common import ENGLISH_FONTS

    first = pdf_parts.stamp_font.__wrapped__(ENGLISH_FONTS)
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 86_400 * 365 * 7)  # a save years later
    again = pdf_parts.stamp_font.__wrapped__(ENGLISH_FONTS)
    assert (again.name, again.data) == (first.name, first.data)
    assert re.fullmatch(r"[A-Z]{6}\+\S+", first.name)


def test_page_numbers_on_letter_paper(make_edition, tmp_path):
    path = write_pdf(make_edition(), tmp_path / "l.pdf", WriteOptions(paper="Letter", layout="interleaved"))
    bbox = run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-")
    words = re.findall(r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', bbox)
    page_word = [float(x) for x, w in words if w == "Page"]
    assert page_word and page_word[-1] < 612 - 16 * MM


def test_css_string_cannot_leave_the_string_or_the_style_element():
    hostile = 'Daily "News"\\ </style><script>alert(1)</script>\n'
    quoted = str(css_string(hostile))
    assert quoted.startswith('"') and quoted.endswith('"') and quoted.count('"') == 2
    assert "<" not in quoted and ">" not in quoted and "\n" not in quoted


def test_hostile_paper_name_shows_in_the_running_header(make_edition, tmp_path):
    edition = make_edition(repeat=2)
    edition.paper = 'Daily "News" </style><b>'
    html = render_html(edition, WriteOptions(), for_print=True)
    assert html.count("</style>") == 1
    path = write_pdf(edition, tmp_path / "h.pdf", WriteOptions())
    second = page_texts(path)[1]
    assert 'Daily "News" </style><b>' in second.splitlines()[0]


def test_joining_parts_that_share_ids_keeps_one_destination_each(make_edition):
    from bilingual.write.pdf import render_part

    part = render_part(render_html(make_edition(), WriteOptions(), for_print=True))
    joined = pdf_parts.join_parts([part, part])
    assert joined.check_pdf_syntax() == []
    dests = joined.Root.Names.Dests.Names
    names = [bytes(dests[i]) for i in range(0, len(dests), 2)]
    assert names == sorted(set(names)) and len(joined.pages) > 1


def test_lxml_parsed_part_renders_exactly_as_weasyprints_own_parser(make_edition, tmp_path):
    # render_part parses our markup with lxml for speed; a WeasyPrint upgrade must not make it differ.
    from weasyprint import HTML

    from bilingual.write.html import TEMPLATES_DIR
    from bilingual.write.pdf import _local_fetcher, _parsed_html, render_part

    edition = make_edition(repeat=2)
    edition.articles[0].paragraphs[0].segments[0].en = "A <b>tag</b> & an <!-- odd --> comment"
    html = render_html(edition, WriteOptions(), for_print=True)
    assert type(_parsed_html(html, "", _local_fetcher())).__name__ == "ParsedHTML"
    ours, theirs = tmp_path / "ours.pdf", tmp_path / "theirs.pdf"
    ours.write_bytes(render_part(html))
    theirs.write_bytes(HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=_local_fetcher())
                       .write_pdf(full_fonts=False, custom_metadata=True, pdf_tags=True))
    for tool in (("pdftotext", "-layout", "{}", "-"), ("pdftotext", "-bbox", "{}", "-"),
                 ("pdfinfo", "-struct-text", "{}")):
        assert run(*(a.format(ours) for a in tool)) == run(*(a.format(theirs) for a in tool)), tool[:2]


def test_our_tag_tree_text_is_popplers(make_edition, tmp_path):
    """``pdf_facts.struct_text`` reads the tag tree with pikepdf (poppler takes seconds an edition): its element
    types and marked-content texts are what ``pdfinfo -struct-text`` prints, for both languages, heads, quotes
    and punctuation."""
    edition = make_edition(repeat=2)
    edition.articles[0].paragraphs[0].segments[0].en = "“Quoted”, <b>bold</b> and <i>italic</i> — 30% of ¥5.2bn."
    pdf = write_pdf(edition, tmp_path / "small.pdf", WriteOptions(layout="interleaved"))
    ours, theirs = struct_text(pdf), run("pdfinfo", "-struct-text", str(pdf))
    quoted = r'^\s*"(.*)"$'
    assert re.findall(quoted, ours, re.M) == re.findall(quoted, theirs, re.M) != []
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in re.findall(quoted, ours, re.M))
    element = r"^\s*([A-Z][A-Za-z0-9]*)"  # the element types, in tree order
    assert re.findall(element, ours, re.M) == re.findall(element, theirs, re.M)


def test_joined_edition_has_one_bookmark_per_article_across_the_parts(parted):
    from pdf_facts import Rendered

    edition, plan, pooled, _ = parted
    joined = Rendered(pooled, edition)
    assert len(plan) >= 3
    assert [title.split(" / ")[0] for title, _, _ in joined.outline] == [a.headline.zh for a in edition.articles]
    pages = [page for _, page, _ in joined.outline]
    assert pages == sorted(pages) and pages[-1] > pages[0]
    for (title, page, _), article in zip(joined.outline, edition.articles):
        assert squash(article.headline.zh)[:10] in squash(joined.page_texts[page - 1]), title


def test_joined_parts_name_their_font_subsets_apart(parted):
    # Each part subsets Noto Serif on its own; one name for two different subsets breaks ISO 32000 9.6.4.
    from pdf_facts import Rendered

    joined = Rendered(parted[2])
    # The first part's subset also holds the masthead's characters: at least two subsets, two names.
    assert sum(name.endswith("Noto-Serif-CJK-SC") for name in joined.subsets) >= 2
    for name, programs in joined.subsets.items():
        assert len(programs) == 1, f"{name} names {len(programs)} different subsets"


def test_joined_edition_keeps_languages_and_artifacts_in_every_part(parted):
    from pdf_facts import HAN, Rendered

    joined = Rendered(parted[2])
    chinese = [leaf for leaf in joined.leaves if HAN.search(leaf.text)]
    assert len(chinese) > 50 and all(leaf.lang == "zh-Hans" for leaf in chinese)
    for content in joined.content[1:]:
        assert b"/Artifact <</Type /Pagination /Subtype /Header>>" in content
    assert "衡阳晚报 · 19 August 2023" not in joined.struct_text
