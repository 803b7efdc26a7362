"""Serving edition files safely, and what the library shows of each edition.

Only files under the output folder are served (``safe_output_file``): no absolute paths, no
``..``, no hidden parts (temporary ``.part`` files, the uploads folder), nothing whose real
path (symlinks resolved) is outside. Download names are safe for any browser
(``content_disposition``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import BilingualError
from ..pipeline import read_edition_json
from ..write import WRITERS, output_path

STEM_RE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_output_file(out_dir: Path, relative: str) -> Path | None:
    """The file ``relative`` names under ``out_dir``, or None when it is not a plain visible file inside it.

    Refused: absolute paths, ``..`` anywhere, hidden parts (temp ``.part`` files,
    the uploads folder), and anything whose real path (symlinks resolved) is
    outside ``out_dir``.
    """
    root = Path(out_dir).resolve()
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    candidate = (root / relative)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root) or not real.is_file():
        return None
    return real


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A header value safe for any name: an ASCII ``filename`` fallback plus RFC 5987 ``filename*``."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'[^A-Za-z0-9._\- ]+', "_", ascii_name).strip(" ._") or "download"
    suffix = Path(filename).suffix
    if suffix and not ascii_name.endswith(suffix) and suffix.isascii():
        ascii_name += suffix
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass
class EditionSummary:
    stem: str
    headline: str
    headline_en: str
    date: str
    paper: str
    articles: int
    engine: str
    formats: list[str]


def list_editions(out_dir: Path) -> list[EditionSummary]:
    """Every ``<stem>/<stem>.json`` in the output folder, newest date first."""
    found = []
    root = Path(out_dir)
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        summary = read_summary(root, folder.name)
        if summary is not None:
            found.append(summary)
    found.sort(key=lambda e: (e.date or "", e.stem), reverse=True)
    return found


def read_summary(out_dir: Path, stem: str) -> EditionSummary | None:
    """What the library shows of one edition, or None when it has no readable JSON."""
    json_file = safe_output_file(out_dir, f"{stem}/{stem}.json")
    if json_file is None:
        return None
    try:
        edition = read_edition_json(json_file)
    except BilingualError:
        return None
    first = edition.articles[0] if edition.articles else None
    formats = [fmt for fmt in WRITERS if fmt != "report" and output_path(out_dir, stem, fmt).is_file()]
    return EditionSummary(stem=stem, headline=first.headline.zh if first else "",
                          headline_en=(first.headline.en or "") if first else "",
                          date=edition.date or "", paper=edition.paper or "", articles=len(edition.articles),
                          engine=edition.signature.engine if edition.signature is not None else "", formats=formats)


def safe_stem(filename: str) -> str:
    """A folder name from an uploaded file's name: no path, no hidden dot, only word characters, . and -."""
    name = Path(filename.replace("\\", "/")).name
    stem = STEM_RE.sub("-", Path(name).stem).strip(".-")[:80]
    return stem or "page"
