"""Writers: Edition -> files. A writer never translates; it only lays out what the model holds.

Every writer writes through ``atomic_path`` so a crash or a kill never leaves a
half-written file where a finished one was expected, and never destroys the
previous version before the new one is complete.

Adding a format is one module plus one line in ``WRITERS``.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..errors import OutputError
from ..model import Edition

LAYOUTS = ("side-by-side", "interleaved", "english")
PAPERS = ("A4", "Letter")


@dataclass
class WriteOptions:
    layout: str = "side-by-side"
    paper: str = "A4"
    cjk_font: str = "serif"  # "serif" -> Noto Serif CJK SC, "sans" -> Noto Sans CJK SC
    highlight_flags: bool = True


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    The rename is atomic on POSIX, so readers see either the old file or the
    complete new one. On any exception the temporary file is removed.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as e:
        raise OutputError(f"cannot write here: {e.strerror or e}", path) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    except OSError as e:
        tmp_path.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {e.strerror or e}", path) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_json(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """The translated model as JSON (the schema in ``bilingual.model``)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(edition.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Writer:
    name: str  # the --format name
    suffix: str  # appended to the page stem: "<stem><suffix>"
    write: Callable[[Edition, Path, WriteOptions], Path]
    filename: str | None = None  # a fixed name in the page's folder instead of "<stem><suffix>"


def _lazy(module: str, func: str) -> Callable[[Edition, Path, WriteOptions], Path]:
    # Import heavy writers (WeasyPrint, python-docx, translate-toolkit) only when used.
    def call(edition: Edition, path: Path, options: WriteOptions) -> Path:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{module}"), func)(edition, path, options)

    return call


WRITERS: dict[str, Writer] = {
    "json": Writer("json", ".json", write_json),
    "docx": Writer("docx", ".zh-en.docx", _lazy("docx", "write_docx")),
    "pdf": Writer("pdf", ".zh-en.pdf", _lazy("pdf", "write_pdf")),
    "html": Writer("html", ".zh-en.html", _lazy("html", "write_html")),
    "tmx": Writer("tmx", ".tmx", _lazy("tmx", "write_tmx")),
    "xliff": Writer("xliff", ".xlf", _lazy("xliff", "write_xliff")),
    "report": Writer("report", ".report.json", _lazy("report", "write_report"), filename="report.json"),
}


def output_path(out_dir: Path, stem: str, fmt: str) -> Path:
    """Where format ``fmt`` of page ``stem`` goes: ``out_dir/<stem>/<stem><suffix>`` (or its fixed name)."""
    writer = WRITERS[fmt]
    return Path(out_dir) / stem / (writer.filename or f"{stem}{writer.suffix}")


def write_xml(tree, path: Path) -> Path:
    """Write an lxml tree or element as UTF-8 XML with a declaration, atomically; returns ``path``."""
    from lxml import etree

    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(etree.tostring(tree, encoding="UTF-8", xml_declaration=True, pretty_print=True))
    return Path(path)
