"""Writer: the document model itself as JSON (the schema in ``bilingual.model``)."""

from __future__ import annotations

from pathlib import Path

from ..config import WriteOptions
from ..files import write_json_atomic
from ..model import Edition


def write_json(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """The translated model as JSON; returns ``path``."""
    return write_json_atomic(path, edition.to_json())
