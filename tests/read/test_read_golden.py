"""Golden files: a page read and segmented must give exactly the stored JSON.

Regenerate on purpose (after a deliberate change of the reader or segmenter, reviewing the diff):

    BILINGUAL_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/read/test_read_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bilingual.read import read_page
from bilingual.stages.segment import segment_edition

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = [ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_gives_its_golden_json(page):
    edition = segment_edition(read_page(page))
    edition.source = page.name  # the golden file must not depend on where the checkout lives
    got = json.dumps(edition.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    golden = GOLDEN / (page.stem + ".json")
    if os.environ.get("BILINGUAL_REGENERATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; regenerate with BILINGUAL_REGENERATE_GOLDEN=1"
    assert got == golden.read_text(encoding="utf-8")
