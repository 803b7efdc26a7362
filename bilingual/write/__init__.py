"""Writers: Edition -> files. A writer never translates; it only lays out what the model holds.

Every writer writes through ``bilingual.files.atomic_path`` so a crash or a kill never leaves
a half-written file where a finished one was expected, and never destroys the previous
version before the new one is complete.

``WRITERS`` is the registry: adding a format is one module plus one line there. The CLI's
``--format`` choices, the web page's downloads and their content types, and the batch's list
of a page's outputs are derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..config import WriteOptions
from ..errors import UsageError
from ..model import Edition
from .document import write_json
from .docx import write_docx
from .html import write_html
from .pdf import write_pdf
from .report import write_report
from .tmx import write_tmx
from .xliff import write_xliff


@dataclass(frozen=True)
class Writer:
    name: str  # the --format name
    suffix: str  # appended to the page stem: "<stem><suffix>"
    content_type: str  # as served by the web page
    write: Callable[[Edition, Path, WriteOptions], Path]
    description: str
    filename: str | None = None  # a fixed name in the page's folder instead of "<stem><suffix>"
    default: bool = True  # written when no --format is given
    proof: bool = False  # laid out as a proof: flagged sentences highlighted, a list of what to check


WRITERS: dict[str, Writer] = {w.name: w for w in (
    Writer("json", ".json", "application/json", write_json, "the document model"),
    Writer("docx", ".zh-en.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           write_docx, "Word edition"),
    Writer("pdf", ".zh-en.pdf", "application/pdf", write_pdf, "PDF edition"),
    Writer("html", ".zh-en.html", "text/html; charset=utf-8", write_html, "HTML edition"),
    Writer("tmx", ".tmx", "application/x-tmx+xml", write_tmx, "TMX 1.4b translation memory"),
    Writer("xliff", ".xlf", "application/xliff+xml", write_xliff, "XLIFF 1.2 for review"),
    Writer("report", ".report.json", "application/json", write_report, "quality report",
           filename="report.json"),
    Writer("proof", ".proof.pdf", "application/pdf", write_pdf, "proof PDF: flags highlighted, terms and names "
           "to check listed", default=False, proof=True),
)}
DEFAULT_FORMATS: tuple[str, ...] = tuple(name for name, w in WRITERS.items() if w.default)
PROOF_FORMATS: tuple[str, ...] = tuple(name for name, w in WRITERS.items() if w.proof)


def parse_formats(value: str | None) -> tuple[str, ...]:
    """``"pdf,docx"`` -> ("pdf", "docx"); None -> the default formats; UsageError for an unknown one."""
    if value is None:
        return DEFAULT_FORMATS
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise UsageError(f"unknown format {unknown[0] if unknown else value!r}; choose from {', '.join(WRITERS)}")
    return formats


def output_path(out_dir: Path, stem: str, fmt: str) -> Path:
    """Where format ``fmt`` of page ``stem`` goes: ``out_dir/<stem>/<stem><suffix>`` (or its fixed name)."""
    writer = WRITERS[fmt]
    return Path(out_dir) / stem / (writer.filename or f"{stem}{writer.suffix}")


def content_type(path: Path) -> str:
    """The Content-Type of an edition file, by its name; ``application/octet-stream`` when unknown."""
    name = Path(path).name
    for writer in WRITERS.values():
        if name == writer.filename or (writer.filename is None and name.endswith(writer.suffix)):
            return writer.content_type
    return "application/octet-stream"
