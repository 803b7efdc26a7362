"""The pipeline: read -> segment -> terms -> translate -> verify -> write.

The CLI and the web page both call these functions; they hold no logic of
their own. Each step is a function over the Edition, named after what it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .engines.base import Engine
from .model import Edition
from .write import WRITERS, WriteOptions, output_path

DEFAULT_FORMATS = ("json", "docx", "pdf", "html", "tmx", "xliff", "report")


@dataclass
class Config:
    """Everything a run needs, passed in explicitly (nothing is read from the CWD deep down)."""

    out_dir: Path = Path("output")
    engine: str = "auto"  # auto|argos|gloss
    glossary_paths: list[Path] | None = None  # None: the shipped glossary/
    formats: tuple[str, ...] = DEFAULT_FORMATS
    write: WriteOptions = field(default_factory=WriteOptions)
    place: str | None = None  # English place for title slots; None: from the page
    split_semicolons: bool = False
    data_dir: Path | None = None  # TM and models; None: XDG data dir
    use_memory: bool = True


def read_edition(path: Path, config: Config) -> Edition:
    """Read a page and split it into sentences (no translation)."""
    from .read import read_page
    from .stages.segment import segment_edition

    edition = read_page(Path(path))
    if config.place:
        edition.place = config.place
    return segment_edition(edition, split_semicolons=config.split_semicolons)


def translate_read_edition(edition: Edition, engine: Engine, glossary, config: Config, memory=None) -> Edition:
    """Find terms and names, translate with enforcement, verify and flag.

    ``memory`` is an open ``TranslationMemory``; when None and ``config.use_memory``
    is set, the memory in ``config.data_dir`` (default: the XDG data dir) is used.
    """
    from .stages.quality import flag_quality
    from .stages.terms import find_terms
    from .stages.translate import translate_edition

    edition = find_terms(edition, glossary)
    if memory is None and config.use_memory:
        from .memory import open_memory

        with open_memory(config.data_dir) as opened:
            edition = translate_edition(edition, engine, glossary=glossary, memory=opened)
    else:
        edition = translate_edition(edition, engine, glossary=glossary, memory=memory)
    return flag_quality(edition, glossary)


def write_edition(edition: Edition, config: Config) -> list[Path]:
    """Write every requested format; the JSON last, so its presence means the page is complete."""
    formats = [f for f in config.formats if f != "json"] + (["json"] if "json" in config.formats else [])
    written = []
    for fmt in formats:
        path = output_path(config.out_dir, edition.stem, fmt)
        written.append(WRITERS[fmt].write(edition, path, config.write))
    return written


def translate_file(path: Path, engine: Engine, glossary, config: Config) -> tuple[Edition, list[Path]]:
    """One page from disk to its written editions."""
    edition = read_edition(path, config)
    edition = translate_read_edition(edition, engine, glossary, config)
    return edition, write_edition(edition, config)
