"""`bilingual align` (an existing translation -> TMX + bilingual edition) and `bilingual import-xliff`
(a reviewer's post-edited XLIFF -> updated edition, regenerated without translating)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..errors import ExitStatus
from ..pipeline import Pipeline
from .environment import Environment
from .options import add_glossary_option, add_output_options, config_from_args

ALIGN_FORMATS = ("json", "tmx", "docx", "pdf", "html")


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("align", help="align a Chinese text with an existing English version",
                       description="Align ZH_FILE (a page the reader understands, or plain Chinese text) with "
                                   "EN_FILE (plain English text) sentence by sentence; write TMX and a "
                                   "bilingual edition to OUT/<stem>/.")
    a.add_argument("zh_file", type=Path, metavar="ZH_FILE")
    a.add_argument("en_file", type=Path, metavar="EN_FILE")
    a.add_argument("--plain", action="store_true",
                   help="treat ZH_FILE as plain text (one paragraph a line) instead of a newspaper page")
    a.add_argument("--store", "--memory", dest="store", action="store_true",
                   help="also keep the aligned pairs in the output folder's translation memory, as a person's work")
    add_glossary_option(a)
    add_output_options(a, ALIGN_FORMATS)
    a.set_defaults(run=run_align)

    x = sub.add_parser("import-xliff", help="apply a post-edited XLIFF and regenerate the editions",
                       description="Read a reviewer's XLIFF, update the English of the edition's JSON found "
                                   "beside it, and rewrite the editions without translating.")
    x.add_argument("file", type=Path, metavar="FILE")
    add_output_options(x)
    x.set_defaults(formats=None)
    x.set_defaults(run=run_import_xliff)


def run_align(args: argparse.Namespace, env: Environment) -> int:
    result = Pipeline(config_from_args(args, env)).align(args.zh_file, args.en_file, plain=args.plain,
                                                          store=args.store)
    if result.stored is not None:
        env.err(f"translation memory: {result.stored} aligned pairs kept as a person's work")
    kinds = Counter(pair.kind for pair in result.pairs)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    env.out(f"{args.zh_file} + {args.en_file}: {result.zh_sentences} Chinese and {result.en_sentences} English "
            f"sentences -> {len(result.pairs)} pairs ({summary}) -> " + ", ".join(str(w) for w in result.written))
    return ExitStatus.OK


def run_import_xliff(args: argparse.Namespace, env: Environment) -> int:
    result = Pipeline(config_from_args(args, env)).import_review(args.file, out_dir=args.out)
    for problem in result.problems:
        env.err(f"bilingual: {problem}")
    env.out(f"{args.file}: {len(result.changed)} segments updated, {len(result.problems)} not applied -> "
            + ", ".join(str(w) for w in result.written))
    if result.memory_error:
        env.err(f"bilingual: translation memory not updated: {result.memory_error}")
    else:
        env.err(f"translation memory: {result.stored} reviewed sentences kept as a person's work")
    return ExitStatus.FAILED if result.problems else ExitStatus.OK
