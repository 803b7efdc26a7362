"""File I/O every layer shares: reading an input's bytes with one-line errors, and atomic writes.

Writers, glossary edits, the translation memory's exports and the batch report all write
through ``atomic_path``: a temporary file beside the target, renamed over it, so a reader
(or a re-run after kill -9) sees either the old file or the complete new one.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import InputError, OutputError

PART_SUFFIX = ".part"


def read_input_bytes(path: str | Path, what: str = "file") -> bytes:
    """The bytes of an input file, or an InputError naming it: missing, a folder, or unreadable."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError(f"is a folder, not a {what}", path) from None
    except OSError as e:
        raise InputError(f"cannot read {what}: {e.strerror or e}", path) from None


def decode_utf8(data: bytes, path: str | Path, what: str = "file") -> str:
    """``data`` decoded as UTF-8 (a BOM dropped), or an InputError naming the file and the line of the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 ({what}, byte {e.start})", path, line) from None


def read_utf8_text(path: str | Path, what: str = "file") -> str:
    """An input file's text as UTF-8 (a BOM is dropped), or an InputError naming the file and line."""
    return decode_utf8(read_input_bytes(path, what), path, what)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    The rename is atomic on POSIX, so readers see either the old file or the
    complete new one. On any exception the temporary file is removed.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent)
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


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json_atomic(path: Path, data) -> Path:
    """Write ``data`` as indented UTF-8 JSON (non-ASCII kept) to ``path`` atomically."""
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def write_xml(tree, path: Path) -> Path:
    """Write an lxml tree or element as UTF-8 XML with a declaration, atomically; returns ``path``."""
    from lxml import etree  # lxml is only needed by the XML writers

    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(etree.tostring(tree, encoding="UTF-8", xml_declaration=True, pretty_print=True))
    return Path(path)


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete temporary ``.*.part`` files a killed run left in ``folder``; returns what was removed."""
    removed = []
    folder = Path(folder)
    if folder.is_dir():
        for part in folder.glob(f".*{PART_SUFFIX}"):
            try:
                part.unlink()
                removed.append(part)
            except OSError:
                pass
    return removed
