"""The document model: Edition > Article > Paragraph > Segment.

One page read from disk becomes one Edition. Readers build it, stages enrich it
(sentences, terms, translations, flags), writers turn it into files. Every
other module speaks this model and nothing else.

The JSON form (``to_json``/``from_json``) is a public, stable schema:

    {"source": str, "encoding": str,
     "articles": [{"id", "kicker", "headline", "subtitle", "byline",
                   "paragraphs": [{"id", "segments": [{"id", "zh", "en", "engine", "flags"}]}]}],
     "warnings": [{"code", "message", "line"}]}

Extra keys (``schema``, ``signature``, ``heads``, ``terms``, ``origin``, ``suggestions`` ...) may be
added; the keys above never change meaning. Schema 2 added ``origin`` on every segment with English
(its provenance: engine, memory or human, and its status); schema 1 documents still read, their
provenance derived from ``engine``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Iterator

from .errors import InputError
from .signature import Signature

SCHEMA_VERSION = 2

# The quality flags a segment may carry (``bilingual.stages.quality`` sets them), in report order.
FLAGS = ("missed-term", "number-mismatch", "untranslated", "repetition", "length-ratio", "low-score",
         "review-vs-glossary")

def is_structural_flag(flag: str) -> bool:
    """Flags about how the text was cut or paired (kept when a person reviews), not about the English."""
    return flag == "long-sentence-cut" or flag.startswith("align-")


# How a person's English reached a segment (``Provenance.how``, and the segment's ``engine`` label for
# human work), and what a reader of an edition is told about it.
# Characters an XML 1.0 document cannot hold (DOCX, XLIFF, TMX, HTML are XML or close to it): C0 controls
# other than tab, newline and carriage return, lone surrogates, and U+FFFE/U+FFFF.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold (readers report them; writers must never crash)."""
    return XML_INVALID.sub("", text) if text else text


HUMAN_ORIGINS = {
    "xliff": "Post-edited translation",
    "web": "Post-edited translation",
    "align": "Existing translation, aligned sentence by sentence",
    "tmx": "Translation from a translation memory",
    "memory": "Translation from a translation memory",
    "human": "Human translation",
}
ORIGINS = ("engine", "memory", "human")
# draft: a machine's English nobody has read; translated: a person's English; approved: signed off.
REVIEW_STATUSES = ("draft", "translated", "approved")


def utc_now() -> str:
    """The current time as xsd:dateTime in UTC, to the second (2026-12-03T06:52:22Z)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Provenance:
    """Where a segment's English came from. Human work is never overwritten by a machine step."""

    origin: str  # engine | memory | human
    status: str = "draft"  # draft | translated | approved
    engine: str | None = None  # engine name (gloss, argos ...), for machine English
    model: str | None = None  # the engine's model and version
    memory: str | None = None  # origin memory: which memory the exact match came from
    how: str | None = None  # origin human: xliff | web | align | tmx
    by: str | None = None  # who, when known
    at: str | None = None  # when (xsd:dateTime, UTC)

    @property
    def is_human(self) -> bool:
        """A person's English: typed by a reviewer, or an exact match of a person's work in a memory."""
        return self.origin == "human" or (self.origin == "memory" and self.status != "draft")

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict) -> "Provenance":
        if not isinstance(d, dict) or d.get("origin") not in ORIGINS:
            raise InputError(f"bad segment origin: {d!r:.80}")
        status = d.get("status") or "draft"
        if status not in REVIEW_STATUSES:
            raise InputError(f"bad segment status: {status!r:.40}")
        return cls(origin=d["origin"], status=status, **{k: str(d[k]) for k in
                                                        ("engine", "model", "memory", "how", "by", "at")
                                                        if d.get(k) is not None})

    @classmethod
    def machine(cls, engine: str, model: str | None = None) -> "Provenance":
        return cls(origin="engine", status="draft", engine=engine, model=model or None)

    @classmethod
    def human(cls, how: str, status: str = "translated", by: str | None = None, at: str | None = None
              ) -> "Provenance":
        return cls(origin="human", status=status, how=how, by=by or None, at=at or utc_now())

    @classmethod
    def from_engine_label(cls, engine: str | None) -> "Provenance | None":
        """What a schema 1 document's ``engine`` says: a person's work for the human labels, else machine."""
        if not engine:
            return None
        label = engine.split(":")[0]
        if label in HUMAN_ORIGINS:
            return cls(origin="human", status="translated", how=label)
        return cls.machine(label)


@dataclass
class Suggestion:
    """A fuzzy match offered to a reviewer, never applied by itself."""

    en: str
    zh: str  # the source sentence of the match
    score: float  # similarity of the sources, 0..1
    memory: str  # which memory it came from
    origin: str = "human"  # human | engine: whose English the match holds

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict) -> "Suggestion":
        return cls(en=str(d["en"]), zh=str(d["zh"]), score=float(d["score"]), memory=str(d.get("memory", "")),
                   origin=str(d.get("origin", "human")))

# Parts of an article other than its paragraphs, in reading order.
HEAD_PARTS = ("kicker", "headline", "subtitle", "byline")


@dataclass
class PageWarning:
    """Something the tool was unsure of or repaired: data, not an exception."""

    code: str  # short machine code, e.g. "column-join", "doubled-char"
    message: str  # one line for a person
    line: int | None = None  # 1-based line in the source file, when known

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "line": self.line}


@dataclass
class TermHit:
    """A glossary term or a person name found in a segment's Chinese."""

    zh: str  # the Chinese as it occurs
    en: str  # the English it must render as (place slot filled, name romanised)
    type: str  # title|person|place|org|slogan|term|name
    start: int  # offset in the segment's normalised Chinese (Segment.key)
    end: int
    status: str = "found"  # found|enforced|verified|repaired|missed
    source: str | None = None  # "glossary/hengyang.tsv:12" or "pinyin" for romanised names

    def to_dict(self) -> dict:
        return {
            "zh": self.zh,
            "en": self.en,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "TermHit":
        return cls(**{k: d.get(k) for k in ("zh", "en", "type", "start", "end")},
                   status=d.get("status", "found"), source=d.get("source"))


@dataclass
class Segment:
    """One sentence: the unit that is translated, verified, aligned and exchanged.

    ``zh`` is the Chinese as published (source script, full-width punctuation);
    ``source`` the text exactly as it stood in the input; ``key`` the normalised
    form (simplified script) used for translation, glossary matching and the
    translation memory. ``source`` and ``key`` equal ``zh`` unless set.
    """

    id: str
    zh: str
    en: str | None = None
    engine: str | None = None
    flags: list[str] = field(default_factory=list)
    source: str | None = None
    key: str | None = None
    terms: list[TermHit] = field(default_factory=list)
    score: float | None = None  # engine's score for the chosen hypothesis, if any
    line: int | None = None
    origin: Provenance | None = None  # where ``en`` came from (None while there is no English)
    suggestions: list[Suggestion] = field(default_factory=list)  # fuzzy matches for a reviewer

    @property
    def text_key(self) -> str:
        return self.key if self.key is not None else self.zh

    @property
    def is_human(self) -> bool:
        """The English is a person's work: no machine step may replace it."""
        return bool(self.en) and self.origin is not None and self.origin.is_human

    @property
    def status(self) -> str | None:
        """draft | translated | approved, or None without English."""
        return self.origin.status if self.origin is not None and self.en else None

    def set_machine(self, en: str, engine: str, model: str | None = None, score: float | None = None) -> None:
        """Machine English. Never call it on human work (the translate stage checks ``is_human`` first)."""
        self.en, self.engine, self.score = en, engine, score
        self.origin = Provenance.machine(engine, model)

    def set_human(self, en: str, how: str, status: str = "translated", by: str | None = None,
                  at: str | None = None) -> None:
        """A person's English; the machine's quality flags no longer stand (the person read the sentence)."""
        self.en, self.engine, self.score = en, how, None
        self.origin = Provenance.human(how, status, by, at)
        self.flags = [f for f in self.flags if is_structural_flag(f)]

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    def to_dict(self) -> dict:
        d = {"id": self.id, "zh": self.zh, "en": self.en, "engine": self.engine, "flags": list(self.flags)}
        if self.source is not None and self.source != self.zh:
            d["source"] = self.source
        if self.key is not None and self.key != self.zh:
            d["key"] = self.key
        if self.terms:
            d["terms"] = [t.to_dict() for t in self.terms]
        if self.score is not None:
            d["score"] = self.score
        if self.line is not None:
            d["line"] = self.line
        if self.origin is not None:
            d["origin"] = self.origin.to_dict()
        if self.suggestions:
            d["suggestions"] = [s.to_dict() for s in self.suggestions]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Segment":
        origin = d.get("origin")
        return cls(
            id=d["id"],
            zh=d["zh"],
            en=d.get("en"),
            engine=d.get("engine"),
            flags=list(d.get("flags") or []),
            source=d.get("source"),
            key=d.get("key"),
            terms=[TermHit.from_dict(t) for t in d.get("terms") or []],
            score=d.get("score"),
            line=d.get("line"),
            origin=Provenance.from_dict(origin) if origin is not None
            else Provenance.from_engine_label(d.get("engine")) if d.get("en") else None,
            suggestions=[Suggestion.from_dict(x) for x in d.get("suggestions") or []],
        )


@dataclass
class Paragraph:
    id: str
    segments: list[Segment] = field(default_factory=list)
    line: int | None = None  # first source line of the paragraph

    @property
    def zh(self) -> str:
        return "".join(s.zh for s in self.segments)

    @property
    def en(self) -> str:
        return " ".join(s.en for s in self.segments if s.en)

    def to_dict(self) -> dict:
        d = {"id": self.id, "segments": [s.to_dict() for s in self.segments]}
        if self.line is not None:
            d["line"] = self.line
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Paragraph":
        return cls(id=d["id"], segments=[Segment.from_dict(s) for s in d["segments"]], line=d.get("line"))


@dataclass
class Article:
    """An article: its head parts are Segments so they are translated like any sentence."""

    id: str
    headline: Segment
    kicker: Segment | None = None
    subtitle: Segment | None = None
    byline: Segment | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    line: int | None = None

    def heads(self) -> Iterator[tuple[str, Segment]]:
        """The head parts present, in reading order, as (part name, segment)."""
        for part in HEAD_PARTS:
            seg = getattr(self, part)
            if seg is not None:
                yield part, seg

    def body_segments(self) -> Iterator[Segment]:
        for p in self.paragraphs:
            yield from p.segments

    def segments(self) -> Iterator[Segment]:
        for _, seg in self.heads():
            yield seg
        yield from self.body_segments()

    def to_dict(self) -> dict:
        d = {"id": self.id}
        for part in HEAD_PARTS:
            seg = getattr(self, part)
            d[part] = seg.zh if seg is not None else None
        d["paragraphs"] = [p.to_dict() for p in self.paragraphs]
        d["heads"] = {part: seg.to_dict() for part, seg in self.heads()}
        if self.line is not None:
            d["line"] = self.line
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        heads = d.get("heads") or {}
        parts = {}
        for part in HEAD_PARTS:
            if part in heads:
                parts[part] = Segment.from_dict(heads[part])
            elif d.get(part) is not None:  # a minimal document written by another tool
                parts[part] = Segment(id=f"{d['id']}-{part}", zh=d[part])
            else:
                parts[part] = None
        return cls(id=d["id"], paragraphs=[Paragraph.from_dict(p) for p in d["paragraphs"]],
                   line=d.get("line"), **parts)


@dataclass
class Edition:
    """One input page and everything learned about it."""

    source: str  # path (or name) of the input
    encoding: str
    articles: list[Article] = field(default_factory=list)
    warnings: list[PageWarning] = field(default_factory=list)
    # Masthead facts, from the page or from options.
    paper: str | None = None  # e.g. "衡阳晚报"
    paper_en: str | None = None  # the paper's own English name, e.g. "Hengyang Evening News" (from the glossary)
    date: str | None = None  # ISO date, e.g. "2023-08-19"
    place: str | None = None  # English place name for title slots, e.g. "Hengyang"
    script: str = "simplified"  # "simplified" or "traditional": the source's script
    # engine + model version + glossary hash + tool version + options, stamped by the pipeline
    signature: Signature | None = None
    names: list[dict] = field(default_factory=list)  # person names found, for a translator to confirm
    places: list[dict] = field(default_factory=list)  # places romanised by rule, for a translator to confirm

    def segments(self) -> Iterator[Segment]:
        for a in self.articles:
            yield from a.segments()

    def segment(self, segment_id: str) -> Segment | None:
        """The segment with this id, or None."""
        return next((s for s in self.segments() if s.id == segment_id), None)

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        self.warnings.append(PageWarning(code, message, line))

    @property
    def stem(self) -> str:
        return PurePath(self.source).stem

    def to_json(self) -> dict:
        d = {
            "schema": SCHEMA_VERSION,
            "source": self.source,
            "encoding": self.encoding,
            "articles": [a.to_dict() for a in self.articles],
            "warnings": [w.to_dict() for w in self.warnings],
            "paper": self.paper,
            "date": self.date,
            "place": self.place,
            "script": self.script,
            "signature": self.signature.to_dict() if self.signature is not None else None,
            "names": self.names,
        }
        if self.paper_en is not None:  # only when known, so documents without it read as before
            d["paper_en"] = self.paper_en
        if self.places:
            d["places"] = self.places
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Edition":
        schema = d.get("schema", SCHEMA_VERSION)
        if schema > SCHEMA_VERSION:
            raise InputError(f"document schema {schema} is newer than this tool's ({SCHEMA_VERSION})")
        return cls(
            source=d["source"],
            encoding=d["encoding"],
            articles=[Article.from_dict(a) for a in d["articles"]],
            warnings=[PageWarning(**w) for w in d.get("warnings") or []],
            paper=d.get("paper"),
            paper_en=d.get("paper_en"),
            date=d.get("date"),
            place=d.get("place"),
            script=d.get("script", "simplified"),
            signature=Signature.from_dict(d.get("signature")),
            names=list(d.get("names") or []),
            places=list(d.get("places") or []),
        )


def stable_id(prefix: str, *parts: str, length: int = 8) -> str:
    """A short id that depends only on ``parts``: re-reading an unchanged text gives the same id."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]
    return f"{prefix}{h}"
