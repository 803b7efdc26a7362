"""`bilingual translate-text [FILE]`: Chinese lines in, exactly one English line per line out.

For scripts: reads FILE (or stdin), writes to stdout, one English line for each input line
(an empty line for an empty line), with the glossary, names and the translation memory
applied as in page translation.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ExitStatus
from ..files import decode_utf8, read_input_bytes
from ..pipeline import Pipeline
from .environment import Environment
from .options import add_engine_options, add_text_options, config_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate-text", help="translate Chinese lines to English lines (stdin/stdout)",
                       description="Translate FILE (or stdin) line by line: one English line per input line.")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="UTF-8 text; default: stdin")
    p.add_argument("--out", type=Path, default=None,
                   help="the project whose translation memory is used (default: output/)")
    add_engine_options(p)
    add_text_options(p)
    p.set_defaults(run=run_translate_text)


def run_translate_text(args: argparse.Namespace, env: Environment) -> int:
    if args.file is not None:
        text, source = decode_utf8(read_input_bytes(args.file, "text"), args.file, "text"), str(args.file)
    else:
        source = "<stdin>"
        text = decode_utf8(env.stdin.read(), source, "text")
    pipeline = Pipeline(config_from_args(args, env)).load()
    env.err(f"engine: {pipeline.engine.name} ({pipeline.engine.signature().model})")
    english = pipeline.translate_lines(text.splitlines(), source)
    env.stdout.write("".join(line + "\n" for line in english))
    return ExitStatus.OK
