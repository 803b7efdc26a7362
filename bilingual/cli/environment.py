"""The CLI's environment: standard streams, environment variables and the user's config file, passed in so
commands can be tested in-process (as httpie passes its ``Environment``). Nothing below the CLI reads them.

The config file is ``$XDG_CONFIG_HOME/bilingual/config.toml`` (``~/.config/bilingual/config.toml``), or
the file ``$BILINGUAL_CONFIG`` names. It may set ``place``, ``layout``, ``glossary`` (a path or a list)
and ``data_dir``; an option on the command line wins over an environment variable, which wins over
the file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping, TextIO

from ..config import APP_NAME, GLOSSARY_DIR_ENV, LAYOUTS, LLM_API_KEY_ENV, PDF_JOBS_ENV
from ..engines.packages import INDEX_ENV as ARGOS_INDEX_ENV
from ..errors import OutputError, UsageError

CONFIG_ENV = "BILINGUAL_CONFIG"
CONFIG_KEYS = {"place": str, "layout": str, "glossary": (str, list), "data_dir": str}
STDIO = "-"  # as a file argument: stdin (an input) or stdout (an output)


@dataclass
class Environment:
    stdin: BinaryIO = field(default_factory=lambda: sys.stdin.buffer)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    verbosity: int = 0  # -1 with -q (errors only), 1 with -v
    _settings: dict | None = None

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def err(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)

    def info(self, text: str) -> None:
        """Progress and notes on stderr: hidden by -q."""
        if self.verbosity >= 0:
            self.err(text)

    def detail(self, text: str) -> None:
        """What only -v shows."""
        if self.verbosity > 0:
            self.err(text)

    def write_bytes(self, data: bytes) -> None:
        """Bytes to stdout (a file written to ``-``)."""
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is not None:
            self.stdout.flush()
            buffer.write(data)
            buffer.flush()
        else:  # an in-process test's StringIO
            self.stdout.write(data.decode("utf-8", errors="replace"))

    @property
    def stderr_is_terminal(self) -> bool:
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    # -- the config file ----------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        given = self.environ.get(CONFIG_ENV, "").strip()
        if given:
            return Path(given)
        base = self.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path(self.environ.get("HOME", "~"))
                                                                         / ".config")
        return Path(base).expanduser() / APP_NAME / "config.toml"

    def settings(self) -> dict:
        """The config file's settings (empty when there is none); UsageError naming the file when it is bad."""
        if self._settings is None:
            path = self.config_path
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                data = {}
            except (OSError, UnicodeDecodeError) as e:
                raise UsageError(f"cannot read the config file: {e}", path) from None
            except tomllib.TOMLDecodeError as e:
                raise UsageError(f"not valid TOML: {e}", path) from None
            for key, value in data.items():
                if key not in CONFIG_KEYS:
                    raise UsageError(f"unknown setting {key!r} (known: {', '.join(CONFIG_KEYS)})", path)
                if not isinstance(value, CONFIG_KEYS[key]):
                    raise UsageError(f"{key} must be {'a text' if CONFIG_KEYS[key] is str else 'a path or a list'}",
                                     path)
            if data.get("layout") is not None and data["layout"] not in LAYOUTS:
                raise UsageError(f"layout must be one of {', '.join(LAYOUTS)}, not {data['layout']!r}", path)
            self._settings = data
        return self._settings

    def _setting_path(self, key: str) -> Path | None:
        value = self.settings().get(key)
        return Path(value).expanduser() if isinstance(value, str) and value.strip() else None

    def glossary_paths(self, given: list[Path] | None) -> list[Path] | None:
        """``--glossary`` as given; else ``$BILINGUAL_GLOSSARY_DIR``; else the config file's ``glossary``;
        else None (the shipped glossary)."""
        if given:
            return list(given)
        folder = self.environ.get(GLOSSARY_DIR_ENV, "").strip()
        if folder:
            return [Path(folder)]
        value = self.settings().get("glossary")
        if isinstance(value, list):
            return [Path(str(v)).expanduser() for v in value] or None
        return [Path(value).expanduser()] if isinstance(value, str) and value.strip() else None

    def place(self, given: str | None) -> str | None:
        return given or self.settings().get("place") or None

    def layout(self, given: str | None) -> str:
        return given or self.settings().get("layout") or "side-by-side"

    def data_dir(self, given: Path | None) -> Path | None:
        return given or self._setting_path("data_dir")

    def llm_api_key(self) -> str | None:
        """``$BILINGUAL_LLM_API_KEY``: a bearer token for an LLM server that wants one (vLLM --api-key ...)."""
        return self.environ.get(LLM_API_KEY_ENV, "").strip() or None

    def argos_index(self) -> str | None:
        """``$ARGOS_PACKAGE_INDEX``, as argostranslate reads it: where the package index is."""
        return self.environ.get(ARGOS_INDEX_ENV, "").strip() or None

    def pdf_jobs(self) -> int | None:
        """``$BILINGUAL_PDF_JOBS`` (processes for a long PDF), when set to a positive number."""
        value = self.environ.get(PDF_JOBS_ENV, "").strip()
        return int(value) if value.isdigit() and int(value) > 0 else None

    # -- "-" for stdin and stdout ---------------------------------------------------------------

    @contextmanager
    def input_file(self, given: Path | str, suffix: str = ".txt") -> Iterator[Path]:
        """The path of an input file; for ``-``, stdin's bytes in a temporary file with ``suffix``."""
        if str(given) != STDIO:
            yield Path(given)
            return
        with tempfile.TemporaryDirectory(prefix="bilingual-stdin-") as tmp:
            path = Path(tmp) / f"stdin{suffix}"
            path.write_bytes(self.stdin.read())
            yield path

    @contextmanager
    def output_file(self, given: Path | str, suffix: str = "") -> Iterator[Path]:
        """Where to write an output file; for ``-``, a temporary file copied to stdout afterwards. A named
        file's folder must exist (no command makes folders for a mistyped path)."""
        if str(given) != STDIO:
            path = Path(given)
            require_folder(path.parent if str(path.parent) else Path("."), f"the folder of {path},")
            yield path
            return
        with tempfile.TemporaryDirectory(prefix="bilingual-stdout-") as tmp:
            path = Path(tmp) / f"stdout{suffix}"
            yield path
            if path.exists():
                self.write_bytes(path.read_bytes())


def require_folder(folder: Path, what: str = "folder") -> Path:
    """``folder`` when it is an existing folder; else UsageError saying it does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"{what} {folder} {problem}")
    return folder


def creatable_folder(folder: Path) -> Path:
    """``folder`` when it exists or its parent does (it may be made); else UsageError, so a mistyped
    ``--out /outptu/x`` does not make folders all the way from /."""
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():  # something stands where the folder should be: an output problem, not usage
            raise OutputError("not a folder: cannot write the editions here", folder)
        return folder
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot make the output folder: {parent} does not exist", folder)
    return folder
