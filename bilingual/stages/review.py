"""Stage: apply a reviewer's English (from a post-edited XLIFF) to an edition.

Needs: an Edition with segment ids (as the XLIFF was exported from it) and the reviewed units.
Adds: a person's English (provenance human, how ``xliff``) on each segment the reviewer changed or
confirmed, with status ``approved`` for a unit in state ``signed-off`` or ``final`` and ``translated``
otherwise; the machine's quality flags on it are cleared (a person has read the sentence). A unit
still in a machine state with its English unchanged is left as it was. A unit whose id is unknown
or whose source text no longer matches the edition's Chinese is not applied but reported.
"""

from __future__ import annotations

from typing import Iterable

from ..model import Edition
from ..read.xliff import ReviewedUnit

# XLIFF 1.2 target states that say a person translated or approved the English.
APPROVED_STATES = ("signed-off", "final")
HUMAN_STATES = ("translated", "needs-review-l10n", "needs-review-adaptation", *APPROVED_STATES)


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
        target = tidy_english(unit.target or "", lines="\n" in (seg.en or ""))
        if not target:
            continue
        state = (unit.state or "").strip()
        status = "approved" if state in APPROVED_STATES else "translated"
        confirmed = state in HUMAN_STATES
        if " ".join(target.split()) != " ".join((seg.en or "").split()) \
                or (confirmed and (not seg.is_human or seg.status != status)):
            seg.set_human(target, "xliff", status, at=unit.date)
            changed.add(seg.id)
    return changed, problems


def tidy_english(text: str, lines: bool) -> str:
    """A reviewer's English with its spaces tidied; a head set a deck per line (its English has line breaks,
    ``bilingual.stages.decks``) keeps the reviewer's line breaks, any other text is one line."""
    if not lines:
        return " ".join(text.split())
    return "\n".join(tidy for line in text.splitlines() if (tidy := " ".join(line.split())))
