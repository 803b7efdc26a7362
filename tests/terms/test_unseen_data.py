"""Integrity of the unseen-pages yardstick in tests/terms/data/unseen/.

These checks look only at the data: every expected row is well formed and its Chinese occurs verbatim in
its page. They do not run the translator; a scoring test can rely on the files being sound.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "unseen"
KINDS = {"title", "org", "place", "person", "slogan", "term", "dateline"}
HEADER = ["zh", "en", "variants", "kind"]
PAGES = sorted(DATA.glob("*.txt"))


def _rows(tsv: Path) -> list[list[str]]:
    lines = tsv.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{tsv.name}: no final newline"
    return [line.split("\t") for line in lines[:-1]]


def test_there_are_eight_pages_each_with_expectations():
    assert len(PAGES) == 8
    for page in PAGES:
        assert page.with_name(page.stem + ".expected.tsv").is_file(), page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_size(page):
    text = page.read_text(encoding="utf-8")
    assert 600 <= len(re.findall(r"[\u4e00-\u9fff]", text)) <= 2000


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_expected_rows_are_well_formed_and_occur_in_the_page(page):
    text = page.read_text(encoding="utf-8")
    rows = _rows(page.with_name(page.stem + ".expected.tsv"))
    assert rows[0] == HEADER
    body = rows[1:]
    assert 40 <= len(body) <= 90
    seen = set()
    for row in body:
        assert len(row) == 4, row
        zh, en, variants, kind = row
        assert zh and zh not in seen, f"duplicate or empty zh: {zh!r}"
        seen.add(zh)
        assert zh in text, f"{zh!r} does not occur in {page.name}"
        assert kind in KINDS, row
        assert en and en == en.strip(), row
        assert all(v.strip() for v in variants.split("|")) if variants else True, row
        assert not re.search(r"[\u4e00-\u9fff]", en + variants), row
