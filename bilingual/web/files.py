"""Serving edition files safely, and what the library shows of each edition.

Only files under the output folder are served (``safe_output_file``): no absolute paths, no
``..``, no hidden parts (temporary ``.part`` files, the uploads folder), nothing whose real
path (symlinks resolved) is outside. Download names are safe for any browser
(``content_disposition``). An edition's folder may have any name a file may have (spaces, brackets,
``+``: ``is_edition_name``).

The library reads every edition's JSON once and again only when it changes (``list_editions``); a JSON
that cannot be read (damaged, wrong types, nested too deep) is listed as unreadable, never an error page.
"""

from __future__ import annotations

import datetime
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..errors import BilingualError
from ..model import Edition
from ..pipeline import read_edition_json
from ..write import WRITERS, output_path

STEM_RE = re.compile(r"[^\w.\-]+", re.UNICODE)
# A full date printed on the page, and the paper or agency of a dateline (本报讯 is not a paper's name).
_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATELINE = re.compile(r"^(?P<paper>[\u4e00-\u9fff]{2,10}?(?:报|報|社|网|網))(?:[讯訊]|[\u4e00-\u9fff]{0,6}?"
                       r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日[电電讯訊])")


def is_edition_name(name: str) -> bool:
    """Whether ``name`` can be an edition's folder: one visible path part (spaces, brackets, + and any script
    allowed), no separator, no NUL."""
    return (bool(name) and name not in (".", "..") and not name.startswith(".") and "/" not in name
            and "\\" not in name and "\x00" not in name and len(name) <= 255)


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
    date: str  # ISO when known, else "" (or the dateline's month and day, as printed)
    paper: str
    articles: int
    engine: str
    formats: list[str]
    file_name: str = ""  # the source's file name
    modified: float = 0.0  # when the edition's JSON was written (seconds since the epoch)
    date_from: str = ""  # "" (the reader's), "dateline" when found in a byline here
    sort_date: str = ""  # ISO date for ordering ("" when unknown)

    @property
    def articles_label(self) -> str:
        return f"{self.articles} article{'s' if self.articles != 1 else ''}"

    @property
    def modified_label(self) -> str:
        return datetime.datetime.fromtimestamp(self.modified).strftime("%Y-%m-%d %H:%M") if self.modified else ""

    def matches(self, query: str) -> bool:
        query = query.casefold()
        return any(query in str(v).casefold() for v in (self.headline, self.headline_en, self.paper, self.date,
                                                         self.file_name, self.stem))


@dataclass
class Library:
    """Every edition of an output folder, and the folders whose JSON cannot be read."""

    editions: list[EditionSummary] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


_CACHE: dict[Path, tuple[tuple[int, int], EditionSummary | None]] = {}
_CACHE_LOCK = threading.Lock()


def list_editions(out_dir: Path) -> Library:
    """Every ``<stem>/<stem>.json`` in the output folder, newest date first; unreadable ones named apart."""
    library = Library()
    root = Path(out_dir)
    if not root.is_dir():
        return library
    for folder in sorted(root.iterdir()):
        if not is_edition_name(folder.name) or not folder.is_dir():
            continue
        if not (folder / f"{folder.name}.json").is_file():
            continue
        summary = read_summary(root, folder.name)
        if summary is None:
            library.unreadable.append(folder.name)
        else:
            library.editions.append(summary)
    library.editions.sort(key=lambda e: (e.sort_date, e.modified, e.stem), reverse=True)
    return library


def read_summary(out_dir: Path, stem: str) -> EditionSummary | None:
    """What the library shows of one edition, or None when it has no readable JSON (whatever is wrong with it)."""
    if not is_edition_name(stem):
        return None
    json_file = safe_output_file(out_dir, f"{stem}/{stem}.json")
    if json_file is None:
        return None
    try:
        stat = json_file.stat()
    except OSError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        cached = _CACHE.get(json_file)
    if cached is not None and cached[0] == key:
        summary = cached[1]
    else:
        summary = _summarise(json_file, stem, stat.st_mtime)
        with _CACHE_LOCK:
            _CACHE[json_file] = (key, summary)
    if summary is not None:  # the files beside it may change without the JSON changing
        summary.formats = [fmt for fmt in WRITERS if fmt != "report" and output_path(out_dir, stem, fmt).is_file()]
    return summary


def _summarise(json_file: Path, stem: str, modified: float) -> EditionSummary | None:
    try:
        edition = read_edition_json(json_file)
        first = edition.articles[0] if edition.articles else None
        date, paper, date_from = _text(edition.date), _text(edition.paper), ""
        if not date or not paper:
            found_date, found_paper = dateline_facts(edition)
            if not date and found_date:
                date, date_from = found_date, "dateline"
            paper = paper or found_paper
        engine = edition.signature.engine if edition.signature is not None else ""
        return EditionSummary(stem=stem, headline=_text(first.headline.zh) if first else "",
                              headline_en=_text(first.headline.en) if first else "",
                              date=date, paper=paper, articles=len(edition.articles), engine=_text(engine),
                              formats=[], file_name=Path(_text(edition.source)).name, modified=modified,
                              date_from=date_from, sort_date=date if re.fullmatch(r"\d{4}-\d\d-\d\d", date) else "")
    except (BilingualError, RecursionError, ValueError, TypeError, AttributeError, KeyError):
        return None


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def dateline_facts(edition: Edition) -> tuple[str, str]:
    """(date, paper) from the page's own words when the file name gave none: a full date (2024年6月12日) in
    the first lines, or a dateline (新华社北京6月12日电: the month and day as printed; 湖南日报讯)."""
    texts = []
    for article in edition.articles[:3]:
        texts += [seg.zh for _, seg in article.heads() if seg.zh]
        texts += [seg.zh for seg in list(article.body_segments())[:2]]
    date = paper = ""
    for text in texts:
        m = _FULL_DATE.search(text[:60])
        if m and not date:
            try:
                date = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                pass
        d = _DATELINE.match(text.strip())
        if d:
            if not paper and d.group("paper") not in ("本报", "本報"):
                paper = d.group("paper")
            if not date and d.group("month"):
                try:
                    date = datetime.date(int(d.group("year")), int(d.group("month")), int(d.group("day"))).isoformat() \
                        if d.group("year") else f"{int(d.group('month'))}月{int(d.group('day'))}日"
                except ValueError:
                    pass
        if date and paper:
            break
    return date, paper


def safe_stem(filename: str) -> str:
    """A folder name from an uploaded file's name: no path, no hidden dot, only word characters, . and -."""
    name = Path(filename.replace("\\", "/")).name
    stem = STEM_RE.sub("-", Path(name).stem).strip(".-")[:80]
    return stem or "page"
