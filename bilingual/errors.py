"""One error family for everything the user can cause, each with a code and an exit status.

The message is one line that names the file (and line, when there is one):
``seeds/page.txt:12: not valid GB18030 ...``. The CLI prints ``bilingual: error: <message>``
and exits with ``exit_status``. Warnings are not exceptions: they are data on the Edition.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitStatus(IntEnum):
    OK = 0
    FAILED = 1  # some input could not be processed; the others were
    USAGE = 2  # the command line itself is wrong


class BilingualError(Exception):
    """Base of every expected error. Subclasses set ``code``."""

    code = "error"
    exit_status = ExitStatus.FAILED

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        # One line, always: a message quoting the input must not break a log.
        return (where + self.message).replace("\n", " ")


class UsageError(BilingualError):
    code = "usage"
    exit_status = ExitStatus.USAGE


class InputError(BilingualError):
    """The input file is missing, empty, binary, undecodable or malformed."""

    code = "input"


class GlossaryError(BilingualError):
    code = "glossary"


class ModelError(BilingualError):
    """A translation model package is missing, corrupt, unsafe or of the wrong languages."""

    code = "model"


class ConflictError(BilingualError):
    """Someone else changed what an edit started from (two tabs editing one sentence)."""

    code = "conflict"


class OutputError(BilingualError):
    """An output could not be written (read-only folder, disk full ...)."""

    code = "output"
