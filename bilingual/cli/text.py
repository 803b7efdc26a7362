"""`bilingual translate-text [FILE]`: Chinese lines in, exactly one English line per line out.

For scripts: reads FILE (or stdin), writes to stdout, one English line for
each input line (an empty line for an empty line), with the glossary, names
and the translation memory applied as in page translation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ExitStatus, InputError
from ..model import Article, Edition, Paragraph, Segment


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate-text", help="translate Chinese lines to English lines (stdin/stdout)",
                       description="Translate FILE (or stdin) line by line: one English line per input line.")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="UTF-8 text; default: stdin")
    p.add_argument("--engine", choices=("auto", "argos", "gloss"), default="auto",
                   help="auto: the neural engine when a zh->en model is installed, else the dictionary gloss")
    p.add_argument("--glossary", type=Path, action="append", metavar="TSV",
                   help="glossary file or folder (repeatable; default: the shipped glossary/)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the translation memory")
    p.add_argument("--data-dir", type=Path, default=None, help="models and memory folder (default: XDG data dir)")
    p.set_defaults(run=run_translate_text)


def lines_to_edition(lines: list[str], source: str) -> Edition:
    """One paragraph per input line (empty lines give empty paragraphs), under one untitled article."""
    paragraphs = []
    for n, line in enumerate(lines, 1):
        text = line.strip()
        segments = [Segment(id=f"l{n}", zh=text, line=n)] if text else []
        paragraphs.append(Paragraph(id=f"p{n}", segments=segments, line=n))
    headline = Segment(id="title", zh="")
    return Edition(source=source, encoding="utf-8", articles=[Article(id="text", headline=headline,
                                                                       paragraphs=paragraphs)])


def translate_lines(lines: list[str], engine, glossary, memory=None, source: str = "<stdin>") -> list[str]:
    """English for each line, in order; always exactly ``len(lines)`` strings, none containing a newline."""
    from ..stages.terms import find_terms
    from ..stages.translate import translate_edition

    edition = lines_to_edition(lines, source)
    try:  # split long lines into sentences as pages are, when the segmenter is present
        from ..stages.segment import segment_edition
    except ImportError:
        pass
    else:
        edition = segment_edition(edition)
    edition = find_terms(edition, glossary)
    edition = translate_edition(edition, engine, glossary=glossary, memory=memory)
    by_line: dict[int, list[str]] = {}
    for paragraph in edition.articles[0].paragraphs:  # paragraph n is input line n
        by_line.setdefault(paragraph.line, []).extend(seg.en for seg in paragraph.segments if seg.en)
    return [" ".join(by_line.get(n, [])).replace("\r", " ").replace("\n", " ") for n in range(1, len(lines) + 1)]


def run_translate_text(args: argparse.Namespace) -> int:
    from ..engines import load_engine

    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError("no such file", args.file) from None
        except UnicodeDecodeError as e:
            raise InputError(f"not UTF-8 text (byte {e.start})", args.file) from None
        except OSError as e:
            raise InputError(f"cannot read: {e.strerror or e}", args.file) from None
        source = str(args.file)
    else:
        source = "<stdin>"
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(f"not UTF-8 text (byte {e.start})", source) from None
    lines = text.splitlines()
    engine = load_engine(args.engine, args.data_dir)
    from ..terms.glossary import load_glossary

    glossary = load_glossary(args.glossary)
    print(f"engine: {engine.name} ({engine.signature().get('model', '')})", file=sys.stderr)
    if args.no_cache:
        english = translate_lines(lines, engine, glossary, None, source)
    else:
        from ..memory import open_memory

        with open_memory(args.data_dir) as memory:
            english = translate_lines(lines, engine, glossary, memory, source)
    sys.stdout.write("".join(line + "\n" for line in english))
    return ExitStatus.OK
