"""`bilingual translate-text [FILE|-]`: Chinese lines in, exactly one English line per line out.

For scripts: reads FILE (or stdin, also as ``-``), writes to stdout, one English line for each input
line (an empty line for an empty line), with the glossary, names and the translation memory applied
as in page translation. The input may be in any encoding a page may be in (UTF-8, UTF-16, GB18030/GBK,
Big5). A line ends at ``\\n`` (``\\r\\n`` and a lone ``\\r`` too); every other character Python counts
as a line break (``\\f`` between pdftotext's pages, ``\\v``, U+0085, U+2028, U+2029, the file and group
separators) is a space inside its line, so it never adds an English line.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..errors import ExitStatus
from ..files import read_input_bytes
from ..pipeline import Pipeline
from ..read.encoding import decode_page
from .environment import STDIO, Environment
from .options import SentenceProgress, add_engine_options, add_text_options, announce_engine, config_from_args

_LINE_END = re.compile(r"\r\n|\r|\n")
_INNER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate-text", help="translate Chinese lines to English lines (stdin/stdout)",
                       description="Translate FILE (or stdin, or -) line by line: one English line per input line.")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE",
                   help="text in UTF-8, UTF-16, GBK/GB18030 or Big5; default or -: stdin")
    p.add_argument("--out", type=Path, default=None,
                   help="the project whose translation memory is used (default: output/)")
    add_engine_options(p)
    add_text_options(p)
    p.set_defaults(run=run_translate_text)


def input_lines(text: str) -> list[str]:
    """The lines of ``text``: split at line ends only, other separators made spaces; no trailing empty line."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return [_INNER_BREAKS.sub(" ", line) for line in lines]


def run_translate_text(args: argparse.Namespace, env: Environment) -> int:
    if args.file is not None and str(args.file) != STDIO:
        source, data = str(args.file), read_input_bytes(args.file, "text")
    else:
        source, data = "<stdin>", env.stdin.read()
    text = decode_page(data, source)[0] if data.strip() else data.decode("utf-8", errors="replace")
    lines = input_lines(text)
    pipeline = Pipeline(config_from_args(args, env)).load()
    announce_engine(pipeline.engine, env)
    if hasattr(pipeline.engine, "progress"):
        pipeline.engine.progress = SentenceProgress(env)
    english = pipeline.translate_lines(lines, source)
    if hasattr(pipeline.engine, "summary"):
        env.info(pipeline.engine.summary())
    env.stdout.write("".join(line + "\n" for line in english))
    return ExitStatus.OK
