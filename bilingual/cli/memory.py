"""`bilingual tm stats | clear | export FILE`: the translation memory."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ExitStatus
from ..memory import open_memory
from ..pipeline import Pipeline
from .environment import Environment
from .options import config_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tm", help="translation memory: stats, clear, export as TMX",
                       description="Every translated segment is remembered; an unchanged page re-run decodes "
                                   "nothing.")
    p.add_argument("--data-dir", type=Path, default=None, help="memory folder (default: the XDG data dir)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("stats", help="entries, lookups answered, size, per engine and model")
    actions.add_parser("clear", help="forget every remembered translation")
    export = actions.add_parser("export", help="write the memory as a TMX 1.4 file")
    export.add_argument("file", type=Path, metavar="FILE.tmx")
    p.set_defaults(run=run_tm)


def run_tm(args: argparse.Namespace, env: Environment) -> int:
    if args.action == "export":
        count = Pipeline(config_from_args(args, env)).export_memory(args.file)
        env.out(f"wrote {count} translation units to {args.file}")
        return ExitStatus.OK
    with open_memory(args.data_dir) as memory:
        if args.action == "stats":
            stats = memory.stats()
            env.out(f"memory: {stats.path}")
            env.out(f"entries: {stats.entries}  lookups answered: {stats.hits}  size: {stats.size_bytes} bytes")
            for engine, count in stats.by_engine.items():
                env.out(f"  {engine}: {count}")
        else:
            env.out(f"removed {memory.clear()} entries from {memory.path}")
    return ExitStatus.OK
