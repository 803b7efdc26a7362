"""The CLI's environment: standard streams and environment variables, passed in so commands can be
tested in-process (as httpie passes its ``Environment``). Nothing below the CLI reads them."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Mapping, TextIO

from ..config import GLOSSARY_DIR_ENV, LLM_API_KEY_ENV, PDF_JOBS_ENV
from ..engines.packages import INDEX_ENV as ARGOS_INDEX_ENV


@dataclass
class Environment:
    stdin: BinaryIO = field(default_factory=lambda: sys.stdin.buffer)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def err(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)

    @property
    def stderr_is_terminal(self) -> bool:
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    def glossary_paths(self, given: list[Path] | None) -> list[Path] | None:
        """``--glossary`` as given; else ``$BILINGUAL_GLOSSARY_DIR``; else None (the shipped glossary)."""
        if given:
            return list(given)
        folder = self.environ.get(GLOSSARY_DIR_ENV, "").strip()
        return [Path(folder)] if folder else None

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
