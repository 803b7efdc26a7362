"""Sentence alignment of a Chinese text and an existing English version (Gale & Church 1993).

``align_sentences(zh, en)`` pairs sentences into beads of 1-1, 1-2, 2-1, 1-0 and
0-1 by dynamic programming over a length cost: English length is roughly a fixed
multiple of Chinese length (the ratio is measured on the two texts themselves),
with deviations normally distributed around it. Anchors sharpen the length cost:
numbers, glossary terms (Chinese term -> its English) and person names (jieba
tags them; pypinyin romanises them surname first) that occur on one side and
are found, or missing, on the other.

``aligned_edition`` turns the beads into a bilingual Edition (engine "align") so
the ordinary writers can print it and export it as TMX.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from ..model import Article, Edition, Paragraph, Provenance, Segment, utc_now
from ..signature import Signature
from ..terms.glossary import PLACE_SLOT, Glossary
from ..zh import words
from ..zh.pinyin import romanize_name

ALIGN_SIGNATURE = Signature(engine="align", model="gale-church")

# Prior probabilities of each bead shape. Gale & Church measured 0.89 / 0.0099 / 0.089 on
# parliamentary proceedings; English versions of Chinese news are freer (sentences dropped,
# long Chinese sentences split), so omissions and splits get more weight here.
BEAD_PRIORS = {(1, 1): 0.80, (1, 0): 0.03, (0, 1): 0.02, (2, 1): 0.07, (1, 2): 0.08}
# Variance of English length per Chinese character, as a multiple of the length ratio.
VARIANCE_PER_RATIO = 6.8
OMISSION_LENGTH_COST = 0.0  # see _length_cost
ANCHOR_BONUS = 2.0  # cost removed for each anchor found on both sides of a bead
ANCHOR_PENALTY = 1.5  # cost added for each anchor found on one side only

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ZH_SENTENCE_END = re.compile(r"(?<=[。！？!?])[”’」』）)]*")
# Abbreviations after which a full stop does not end an English sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "no", "co", "ltd", "inc", "jr", "sr", "vs", "etc",
                  "e.g", "i.e", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                  "sept", "oct", "nov", "dec", "gov", "gen", "col", "lt", "mt", "ft", "dept", "approx"}


@dataclass
class AlignedPair:
    """One bead: Chinese sentence indices and English sentence indices that translate each other."""

    zh_indices: tuple[int, ...]
    en_indices: tuple[int, ...]
    zh: str
    en: str
    cost: float = 0.0
    anchors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return f"{len(self.zh_indices)}-{len(self.en_indices)}"


def split_chinese_sentences(text: str) -> list[str]:
    """Split Chinese text at 。！？ (keeping closing quotes with their sentence); one line never spans two."""
    sentences = []
    for line in text.splitlines():
        line = line.strip()
        start = 0
        for m in _ZH_SENTENCE_END.finditer(line):
            if m.end() > start:
                piece = line[start:m.end()].strip()
                if piece:
                    sentences.append(piece)
                start = m.end()
        if line[start:].strip():
            sentences.append(line[start:].strip())
    return sentences


def split_english_sentences(text: str) -> list[str]:
    """Split English text into sentences: at . ! ? followed by space and a capital, digit or quote,
    but not after an abbreviation (Mr., Co., Ltd., Aug. ...) or an initial; a line break always ends one."""
    sentences = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        start = 0
        for m in re.finditer(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])", line):
            before = line[start:m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if line[m.start()] == "." and (last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            sentences.append(line[start:m.end()].strip())
            start = m.end()
        if line[start:].strip():
            sentences.append(line[start:].strip())
    return sentences


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").lstrip("0") or "0" for n in _NUMBER.findall(text)}


def person_names(sentences: Iterable[str]) -> dict[str, str]:
    """Chinese person names found by jieba's tagger -> romanised as translations write them ("Zhu Jian")."""
    names = {}
    for sentence in sentences:
        for token in words.pos_cut(sentence):
            if token.flag == "nr" and 2 <= len(token.word) <= 4 and token.word not in names:
                names[token.word] = romanize_name(token.word)
    return names


class _Anchors:
    """Which anchors each Chinese sentence holds, and whether an English text contains them."""

    def __init__(self, zh: Sequence[str], en: Sequence[str], term_pairs: Iterable[tuple[str, str]],
                 names: dict[str, str]):
        renderings = [(z, e) for z, e in term_pairs if z and e] + list(names.items())
        # Longest Chinese first, so 市委书记 is taken before 书记 within one sentence.
        renderings.sort(key=lambda pair: -len(pair[0]))
        self.zh_anchors: list[list[str]] = []
        for sentence in zh:
            found, rest = [], sentence
            for z, e in renderings:
                if z in rest:
                    found.append(e.lower())
                    rest = rest.replace(z, "\x00")
            self.zh_anchors.append(found)
        self.zh_numbers = [_numbers(s) for s in zh]
        self.en_lower = [s.lower() for s in en]
        self.en_numbers = [_numbers(s) for s in en]

    def score(self, zh_range: range, en_range: range) -> tuple[float, list[str]]:
        """Cost adjustment for pairing these sentences: negative when anchors agree.

        Anchors are counted with multiplicity: a place named three times in two Chinese
        sentences and once in the English matches once, so merging sentences that merely
        share a common name is not rewarded.
        """
        en_text = " ".join(self.en_lower[j] for j in en_range)
        wanted: dict[str, int] = {}
        for i in zh_range:
            for anchor in self.zh_anchors[i]:
                wanted[anchor] = wanted.get(anchor, 0) + 1
        matched, unmatched = [], 0
        for anchor, count in wanted.items():
            found = min(count, en_text.count(anchor))
            matched += [anchor] * found
            unmatched += count - found
        zh_nums = set().union(*(self.zh_numbers[i] for i in zh_range)) if len(zh_range) else set()
        en_nums = set().union(*(self.en_numbers[j] for j in en_range)) if len(en_range) else set()
        matched += sorted(zh_nums & en_nums)
        unmatched += len(zh_nums ^ en_nums)
        return ANCHOR_PENALTY * unmatched - ANCHOR_BONUS * len(matched), matched


def _length_cost(zh_len: int, en_len: int, ratio: float, variance: float) -> float:
    """-log P(length difference | match) for a bead with these total lengths (Gale & Church eq. 2)."""
    if zh_len == 0 or en_len == 0:
        # An omitted sentence has no length to compare: the normal law would make every
        # omission near impossible (-log p ~ 25). Its prior and its unmatched anchors price it.
        return OMISSION_LENGTH_COST
    mean = (zh_len + en_len / ratio) / 2
    delta = (en_len - zh_len * ratio) / math.sqrt(max(mean, 1) * variance)
    # Two-tailed probability of a deviation at least this large under the normal law.
    p = math.erfc(abs(delta) / math.sqrt(2))
    return -math.log(max(p, 1e-12))


def align_sentences(zh: Sequence[str], en: Sequence[str], term_pairs: Iterable[tuple[str, str]] = (),
                    names: dict[str, str] | None = None) -> list[AlignedPair]:
    """Align Chinese sentences ``zh`` with English sentences ``en``; returns the beads in order.

    ``term_pairs`` are (Chinese term, English rendering) anchors, e.g. from the glossary;
    ``names`` maps Chinese person names to their romanisation (default: found with jieba).
    Every sentence of both sides appears in exactly one bead.
    """
    zh, en = list(zh), list(en)
    if names is None:
        names = person_names(zh) if zh and en else {}
    zh_lens = [len("".join(s.split())) for s in zh]
    en_lens = [len(s) for s in en]
    ratio = (sum(en_lens) / sum(zh_lens)) if sum(zh_lens) and sum(en_lens) else 1.0
    variance = VARIANCE_PER_RATIO * ratio
    anchors = _Anchors(zh, en, term_pairs, names)

    n, m = len(zh), len(en)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for (di, dj), prior in BEAD_PRIORS.items():
                if di > i or dj > j or cost[i - di][j - dj] == inf:
                    continue
                zh_range, en_range = range(i - di, i), range(j - dj, j)
                c = (cost[i - di][j - dj] - math.log(prior)
                     + _length_cost(sum(zh_lens[k] for k in zh_range), sum(en_lens[k] for k in en_range),
                                    ratio, variance)
                     + anchors.score(zh_range, en_range)[0])
                if c < cost[i][j]:
                    cost[i][j], back[i][j] = c, (di, dj)

    pairs: list[AlignedPair] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        zh_range, en_range = range(i - di, i), range(j - dj, j)
        pairs.append(AlignedPair(
            zh_indices=tuple(zh_range), en_indices=tuple(en_range),
            zh="".join(zh[k] for k in zh_range), en=" ".join(en[k] for k in en_range),
            cost=cost[i][j] - cost[i - di][j - dj], anchors=anchors.score(zh_range, en_range)[1]))
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


def plain_chinese_edition(text: str, source: str) -> Edition:
    """A one-article Edition from plain Chinese text: leading short lines without a full stop are the
    headline, subtitle and byline; every other line is a paragraph, split into sentences."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    heads: dict[str, Segment] = {}
    for part in ("headline", "subtitle", "byline"):
        if lines and len(lines[0]) <= 40 and not re.search("[。！？]", lines[0]):
            heads[part] = Segment(id=f"a1-{part}", zh=lines.pop(0).lstrip("#").strip())
    if "headline" not in heads:
        heads["headline"] = Segment(id="a1-headline", zh="")
    paragraphs = []
    for p_index, line in enumerate(lines, 1):
        pid = f"a1-p{p_index}"
        paragraphs.append(Paragraph(id=pid, segments=[
            Segment(id=f"{pid}-s{s_index}", zh=s) for s_index, s in enumerate(split_chinese_sentences(line), 1)]))
    edition = Edition(source=source, encoding="utf-8", articles=[Article(id="a1", paragraphs=paragraphs, **heads)])
    edition.signature = ALIGN_SIGNATURE
    return edition


def aligned_edition(zh_edition: Edition, en_sentences: Sequence[str], pairs: Sequence[AlignedPair],
                    english_source: str | None = None) -> Edition:
    """The Chinese edition with its English filled in from the beads (engine "align").

    A bead's Chinese sentences become one segment (the first one's id and place); the
    segment is flagged ``align-2-1``/``align-1-2``/``align-1-0`` unless the bead is 1-1.
    English without Chinese (0-1) becomes a segment with empty Chinese after the
    previous bead, flagged ``align-0-1``, so no English is lost.
    """
    aligned_at = utc_now()
    # Where each Chinese sentence sits: (article index, part name or paragraph index).
    places: list[tuple[int, str | int]] = []
    originals: list[Segment] = []
    for a_index, article in enumerate(zh_edition.articles):
        for part, seg in article.heads():
            if seg.zh:
                places.append((a_index, part))
                originals.append(seg)
        for p_index, para in enumerate(article.paragraphs):
            for seg in para.segments:
                places.append((a_index, p_index))
                originals.append(seg)

    articles = [Article(id=a.id, headline=Segment(id=a.headline.id, zh=""), line=a.line,
                        paragraphs=[Paragraph(id=p.id, line=p.line) for p in a.paragraphs])
                for a in zh_edition.articles]
    last_place: tuple[int, str | int] = (0, 0)
    extra = 0
    for pair in pairs:
        if pair.zh_indices:
            first = originals[pair.zh_indices[0]]
            seg = Segment(id=first.id, zh="".join(originals[k].zh for k in pair.zh_indices),
                          en=pair.en or None, engine="align" if pair.en else None,
                          line=first.line, terms=list(first.terms),
                          origin=Provenance.human("align", at=aligned_at) if pair.en else None)
            place = places[pair.zh_indices[0]]
        else:
            extra += 1
            seg = Segment(id=f"{originals[0].id if originals else 'a1'}-en{extra}", zh="", en=pair.en,
                          engine="align", origin=Provenance.human("align", at=aligned_at))
            place = last_place if isinstance(last_place[1], int) else (last_place[0], 0)
        if pair.kind != "1-1":
            seg.flag(f"align-{pair.kind}")
        a_index, where = place
        article = articles[a_index]
        if isinstance(where, str):
            setattr(article, where, seg)
        else:
            if not article.paragraphs:
                article.paragraphs.append(Paragraph(id=f"{article.id}-p0"))
            article.paragraphs[where].segments.append(seg)
        last_place = place
    for article in articles:
        article.paragraphs = [p for p in article.paragraphs if p.segments]

    signature = ALIGN_SIGNATURE.with_(extra={"english": english_source} if english_source else {})
    return Edition(source=zh_edition.source, encoding=zh_edition.encoding, articles=articles,
                   warnings=list(zh_edition.warnings), paper=zh_edition.paper, date=zh_edition.date,
                   place=zh_edition.place, script=zh_edition.script, signature=signature,
                   names=list(zh_edition.names))


def reading_order(edition: Edition) -> Iterator[Segment]:
    """Chinese segments with text, in the order ``aligned_edition`` expects (heads, then paragraphs)."""
    for article in edition.articles:
        for _, seg in article.heads():
            if seg.zh:
                yield seg
        for para in article.paragraphs:
            yield from para.segments


def glossary_anchors(glossary: Glossary | None, edition: Edition) -> list[tuple[str, str]]:
    """(Chinese, English) anchors for alignment: terms already found on the edition's segments and every
    glossary entry without a slot."""
    pairs = [(t.zh, t.en) for seg in edition.segments() for t in seg.terms if t.zh and t.en]
    if glossary is not None:
        pairs.extend((t.zh, t.en) for t in glossary.terms
                     if t.status == "preferred" and PLACE_SLOT not in t.en)
    return pairs
