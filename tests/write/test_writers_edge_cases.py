"""Every publishing writer on awkward editions: no articles, nothing translated, a read-only folder."""

from __future__ import annotations

import json
import zipfile

import lxml.html
import pytest
from lxml import etree

from bilingual.config import WriteOptions
from bilingual.errors import OutputError
from bilingual.model import Edition
from bilingual.write import WRITERS

PUBLISHING = ("json", "docx", "pdf", "html", "tmx", "xliff")


def assert_valid(fmt: str, path) -> None:
    """The file parses as what it claims to be."""
    data = path.read_bytes()
    if fmt == "json":
        assert "articles" in json.loads(data)
    elif fmt == "docx":
        assert "word/document.xml" in zipfile.ZipFile(path).namelist()
    elif fmt == "pdf":
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    elif fmt == "html":
        assert lxml.html.fromstring(data).tag == "html"
    else:
        etree.fromstring(data)  # well-formed XML


@pytest.mark.parametrize("fmt", PUBLISHING)
def test_empty_edition_still_gives_a_valid_file(tmp_path, fmt):
    edition = Edition(source="blank.txt", encoding="utf-8")
    path = WRITERS[fmt].write(edition, tmp_path / f"blank{WRITERS[fmt].suffix}", WriteOptions(layout="english"))
    assert_valid(fmt, path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


@pytest.mark.parametrize("fmt", ("docx", "html", "tmx", "xliff"))
def test_untranslated_edition(tmp_path, fmt, make_edition):
    edition = make_edition()
    for seg in edition.segments():
        seg.en, seg.engine = None, None
    edition.signature = None
    path = WRITERS[fmt].write(edition, tmp_path / f"u{WRITERS[fmt].suffix}", WriteOptions())
    assert_valid(fmt, path)
    if fmt in ("html", "xliff"):  # the Chinese is there even with no English
        assert next(edition.segments()).zh in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ("docx", "tmx"))
def test_unwritable_place_is_a_one_line_output_error(tmp_path, fmt, make_edition):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(OutputError) as err:
        WRITERS[fmt].write(make_edition(), blocker / f"x{WRITERS[fmt].suffix}", WriteOptions())
    assert "not-a-folder" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("fmt", ("docx", "html"))
def test_an_untitled_article_has_no_empty_heading(tmp_path, fmt, make_edition):
    from docx import Document

    edition = make_edition()
    edition.articles[1].headline.zh, edition.articles[1].headline.en = "", ""
    path = WRITERS[fmt].write(edition, tmp_path / f"t{WRITERS[fmt].suffix}", WriteOptions())
    if fmt == "html":
        h1s = lxml.html.fromstring(path.read_bytes()).xpath("//h1")
        assert len(h1s) == 1 and h1s[0].text_content().strip()
    else:
        headings = [p for p in Document(str(path)).paragraphs if p.style.name == "Heading 1"]
        assert len(headings) == 1 and headings[0].text.strip()
