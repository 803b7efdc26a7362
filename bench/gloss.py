"""Benchmark the gloss engine: chrF against the reference set, rule family by rule family, and speed.

    .venv/bin/python bench/gloss.py [--anchor REF] [--repeat 5] [--show N]

Every reference sentence (``bench/data/gloss-reference.tsv``) goes through the real pipeline
(glossary terms and names protected as placeholders, then restored), once per rung of a
ladder: the anchor (the gloss engine as it was at git ``REF``, before the transfer rules,
run from an archive of that commit in a subprocess), then today's engine with no rule
family, then with the families added one at a time in ``RULE_FAMILIES`` order.

Printed for each rung: chrF (sacrebleu) on the held-out sentences (even-numbered ids; the
rules were developed on the odd ones), on the development sentences and on all; and the
share of sentences in which the order checker (``bilingual.engines.gloss.checker``) finds
no construction left in Chinese order. Then the count of each construction found and left,
and sentences per second of the engine alone on what it is given (the protected reference
sentences and the seed page), anchor and today's, with their ratio (target >= 0.8).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "bench" / "data" / "gloss-reference.tsv"
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
# The last commit before the transfer rules: the gloss engine the rules are measured against.
ANCHOR = "3170e4f"


def read_references() -> list[dict[str, str]]:
    with open(REFERENCES, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def held_out(row: dict[str, str]) -> bool:
    return int(row["id"].split("-")[1]) % 2 == 0


def seed_sentences() -> list[str]:
    sentences = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.lstrip("#").strip()
        sentences.extend(s for s in re.split(r"(?<=[。！？；])", line) if s.strip())
    return sentences


def translate(engine, rows: list[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    """Each reference through the pipeline with ``engine``: its English and what the engine was given."""
    from bilingual.config import Config
    from bilingual.pipeline import Pipeline

    given: list[str] = []
    real = engine.translate_batch

    def recording(sentences, num_hypotheses=1):
        given.extend(sentences)
        return real(sentences, num_hypotheses)

    engine.translate_batch = recording
    pipeline = Pipeline(Config(engine="gloss", use_memory=False), engine=engine)
    outputs, inputs = [], []
    for row in rows:
        given.clear()
        outputs.append(pipeline.translate_lines([row["zh"]])[0])
        inputs.append(list(given))
    engine.translate_batch = real
    return outputs, inputs


def speed(engine, sentences: list[str], repeat: int) -> float:
    """Best sentences per second of ``engine.translate_batch`` over ``repeat`` passes (after a warm-up)."""
    engine.translate_batch(sentences)
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        engine.translate_batch(sentences)
        best = max(best, len(sentences) / (time.perf_counter() - start))
    return best


def worker(repeat: int) -> None:
    """Run inside the anchor's archive: translate the references, time the engine, print JSON."""
    from bilingual.engines.gloss import GlossEngine

    engine = GlossEngine()
    rows = read_references()
    outputs, inputs = translate(engine, rows)
    flat = [s for group in inputs for s in group] + seed_sentences()
    print(json.dumps({"outputs": outputs, "speed": [speed(engine, flat, 1) for _ in range(repeat)]}))


def run_anchor(ref: str, repeat: int) -> dict:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "bilingual", "glossary"],
                             check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        env = dict(os.environ, PYTHONPATH=folder)
        done = subprocess.run([sys.executable, __file__, "--worker", "--repeat", str(repeat)], env=env, cwd=folder,
                              check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def chrf(outputs: list[str], rows: list[dict[str, str]], keep) -> float:
    import sacrebleu  # the bench extra: pip install -e '.[bench]'

    pairs = [(o, r["en"]) for o, r in zip(outputs, rows) if keep(r)]
    return sacrebleu.corpus_chrf([o for o, _ in pairs], [[r for _, r in pairs]]).score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchor", default=ANCHOR, help="git commit of the engine to compare with")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes (the best counts)")
    parser.add_argument("--show", type=int, default=0, help="print N held-out sentences, anchor and today's")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.repeat)
        return
    sys.path.insert(0, str(ROOT))
    from bilingual.engines.gloss import GlossEngine
    from bilingual.engines.gloss.checker import CONSTRUCTIONS, chinese_order, find_constructions
    from bilingual.engines.gloss.reorder import RULE_FAMILIES

    rows = read_references()
    print(f"{len(rows)} reference sentences: {sum(map(held_out, rows))} held out (even ids), "
          f"{sum(not held_out(r) for r in rows)} for development (odd ids)")
    anchor = run_anchor(args.anchor, args.repeat)

    def score_line(label: str, outputs: list[str], clean: str) -> None:
        print(f"{label:<28} {chrf(outputs, rows, held_out):6.1f} {chrf(outputs, rows, lambda r: not held_out(r)):6.1f}"
              f" {chrf(outputs, rows, lambda r: True):6.1f}   {clean}")

    print(f"\n{'rung':<28} {'held':>6} {'dev':>6} {'all':>6}   no construction left in Chinese order")
    score_line(f"anchor {args.anchor}", anchor["outputs"], "-")
    found: Counter = Counter()
    left_by_rung: dict[str, Counter] = {}
    final_outputs: list[str] = []
    engine = None
    for n in range(len(RULE_FAMILIES) + 1):
        families = RULE_FAMILIES[:n]
        engine = GlossEngine(rules=families)
        outputs, inputs = translate(engine, rows)
        left: Counter = Counter()
        clean = 0
        for group in inputs:
            names = [name for sentence in group for name in chinese_order(*engine.analyse(sentence))]
            left.update(names)
            clean += not names
            if n == 0:
                found.update(name for sentence in group for name, *_ in find_constructions(engine.analyse(sentence)[0]))
        left_by_rung[families[-1] if families else "none"] = left
        label = "no rules" if n == 0 else f"+ {families[-1]}"
        score_line(label, outputs, f"{clean}/{len(rows)} = {clean / len(rows):.0%}")
        final_outputs = outputs

    print(f"\n{'construction':<14} {'found':>6} {'left (no rules)':>16} {'left (all rules)':>17}")
    for name in CONSTRUCTIONS:
        print(f"{name:<14} {found[name]:>6} {left_by_rung['none'][name]:>16} "
              f"{left_by_rung[RULE_FAMILIES[-1]][name]:>17}")

    seeds = seed_sentences()
    _, inputs = translate(engine, rows)
    flat = [s for group in inputs for s in group] + seeds
    today = max(speed(engine, flat, 1) for _ in range(args.repeat))
    before = max(anchor["speed"])
    print(f"\nengine alone, {len(flat)} sentences (protected references + seed page):")
    print(f"  anchor {before:.0f} sentences/s, today's {today:.0f} sentences/s, ratio {today / before:.2f}"
          " (target >= 0.80)")

    if args.show:
        shown = [i for i, r in enumerate(rows) if held_out(r)][:args.show]
        for i in shown:
            print(f"\n{rows[i]['id']}  {rows[i]['zh']}\n  anchor: {anchor['outputs'][i]}\n  today:  {final_outputs[i]}"
                  f"\n  ref:    {rows[i]['en']}")


if __name__ == "__main__":
    main()
