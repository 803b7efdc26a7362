"""`bilingual translate` (batch) and `bilingual segment` (the model as JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import ExitStatus, InputError, UsageError
from ..pipeline import DEFAULT_FORMATS, Config
from ..write import LAYOUTS, PAPERS, WRITERS, WriteOptions

EPILOG = """exit status:
  0  every page done (or already finished and skipped)
  1  some pages failed (each reported on one line; the others were processed)
  2  usage error (bad option or value)

Finished pages are skipped on a re-run (their outputs are all present and the
JSON's signature matches the engine, glossary, options and the page's bytes);
--force redoes them. A machine-readable summary is written to OUT/report.json.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate pages into bilingual editions",
                       description="Translate newspaper pages (files, folders or globs) into bilingual editions.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="translate N pages at once in worker processes, each loading the model once (default: 1)")
    p.add_argument("--force", action="store_true", help="redo pages that are already finished")
    p.add_argument("--no-cache", action="store_true",
                   help="do not read or write the translation memory (translate every sentence afresh)")
    p.set_defaults(run=run_translate)

    s = sub.add_parser("segment", help="read a page and print its document model")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true", help="print the model as JSON (the default)")
    s.add_argument("--split-semicolons", action="store_true")
    s.set_defaults(run=run_segment)


def config_from_args(args: argparse.Namespace) -> Config:
    """The run's Config from parsed options (UsageError for an unknown format)."""
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise UsageError(f"unknown format {unknown[0] if unknown else args.formats!r}; choose from {', '.join(WRITERS)}")
    return Config(out_dir=args.out, engine=args.engine, glossary_paths=args.glossary, formats=formats,
                  write=WriteOptions(layout=args.layout, paper=args.paper), place=args.place,
                  split_semicolons=args.split_semicolons, use_memory=not getattr(args, "no_cache", False))


def run_translate(args: argparse.Namespace) -> int:
    from ..batch import PAGE_SUFFIXES, expand_inputs, load_resources, run_batch
    from ..terms.glossary import load_glossary

    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {args.jobs}")
    config = config_from_args(args)
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError("no pages found (looked for " + ", ".join(PAGE_SUFFIXES) + ")", " ".join(args.inputs))
    # The glossary is loaded here even for worker runs, so a broken one stops the run with one line at once.
    glossary = load_glossary(config.glossary_paths)
    resources = None
    if args.jobs == 1 or len(paths) == 1:
        resources = load_resources(config)[0], glossary
        print(f"engine: {resources[0].name} ({resources[0].signature().get('model', '')})", file=sys.stderr)
    display = BatchDisplay(len(paths))
    with display:
        batch = run_batch(paths, config, jobs=args.jobs, force=args.force, on_page=display.page_done,
                          resources=resources)
    print_summary(batch)
    return ExitStatus.FAILED if batch.failed else ExitStatus.OK


class BatchDisplay:
    """A Rich progress bar (pages, segments, ETA) on a terminal; one plain line per page otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.segments = 0
        self.progress = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("pages"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[segments]} segments"), TimeRemainingColumn(),
                                     console=Console(file=sys.stderr), transient=False)
            self.task = self.progress.add_task("pages", total=total, segments=0)

    def __enter__(self):
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()

    def page_done(self, result) -> None:
        self.segments += result.segments
        if result.status == "failed":
            line = f"bilingual: error: {result.error}"
        else:
            line = f"{result.source}: {result.status}, {result.articles} articles, {result.segments} segments"
        if self.progress is not None:
            self.progress.console.print(line, markup=False, highlight=False)
            self.progress.update(self.task, advance=1, segments=self.segments)
        else:
            print(line, file=sys.stderr, flush=True)


def print_summary(batch) -> None:
    """A table of every page (stdout), then the totals and where report.json is."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="bilingual translate")
    for column in ("page", "status", "articles", "segments", "flagged", "seconds", "error"):
        table.add_column(column, overflow="fold")
    for page in batch.pages:
        table.add_row(page.source, page.status, str(page.articles), str(page.segments), str(page.flagged),
                      f"{page.seconds:.1f}", page.error or "")
    console = Console(file=sys.stdout, highlight=False)
    console.print(table, markup=False)
    for page in batch.pages:  # what a reviewer should look at first, page by page
        if page.status == "done" and page.summary:
            console.print(page.summary, markup=False)
    console.print(f"{batch.count('done')} done, {batch.count('skipped')} skipped, {batch.count('failed')} failed; "
                  f"report: {batch.report}", markup=False)


def run_segment(args: argparse.Namespace) -> int:
    from ..pipeline import read_edition

    edition = read_edition(args.file, Config(split_semicolons=args.split_semicolons))
    json.dump(edition.to_json(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return ExitStatus.OK
