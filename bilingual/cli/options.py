"""Options several commands share, and building a ``Config`` from them: one definition each."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import CJK_FONT_STYLES, LAYOUTS, PAPERS, Config, WriteOptions
from ..engines import AUTO, ENGINE_CHOICES, engine_help
from ..write import DEFAULT_FORMATS, WRITERS, parse_formats
from .environment import Environment


def add_glossary_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glossary", type=Path, action="append", metavar="PATH",
                   help="glossary file or folder (repeatable; default: $BILINGUAL_GLOSSARY_DIR, else the shipped "
                        "glossary)")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=ENGINE_CHOICES, default=AUTO, help=engine_help())
    p.add_argument("--data-dir", type=Path, default=None,
                   help="folder for models and the translation memory (default: the XDG data dir)")
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the translation memory (translate every sentence afresh)")
    add_glossary_option(p)


def add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = DEFAULT_FORMATS) -> None:
    p.add_argument("--out", type=Path, default=None, help="output folder (default: output/)")
    p.add_argument("--format", dest="formats", default=",".join(formats),
                   help=f"comma-separated subset of: {', '.join(WRITERS)} (default: {','.join(formats)})")
    p.add_argument("--layout", choices=LAYOUTS, default="side-by-side")
    p.add_argument("--paper", choices=PAPERS, default="A4")
    p.add_argument("--cjk-font", choices=CJK_FONT_STYLES, default="serif")


def add_text_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--place", help="English place name for titles such as 市委书记 (default: from the page)")
    p.add_argument("--split-semicolons", action="store_true", help="also split long sentences at ；")


def config_from_args(args: argparse.Namespace, env: Environment) -> Config:
    """The run's Config from whichever of the shared options the command has (UsageError for a bad format)."""
    get = lambda name, default=None: getattr(args, name, default)  # noqa: E731
    formats = get("formats")
    return Config(
        out_dir=get("out") or Path("output"),
        engine=get("engine") or AUTO,
        glossary_paths=env.glossary_paths(get("glossary")),
        formats=parse_formats(formats) if formats else None,
        write=WriteOptions(layout=get("layout") or "side-by-side", paper=get("paper") or "A4",
                           cjk_font=get("cjk_font") or "serif", pdf_jobs=env.pdf_jobs()),
        place=get("place"),
        split_semicolons=bool(get("split_semicolons")),
        data_dir=get("data_dir"),
        use_memory=not get("no_cache", False),
        jobs=get("jobs") or 1,
    )
