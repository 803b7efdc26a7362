"""Benchmark reading and segmenting: 1,000 pages made by varying the seed.

    .venv/bin/python bench/read.py [--pages 1000] [--traditional 50] [--profile]

Pages: the seed's articles in a shuffled order, paragraphs shuffled within each
article, numbers changed, column breaks moved to other places; 80% UTF-8, 10% GB18030,
10% UTF-16. Each page is read from disk (``read_page``) and split into sentences
(``segment_edition``). A separate, smaller set of the same pages converted to
traditional characters (Big5) is timed apart: OpenCC (pure Python) dominates them.

Printed: MB of Chinese text per second (the pages' text as UTF-8; target >= 2 MB/s),
sentences per second, the same for the traditional pages, peak RSS of the process and
tracemalloc's peak for one page.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"


def split_articles(text: str) -> list[list[str]]:
    """The seed as articles, each a list of blank-line-separated blocks (head blocks first)."""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]

    def is_kicker(i: int) -> bool:
        return (not blocks[i].startswith("#") and i + 1 < len(blocks) and blocks[i + 1].startswith("#")
                and not blocks[i].rstrip().endswith("。"))

    articles: list[list[str]] = []
    for i, block in enumerate(blocks):
        starts = is_kicker(i) or (block.startswith("#") and not (i > 0 and is_kicker(i - 1)))
        if starts or not articles:
            articles.append([block])
        else:
            articles[-1].append(block)
    return articles


def vary_page(articles: list[list[str]], rng: random.Random) -> str:
    order = articles[:]
    rng.shuffle(order)
    out = []
    for article in order:
        # Head blocks (kicker, headline, subtitle, byline) stay first; body paragraphs are shuffled whole
        # (a paragraph is the text between blocks that end a sentence, so breaks stay inside it).
        head_len = next(i for i, b in enumerate(article) if b.startswith("衡阳晚报讯")) + 1
        body = "\n\n".join(article[head_len:])
        paragraphs = [p for p in re.split(r"(?<=。)\n\n", body) if p]
        rng.shuffle(paragraphs)
        text = "\n\n".join(article[:head_len] + paragraphs)
        text = re.sub(r"\d+", lambda m: str(rng.randint(1, 2000)), text)
        # Move a column break: cut one long line in two at a random place.
        lines = text.split("\n")
        long_lines = [i for i, line in enumerate(lines) if len(line) > 60]
        if long_lines:
            i = rng.choice(long_lines)
            cut = rng.randint(10, len(lines[i]) - 10)
            lines[i] = lines[i][:cut] + "\n\n" + lines[i][cut:]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def make_pages(folder: Path, count: int, traditional_count: int, seed: int = 7) -> list[tuple[Path, bool]]:
    from bilingual.read.encoding import converter

    rng = random.Random(seed)
    articles = split_articles(SEED.read_text(encoding="utf-8"))
    pages = []
    for n in range(count + traditional_count):
        text = vary_page(articles, rng)
        traditional = n >= count
        if traditional:
            text = converter("s2tw").convert(text)
            data = text.encode("big5", errors="ignore")
        else:
            r = rng.random()
            data = text.encode("utf-8" if r < 0.8 else "gb18030" if r < 0.9 else "utf-16")
        path = folder / f"page-{n:04d}-2023-08-19.txt"
        path.write_bytes(data)
        pages.append((path, traditional))
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--traditional", type=int, default=50, help="traditional (Big5) pages, timed apart")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the run")
    args = parser.parse_args()

    from bilingual.read import read_page
    from bilingual.stages.segment import segment_edition

    with tempfile.TemporaryDirectory() as tmp:
        pages = make_pages(Path(tmp), args.pages, args.traditional)
        # Warm up once (imports, OpenCC and jieba dictionaries load lazily): steady state is what we measure.
        for path, _ in pages[:20] + [p for p in pages if p[1]][:1]:
            segment_edition(read_page(path))

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        # bytes of text, sentences, wall seconds, CPU seconds (the machine is shared: CPU time is steadier)
        totals = {False: [0, 0, 0.0, 0.0], True: [0, 0, 0.0, 0.0]}
        started = time.perf_counter()
        for path, traditional in pages:
            t0, c0 = time.perf_counter(), time.process_time()
            edition = segment_edition(read_page(path))
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            text_bytes = sum(len(s.zh.encode("utf-8")) for s in edition.segments())
            total = totals[traditional]
            total[0] += text_bytes
            total[1] += sum(1 for _ in edition.segments())
            total[2] += elapsed
            total[3] += cpu
        wall = time.perf_counter() - started
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)

        tracemalloc.start()
        segment_edition(read_page(pages[0][0]))
        _, page_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    print(f"pages: {args.pages} varied seed pages + {args.traditional} traditional, wall {wall:.2f} s")
    for label, key in ((f"{args.pages} seed pages:", False), (f"{args.traditional} traditional:", True)):
        b, n, s, cpu = totals[key]
        if s:
            print(f"{label:18s} {b / 1e6 / s:6.2f} MB of Chinese text/s wall, {b / 1e6 / cpu:6.2f} MB/s CPU "
                  f"({b / 1e6:.1f} MB in {s:.2f} s, {n / s:,.0f} sentences/s)"
                  + ("  target >= 2 MB/s" if not key else ""))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {rss:.0f} MB; tracemalloc peak for one page: {page_peak / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
