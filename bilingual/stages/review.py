"""Stage: apply a reviewer's English (from a post-edited XLIFF) to an edition.

Needs: an Edition with segment ids (as the XLIFF was exported from it) and the reviewed units.
Adds: the reviewed English on each matching segment, its origin ``xliff``, and clears the
machine's quality flags on it (a person has read the sentence). A unit whose id is unknown or
whose source text no longer matches the edition's Chinese is not applied but reported.
"""

from __future__ import annotations

from typing import Iterable

from ..model import Edition
from ..read.xliff import ReviewedUnit


def apply_review(edition: Edition, units: Iterable[ReviewedUnit], origin: str = "reviewed file"
                 ) -> tuple[set[str], list[str]]:
    """Copy reviewed English into ``edition`` by segment id. Returns (ids changed, problems).

    Each problem is one line naming ``origin`` and the unit.
    """
    by_id = {seg.id: seg for seg in edition.segments()}
    changed: set[str] = set()
    problems: list[str] = []
    for unit in units:
        seg = by_id.get(unit.id)
        if seg is None:
            problems.append(f"{origin}: unit {unit.id!r}: unknown id, not in the edition")
            continue
        if "".join(unit.source.split()) != "".join(seg.zh.split()):
            problems.append(f"{origin}: unit {unit.id!r}: source text changed "
                            f"({seg.zh!r} -> {unit.source!r}), not applied")
            continue
        target = (unit.target or "").strip()
        if target and target != (seg.en or ""):
            seg.en = target
            seg.engine = "xliff"
            # The reviewer has read this sentence: the machine's flags no longer stand.
            seg.flags = []
            changed.add(seg.id)
    return changed, problems
