"""`bilingual translate` (batch) and `bilingual segment` (the model as JSON)."""

from __future__ import annotations

import argparse
import json
import signal
import time
from pathlib import Path

from ..batch import (
    EXECUTORS,
    INTERRUPTED,
    NOT_STARTED,
    RAY_OUTPUTS,
    BatchInterrupted,
    RayOptions,
    expand_inputs,
    require_ray,
    run_batch,
    signals_interrupt,
)
from ..errors import ExitStatus, InputError, UsageError
from ..pipeline import PageResult, Pipeline
from ..read import PAGE_SUFFIXES, check_page_file
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
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="translate N pages at once in worker processes (Ray actors with --executor ray), each "
                        "loading the model once (default: 1; with --executor ray, one per CPU of the cluster)")
    p.add_argument("--force", action="store_true", help="redo pages that are already finished")
    cluster = p.add_argument_group("a cluster (Ray)")
    cluster.add_argument("--executor", choices=EXECUTORS, default="local",
                         help="local: this machine's worker processes (--jobs); ray: Ray actors, on a local Ray "
                              "runtime started for the batch or on the cluster at --ray-address (needs "
                              "pip install 'bilingual[ray]') (default: local)")
    cluster.add_argument("--ray-address", metavar="ADDRESS",
                         help="the Ray cluster to run on (ray://HOST:10001, HOST:6379, or auto); default: start a "
                              "local Ray runtime on this machine")
    cluster.add_argument("--ray-outputs", choices=RAY_OUTPUTS, default=None,
                         help="who writes each page's files: shared (the actors, into --out, which must be the same "
                              "path on every node) or driver (the actors send them back and this process writes "
                              "them: a cluster without shared storage) (default: shared)")
    p.set_defaults(run=run_translate)

    s = sub.add_parser("segment", help="read a page and print its document model")
    s.add_argument("file", metavar="FILE", help="a page (- for a text page on stdin)")
    s.add_argument("--json", action="store_true", help="print the model as JSON (the default)")
    add_text_options(s)
    s.set_defaults(run=run_segment)


def run_translate(args: argparse.Namespace, env: Environment) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {args.jobs}")
    ray_options, ray_import_s = None, 0.0
    if args.executor == "ray":
        started = time.monotonic()
        require_ray()  # before anything loads: one line saying how to install it
        ray_import_s = time.monotonic() - started
        ray_options = RayOptions(address=args.ray_address, outputs=args.ray_outputs or "shared")
    else:
        for given, option in ((args.ray_address, "--ray-address"), (args.ray_outputs, "--ray-outputs")):
            if given is not None:
                raise UsageError(f"{option} needs --executor ray")
    config = config_from_args(args, env)
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError("no pages found (looked for " + ", ".join(PAGE_SUFFIXES) + ")", " ".join(args.inputs))
    # Inputs checked before the engine loads: when none can be read there is no batch, so the previous
    # batch's report.json stays as it was.
    problems = [problem for problem in map(input_problem, paths) if problem]
    if len(problems) == len(paths):
        for problem in problems:
            env.err(f"bilingual: error: {problem}")
        return ExitStatus.FAILED  # (when some can be read, the batch reports the others, each once)
    # Loaded here even for worker runs, so a broken glossary or a missing model stops the run with one line at once.
    pipeline = Pipeline(config).load()
    glossary_warnings = pipeline.check_glossary()  # conflicting rows stop the run before any page
    announce_engine(pipeline.engine, env)
    for warning in glossary_warnings:
        env.err(f"bilingual: warning: {warning}")
    _ = pipeline.memories  # opened (a damaged one moved aside) here, once, before any worker opens it
    display = BatchDisplay(len(paths), env)
    display.warned.update(pipeline.warnings)
    for warning in pipeline.warnings:
        env.err(f"bilingual: warning: {warning}")
    try:
        with signals_interrupt(), display:  # SIGTERM (kill, cron, CI) stops the batch as Ctrl-C does
            if hasattr(pipeline.engine, "progress"):  # a slow engine (an LLM) reports sentences too
                pipeline.engine.progress = display.sentences_done
            batch = run_batch(paths, config, jobs=args.jobs if args.executor == "ray" else args.jobs or 1,
                              force=args.force, on_page=display.page_done, pipeline=pipeline,
                              executor=args.executor, ray_options=ray_options)
    except BatchInterrupted as stopped:
        env.err(f"bilingual: interrupted ({signal.Signals(stopped.signum).name})")
        print_summary(stopped.batch, env)
        return 128 + stopped.signum
    finally:
        pipeline.close()  # the memory's connection closed now, not whenever the garbage collector runs
    print_summary(batch, env)
    if batch.actors:
        started = "" if batch.ray_startup_seconds is None else \
            f"; Ray imported in {ray_import_s:.1f} s, its runtime {'joined' if args.ray_address else 'started'} " \
            f"in {batch.ray_startup_seconds:.1f} s and {'left' if args.ray_address else 'stopped'} in " \
            f"{batch.ray_shutdown_seconds or 0:.1f} s"
        env.info(f"bilingual: {batch.actors} Ray actor{'s' if batch.actors != 1 else ''}{started}")
    if hasattr(pipeline.engine, "summary"):
        env.err(pipeline.engine.summary())
    if batch.report_error:
        env.err(f"bilingual: error: {batch.report_error}")
    return ExitStatus.FAILED if batch.failed or batch.report_error else ExitStatus.OK


def input_problem(path: Path) -> str | None:
    """Why a named page cannot be translated (missing, not a regular file, too large, a PDF), or None.
    Nothing is read."""
    try:
        check_page_file(path)
    except InputError as e:
        return str(e)
    return None


class BatchDisplay:
    """A Rich progress bar (pages, segments, ETA) on a terminal; one plain line per page otherwise."""

    def __init__(self, total: int, env: Environment):
        self.env = env
        self.warned: set[str] = set()  # run warnings already shown (a memory left out ...): each once
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
        lines = [(line, result.status == "failed")]
        lines += [(f"bilingual: warning: {w}", True) for w in result.warnings if w not in self.warned]
        self.warned.update(result.warnings)
        for text, always in lines:
            if self.progress is not None:
                self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
            elif always:
                self.env.err(text)
            else:
                self.env.info(text)
        if self.progress is not None:
            self.progress.update(self.task, advance=1, segments=f"{self.segments} segments")


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
    counts = f"{batch.count('done')} done, {batch.count('skipped')} skipped, {batch.count('failed')} failed"
    if batch.interrupted:
        counts += f", {batch.count(INTERRUPTED)} interrupted, {batch.count(NOT_STARTED)} not started"
    report = batch.report if batch.report is not None else f"not written ({batch.report_error})"
    console.print(f"{counts}; report: {report}", markup=False, soft_wrap=True)


def run_segment(args: argparse.Namespace, env: Environment) -> int:
    with env.input_file(args.file) as path:
        edition = Pipeline(config_from_args(args, env)).read(path)
    if args.file == STDIO:
        edition.source = "stdin.txt"  # not the temporary file it was read through
    env.out(json.dumps(edition.to_json(), ensure_ascii=False, indent=1))
    return ExitStatus.OK
