"""Benchmark glossary matching: 1 MB of Chinese against 10,000 terms.

    .venv/bin/python bench/glossary.py [--terms 10000] [--megabytes 1]

The terms are the shipped glossary plus multi-character words from jieba's
dictionary (deterministic: every n-th word), each given a made-up English; the
text is the seed page repeated to the requested size (UTF-8 bytes). Printed:
the Aho-Corasick automaton's build time, matching speed in MB/s (glossary.match
over one sentence at a time, as the terms stage does, and over the whole text
at once), matches found, jieba's one-off load, and the time of find_terms on the seed page.
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


def dictionary_words(count: int) -> list[str]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = [line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if 2 <= len(w) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    step = max(1, len(words) // max(count, 1))
    return words[::step][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()

    from bilingual.terms.glossary import Glossary, Term, load_glossary

    shipped = load_glossary()
    extra = dictionary_words(args.terms - len(shipped.terms))
    terms = list(shipped.terms) + [Term(w, f"term {i}", "term") for i, w in enumerate(extra)]

    page = SEED.read_text(encoding="utf-8")
    sentences_one = [s for s in re.split(r"(?<=[。！？；\n])", page) if s.strip()]
    target = int(args.megabytes * 1_000_000)
    sentences, size = [], 0
    while size < target:
        for s in sentences_one:
            sentences.append(s)
            size += len(s.encode("utf-8"))
            if size >= target:
                break
    text = "".join(sentences)
    megabytes = len(text.encode("utf-8")) / 1_000_000

    glossary = Glossary(terms)
    start = time.perf_counter()
    _ = glossary.automaton
    built = time.perf_counter() - start

    # The first match loads jieba's dictionary (for the word-boundary check of two-character terms).
    start = time.perf_counter()
    glossary.match("推动城市长远发展")
    jieba_load = time.perf_counter() - start

    start = time.perf_counter()
    per_sentence = sum(len(glossary.match(s)) for s in sentences)
    sentence_time = time.perf_counter() - start

    start = time.perf_counter()
    whole = len(glossary.match(text))
    whole_time = time.perf_counter() - start

    from bilingual.pipeline import Config, read_edition
    from bilingual.stages.terms import find_terms

    edition = read_edition(SEED, Config())
    find_terms(edition, shipped)  # warm: jieba's dictionary loads on the first name lookup
    edition = read_edition(SEED, Config())
    start = time.perf_counter()
    find_terms(edition, shipped)
    stage_time = time.perf_counter() - start

    from bilingual.model import Article, Edition, Paragraph, Segment

    big = Edition(source="bench.txt", encoding="utf-8", paper="衡阳晚报", articles=[Article(
        id="a1", headline=Segment("a1-h", "标题"),
        paragraphs=[Paragraph("p1", [Segment(f"s{i}", s) for i, s in enumerate(sentences)])])])
    start = time.perf_counter()
    find_terms(big, glossary)
    big_stage_time = time.perf_counter() - start

    print(f"terms: {len(glossary.terms)} ({len(shipped.terms)} shipped + {len(extra)} from jieba's dictionary)")
    print(f"text: {megabytes:.2f} MB UTF-8, {len(text)} characters, {len(sentences)} sentences")
    print(f"automaton build: {built * 1000:.0f} ms")
    print(f"first match (loads jieba's dictionary once): {jieba_load * 1000:.0f} ms")
    print(f"match per sentence: {megabytes / sentence_time:.1f} MB/s ({per_sentence} matches, {sentence_time:.2f} s)")
    print(f"match whole text:   {megabytes / whole_time:.1f} MB/s ({whole} matches, {whole_time:.2f} s)")
    print(f"find_terms on the seed page (shipped glossary, names included): {stage_time * 1000:.0f} ms")
    print(f"find_terms on the {megabytes:.2f} MB text (10,000 terms, names included): "
          f"{megabytes / big_stage_time:.2f} MB/s ({big_stage_time:.2f} s)")


if __name__ == "__main__":
    main()
