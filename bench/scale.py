"""Benchmark the batch on Ray against the local pool: the same pages, --jobs 1, --jobs 2, --executor ray (2 actors).

    .venv/bin/python bench/scale.py [--pages 40] [--model-pages 8] [--rounds 2] [--work DIR]

Two engines:
  gloss   the dictionary engine, pages varied from the seed (json+docx): the per-page cost is reading,
          glossing and writing, so Ray's per-page overhead shows most here
  model   the random-weight Transformer of the real Argos size (6+6 layers, d512, FFN 2048, vocabulary
          50,000, int8; built by tests/engines/conftest.py as bench/translate.py builds it), installed as a
          real .argosmodel; pages of distinct sentences (json): decoding is nearly all the cost

Every run goes through the CLI in a fresh process (`python -m bilingual translate`, as a user runs it) into an
empty output folder; rounds are interleaved (the cores may be shared with other work) and each configuration's
best round is kept. A Ray run starts its own local Ray runtime (2 CPUs here: one actor per CPU); the CLI
says how long importing Ray, starting the runtime and stopping it took, and that is printed apart and taken
out of Ray's pages/s (a cluster is started once for many batches), while actor start-up (a process, the
engine loaded) stays in, as the local pool's worker start-up does. Ray's end-to-end figure is printed too.

Printed, per engine: pages/s of each configuration; Ray ÷ local --jobs 2 (target >= 0.9 on one machine, where
Ray's only cost is its overhead); Ray's start-up time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"
BUILDER = ROOT / "tests" / "engines" / "conftest.py"
CONFIGS = {"jobs 1": ["--jobs", "1"], "jobs 2": ["--jobs", "2"], "ray 2 actors": ["--executor", "ray", "--jobs", "2"]}
STARTED = re.compile(r"Ray imported in ([0-9.]+) s, its runtime started in ([0-9.]+) s and stopped in ([0-9.]+) s")


def gloss_pages(folder: Path, count: int, rng: random.Random) -> None:
    """Pages varied from the seed, made as bench/batch.py makes them (without its bad pages)."""
    spec = importlib.util.spec_from_file_location("bench_batch", Path(__file__).with_name("batch.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.varied_pages(folder, count, rng)


def model_pages(folder: Path, count: int, per_page: int, rng: random.Random) -> None:
    """Pages of distinct sentences made from the seed's clauses (no memory hit, in any configuration)."""
    text = SEED.read_text(encoding="utf-8")
    clauses = [c.strip(" #") for c in re.split(r"[，,。！？；\n]", text) if len(c.strip(" #")) >= 4]
    seen: set[str] = set()
    folder.mkdir(parents=True)
    for i in range(count):
        sentences = []
        while len(sentences) < per_page:
            sentence = "，".join(rng.sample(clauses, rng.randint(1, 2))) + "。"
            if sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
        paragraphs = ["。".join(sentences[j:j + 3]) for j in range(0, per_page, 3)]
        (folder / f"page-{i:03d}.txt").write_text(f"衡阳晚报第{i}号\n\n" + "\n\n".join(paragraphs) + "\n",
                                                 encoding="utf-8")


def build_model(work: Path, env: dict) -> Path:
    """Install the random-weight Argos-size package into a data dir of its own; return the data dir."""
    spec = importlib.util.spec_from_file_location("argos_package_builder", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    archive = work / "translate-zh_en-bench.argosmodel"
    if not archive.exists():
        built = module.build_random_argos_package(work / "build", num_layers=6, d_model=512, ffn=2048, num_heads=8,
                                                  model_vocab_size=50_000, quantization="int8",
                                                  package_version="bench")
        built.rename(archive)
    data_dir = work / "data"
    subprocess.run([sys.executable, "-m", "bilingual", "model", "install", str(archive), "--data-dir", str(data_dir)],
                   cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return data_dir


def run(pages: Path, out: Path, engine_args: list[str], config: list[str], env: dict) -> tuple[float, float | None]:
    """One batch through the CLI: (wall seconds, Ray's start-up and shutdown seconds or None)."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bilingual", "translate", str(pages), "--out", str(out),
                           *engine_args, *config], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(config)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    match = STARTED.search(proc.stderr)
    return wall, sum(map(float, match.groups())) if match else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=40, help="gloss pages (json+docx)")
    ap.add_argument("--model-pages", type=int, default=8, help="pages for the random-weight model (json)")
    ap.add_argument("--sentences", type=int, default=6, help="sentences on each model page")
    ap.add_argument("--rounds", type=int, default=2, help="interleaved rounds; each configuration's best is kept")
    ap.add_argument("--engines", default="gloss,model")
    ap.add_argument("--work", type=Path, default=None, help="keep the built model here (reused if present)")
    args = ap.parse_args(argv)

    rng = random.Random(7)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-scale-run-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0", "COLUMNS": "200",
           "ARGOS_PACKAGES_DIR": str(work / "argos-packages"), "XDG_CONFIG_HOME": str(scratch / "config")}
    engines = {}
    if "gloss" in args.engines:
        gloss_pages(scratch / "gloss-pages", args.pages, rng)
        engines["gloss"] = (scratch / "gloss-pages", args.pages, ["--engine", "gloss", "--format", "json,docx"])
    if "model" in args.engines:
        t = time.perf_counter()
        data_dir = build_model(work, env)
        print(f"model: random-weight Transformer base int8 (6+6, d512, FFN 2048, vocab 50,000), built/installed in "
              f"{time.perf_counter() - t:.0f} s")
        model_pages(scratch / "model-pages", args.model_pages, args.sentences, rng)
        engines["model"] = (scratch / "model-pages", args.model_pages,
                            ["--engine", "argos", "--data-dir", str(data_dir), "--format", "json"])
    print(f"{os.cpu_count()} cores; rounds: {args.rounds}; every run a fresh CLI process into an empty folder")

    best: dict[tuple[str, str], tuple[float, float | None]] = {}
    for round_ in range(args.rounds):
        for engine, (pages, _, engine_args) in engines.items():
            for name, config in CONFIGS.items():
                wall, startup = run(pages, scratch / "out", engine_args, config, env)
                net = wall - (startup or 0.0)
                print(f"  round {round_ + 1} {engine:5s} {name:13s} {wall:6.1f} s wall"
                      + (f" ({startup:.1f} s importing, starting and stopping Ray)" if startup is not None else ""),
                      flush=True)
                key = (engine, name)
                if key not in best or net < best[key][0] - (best[key][1] or 0.0):
                    best[key] = (wall, startup)

    for engine, (_, count, _) in engines.items():
        rates = {}
        print(f"{engine}: {count} pages")
        for name in CONFIGS:
            wall, startup = best[(engine, name)]
            rates[name] = count / (wall - (startup or 0.0))
            extra = ""
            if startup is not None:
                extra = f" (start-up taken out; {count / wall:.2f} pages/s with Ray's {startup:.1f} s start and stop)"
            print(f"  {name:13s} {rates[name]:6.2f} pages/s{extra}")
        ray_name = "ray 2 actors"
        print(f"  Ray ÷ local --jobs 2: {rates[ray_name] / rates['jobs 2']:.2f} (target >= 0.9); "
              f"--jobs 2 ÷ --jobs 1: {rates['jobs 2'] / rates['jobs 1']:.2f}; "
              f"Ray start-up (import, start, stop) {best[(engine, ray_name)][1]:.1f} s")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
