"""Stage: translate every segment of an Edition with an engine, enforcing the glossary.

Needs: segments with ``terms`` filled by ``bilingual.stages.terms.find_terms``.
Adds: ``en``, ``engine``, ``score`` and term statuses on every segment, the
``missed-term`` flag, and the edition's ``signature``.

Terminology is enforced in layers around the engine, so every engine gets it:

1. protect: each term in the source becomes the engine's placeholder;
2. decode n-best; prefer the best-scored hypothesis in which every placeholder
   comes out exactly once (tolerating re-casing and inner spaces);
3. restore the English term where its placeholder came out;
4. verify the English holds each term (``bilingual.terms.verify`` when present);
5. repair: a dropped, doubled or translated placeholder triggers one retry with
   that term left in Chinese, its hypotheses re-ranked by the term's presence;
   what still fails is marked ``missed`` and flagged, never hidden.

Term statuses: ``enforced`` (placeholder restored), ``verified`` (the English
was there although the placeholder did not come back: the engine rendered the
term itself), ``repaired`` (found after the retry), ``missed``.

An engine that cannot carry placeholders (``placeholder`` returns "") gets its terms in
Chinese: every term is then verified, and the repair re-ranks the n-best it already has.
An engine with ``uses_context`` is also told each sentence's terms (with their required
English) and its article's headline. A hypothesis the engine marks as failed
(``Hypothesis.problem``) is kept for the quality stage to flag, never remembered.

Human work first: a segment whose English is a person's (``Segment.is_human``: reviewed in an
XLIFF or the web editor, aligned, imported) is never decoded or replaced; nor is a segment whose
source a memory holds a person's English for (an exact match). Where the current glossary disagrees
with such English (a term is not rendered), the segment is flagged ``review-vs-glossary`` for the
reviewer instead of ``missed-term``. With a memory, segments already translated under the same
engine, model, glossary and options are taken from it and not decoded again; new machine English is
stored in one short write after decoding. Segments without a person's English get fuzzy matches of
human work as ``suggestions`` (never applied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..engines.base import Engine, Hypothesis, SentenceContext, TermContext
from ..memory import Memories, MemoryEntry
from ..model import Edition, Provenance, Segment, TermHit, is_structural_flag
from ..terms.verify import verify_terms
from .bylines import BYLINE_ENGINE

N_BEST = 4

_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


def _padded(placeholder: str, before: str, after: str) -> str:
    # Glued to a Latin letter or digit, "#1" + "998" would read as "#1998".
    left = " " if before and _ASCII_ALNUM.match(before[-1]) else ""
    right = " " if after and _ASCII_ALNUM.match(after[0]) else ""
    return f"{left}{placeholder}{right}"


def protect(segment: Segment, engine: Engine, keep: set[int] | frozenset = frozenset()) -> tuple[str, list[TermHit]]:
    """Replace each term hit in the segment's key text by the engine's placeholder.

    Returns the protected text and the hits in placeholder order (index i ->
    ``engine.placeholder(i)``). Hits whose index is in ``keep`` stay in Chinese
    (the retry path); their placeholder index is still reserved.
    """
    text = segment.text_key
    hits = sorted(segment.terms, key=lambda h: (h.start, -h.end))
    out, pos = [], 0
    for i, hit in enumerate(hits):
        if hit.start < pos:  # overlapping hit: the term stage should not produce one; keep the first
            continue
        out.append(text[pos:hit.start])
        if i in keep or not engine.placeholder(i):
            out.append(text[hit.start:hit.end])
        else:
            out.append(_padded(engine.placeholder(i), "".join(out), text[hit.end:]))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out), hits


def placeholder_pattern(placeholder: str) -> re.Pattern:
    """A pattern that finds the placeholder even re-cased or with spaces inside (``ZX1`` ~ ``zx 1``)."""
    body = r"\s*".join(re.escape(ch) for ch in placeholder)
    left = r"(?<![0-9A-Za-z])" if _ASCII_ALNUM.match(placeholder[0]) else ""
    right = r"(?![0-9])" if placeholder[-1].isdigit() else ""
    return re.compile(left + body + right, re.IGNORECASE)


def placeholder_counts(text: str, hits: list[TermHit], engine: Engine, skip: set[int] | frozenset = frozenset()
                       ) -> list[int]:
    """How often each hit's placeholder occurs in ``text`` (-1 for skipped hits)."""
    return [-1 if i in skip else len(placeholder_pattern(engine.placeholder(i)).findall(text))
            if engine.placeholder(i) else 0 for i in range(len(hits))]


def restore(text: str, hits: list[TermHit], engine: Engine) -> tuple[str, list[int]]:
    """Put each hit's English back where its placeholder came out.

    Returns the text and the indexes of hits whose placeholder did not come out
    exactly once. Placeholders are replaced from the highest index down so
    ``#1`` never eats the start of ``#12``.
    """
    failed = []
    text = text.strip()
    # A term restored at the very start of the sentence takes a capital ("the Hengyang
    # Municipal Government held ..." -> "The ..."); the engine cased its own words already.
    # An opening bracket or quote before it does not change that: "(All-media reporter ...".
    lead = len(text) - len(text.lstrip("(\"'“‘[ "))
    starts_with_term = any(placeholder_pattern(engine.placeholder(i)).match(text, lead)
                           for i in range(len(hits)) if engine.placeholder(i))
    for i in sorted(range(len(hits)), reverse=True):
        if not engine.placeholder(i):  # left in Chinese: nothing to restore
            failed.append(i)
            continue
        pattern = placeholder_pattern(engine.placeholder(i))
        text, count = pattern.subn(lambda _m, en=hits[i].en: en, text)
        if count != 1:
            failed.append(i)
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    lead = len(text) - len(text.lstrip("(\"'“‘[ "))
    if starts_with_term and text[lead:lead + 1].islower():
        text = text[:lead] + text[lead].upper() + text[lead + 1:]
    return text, sorted(failed)


def term_rendered(hit: TermHit, en: str) -> bool:
    """Whether the English ``en`` holds the hit's English (case-insensitive, spacing-tolerant)."""
    return _normal(hit.en) in _normal(en) if hit.en else False


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def verify_segment(segment: Segment, glossary=None, place: str | None = None) -> set[int]:
    """Indexes (in ``segment.terms``) of terms the English does not render.

    A hit's own English present (case-insensitive) counts as rendered; for the
    others the glossary's verification (``bilingual.terms.verify.verify_terms``)
    decides, so a listed variant or a place-slot form counts too.
    """
    missing = {i for i, hit in enumerate(segment.terms) if not term_rendered(hit, segment.en or "")}
    if not missing or glossary is None:
        return missing
    names = [h for h in segment.terms if h.type in ("person", "name")]
    verdict = verify_terms(segment.text_key, segment.en or "", glossary, place=place, names=names)
    rendered = {(r.zh, r.start) for r in verdict.rendered}
    return {i for i in missing if (segment.terms[i].zh, segment.terms[i].start) not in rendered}


@dataclass
class _Work:
    """One segment on its way through protect -> decode -> restore -> repair."""

    segment: Segment
    hits: list[TermHit]
    protected: str
    headline: str = ""
    hypotheses: list[Hypothesis] = field(default_factory=list)
    retry_keep: set[int] = field(default_factory=set)
    failed: bool = False  # the engine gave no usable English (Hypothesis.problem): not remembered


def _choose(hyps: list[Hypothesis], hits: list[TermHit], engine: Engine, skip: set[int]) -> Hypothesis:
    """Best-scored hypothesis with every protected placeholder exactly once; else the one with fewest faults.

    ``hyps`` come best first, so ties keep the engine's order.
    """
    def faults(h: Hypothesis) -> int:
        return sum(1 for c in placeholder_counts(h.text, hits, engine, skip) if c not in (-1, 1))

    return min(hyps, key=faults)


def _rerank_for_terms(hyps: list[Hypothesis], hits: list[TermHit], engine: Engine, keep: set[int]
                      ) -> tuple[Hypothesis, str]:
    """The retry's pick: most required terms present, then fewest placeholder faults, then most other terms
    present, then score order."""
    best_key, best = None, None
    for rank, h in enumerate(hyps):
        en, failed = restore(h.text, hits, engine)
        present = sum(1 for i in keep if term_rendered(hits[i], en))
        faults = sum(1 for i in failed if i not in keep)
        # Then the other terms (for an engine without placeholders they were never protected).
        others = sum(1 for i in range(len(hits)) if i not in keep and term_rendered(hits[i], en))
        key = (-present, faults, -others, rank)
        if best_key is None or key < best_key:
            best_key, best = key, (h, en)
    return best


def _decode(engine: Engine, texts: list[str], num_hypotheses: int,
            contexts: dict[str, SentenceContext] | None = None) -> dict[str, list[Hypothesis]]:
    """Decode each distinct text once, shortest first (the engine batches them), keyed by text.

    An engine with ``uses_context`` (an LLM, which reads a batch as one passage) gets them in reading
    order instead, with ``contexts`` (text -> its context)."""
    with_context = getattr(engine, "uses_context", False)
    unique = list(dict.fromkeys(texts)) if with_context else sorted(set(texts), key=lambda t: (len(t), t))
    if not unique:
        return {}
    if with_context:
        results = engine.translate_batch(unique, num_hypotheses=num_hypotheses,
                                         context=[(contexts or {}).get(t, SentenceContext()) for t in unique])
    else:
        results = engine.translate_batch(unique, num_hypotheses=num_hypotheses)
    return {t: (hyps or [Hypothesis("")]) for t, hyps in zip(unique, results)}


def _context(w: _Work, engine: Engine, keep: set[int] | frozenset = frozenset()) -> SentenceContext:
    """The terms of a work item (placeholder, or "" where the term stays in Chinese) and its headline."""
    terms = tuple(TermContext("" if i in keep else engine.placeholder(i), h.zh, h.en) for i, h in enumerate(w.hits))
    return SentenceContext(terms=terms, headline=w.headline)


def translate_edition(edition: Edition, engine: Engine, glossary=None, memory: Memories | None = None,
                      num_hypotheses: int = N_BEST, options: str = "") -> Edition:
    """Translate the segments of ``edition`` that have no person's English: memory first, then one
    length-sorted batch, then one repair batch.

    ``memory``: the run's memories (``bilingual.memory.Memories``) or None. ``options``: what else
    changes the English (the pipeline's options key); with the edition's place it is part of the
    memory key. Returns the same edition, enriched (see the module docstring).
    """
    signature = engine.signature()
    model_id = signature.model_id
    glossary_version = str(getattr(glossary, "version", "") or "") if glossary is not None else ""
    key_options = ";".join(p for p in (options, f"place={edition.place}" if edition.place else "") if p)

    work: list[_Work] = []
    remembered: list[Segment] = []
    headlines = {id(seg): article.headline.zh for article in edition.articles for seg in article.segments()}
    human: list[Segment] = []
    for seg in edition.segments():
        for stale in ("missed-term", "review-vs-glossary"):  # from an earlier translation of this segment
            if stale in seg.flags:
                seg.flags.remove(stale)
        if not seg.text_key.strip():
            if not seg.is_human:
                seg.en, seg.score, seg.engine, seg.origin = "", None, None, None
            continue
        if seg.is_human:
            human.append(seg)
            continue
        if seg.engine == BYLINE_ENGINE and seg.en:  # set in English convention by stages/bylines.py
            remembered.append(seg)
            continue
        if memory is not None:
            entry = memory.human(seg.text_key)
            if entry is not None:
                _take_human(seg, entry)
                human.append(seg)
                continue
            entry = memory.machine(seg.text_key, engine.name, model_id, glossary_version, key_options)
            if entry is not None:
                _take_machine(seg, entry, engine.name, model_id)
                remembered.append(seg)
                continue
        protected, hits = protect(seg, engine)
        work.append(_Work(seg, hits, protected, headlines.get(id(seg), "")))

    # Pass 1: everything protected, n-best.
    decoded = _decode(engine, [w.protected for w in work], num_hypotheses,
                      {w.protected: _context(w, engine) for w in work})
    retry: list[_Work] = []
    for w in work:
        w.hypotheses = decoded[w.protected]
        best = _choose(w.hypotheses, w.hits, engine, set())
        en, failed = restore(best.text, w.hits, engine)
        w.segment.set_machine(en, engine.name, model_id, best.score)
        w.failed = getattr(best, "problem", None) is not None
        for hit in w.hits:
            hit.status = "enforced"
        # A placeholder that did not come back is fine if the English is there anyway
        # (the engine rendered the term itself); a doubled one never is.
        counts = placeholder_counts(best.text, w.hits, engine)
        w.retry_keep = {i for i in failed if counts[i] > 1 or not term_rendered(w.hits[i], en)}
        for i in failed:
            if i not in w.retry_keep:
                w.hits[i].status = "verified"
        if w.retry_keep:
            retry.append(w)

    # Pass 2 (repair): failed terms left in Chinese, hypotheses re-ranked by the terms' presence.
    # A text that is the same as in pass 1 (its terms were in Chinese already) is not decoded again.
    if retry:
        texts = {id(w): protect(w.segment, engine, keep=w.retry_keep)[0] for w in retry}
        changed = [w for w in retry if texts[id(w)] != w.protected]
        redecoded = _decode(engine, [texts[id(w)] for w in changed], num_hypotheses,
                            {texts[id(w)]: _context(w, engine, w.retry_keep) for w in changed})
        for w in retry:
            hyps = redecoded.get(texts[id(w)]) or w.hypotheses
            best, en = _rerank_for_terms(hyps, w.hits, engine, w.retry_keep)
            w.segment.set_machine(en, engine.name, model_id, best.score)
            w.failed = getattr(best, "problem", None) is not None
            _, failed = restore(best.text, w.hits, engine)
            for i, hit in enumerate(w.hits):
                if i in w.retry_keep:
                    hit.status = "repaired" if term_rendered(hit, en) else "missed"
                elif i in failed:
                    hit.status = "verified" if term_rendered(hit, en) else "missed"

    # Verify every segment, decoded, remembered or a person's: a term not rendered is missed whatever
    # the path. On a person's English that is for the reviewer to judge, never for a machine to change.
    for seg in remembered + [w.segment for w in work] + human:
        missing = verify_segment(seg, glossary, edition.place)
        for i, hit in enumerate(seg.terms):
            if i in missing:
                hit.status = "missed"
            elif hit.status in ("missed", "found"):  # the glossary's verifier accepted a listed variant
                hit.status = "verified"
        if any(h.status == "missed" for h in seg.terms):
            seg.flag("review-vs-glossary" if seg.is_human else "missed-term")
    if memory is not None:
        memory.store_machine([MemoryEntry("machine", w.segment.text_key, w.segment.en or "", "draft",
                                          engine=engine.name, model=model_id, glossary=glossary_version,
                                          options=key_options, score=w.segment.score,
                                          terms=[{"zh": h.zh, "en": h.en, "status": h.status}
                                                 for h in w.segment.terms])
                              for w in work if not w.failed])
        for seg in edition.segments():
            seg.suggestions = memory.suggestions(seg.text_key) if seg.text_key.strip() and not seg.is_human else []
    return edition


def _take_machine(seg: Segment, entry: MemoryEntry, engine: str, model_id: str) -> None:
    """The engine's own English for this source, as remembered (same engine, model, glossary, options)."""
    seg.set_machine(entry.en, engine, model_id, entry.score)
    statuses = {(t.get("zh"), t.get("en")): t.get("status") for t in entry.terms}
    for hit in seg.terms:
        # How the term got there, as remembered; a hit the entry does not know is checked by verification.
        status = statuses.get((hit.zh, hit.en))
        hit.status = status if status in ("enforced", "verified", "repaired") else "verified"


def _take_human(seg: Segment, entry: MemoryEntry) -> None:
    """A person's English for this exact source, from the project's memory or a reference memory."""
    seg.en, seg.score = entry.en, None
    if entry.memory == "project":
        seg.engine = entry.how or "human"
        seg.origin = Provenance(origin="human", status=entry.status, how=entry.how or None, by=entry.who or None,
                                at=entry.changed or None)
    else:
        seg.engine = "memory"
        seg.origin = Provenance(origin="memory", status=entry.status, memory=entry.memory, how=entry.how or None,
                                by=entry.who or None, at=entry.changed or None)
    seg.flags = [f for f in seg.flags if is_structural_flag(f)]
