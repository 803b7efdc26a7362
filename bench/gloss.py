"""Benchmark the dictionary gloss engine on the seed page.

    .venv/bin/python bench/gloss.py [--repeat 20]

Printed: CC-CEDICT parse time, jieba start-up, the first gloss of the whole seed
(cold sense choice), then sentences per second over ``--repeat`` passes, and the
share of output lines that still hold a Chinese character (must be 0).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    sentences = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.lstrip("#").strip()
        sentences.extend(s for s in re.split(r"(?<=[。！？；])", line) if s.strip())

    start = time.perf_counter()
    from bilingual.engines.gloss import CJK_CHAR, GlossEngine

    engine = GlossEngine()
    loaded = time.perf_counter()
    engine.gloss("预热")
    jieba_ready = time.perf_counter()
    first = [engine.gloss(s) for s in sentences]
    cold = time.perf_counter()
    for _ in range(args.repeat):
        engine.translate_batch(sentences)
    warm = time.perf_counter()

    chinese = sum(1 for line in first if CJK_CHAR.search(line))
    print(f"engine load (CC-CEDICT parse + override table): {loaded - start:.2f} s")
    print(f"jieba start-up: {jieba_ready - loaded:.2f} s")
    print(f"seed, first pass: {len(sentences)} sentences in {cold - jieba_ready:.3f} s")
    print(f"seed, warm: {len(sentences) * args.repeat / (warm - cold):.0f} sentences/s")
    print(f"output lines holding Chinese: {chinese}/{len(first)}")


if __name__ == "__main__":
    main()
