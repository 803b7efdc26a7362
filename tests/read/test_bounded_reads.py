"""Reading is bounded: file type and size are checked before reading, a DOCX's parts are inflated within
limits (media never), extracted text counts against the page limit for DOCX and HTML alike, deep HTML is
read or refused clearly, and the HTML reader is linear."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers import RepeatDeflate

from bilingual.errors import InputError
from bilingual.read import MAX_PAGE_BYTES, read_page
from bilingual.read.docx import MAX_DOCUMENT_XML_BYTES
from bilingual.read.html import blocks_from_html

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARAGRAPH = "衡阳市民在雁峰公园散步，天气很好，大家心情愉快。"
MB = 1024 * 1024


def run_in_subprocess(*args, timeout: float = 120) -> tuple[int, str, float, float]:
    """`bilingual ARGS` in a fresh process: (exit status, stderr, seconds, peak resident MB)."""
    code = ("import resource, sys\n"
            "from bilingual.cli import main\n"
            "status = main(sys.argv[1:])\n"
            "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
            "sys.exit(status)\n")
    started = time.monotonic()
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - started
    peak = next(int(line.split()[1]) for line in r.stderr.splitlines() if line.startswith("PEAK_KB"))
    errors = "\n".join(line for line in r.stderr.splitlines() if not line.startswith("PEAK_KB"))
    return r.returncode, errors, seconds, peak / 1024


def translate_in_subprocess(path: Path, timeout: float = 120) -> tuple[int, str, float, float]:
    """`bilingual translate PATH` (the batch path: the page's hash is taken before it is read as a page)."""
    return run_in_subprocess("translate", path, "--out", path.parent / "out", "--engine", "gloss", "--format", "json",
                             "--no-cache", timeout=timeout)


def baseline_peak_mb(tmp_path: Path) -> float:
    page = tmp_path / "small.txt"
    page.write_text(f"衡阳晚报\n\n{PARAGRAPH}\n", encoding="utf-8")
    status, errors, _, peak = translate_in_subprocess(page)
    assert status == 0, errors
    return peak


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> float:
    """The peak memory of translating a one-paragraph page (engine and glossary loaded)."""
    return baseline_peak_mb(tmp_path_factory.mktemp("baseline"))


def one_error_line(errors: str, name: str, *words: str) -> None:
    lines = [line for line in errors.splitlines() if line.startswith("bilingual: error:")]
    assert len(lines) == 1 and name in lines[0], errors
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in errors


def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    status, errors, seconds, _ = translate_in_subprocess(fifo, timeout=60)  # reading it would block forever
    assert status == 1
    one_error_line(errors, "page.txt", "FIFO")


def test_a_symlink_to_dev_zero_is_refused_at_once_with_low_memory(tmp_path, baseline):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    status, errors, seconds, peak = translate_in_subprocess(link)
    assert status == 1
    one_error_line(errors, "zero.txt", "character device")
    assert peak < baseline + 50, (peak, baseline)


def test_a_sparse_1_5_gb_page_is_refused_at_once_with_low_memory(tmp_path, baseline):
    page = tmp_path / "sparse.txt"
    with open(page, "wb") as f:
        f.truncate(1536 * MB)  # no disk used: a hole
    status, errors, seconds, peak = translate_in_subprocess(page)
    assert status == 1
    one_error_line(errors, "sparse.txt", "too large")
    assert peak < baseline + 50, (peak, baseline)


def test_a_symlink_loop_is_an_input_error(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop.txt")
    with pytest.raises(InputError, match="loop.txt: a symlink loop"):
        read_page(loop)


def docx_package(path: Path, paragraphs: list[str], media_bytes: int = 0, filler_bytes: int = 0) -> Path:
    """A minimal DOCX. ``media_bytes``: an image part of that many zero bytes (it compresses ~1000:1);
    ``filler_bytes``: that much markup without text in the document part."""
    body = "".join(f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p>' for text in paragraphs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="png" ContentType="image/png"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w") as doc:
            doc._compressor = RepeatDeflate()
            doc.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}'.encode())
            chunk = b"<w:p><w:r><w:rPr><w:b/></w:rPr></w:r></w:p>" * 20000
            for _ in range(filler_bytes // len(chunk)):
                doc.write(chunk)
            doc.write(b"</w:body></w:document>")
        if media_bytes:  # referenced from the document, as Word does: a reader following relationships loads it
            z.writestr("word/_rels/document.xml.rels",
                       '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>')
            with z.open("word/media/image1.png", "w", force_zip64=True) as media:
                media._compressor = RepeatDeflate()  # (zipfile still counts the size and the CRC itself)
                zeros = bytes(8 * MB)
                for _ in range(media_bytes // len(zeros)):
                    media.write(zeros)
    return path


def test_the_repeated_parts_are_true_deflate_streams(tmp_path):
    page = docx_package(tmp_path / "photo.docx", ["衡阳晚报"], media_bytes=64 * MB, filler_bytes=4 * MB)
    with zipfile.ZipFile(page) as z:
        info = z.getinfo("word/media/image1.png")
        assert info.file_size == 64 * MB and info.compress_size < MB // 4
        assert z.testzip() is None  # every part inflated by zlib, and its CRC checked
        with z.open(info) as media:
            assert all(chunk == bytes(len(chunk)) for chunk in iter(lambda: media.read(MB), b""))
        document = z.read("word/document.xml")
    assert document.startswith(b'<?xml version="1.0"?><w:document') and document.endswith(b"</w:body></w:document>")
    piece = b"<w:p><w:r><w:rPr><w:b/></w:rPr></w:r></w:p>"  # the filler: whole chunks of 20,000 pieces
    assert document.count(piece) == 4 * MB // (len(piece) * 20000) * 20000


@pytest.mark.slow
def test_a_docx_with_a_1_gb_media_part_is_read_without_inflating_it(tmp_path, baseline):
    page = docx_package(tmp_path / "photo.docx", ["衡阳晚报", PARAGRAPH], media_bytes=1024 * MB)
    assert page.stat().st_size < 3 * MB
    status, errors, _, peak = translate_in_subprocess(page)
    assert status == 0, errors
    assert peak < baseline + 80, (peak, baseline)


def test_a_docx_whose_document_unzips_past_the_limit_is_refused_with_low_memory(tmp_path, baseline):
    page = docx_package(tmp_path / "markup.docx", ["衡阳晚报", PARAGRAPH], filler_bytes=MAX_DOCUMENT_XML_BYTES + 8 * MB)
    assert page.stat().st_size < 3 * MB
    status, errors, seconds, peak = translate_in_subprocess(page)
    assert status == 1
    one_error_line(errors, "markup.docx", "too large")
    assert peak < baseline + 50, (peak, baseline)


def test_docx_and_html_text_counts_against_the_page_limit(tmp_path):
    paragraphs = [PARAGRAPH * 10] * (MAX_PAGE_BYTES // len((PARAGRAPH * 10).encode()) + 20)  # ~2.1 MB of text
    docx = docx_package(tmp_path / "long.docx", paragraphs)
    assert docx.stat().st_size < MAX_PAGE_BYTES  # the file is small: it is the text that is too much
    with pytest.raises(InputError, match="long.docx: .*too large for a page"):
        read_page(docx)
    html = tmp_path / "long.html"
    html.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="long.html: .*too large for a page"):
        read_page(html)
    # Just under the limit is a page.
    docx_package(tmp_path / "ok.docx", paragraphs[: len(paragraphs) // 2])
    assert read_page(tmp_path / "ok.docx").articles


def test_docx_text_boxes_tables_and_styles_are_read_as_before(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("市政府召开常务会议", style="Heading 1")
    document.add_paragraph(PARAGRAPH)
    table = document.add_table(rows=2, cols=2)
    table.rows[1].cells[1].text = "表格里的一句话。"
    document.add_picture  # noqa: B018  (pictures are media parts: never read)
    document.save(str(tmp_path / "t.docx"))
    article = read_page(tmp_path / "t.docx").articles[0]
    assert article.headline.zh == "市政府召开常务会议"
    assert [p.zh for p in article.paragraphs] == [PARAGRAPH.replace(",", "，"), "表格里的一句话。"]


@pytest.mark.parametrize("depth", [255, 1000])
def test_deeply_nested_html_is_read(tmp_path, depth):
    page = tmp_path / f"deep-{depth}.html"
    page.write_text("<html><head><title>夜游湘江</title></head><body>" + "<div>" * depth
                    + f"<p>{PARAGRAPH}</p><p>第二段也在这里。</p>" + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    article = read_page(page).articles[0]
    assert [p.zh for p in article.paragraphs] == [PARAGRAPH, "第二段也在这里。"]


def test_html_nested_beyond_what_the_parser_reads_is_refused_clearly(tmp_path):
    page = tmp_path / "abyss.html"
    page.write_text("<html><body>" + "<div>" * 5000 + f"<p>{PARAGRAPH}</p>" + "</div>" * 5000 + "</body></html>",
                    encoding="utf-8")
    with pytest.raises(InputError, match="abyss.html:1: HTML nested too deeply"):
        read_page(page)


def test_the_html_reader_is_linear(tmp_path):
    # CPU time of this process, the best of three, without the collector: other processes on the machine
    # (the suite runs two) do not make it look quadratic.
    def seconds(paragraphs: int) -> float:
        text = "<html><body><div>" + "".join(f"<p>第{i}段文字。</p>" for i in range(paragraphs)) + "</div></body></html>"
        best = float("inf")
        for _ in range(3):
            gc.collect()
            gc.disable()
            try:
                started = time.process_time()
                blocks = blocks_from_html(text, tmp_path / "p.html")
                best = min(best, time.process_time() - started)
            finally:
                gc.enable()
        assert len(blocks) == paragraphs
        return best

    small, large = seconds(8000), seconds(32000)
    assert large < 2.0, large  # 16,000 paragraphs took 6 s when quadratic
    assert large / small < 7, (small, large)  # four times the page: about four times the time (quadratic: 16)


@pytest.mark.parametrize("name,content,words", [
    ("english.txt", "City News\n\nCitizens walked in the park. The weather was fine.\n", "no Chinese text"),
    ("marks.txt", "。，、！？\n\n……——\n", "no Chinese text"),
    ("title-only.html", "<html><head><title>夜游湘江</title></head><body></body></html>", "no article text"),
    ("no-body.html", "<html><head><title>夜游湘江</title><meta charset='utf-8'></head></html>", "no article text"),
])
def test_a_page_with_no_chinese_text_is_an_error_not_an_empty_edition(tmp_path, name, content, words):
    page = tmp_path / name
    page.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=f"{name}: {words}"):
        read_page(page)


def test_control_characters_are_reported_with_their_line_and_removed(tmp_path):
    page = tmp_path / "esc.txt"
    page.write_text(f"衡阳晚报\n\n{PARAGRAPH}\n\n市民在\x1b[31m公园\x07散步。\n\n第二段\ufffe文字。\n", encoding="utf-8")
    edition = read_page(page)
    warnings = [(w.line, w.message) for w in edition.warnings if w.code == "control-char"]
    assert [line for line, _ in warnings] == [5, 7]
    assert "U+001B, U+0007" in warnings[0][1] and "U+FFFE" in warnings[1][1]
    text = "".join(s.zh for s in edition.segments())
    assert "\x1b" not in text and "\x07" not in text and "\ufffe" not in text and "[31m公园散步" in text


def test_the_docx_writer_never_crashes_on_characters_xml_cannot_hold(tmp_path):
    from bilingual.model import Article, Edition, Paragraph, Segment
    from bilingual.write.docx import write_docx

    edition = Edition(source="esc.txt", encoding="utf-8", articles=[Article(
        id="a", headline=Segment(id="h", zh="标题\x1b", en="Title\x1b"),
        paragraphs=[Paragraph(id="p", segments=[Segment(id="s", zh="市民\x00在\ufffe公园。", en="People\x0b walked.")])])])
    path = write_docx(edition, tmp_path / "esc.zh-en.docx")
    import docx

    text = "\n".join(c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)
    assert "市民在公园。" in text and "People walked." in text


def test_decode_errors_point_at_the_first_bad_byte_of_the_detected_encoding(tmp_path):
    lines = ["衡阳晚报", "", "市民在公园散步，天气很好。", "", "第二段文字很好。"]
    utf8 = tmp_path / "utf8.txt"
    data = "\n".join(lines).encode("utf-8")
    utf8.write_bytes(data.replace("第二段".encode(), "第二".encode() + b"\xff\xfe" + "段".encode()))
    with pytest.raises(InputError) as caught:
        read_page(utf8)
    offset = data.index("第二段".encode()) + len("第二".encode())
    assert caught.value.line == 5
    assert f"looks like UTF-8, but byte 0xff at offset {offset} (line 5, byte 7 of the line)" in str(caught.value)
    gbk = tmp_path / "gbk.txt"
    data = "\n".join(lines).encode("gb18030")
    gbk.write_bytes(data.replace("第二段".encode("gb18030"), b"\xff" + "第二段".encode("gb18030")))
    with pytest.raises(InputError, match=r"gbk.txt:5: cannot decode: looks like GB18030, but byte 0xff at offset"):
        read_page(gbk)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le"])
def test_a_page_cut_inside_its_last_character_is_read_with_a_warning(tmp_path, encoding):
    text = "衡阳晚报\n\n市民在公园散步，天气很好。\n\n第二段文字很好"
    page = tmp_path / f"cut-{encoding}.txt"
    data = text.encode(encoding)
    page.write_bytes((b"\xff\xfe" if encoding == "utf-16-le" else b"") + data[:-1])
    edition = read_page(page)
    cut = [w for w in edition.warnings if w.code == "cut-off"]
    assert len(cut) == 1 and cut[0].line == 5 and "cut off" in cut[0].message
    assert "".join(s.zh for s in edition.segments()).endswith("第二段文字很")


def test_a_name_with_a_newline_or_not_utf8_is_written_escaped(tmp_path):
    for raw in (b"two\nlines.txt", b"\xba\xe2\xd1\xf4.txt"):  # the second: a GBK name, as a Windows zip leaves
        path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), raw)))
        path.write_text(f"衡阳晚报\n\n{PARAGRAPH}\n", encoding="utf-8")
        edition = read_page(path)
        json.dumps(edition.to_json(), ensure_ascii=False).encode("utf-8")  # writable as UTF-8
        assert "\n" not in edition.source and edition.stem in ("two\\nlines", "\\xba\\xe2\\xd1\\xf4")


def test_a_fifo_is_still_read_where_a_stream_is_expected(tmp_path):
    """`translate-text <(pdftotext ...)` reads a pipe: only pages must be regular files."""
    import threading

    from bilingual.files import read_input_bytes

    fifo = tmp_path / "lines"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes("市民在公园散步。\n".encode()), daemon=True)
    writer.start()
    assert read_input_bytes(fifo, "text").decode() == "市民在公园散步。\n"
    writer.join(timeout=10)
    with pytest.raises(InputError, match="more than 1000 bytes: too large for a text"):
        read_input_bytes("/dev/zero", "text", limit=1000)
