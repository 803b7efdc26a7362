"""`bilingual translate` (batch) and `bilingual segment` (the model as JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..batch import expand_inputs, run_batch
from ..errors import ExitStatus, InputError, UsageError
from ..pipeline import PageResult, Pipeline
from ..read import PAGE_SUFFIXES
from .environment import STDIO, Environment
from .options import (
    SentenceProgress,
    add_engine_options,
    add_output_options,
    add_text_options,
    announce_engine,
    config_from_args,
)

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
    s.add_argument("file", metavar="FILE", help="a page (- for a text page on stdin)")
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
    # Inputs checked before the engine loads: when none can be read there is no batch, so the previous
    # batch's report.json stays as it was.
    problems = [problem for problem in map(input_problem, paths) if problem]
    for problem in problems:
        env.err(f"bilingual: error: {problem}")
    if len(problems) == len(paths):
        return ExitStatus.FAILED
    # Loaded here even for worker runs, so a broken glossary or a missing model stops the run with one line at once.
    pipeline = Pipeline(config).load()
    announce_engine(pipeline.engine, env)
    for warning in pipeline.memories.warnings:
        env.err(f"bilingual: warning: {warning}")
    with BatchDisplay(len(paths), env) as display:
        if hasattr(pipeline.engine, "progress"):  # a slow engine (an LLM) reports sentences too
            pipeline.engine.progress = display.sentences_done
        batch = run_batch(paths, config, jobs=args.jobs, force=args.force, on_page=display.page_done,
                          pipeline=pipeline)
    print_summary(batch, env)
    if hasattr(pipeline.engine, "summary"):
        env.err(pipeline.engine.summary())
    return ExitStatus.FAILED if batch.failed else ExitStatus.OK


def input_problem(path: Path) -> str | None:
    """Why a named page cannot be translated (missing, a folder, a PDF), or None."""
    if not path.exists():
        return f"{path}: no such file"
    if not path.is_file():
        return f"{path}: not a file"
    if path.suffix.lower() == ".pdf":
        return (f"{path}: PDF input is not supported (yet); extract its text first "
                f"(pdftotext -layout {path.name}) and translate the .txt")
    return None


class BatchDisplay:
    """A Rich progress bar (pages, segments, ETA) on a terminal; one plain line per page otherwise."""

    def __init__(self, total: int, env: Environment):
        self.env = env
        self.total = total
        self.segments = 0
        self.progress = None
        self.sentences_task = None
        self.plain_sentences = SentenceProgress(env)
        if env.stderr_is_terminal and env.verbosity >= 0:
            from rich.console import Console  # rich is only needed on a terminal
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[segments]}"), TimeRemainingColumn(),
                                     console=Console(file=env.stderr), transient=False)
            self.task = self.progress.add_task("pages", total=total, segments="0 segments")

    def __enter__(self):
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()

    def sentences_done(self, done: int, total: int) -> None:
        """The engine's progress within the current page."""
        if self.progress is None:
            self.plain_sentences(done, total)
            return
        if self.sentences_task is None:
            self.sentences_task = self.progress.add_task("sentences", total=total, segments="in this page")
        self.progress.update(self.sentences_task, completed=done, total=total)

    def page_done(self, result: PageResult) -> None:
        self.segments += result.segments
        if result.status == "failed":
            line = f"bilingual: error: {result.error}"
        else:
            line = (f"{result.source}: {result.status}, {result.articles} article{'s' if result.articles != 1 else ''}"
                    f", {result.segments} segments")
        if self.progress is not None:
            self.progress.console.print(line, markup=False, highlight=False)
            self.progress.update(self.task, advance=1, segments=f"{self.segments} segments")
        elif result.status == "failed":
            self.env.err(line)
        else:
            self.env.info(line)


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
    with env.input_file(args.file) as path:
        edition = Pipeline(config_from_args(args, env)).read(path)
    if args.file == STDIO:
        edition.source = "stdin.txt"  # not the temporary file it was read through
    env.out(json.dumps(edition.to_json(), ensure_ascii=False, indent=1))
    return ExitStatus.OK
