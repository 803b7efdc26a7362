"""Benchmark our overhead around an LLM: prompt building, answer parsing and verification, per sentence.

    .venv/bin/python bench/llm.py [--sentences 2000] [--batch 8]

The server is the tests' fake OpenAI-compatible server (tests/engines/fake_llm.py) on loopback,
answering at once, so what is measured is ours, not a model's. Sentences are distinct Chinese
sentences made from the seed page's clauses; the shipped glossary's terms and names are found in
them (the term stage), so prompts carry real glossary entries.

Printed:
  per sentence, the whole stage with the engine (protect, prompt, HTTP on loopback, parse, check,
  restore, verify, memory off) minus the time spent waiting on the server's answers
      -> our overhead per sentence                                   (target <= 5 ms)
  the same three steps timed alone (build_messages, parse_reply, check_english)
  and, for scale, the loopback round trip per request.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
FAKE = ROOT / "tests" / "engines" / "fake_llm.py"


def fake_llm_module():
    """tests/engines/fake_llm.py: one fake server for the tests and the bench."""
    spec = importlib.util.spec_from_file_location("fake_llm", FAKE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_sentences(count: int, seed: int = 3) -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    clauses = [c.strip(" #") for c in re.split(r"[，,。！？；\n]", text) if len(c.strip(" #")) >= 4]
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < count:
        sentence = "，".join(rng.sample(clauses, rng.randint(1, 3))) + "。"
        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=8, help="sentences per request (--llm-batch)")
    ap.add_argument("--concurrency", type=int, default=1,
                    help="requests in flight (1: no overlap, so waiting time is measured cleanly)")
    args = ap.parse_args(argv)

    from bilingual.engines.llm import LLMEngine, _Item, build_messages, check_english, parse_reply
    from bilingual.model import Article, Edition, Paragraph, Segment
    from bilingual.stages.terms import find_terms
    from bilingual.stages.translate import translate_edition
    from bilingual.terms.glossary import load_glossary

    sentences = make_sentences(args.sentences)
    glossary = load_glossary(None)
    paragraphs = [Paragraph(id=f"p{i}", segments=[Segment(id=f"s{i}", zh=s)]) for i, s in enumerate(sentences)]
    edition = find_terms(Edition(source="bench.txt", encoding="utf-8", articles=[
        Article(id="a", headline=Segment(id="h", zh="衡阳市党政代表团赴鄯善县考察"), paragraphs=paragraphs)]), glossary)
    hits = sum(len(s.terms) for s in edition.segments())
    print(f"{len(sentences)} sentences from the seed's clauses, {hits} glossary terms and names found in them; "
          f"batches of {args.batch}, {args.concurrency} request(s) in flight")

    fake_llm = fake_llm_module()
    with fake_llm.FakeLLM() as fake:
        engine = LLMEngine(fake.url, timeout=30, retries=2, concurrency=args.concurrency, batch_size=args.batch)
        waiting = [0.0]
        post = engine._post

        def timed_post(path, body):  # the time spent waiting on the server (sending, its work, receiving)
            started = time.perf_counter()
            try:
                return post(path, body)
            finally:
                waiting[0] += time.perf_counter() - started

        engine._post = timed_post
        started = time.perf_counter()
        translate_edition(edition, engine, glossary=glossary)
        total = time.perf_counter() - started
        requests = len(fake.requests)
    segments = list(edition.segments())
    assert all(s.en for s in segments), "every sentence answered"
    ours = (total - waiting[0]) / len(segments)
    print(f"stage with the LLM engine: {total:.2f} s for {len(segments)} sentences in {requests} requests; "
          f"{waiting[0]:.2f} s waiting on the server (loopback round trip {1000 * waiting[0] / requests:.1f} ms "
          "per request, the fake's own work included)")

    # The three steps alone, on the same batches.
    items = [_Item(i, s.text_key, tuple(dict.fromkeys((h.zh, h.en) for h in s.terms)), "标题")
             for i, s in enumerate(segments)]
    batches = [items[i:i + args.batch] for i in range(0, len(items), args.batch)]
    contents = []
    for batch in batches:
        payload = json.loads(build_messages(batch)[1]["content"])
        contents.append(json.dumps({"translations": [
            {"id": s["id"], "en": fake_llm.good_english(s["zh"], payload["glossary"])}
            for s in payload["sentences"]]}, ensure_ascii=False))
    t = time.perf_counter()
    for batch in batches:
        build_messages(batch)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    parsed = [parse_reply(c, len(b)) for c, b in zip(contents, batches)]
    parse_s = time.perf_counter() - t
    t = time.perf_counter()
    problems = sum(1 for b, p in zip(batches, parsed) for n, item in enumerate(b, 1) if check_english(item, p[n]))
    check_s = time.perf_counter() - t
    n = len(items)
    print(f"alone, per sentence: build_messages {1e6 * build_s / n:.0f} us, parse_reply {1e6 * parse_s / n:.0f} us, "
          f"check_english {1e6 * check_s / n:.0f} us ({problems} problems found in good answers)")
    print("ratios, this run:")
    print(f"  our overhead per sentence (stage total - waiting on the server) = {1000 * ours:.2f} ms"
          "   (target <= 5 ms)")
    print(f"  peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
