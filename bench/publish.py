"""Bench the publishing writers on a 100-page side-by-side edition.

The edition repeats the seed page's articles with a fake English translation (no
engine needed: writers never translate), sized to reach the target page count.
Prints PDF render time and file size (targets: <= 10 s, <= 2 MB) and DOCX build time.

    .venv/bin/python bench/publish.py [--pages 100] [--out DIR]
"""

from __future__ import annotations

import argparse
import copy
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual.model import Edition  # noqa: E402
from bilingual.write import WriteOptions  # noqa: E402
from bilingual.write.docx import write_docx  # noqa: E402
from bilingual.write.pdf import write_pdf  # noqa: E402

SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
WORDS = ("the city council said that work on the new project will continue through the year while "
         "officials from both regions agreed to deepen cooperation in industry culture and tourism").split()


def seed_edition() -> Edition:
    """The seed page as the reader sees it, or as plain text when the reader is not built yet."""
    try:
        from bilingual.pipeline import Config, read_edition

        return read_edition(SEED, Config())
    except ImportError:
        from bilingual.stages.align import plain_chinese_edition

        return plain_chinese_edition(SEED.read_text(encoding="utf-8"), str(SEED))


def fake_translate(edition: Edition) -> Edition:
    """English about three times the Chinese length, as real translations run."""
    for n, seg in enumerate(edition.segments()):
        length = max(12, 3 * len(seg.zh))
        words, i = [], n
        while sum(len(w) + 1 for w in words) < length:
            words.append(WORDS[i % len(WORDS)])
            i += 7
        seg.en = " ".join(words).capitalize() + "."
        seg.engine = "bench"
    edition.signature = {"engine": "bench", "model": "fake", "glossary": "none", "tool": "bench"}
    return edition


def repeated(edition: Edition, copies: int) -> Edition:
    big = copy.deepcopy(edition)
    big.articles = []
    for c in range(copies):
        for article in edition.articles:
            clone = copy.deepcopy(article)
            clone.id = f"{article.id}-c{c}"
            big.articles.append(clone)
    return big


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bilingual-bench-"))
    base = fake_translate(seed_edition())
    options = WriteOptions(layout="side-by-side")

    # Warm up fonts and templates, and measure pages per copy of the page (two copies: less rounding).
    write_pdf(repeated(base, 2), out / "two.pdf", options)
    per_copy = pdf_pages(out / "two.pdf") / 2
    copies = max(1, math.ceil(args.pages / per_copy))
    edition = repeated(base, copies)
    segments = sum(1 for _ in edition.segments())

    t, cpu = time.perf_counter(), time.process_time()
    pdf = write_pdf(edition, out / "bench.zh-en.pdf", options)
    pdf_seconds, pdf_cpu = time.perf_counter() - t, time.process_time() - cpu
    pages = pdf_pages(pdf)
    size_mb = pdf.stat().st_size / 1e6

    t, cpu = time.perf_counter(), time.process_time()
    docx = write_docx(edition, out / "bench.zh-en.docx", options)
    docx_seconds, docx_cpu = time.perf_counter() - t, time.process_time() - cpu

    print(f"edition: {copies} copies of {len(base.articles)} seed articles, {segments} segments")
    # CPU time alongside wall time: on a shared machine the wall clock also measures the neighbours.
    print(f"PDF  side-by-side: {pages} pages in {pdf_seconds:.1f} s wall, {pdf_cpu:.1f} s CPU "
          f"({pdf_seconds / pages * 1000:.0f} ms/page; target <= 10 s) {'OK' if pdf_seconds <= 10 else 'SLOW'}")
    print(f"PDF  size: {size_mb:.2f} MB (target <= 2 MB) {'OK' if size_mb <= 2 else 'TOO BIG'}")
    print(f"DOCX build: {docx_seconds:.1f} s wall, {docx_cpu:.1f} s CPU, {docx.stat().st_size / 1e6:.2f} MB")
    print(f"files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
