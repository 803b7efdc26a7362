"""The pages bench/read.py makes are real variations of the seed: four articles, same heads."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bilingual.read import read_page

BENCH = Path(__file__).resolve().parents[2] / "bench" / "read.py"


def test_bench_pages_are_varied_seed_pages(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_read", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    seed = read_page(bench.SEED)
    expected = sorted(a.headline.zh for a in seed.articles)
    pages = bench.make_pages(tmp_path, 6, 2)
    encodings = set()
    for path, traditional in pages:
        edition = read_page(path)
        encodings.add(edition.encoding)
        assert len(edition.articles) == 4
        assert edition.script == ("traditional" if traditional else "simplified")
        if not traditional:
            assert sorted(a.headline.zh for a in edition.articles) == expected
    assert "big5" in encodings
