"""Reviewed XLIFF 1.2: a translator's post-edited file read back as units (id, source, target, state).

Parsed with translate-toolkit, as forgiving as the CAT tools (OmegaT, Trados, memoQ) that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError
from ..files import read_input_bytes


@dataclass
class ReviewedUnit:
    """One trans-unit of a post-edited XLIFF."""

    id: str
    source: str
    target: str | None
    state: str | None
    date: str | None = None  # when the target was last changed, if the file says (xsd:dateTime)


def read_reviewed_xliff(path: Path) -> tuple[str | None, list[ReviewedUnit]]:
    """Parse a (post-edited) XLIFF 1.2 file: returns (the file's ``original``, its units in order).

    Raises InputError naming the file when it is missing or not XLIFF.
    """
    from translate.storage.xliff import xlifffile  # translate-toolkit is slow to import: only when asked

    path = Path(path)
    data = read_input_bytes(path, "XLIFF file")
    if not data.strip():
        raise InputError("empty file, expected XLIFF 1.2", path)
    try:
        store = xlifffile.parsestring(data)
    except Exception as e:  # lxml/toolkit raise assorted errors for non-XLIFF input
        raise InputError(f"not an XLIFF file: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
                         path) from None
    originals = store.getfilenames()
    units = []
    for unit in store.getunits():
        if unit.isheader():
            continue
        target_el = unit.getlanguageNode(lang=None, index=1)
        units.append(ReviewedUnit(
            id=unit.xmlelement.get("id") or "",
            source=unit.source or "",
            target=unit.target if target_el is not None else None,
            state=target_el.get("state") if target_el is not None else None,
            date=_xsd_date(unit.xmlelement.get("date") or (target_el.get("date") if target_el is not None else None)),
        ))
    return (originals[0] if originals else None), units


def _xsd_date(value: str | None) -> str | None:
    """An XLIFF date as this tool writes it (UTC, to the second), or None when absent or not a date."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
