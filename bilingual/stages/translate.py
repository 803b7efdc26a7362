"""Stage: translate every segment of an Edition with an engine, enforcing the glossary.

Needs: segments with ``terms`` filled by ``bilingual.stages.terms.find_terms``.
Adds: ``en``, ``engine``, ``score`` and term statuses on every segment, and the
edition's ``signature``.

Terminology is enforced in layers around the engine, so every engine gets it:
protect (terms -> placeholders) -> translate -> restore (placeholders -> English
terms) -> verify (``bilingual.terms.verify``) -> flag what still fails.
"""

from __future__ import annotations

import re

from .. import __version__
from ..engines.base import Engine
from ..model import Edition, Segment, TermHit

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def protect(segment: Segment, engine: Engine) -> tuple[str, list[TermHit]]:
    """Replace each term hit in the segment's key text by the engine's placeholder.

    Returns the protected text and the hits in placeholder order (index i ->
    ``engine.placeholder(i)``).
    """
    text = segment.text_key
    hits = sorted(segment.terms, key=lambda h: h.start)
    out, pos = [], 0
    for i, hit in enumerate(hits):
        out.append(text[pos:hit.start])
        out.append(engine.placeholder(i))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out), hits


def restore(text: str, hits: list[TermHit], engine: Engine) -> tuple[str, list[int]]:
    """Put each hit's English back where its placeholder came out.

    Returns the text and the indexes of hits whose placeholder did not come out
    exactly once.
    """
    failed = []
    for i, hit in enumerate(hits):
        ph = engine.placeholder(i)
        count = text.count(ph)
        if count != 1:
            failed.append(i)
        text = text.replace(ph, hit.en)
    return text, failed


def translate_edition(edition: Edition, engine: Engine, glossary=None, memory=None) -> Edition:
    """Translate all segments of ``edition`` in one batch."""
    signature = {"glossary": glossary.version} if glossary is not None else {}
    segments = list(edition.segments())
    protected = [protect(s, engine) for s in segments]
    results = engine.translate_batch([p for p, _ in protected]) if segments else []
    for seg, (_, hits), hyps in zip(segments, protected, results):
        best = hyps[0]
        en, failed = restore(best.text, hits, engine)
        seg.en = en.strip()
        seg.engine = engine.name
        seg.score = best.score
        for i, hit in enumerate(hits):
            hit.status = "missed" if i in failed else "enforced"
            if i in failed:
                seg.flag("missed-term")
        if _CJK.search(seg.en):
            seg.flag("untranslated")
    edition.signature = {**engine.signature(), **(signature or {}), "tool": f"bilingual {__version__}"}
    return edition
