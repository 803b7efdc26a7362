"""Options several commands share, and building a ``Config`` from them: one definition each."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import CJK_FONT_STYLES, LAYOUTS, PAPERS, Config, WriteOptions
from ..engines import AUTO, ENGINE_CHOICES, engine_help
from ..errors import UsageError
from ..write import DEFAULT_FORMATS, WRITERS, parse_formats
from .environment import Environment


def add_glossary_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glossary", type=Path, action="append", metavar="PATH",
                   help="glossary file or folder (repeatable; default: $BILINGUAL_GLOSSARY_DIR, else the shipped "
                        "glossary)")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=ENGINE_CHOICES, default=AUTO, help=engine_help())
    p.add_argument("--data-dir", type=Path, default=None,
                   help="folder of installed models (default: the XDG data dir)")
    add_glossary_option(p)
    add_memory_options(p)


def add_memory_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="translate every machine sentence afresh (a person's English is still kept)")
    p.add_argument("--memory", dest="reference_memories", type=Path, action="append", default=[], metavar="PATH",
                   help="a read-only reference memory: another project's memory.sqlite3 or a TMX file (repeatable);"
                        " exact matches of a person's work are used, similar ones suggested")
    p.add_argument("--fuzzy-threshold", type=float, default=0.75, metavar="X",
                   help="how similar (0-1) a source must be for a memory's English to be suggested (default 0.75)")


def add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = DEFAULT_FORMATS) -> None:
    p.add_argument("--out", type=Path, default=None, help="output folder (default: output/)")
    p.add_argument("--format", dest="formats", default=",".join(formats),
                   help=f"comma-separated subset of: {', '.join(WRITERS)} (default: {','.join(formats)})")
    p.add_argument("--layout", choices=LAYOUTS, default="side-by-side")
    p.add_argument("--paper", choices=PAPERS, default="A4")
    p.add_argument("--cjk-font", choices=CJK_FONT_STYLES, default="serif")
    p.add_argument("--proof", action="store_true",
                   help="also write a proof PDF (<stem>.proof.pdf): flagged sentences highlighted, missed terms and "
                        "names to confirm listed; the published editions never carry highlighting")
    p.add_argument("--tmx-include-machine", action="store_true",
                   help="the edition's TMX also holds machine drafts (marked); default: a person's English only")


def add_text_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--place", help="English place name for titles such as 市委书记 (default: from the page)")
    p.add_argument("--split-semicolons", action="store_true", help="also split long sentences at ；")


def config_from_args(args: argparse.Namespace, env: Environment) -> Config:
    """The run's Config from whichever of the shared options the command has (UsageError for a bad format)."""
    get = lambda name, default=None: getattr(args, name, default)  # noqa: E731
    formats = parse_formats(get("formats")) if get("formats") else None
    if get("proof"):
        formats = tuple(dict.fromkeys((*(formats or DEFAULT_FORMATS), "proof")))
    threshold = get("fuzzy_threshold", 0.75)
    if not 0 < threshold <= 1:
        raise UsageError(f"--fuzzy-threshold must be between 0 and 1, not {threshold}")
    return Config(
        out_dir=get("out") or Path("output"),
        engine=get("engine") or AUTO,
        glossary_paths=env.glossary_paths(get("glossary")),
        formats=formats,
        write=WriteOptions(layout=get("layout") or "side-by-side", paper=get("paper") or "A4",
                           cjk_font=get("cjk_font") or "serif", pdf_jobs=env.pdf_jobs(),
                           tmx_machine=bool(get("tmx_include_machine"))),
        place=get("place"),
        split_semicolons=bool(get("split_semicolons")),
        data_dir=get("data_dir"),
        use_memory=not get("no_cache", False),
        reference_memories=list(get("reference_memories") or []),
        fuzzy_threshold=threshold,
        jobs=get("jobs") or 1,
    )
