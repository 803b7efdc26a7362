"""File I/O every layer shares: reading an input's bytes with one-line errors, and atomic writes.

Writers, glossary edits, the translation memory's exports and the batch report all write
through ``atomic_path``: a temporary file beside the target, synced to disk and renamed over it,
then the folder synced, so a reader (or a re-run after kill -9 or a power loss) sees either the
old file or the complete new one. The temporary name carries the writing process's id, so a
later run can tell a killed writer's leftovers (``remove_stale_parts``) from a live one's.

Inputs are checked before they are read: a page must be a regular file (a FIFO would block
forever, ``/dev/zero`` never ends), and at most ``limit`` bytes of any input are read.
"""

from __future__ import annotations

import errno
import json
import marshal
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Callable, Iterator, Sequence, TypeVar

from .errors import InputError, OutputError, printable

PART_SUFFIX = ".part"
# What any input may be at most when the caller sets no limit of its own (XLIFF, TMX, edition JSON ...).
MAX_INPUT_BYTES = 256 * 1024 * 1024
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_PART_PID = re.compile(r"\.pid(\d+)\.")


def page_stem(path: str | Path) -> str:
    """The name an input's outputs take: its stem, printable (see ``errors.printable``)."""
    return PurePath(printable(str(path))).stem


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def input_size(path: str | Path, what: str = "file") -> int:
    """The size of a regular file, or an InputError naming it: missing, a folder, a symlink loop, a FIFO,
    a device or a socket (nothing is opened, so a FIFO cannot block)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file" if not os.path.islink(path) else "a symlink to nothing", path) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError("a symlink loop", path) from None
        raise InputError(f"cannot read {what}: {e.strerror or e}", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"is a folder, not a {what}", path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{_kind(info.st_mode)}, not a {what} (only regular files are read)", path)
    return info.st_size


def read_input_bytes(path: str | Path, what: str = "file", limit: int | None = None,
                     regular_only: bool = False) -> bytes:
    """The bytes of an input file, or an InputError naming it (missing, a folder, a symlink loop ...), or when
    it holds more than ``limit`` bytes (default ``MAX_INPUT_BYTES``); never more than ``limit`` + 1 are read.

    ``regular_only``: refuse a FIFO, a device or a socket before opening it (a page: a FIFO would block,
    ``/dev/zero`` never ends). Otherwise such a stream (``translate-text <(pdftotext ...)``) is read up to
    the limit.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    try:
        size = input_size(path, what)
    except InputError:
        if regular_only or not _is_stream(path):
            raise
        size = 0
    if size > limit:
        raise InputError(f"{size / 1e6:.1f} MB is too large for a {what} (at most {_amount(limit)})", path)
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | (getattr(os, "O_NONBLOCK", 0) if regular_only else 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise InputError(f"cannot read {what}: {e.strerror or e}", path) from None
    try:
        mode = os.fstat(fd).st_mode
        if regular_only and not stat.S_ISREG(mode):  # swapped for something else since the check
            raise InputError(f"{_kind(mode)}, not a {what} (only regular files are read)", path)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as e:
        raise InputError(f"cannot read {what}: {e.strerror or e}", path) from None
    finally:
        os.close(fd)
    if total > limit:  # a stream, or a file that grew while being read
        raise InputError(f"more than {_amount(limit)}: too large for a {what}", path)
    return b"".join(chunks)


def _amount(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 1_000_000 else f"{size} bytes"


def _is_stream(path: str | Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


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


def sync_file(path: Path) -> None:
    """Flush a file's data to the disk (a power loss keeps it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to the disk; a file system that cannot is left alone."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    The rename is atomic on POSIX, so readers see either the old file or the
    complete new one. On any exception the temporary file is removed.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.pid{os.getpid()}.", suffix=PART_SUFFIX, dir=path.parent)
    except OSError as e:
        raise OutputError(f"cannot write here: {e.strerror or e}", path) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        sync_file(tmp_path)  # the data is on the disk before the name points at it ...
        os.replace(tmp_path, path)
        sync_folder(path.parent)  # ... and the new name is on the disk too
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


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``path``."""
    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(data)
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


T = TypeVar("T")


def derived_table(path: Path, sources: Sequence[Path], version: str, build: Callable[[], T]) -> T:
    """``build()``, kept at ``path`` as marshal data with a stamp of its ``sources`` (name, size, mtime),
    ``version`` and this Python's version.

    A table every process derives from the same installed files (a dictionary parsed into a dict) is read back
    in one piece while the stamp holds (marshal loads a flat dict of strings four to five times faster than
    Python parses the text). Anything else (no file yet, another stamp, a damaged file, a folder that cannot
    be written) builds the table; it is written, atomically, when it can be. ``build`` raises as it would
    without a cache, and nothing is written then. Only marshal's types: dicts, lists, tuples, strings, numbers.
    """
    try:
        stamp = (version, sys.version_info[:2],
                 tuple((str(source), s.st_size, s.st_mtime_ns) for source in sources for s in [os.stat(source)]))
    except OSError:
        return build()
    try:
        with open(path, "rb") as handle:
            saved, table = marshal.loads(handle.read())
        if saved == stamp:
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass
    table = build()
    try:
        with atomic_path(Path(path)) as tmp:
            tmp.write_bytes(marshal.dumps((stamp, table)))
    except (OutputError, ValueError):  # not writable here, or not marshal data: built again next time
        pass
    return table


def check_writable(folder: Path) -> None:
    """Make ``folder`` (and its parents) and create and remove a file in it; OutputError naming it when it
    cannot be written (a read-only mount, no permission, a file standing where the folder should be)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".probe.pid{os.getpid()}.", suffix=PART_SUFFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise OutputError(f"cannot write here: {e.strerror or e}", folder) from None


def remove_stale_parts(folder: Path, recursive: bool = False) -> list[Path]:
    """Delete temporary ``.*.part`` files a killed run left in ``folder`` (and below it, with ``recursive``);
    returns what was removed. A part whose writer is still running (its process id is in the name and
    alive) is left alone: another process may be writing into the same output folder."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    if recursive:
        parts = [Path(root) / name for root, _, names in os.walk(folder) for name in names
                 if name.startswith(".") and name.endswith(PART_SUFFIX)]
    else:
        parts = list(folder.glob(f".*{PART_SUFFIX}"))
    for part in parts:
        if _writer_alive(part.name):
            continue
        try:
            part.unlink()
            removed.append(part)
        except OSError:
            pass
    return removed


def _writer_alive(name: str) -> bool:
    m = _PART_PID.search(name)
    if m is None:
        return False  # an older run's part, without the writer's id
    pid = int(m.group(1))
    if pid == os.getpid():
        return True  # this process's own (another thread of it may be writing)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """Whether ``pid`` has exited and waits to be reaped (Linux's /proc; elsewhere: not known, False). A killed
    batch's workers are orphans that may stay so for a moment: their leftovers are a dead writer's."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read()
    except OSError:
        return False
    return fields[fields.rfind(b")") + 2:][:1] == b"Z"  # the state, after the command's closing parenthesis
