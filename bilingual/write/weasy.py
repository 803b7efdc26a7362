"""WeasyPrint, imported through one door: ``load()``, with a quicker search for its C libraries.

On import WeasyPrint opens seven C libraries (GObject, Pango, HarfBuzz, fontconfig ...), trying several
names for each: Windows and macOS names first, then the Linux soname. cffi hands every name it cannot open
directly to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` (then gcc and ld) in new
processes for each one: 22 searches, 0.4-0.6 s of every process that writes a PDF (a batch worker, the
server, each ``bilingual translate``). During that import the searches are answered from one run of
``ldconfig -p``: a name listed there gives the soname ctypes would give; a name that is not listed gives
nothing, as ctypes would after its gcc and ld searches (which look for link-time files, not for the
libraries the dynamic loader opens). Where ``ldconfig -p`` cannot run, ctypes searches as usual.
"""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _ldconfig_sonames() -> tuple[str, ...] | None:
    """Every soname in the dynamic loader's cache (``ldconfig -p``), or None when it cannot be listed."""
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10,
                                     env={"LC_ALL": "C", "LANG": "C"})
        except (OSError, subprocess.SubprocessError):
            continue
        if listing.returncode == 0 and listing.stdout:
            return tuple(re.findall(r"^\s+(\S+)\s+\(", listing.stdout, re.MULTILINE))
    return None


def find_library(name: str, fallback=ctypes.util.find_library) -> str | None:
    """``ctypes.util.find_library(name)`` answered from one ``ldconfig -p`` listing (Linux)."""
    sonames = _ldconfig_sonames()
    if sonames is None:
        return fallback(name)
    prefix = f"lib{name}."
    return next((soname for soname in sonames if soname.startswith(prefix)), None)


@contextmanager
def _quick_library_search():
    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load():
    """The ``weasyprint`` module (imported on first call; ctypes is only patched for that import)."""
    with _LOCK:
        if "weasyprint" not in sys.modules:
            with _quick_library_search():
                import weasyprint  # noqa: F401
    return sys.modules["weasyprint"]
