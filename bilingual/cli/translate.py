"""`bilingual translate` (batch) and `bilingual segment` (the model as JSON)."""

from __future__ import annotations

import argparse
import json

from ..batch import expand_inputs, run_batch
from ..errors import ExitStatus, InputError, UsageError
from ..pipeline import PageResult, Pipeline
from ..read import PAGE_SUFFIXES
from .environment import Environment
from .options import add_engine_options, add_output_options, add_text_options, config_from_args

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
                       description="Translate newspaper pages (files, folders or globs) into bilingual editions. "
                                   f"Pages: {', '.join(PAGE_SUFFIXES)}.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="PATH", help="page files, folders of pages, or glob patterns")
    add_output_options(p)
    add_engine_options(p)
    add_text_options(p)
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="translate N pages at once in worker processes, each loading the model once (default: 1)")
    p.add_argument("--force", action="store_true", help="redo pages that are already finished")
    p.set_defaults(run=run_translate)

    s = sub.add_parser("segment", help="read a page and print its document model")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--json", action="store_true", help="print the model as JSON (the default)")
    add_text_options(s)
    s.set_defaults(run=run_segment)


def run_translate(args: argparse.Namespace, env: Environment) -> int:
    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {args.jobs}")
    config = config_from_args(args, env)
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError("no pages found (looked for " + ", ".join(PAGE_SUFFIXES) + ")", " ".join(args.inputs))
    # Loaded here even for worker runs, so a broken glossary or a missing model stops the run with one line at once.
    pipeline = Pipeline(config).load()
    env.err(f"engine: {pipeline.engine.name} ({pipeline.engine.signature().model})")
    for warning in pipeline.memories.warnings:
        env.err(f"bilingual: warning: {warning}")
    with BatchDisplay(len(paths), env) as display:
        batch = run_batch(paths, config, jobs=args.jobs, force=args.force, on_page=display.page_done,
                          pipeline=pipeline)
    print_summary(batch, env)
    return ExitStatus.FAILED if batch.failed else ExitStatus.OK


class BatchDisplay:
    """A Rich progress bar (pages, segments, ETA) on a terminal; one plain line per page otherwise."""

    def __init__(self, total: int, env: Environment):
        self.env = env
        self.total = total
        self.segments = 0
        self.progress = None
        if env.stderr_is_terminal:
            from rich.console import Console  # rich is only needed on a terminal
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("pages"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[segments]} segments"), TimeRemainingColumn(),
                                     console=Console(file=env.stderr), transient=False)
            self.task = self.progress.add_task("pages", total=total, segments=0)

    def __enter__(self):
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()

    def page_done(self, result: PageResult) -> None:
        self.segments += result.segments
        if result.status == "failed":
            line = f"bilingual: error: {result.error}"
        else:
            line = f"{result.source}: {result.status}, {result.articles} articles, {result.segments} segments"
        if self.progress is not None:
            self.progress.console.print(line, markup=False, highlight=False)
            self.progress.update(self.task, advance=1, segments=self.segments)
        else:
            self.env.err(line)


def print_summary(batch, env: Environment) -> None:
    """A table of every page (stdout), then the totals and where report.json is."""
    from rich.console import Console  # only for the table
    from rich.table import Table

    table = Table(title="bilingual translate")
    for column in ("page", "status", "articles", "segments", "flagged", "seconds", "error"):
        table.add_column(column, overflow="fold")
    for page in batch.pages:
        table.add_row(page.source, page.status, str(page.articles), str(page.segments), str(page.flagged),
                      f"{page.seconds:.1f}", page.error or "")
    console = Console(file=env.stdout, highlight=False)
    console.print(table, markup=False)
    for page in batch.pages:  # what a reviewer should look at first, page by page
        if page.status == "done" and page.summary:
            console.print(page.summary, markup=False)
    console.print(f"{batch.count('done')} done, {batch.count('skipped')} skipped, {batch.count('failed')} failed; "
                  f"report: {batch.report}", markup=False)


def run_segment(args: argparse.Namespace, env: Environment) -> int:
    edition = Pipeline(config_from_args(args, env)).read(args.file)
    env.out(json.dumps(edition.to_json(), ensure_ascii=False, indent=1))
    return ExitStatus.OK
