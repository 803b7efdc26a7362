"""Stage: translate each deck of a multi-deck head on its own, so the English keeps the decks apart.

Needs: a translated Edition (``bilingual.stages.translate.translate_edition`` has run) whose
segments carry their ``terms``.
Adds: for a kicker, headline or subtitle of two or more decks (``bilingual.zh.decks``) whose English
is not a person's work, the English of each deck translated as its own sentence (memory, glossary
enforcement and verification as for any sentence) and joined by ``EN_DECK_BREAK``; the term
statuses and ``missed-term`` flag from those translations, the lowest deck score, and the decks'
provenance (machine English, or the memory's when every deck came from one match of it).

Translated whole, "朱健带队赴国家开发银行湖南省分行会谈工作 宋征参加" runs its decks together
("... held talks on work Song Zheng attended"); deck by deck it reads as two lines.
"""

from __future__ import annotations

from dataclasses import replace

from ..engines.base import Engine
from ..model import Article, Edition, Paragraph, Provenance, Segment, TermHit
from ..zh.decks import EN_DECK_BREAK, deck_spans
from .translate import translate_edition

DECKED_PARTS = ("kicker", "headline", "subtitle")  # a byline's space separates a title from a name


def _deck_segments(seg: Segment) -> tuple[list[Segment], list[TermHit]] | None:
    """The head's decks as segments of their own (term offsets moved), with the head's hits in the
    order the decks list them; None for a one-deck head, or one whose Chinese and matching key do not
    split alike, or one with a term across a deck break."""
    key = seg.text_key
    spans = deck_spans(key)
    if len(spans) < 2 or len(deck_spans(seg.zh)) != len(spans):
        return None
    decks, order = [], []
    for n, (start, end) in enumerate(spans):
        inside = [h for h in seg.terms if start <= h.start and h.end <= end]
        order += inside
        decks.append(Segment(id=f"{seg.id}-deck{n}", zh=key[start:end],
                             terms=[replace(h, start=h.start - start, end=h.end - start) for h in inside]))
    if len(order) != len(seg.terms):
        return None
    return decks, order


def translate_decks(edition: Edition, engine: Engine, glossary=None, memory=None, options: str = "") -> Edition:
    """Re-translate multi-deck heads deck by deck (see the module docstring); returns the same edition.

    ``memory`` and ``options`` are passed on to ``translate_edition``. A person's English is never touched.
    """
    pending: list[tuple[Segment, list[Segment], list[TermHit]]] = []
    for article in edition.articles:
        for part, seg in article.heads():
            if part in DECKED_PARTS and not seg.is_human and (split := _deck_segments(seg)) is not None:
                pending.append((seg, *split))
    if not pending:
        return edition
    # The decks go through the same translation (memory, glossary enforcement, verification) as any sentence.
    holder = Edition(source=edition.source, encoding=edition.encoding, place=edition.place, articles=[Article(
        id="decks", headline=Segment(id="decks-headline", zh=""),
        paragraphs=[Paragraph(id="decks", segments=[d for _, decks, _ in pending for d in decks])])])
    translate_edition(holder, engine, glossary=glossary, memory=memory, options=options)
    machine = Provenance.machine(engine.name, engine.signature().model_id)
    for seg, decks, order in pending:
        scores = [d.score for d in decks if d.score is not None]
        seg.set_machine(EN_DECK_BREAK.join((d.en or "").strip() for d in decks), engine.name,
                        score=min(scores) if scores else None)
        origins = [d.origin for d in decks]
        seg.origin = origins[0] if origins[0] is not None and all(o == origins[0] for o in origins) \
            and not origins[0].is_human else machine
        for hit, translated in zip(order, (h for d in decks for h in d.terms)):
            hit.status = translated.status
        if "missed-term" in seg.flags:
            seg.flags.remove("missed-term")
        if any("missed-term" in d.flags for d in decks):
            seg.flag("missed-term")
    return edition

