"""Stage: split each paragraph into sentence Segments with stable ids.

Needs: an Edition from a reader (paragraphs holding one Segment with the whole text).
Adds: one Segment per sentence, whose ``zh`` pieces concatenate back to the paragraph
exactly (``source`` and ``key`` are split alongside), with ``line`` set to the source
line where the sentence starts. Head parts (kicker, headline, subtitle, byline) stay
single segments. Running the stage twice gives the same result.

Sentence rules (Chinese newspaper text):
 - A sentence ends at ``。！？`` (and ``!?`` after Chinese, ``.`` after Chinese when no
   letter or digit follows) and at an ellipsis ``……`` unless Chinese punctuation
   (``，、；：``) follows it.
 - Closing quotes and brackets stay with their sentence (``。”``, ``。」``, ``！）``), as do
   repeated marks (``？！``) and the whitespace after them.
 - No split inside 《》 titles or （） brackets, inside numbers (``3.5``), or at ``——``.
 - ``；`` ends a sentence only with ``split_semicolons=True`` (for very long sentences).
 - A run longer than ``MAX_SENTENCE`` characters with no sentence end is cut after a clause
   mark (or at the limit); the piece is flagged ``long-sentence-cut`` and the edition warned.

Ids: ``<article id>-<hash of (sentence, n)>`` where n counts earlier sentences with the
same text in the article, so an edit elsewhere in the page leaves the id of an unchanged
sentence as it was (the translation memory and XLIFF round trips rely on this).
"""

from __future__ import annotations

import re

from ..model import Edition, Paragraph, Segment, stable_id
from ..zh.script import converter, is_chinese_text, is_han

_CLOSERS = "”’」』）)》】〕〉\"'"
_OPENERS_NO_SPLIT = {"《": "》", "（": "）", "(": ")"}
_CLOSERS_NO_SPLIT = {v: k for k, v in _OPENERS_NO_SPLIT.items()}
_TERMINATORS = "。！？!?.…"
_CANDIDATE = re.compile(r"[。！？!?.…；;《》（）()]")
_CANDIDATE_NO_SEMICOLON = re.compile(r"[。！？!?.…《》（）()]")
_AFTER_ELLIPSIS_CONTINUES = "，、；：,;:"


def sentence_ends(text: str, split_semicolons: bool = False) -> list[int]:
    """Offsets just after each sentence in ``text``; the last is always ``len(text)`` (empty text: [])."""
    if not text:
        return []
    ends: list[int] = []
    depth: dict[str, int] = {"《": 0, "（": 0, "(": 0}
    n = len(text)
    pattern = _CANDIDATE if split_semicolons else _CANDIDATE_NO_SEMICOLON
    skip_to = 0
    for m in pattern.finditer(text):
        i = m.start()
        if i < skip_to:
            continue
        ch = text[i]
        if ch in _OPENERS_NO_SPLIT:
            depth[ch] += 1
            continue
        if ch in _CLOSERS_NO_SPLIT:
            opener = _CLOSERS_NO_SPLIT[ch]
            if depth[opener] > 0:
                depth[opener] -= 1
            continue
        if depth["《"] or depth["（"] or depth["("]:
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in "!?" and not is_chinese_text(prev):
            continue
        if ch == "." and (not is_chinese_text(prev) or (nxt.isascii() and nxt.isalnum())):
            continue
        j = i + 1
        if ch == "…":
            while j < n and text[j] == "…":
                j += 1
            if j < n and text[j] in _AFTER_ELLIPSIS_CONTINUES:
                skip_to = j
                continue
        # Further marks and closing quotes/brackets belong to this sentence, then the whitespace.
        # (No bracket is open here, so a closing one is the end of a bracketed sentence: 。）)
        while j < n and (text[j] in _TERMINATORS and text[j] != "." or text[j] in _CLOSERS):
            j += 1
        while j < n and text[j].isspace():
            j += 1
        skip_to = j
        if j < n:
            ends.append(j)
    ends.append(n)
    return ends


_HALF_TO_FULL = ((",", "，"), (":", "："), (";", "；"), ("?", "？"), ("!", "！"), ("(", "（"), (")", "）"))


def _source_offsets(zh: str, source: str, cuts: list[int]) -> list[int]:
    """Where the cuts in ``zh`` fall in ``source``.

    ``source`` differs from ``zh`` by half-width marks (one for one), spaces dropped beside them,
    newlines at column joins and repaired doubled characters (both skipped in ``source``);
    any other difference (a script conversion) counts one character for one. Equal runs are
    skipped with slice comparisons, so the cost grows with the number of differences.
    """
    if len(zh) == len(source):
        return cuts
    mapped = source
    for half, full in _HALF_TO_FULL:  # str.replace is much faster than str.translate on CJK text
        if half in mapped:
            mapped = mapped.replace(half, full)
    if "\n" in mapped and mapped.replace("\n", "") == zh:
        # The common case: only the newlines of column joins differ; they go with the sentence before.
        newlines = _positions(mapped, "\n")
        result = []
        for c in cuts:
            o = c
            for p in newlines:
                if p <= o:
                    o += 1
                else:
                    break
            result.append(o)
        return result
    result: list[int] = []
    cut_iter = iter(cuts)
    cut = next(cut_iter, None)
    i = j = 0
    nz, ns = len(zh), len(mapped)
    while cut is not None:
        # Skip the longest equal run from (i, j) by doubling, then halving, the step.
        step = 64
        while step:
            if i + step <= nz and j + step <= ns and zh[i:i + step] == mapped[j:j + step]:
                while cut is not None and cut < i + step:
                    result.append(j + (cut - i))
                    cut = next(cut_iter, None)
                i += step
                j += step
                step *= 2
            else:
                step //= 2
        if cut is None:
            break
        if i >= nz:
            result.append(ns)
            cut = next(cut_iter, None)
            continue
        if cut == i:
            # A cut at a difference: whitespace only in the source stays with the sentence before.
            while j < ns and mapped[j].isspace() and mapped[j] != zh[i]:
                j += 1
            result.append(j)
            cut = next(cut_iter, None)
            continue
        if j < ns and source[j] == zh[i]:
            i += 1  # a half-width mark kept half-width (no Chinese beside it)
            j += 1
        elif j < ns and (mapped[j].isspace()
                         or (is_han(mapped[j]) and mapped[j] == mapped[:j].rstrip()[-1:])):
            j += 1  # whitespace or a repaired doubled character (same as the last one): only in the source
        else:
            i += 1  # a substituted character
            j += 1
    return [min(r, ns) for r in result]


def _positions(text: str, ch: str) -> list[int]:
    out = []
    k = text.find(ch)
    while k >= 0:
        out.append(k)
        k = text.find(ch, k + 1)
    return out


# A "sentence" longer than this is cut (after a clause mark where there is one): text that
# lost its punctuation would otherwise reach an engine as one 100,000-character input,
# which no model translates and which costs the dictionary engine minutes.
MAX_SENTENCE = 400
_CLAUSE_MARKS = "，；、：,;:"


def cap_sentence_lengths(text: str, ends: list[int], limit: int = MAX_SENTENCE) -> tuple[list[int], set[int]]:
    """``ends`` with extra cuts so no piece is longer than ``limit``; returns (ends, the cuts added).

    A cut goes after the last clause mark in the second half of the window, else at the limit.
    """
    out: list[int] = []
    added: set[int] = set()
    start = 0
    for end in ends:
        while end - start > limit:
            window = text[start + limit // 2:start + limit]
            marks = [k for k, ch in enumerate(window) if ch in _CLAUSE_MARKS]
            cut = start + limit // 2 + marks[-1] + 1 if marks else start + limit
            out.append(cut)
            added.add(cut)
            start = cut
        out.append(end)
        start = end
    return out, added


def _pieces(text: str, cuts: list[int]) -> list[str]:
    start = 0
    out = []
    for c in cuts:
        out.append(text[start:c])
        start = c
    return out


def segment_paragraph(paragraph: Paragraph, split_semicolons: bool = False) -> list[Segment]:
    """The paragraph's segments split into sentences (ids still to be given); text is kept exactly."""
    out: list[Segment] = []
    for seg in paragraph.segments:
        cuts, forced_at = cap_sentence_lengths(seg.zh, sentence_ends(seg.zh, split_semicolons))
        if len(cuts) <= 1:
            out.append(Segment(id=seg.id, zh=seg.zh, en=seg.en, engine=seg.engine, flags=list(seg.flags),
                               source=seg.source, key=seg.key, terms=list(seg.terms), score=seg.score,
                               line=seg.line if seg.line is not None else paragraph.line))
            continue
        zh_parts = _pieces(seg.zh, cuts)
        source = seg.source if seg.source is not None else seg.zh
        source_parts = _pieces(source, _source_offsets(seg.zh, source, cuts))
        key_parts = None
        if seg.key is not None:
            if len(seg.key) == len(seg.zh):
                key_parts = _pieces(seg.key, cuts)
            else:
                key_cuts = cap_sentence_lengths(seg.key, sentence_ends(seg.key, split_semicolons))[0]
                if len(key_cuts) == len(cuts):
                    key_parts = _pieces(seg.key, key_cuts)
                else:
                    key_parts = [converter("t2s").convert(p) for p in zh_parts]
        line = seg.line if seg.line is not None else paragraph.line
        for k, zh in enumerate(zh_parts):
            src = source_parts[k]
            key = key_parts[k] if key_parts is not None else None
            out.append(Segment(id="", zh=zh, source=src if src != zh else None,
                               key=key if key != zh else None,
                               line=line, flags=["long-sentence-cut"] if cuts[k] in forced_at else []))
            if line is not None:
                line += src.count("\n")
    return out


def segment_edition(edition: Edition, split_semicolons: bool = False) -> Edition:
    """Split every paragraph into sentences and give each a stable id; returns the same Edition."""
    for article in edition.articles:
        seen: dict[str, int] = {}
        for paragraph in article.paragraphs:
            segments = segment_paragraph(paragraph, split_semicolons)
            for seg in segments:
                n = seen.get(seg.zh, 0)
                seen[seg.zh] = n + 1
                seg.id = f"{article.id}-" + stable_id("s", seg.zh, str(n))
            paragraph.segments = segments
            cut = [seg for seg in segments if "long-sentence-cut" in seg.flags]
            if cut:
                edition.warn("long-sentence", f"{len(cut)} cut(s) in a run of text longer than {MAX_SENTENCE} "
                             "characters with no sentence end", cut[0].line)
    return edition
