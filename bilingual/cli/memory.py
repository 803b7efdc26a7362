"""`bilingual tm stats | clear | export FILE | import FILE`: an output folder's translation memory.

Each output folder (``--out``, default output/) has its own memory in ``.bilingual/memory.sqlite3``:
a person's English (reviewed, aligned, imported) and the machine English reused by re-runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import ExitStatus, UsageError
from ..pipeline import Pipeline
from .environment import STDIO, Environment, require_folder
from .options import config_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tm", help="translation memory: stats, clear, import and export TMX",
                       description="The translation memory of an output folder: a person's English is kept and "
                                   "wins over any engine; machine English is reused by re-runs.")
    out_help = "the output folder (default: output/)"
    p.add_argument("--out", type=Path, default=Path("output"), help=out_help)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    stats = actions.add_parser("stats", help="how many units are a person's (by status) and a machine's (by engine)")
    stats.add_argument("--json", action="store_true", help="print JSON")
    clear = actions.add_parser("clear", help="forget the machine English (a person's is kept)")
    clear.add_argument("--yes", action="store_true", help="really clear (required)")
    clear.add_argument("--include-human", action="store_true", help="also forget a person's English")
    export = actions.add_parser("export", help="write the memory as TMX 1.4b (a person's English only; - for stdout)")
    export.add_argument("file", type=Path, metavar="FILE.tmx")
    export.add_argument("--include-machine", action="store_true", help="also machine English (marked)")
    imported = actions.add_parser("import", help="add a TMX 1.4b file (OmegaT, Trados, memoQ) as a person's work "
                                                 "(- for stdin)")
    imported.add_argument("file", type=Path, metavar="FILE.tmx")
    for action in (stats, clear, export, imported):  # --out also after the action
        action.add_argument("--out", type=Path, default=argparse.SUPPRESS, help=out_help)
    p.set_defaults(run=run_tm)


def run_tm(args: argparse.Namespace, env: Environment) -> int:
    if args.action == "clear" and not args.yes:
        raise UsageError("tm clear forgets machine English" + (" and a person's English" if args.include_human
                                                               else "") + "; add --yes to do it")
    if args.action != "import":  # reading or changing a memory that must be there: never make a folder for it
        require_folder(args.out, "the output folder")
    with Pipeline(config_from_args(args, env)) as pipeline:
        for warning in pipeline.memories.warnings:
            env.err(f"bilingual: warning: {warning}")
        project = pipeline.memories.project
        if args.action == "stats":
            stats = project.stats()
            if args.json:
                env.out(json.dumps({"path": str(stats.path), "human": stats.human, "by_status": stats.by_status,
                                    "machine": stats.machine, "by_engine": stats.by_engine, "hits": stats.hits,
                                    "size_bytes": stats.size_bytes}, ensure_ascii=False, indent=1))
                return ExitStatus.OK
            env.out(f"memory: {stats.path}")
            statuses = ", ".join(f"{n} {status}" for status, n in stats.by_status.items())
            env.out(f"a person's English: {stats.human}" + (f" ({statuses})" if statuses else ""))
            env.out(f"machine English: {stats.machine}")
            for engine, count in stats.by_engine.items():
                env.out(f"  {engine}: {count}")
            env.out(f"reused {stats.hits} times; {stats.size_bytes} bytes")
        elif args.action == "clear":
            removed = project.clear(include_human=args.include_human)
            kept = "" if args.include_human else f"; kept {project.stats().human} units of a person's English"
            env.out(f"removed {removed} units from {project.path}{kept}")
        elif args.action == "export":
            with env.output_file(args.file, ".tmx") as target:
                count = pipeline.export_memory(target, include_machine=args.include_machine)
            if str(args.file) == STDIO:
                env.info(f"wrote {count} translation units to stdout")
            else:
                env.out(f"wrote {count} translation units to {args.file}")
        else:
            with env.input_file(args.file, ".tmx") as source:
                result = pipeline.import_memory(source)
            env.out(f"{args.file}: {result.pairs} Chinese/English pairs, {result.stored} new or changed units of a "
                    f"person's English in {project.path}")
    return ExitStatus.OK
