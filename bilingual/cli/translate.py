"""`bilingual translate` (batch) and `bilingual segment` (the model as JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import BilingualError, ExitStatus, InputError
from ..pipeline import DEFAULT_FORMATS, Config
from ..write import LAYOUTS, PAPERS, WRITERS, WriteOptions

PAGE_SUFFIXES = (".txt", ".docx", ".html", ".htm")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate pages into bilingual editions",
                       description="Translate newspaper pages (files, folders or globs) into bilingual editions.")
    p.add_argument("inputs", nargs="+", metavar="PATH", help="page files, folders of pages, or glob patterns")
    p.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    p.add_argument("--engine", choices=("auto", "argos", "gloss"), default="auto",
                   help="auto: the neural engine when a zh->en model is installed, else the dictionary gloss")
    p.add_argument("--format", dest="formats", default=",".join(DEFAULT_FORMATS),
                   help=f"comma-separated subset of: {', '.join(WRITERS)} (default: {','.join(DEFAULT_FORMATS)})")
    p.add_argument("--layout", choices=LAYOUTS, default="side-by-side")
    p.add_argument("--paper", choices=PAPERS, default="A4")
    p.add_argument("--glossary", type=Path, action="append", metavar="TSV",
                   help="glossary file or folder (repeatable; default: the shipped glossary/)")
    p.add_argument("--place", help="English place name for titles such as 市委书记 (default: from the page)")
    p.add_argument("--split-semicolons", action="store_true", help="also split long sentences at ；")
    p.set_defaults(run=run_translate)

    s = sub.add_parser("segment", help="read a page and print its document model")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true", help="print the model as JSON (the default)")
    s.add_argument("--split-semicolons", action="store_true")
    s.set_defaults(run=run_segment)


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Files as given; folders to the pages inside them; glob patterns expanded. Order kept, no repeats."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if any(ch in item for ch in "*?["):
            matches = sorted(Path().glob(item)) if not path.is_absolute() else sorted(
                Path(path.anchor).glob(str(path.relative_to(path.anchor))))
            if not matches:
                raise InputError("no file matches this pattern", item)
            found.extend(m for m in matches if m.is_file())
        elif path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES))
        else:
            found.append(path)  # a missing file is reported by the reader, with the others still processed
    seen: set[Path] = set()
    return [p for p in found if not (p.resolve() in seen or seen.add(p.resolve()))]


def config_from_args(args: argparse.Namespace) -> Config:
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        from ..errors import UsageError

        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join(WRITERS)}")
    return Config(out_dir=args.out, engine=args.engine, glossary_paths=args.glossary, formats=formats,
                  write=WriteOptions(layout=args.layout, paper=args.paper), place=args.place,
                  split_semicolons=args.split_semicolons)


def run_translate(args: argparse.Namespace) -> int:
    from ..engines import load_engine
    from ..pipeline import translate_file
    from ..terms.glossary import load_glossary

    config = config_from_args(args)
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError("no pages found (looked for " + ", ".join(PAGE_SUFFIXES) + ")", " ".join(args.inputs))
    glossary = load_glossary(config.glossary_paths)
    engine = load_engine(config.engine, config.data_dir)
    print(f"engine: {engine.name} ({engine.signature().get('model', '')})", file=sys.stderr)
    failures = 0
    for path in paths:
        try:
            edition, written = translate_file(path, engine, glossary, config)
        except BilingualError as e:
            failures += 1
            print(f"bilingual: error: {e}", file=sys.stderr)
            continue
        segs = sum(1 for _ in edition.segments())
        print(f"{path}: {len(edition.articles)} articles, {segs} segments -> "
              + ", ".join(str(w) for w in written))
    if failures:
        print(f"{failures} of {len(paths)} pages failed", file=sys.stderr)
        return ExitStatus.FAILED
    return ExitStatus.OK


def run_segment(args: argparse.Namespace) -> int:
    from ..pipeline import read_edition

    edition = read_edition(args.file, Config(split_semicolons=args.split_semicolons))
    json.dump(edition.to_json(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return ExitStatus.OK
