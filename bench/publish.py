"""Bench the publishing writers on a 100-page side-by-side edition.

The edition repeats the seed page's articles with a fake English translation (no
engine needed: writers never translate), sized to reach the target page count.
Prints PDF render time and file size (targets: <= 10 s, <= 2 MB) and DOCX build time.
A long edition is rendered in parts on all cores (bilingual.write.pdf_parts); the bench
also renders it on one process (WriteOptions(pdf_jobs=1)) in the same run and prints the ratio.

    .venv/bin/python bench/publish.py [--pages 100] [--out DIR]
"""

from __future__ import annotations

import argparse
import copy
import math
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual.config import usable_cpus  # noqa: E402
from bilingual.model import Edition  # noqa: E402
from bilingual.signature import Signature  # noqa: E402
from bilingual.write import WriteOptions  # noqa: E402
from bilingual.write.docx import write_docx  # noqa: E402
from bilingual.write.pdf import write_pdf  # noqa: E402

SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
WORDS = ("the city council said that work on the new project will continue through the year while "
         "officials from both regions agreed to deepen cooperation in industry culture and tourism").split()


def seed_edition() -> Edition:
    """The seed page as the reader sees it, or as plain text when the reader is not built yet."""
    from bilingual.config import Config
    from bilingual.pipeline import Pipeline

    return Pipeline(Config()).read(SEED)


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
    edition.signature = Signature(engine="bench", model="fake", glossary="none", tool="bench")
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


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (the PDF workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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

    from bilingual.write.pdf_parts import plan_parts

    parts, jobs = len(plan_parts(edition, options.layout)), usable_cpus()
    t, cpu = time.perf_counter(), cpu_seconds()
    pdf = write_pdf(edition, out / "bench.zh-en.pdf", options)
    pdf_seconds, pdf_cpu = time.perf_counter() - t, cpu_seconds() - cpu
    pages = pdf_pages(pdf)
    size_mb = pdf.stat().st_size / 1e6

    # The same edition on one process, for the ratio (same parts, same pages: only the pool differs).
    t = time.perf_counter()
    one = write_pdf(edition, out / "one-process.zh-en.pdf", replace(options, pdf_jobs=1))
    one_seconds = time.perf_counter() - t
    same = pdf_pages(one) == pages

    t, cpu = time.perf_counter(), cpu_seconds()
    docx = write_docx(edition, out / "bench.zh-en.docx", options)
    docx_seconds, docx_cpu = time.perf_counter() - t, cpu_seconds() - cpu

    print(f"edition: {copies} copies of {len(base.articles)} seed articles, {segments} segments")
    # CPU time (this process and its workers) beside wall time: on a shared machine the wall clock
    # also measures the neighbours.
    print(f"PDF  side-by-side: {pages} pages in {pdf_seconds:.1f} s wall, {pdf_cpu:.1f} s CPU, {parts} parts "
          f"on {min(jobs, parts)} processes ({pdf_seconds / pages * 1000:.0f} ms/page; target <= 10 s) "
          f"{'OK' if pdf_seconds <= 10 else 'SLOW'}")
    print(f"PDF  on one process: {one_seconds:.1f} s wall; parts on {min(jobs, parts)} processes are "
          f"{one_seconds / pdf_seconds:.2f}x faster{'' if same else ' (PAGE COUNTS DIFFER)'}")
    print(f"PDF  size: {size_mb:.2f} MB (target <= 2 MB) {'OK' if size_mb <= 2 else 'TOO BIG'}")
    print(f"DOCX build: {docx_seconds:.1f} s wall, {docx_cpu:.1f} s CPU, {docx.stat().st_size / 1e6:.2f} MB")
    print(f"files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
