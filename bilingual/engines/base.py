"""The protocol every translation engine implements.

An engine only turns Chinese sentences into English hypotheses. Glossary
enforcement, names, the translation memory and verification live outside the
engines (in ``bilingual.stages``), so every engine gets them.

Sentences handed to an engine may contain placeholders standing for protected
terms; ``placeholder(i)`` gives the form this engine copies through intact. An
engine that cannot carry placeholders (an LLM, a neural model whose vocabulary
has no usable form) returns ``""``: its terms are left in Chinese, then verified
and repaired around it.

Optional, for engines that use them (a plain engine needs none of this):

- ``uses_context = True``: ``translate_batch`` also takes ``context``, one
  ``SentenceContext`` per sentence (the glossary terms in it with their required
  English, and the article's headline), so an LLM can be told what it must write.
- ``warnings``: lines the CLI shows once after loading (a model without placeholders).
- ``progress``: a callable ``(done, total)`` the CLI may set; a slow engine calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..signature import Signature


@dataclass
class Hypothesis:
    text: str
    score: float | None = None  # engine-specific log-probability; higher is better
    # Why the engine could not give a usable translation ("timeout", "chinese", ...), or None.
    # A failed hypothesis is shown as is (flagged by the quality stage) and never remembered.
    problem: str | None = None


@dataclass(frozen=True)
class TermContext:
    """A term in a sentence: its placeholder there ("" when left in Chinese), its Chinese, its required English."""

    placeholder: str
    zh: str
    en: str


@dataclass(frozen=True)
class SentenceContext:
    """What an engine that reads context is told about one sentence."""

    terms: tuple[TermContext, ...] = ()
    headline: str = ""  # the article's headline, in Chinese


@runtime_checkable
class Engine(Protocol):
    #: short engine name recorded on every segment: "gloss", "argos", "llm" ...
    name: str

    def signature(self) -> Signature:
        """Engine identity for reproducibility and the TM key (``engine``, ``model``, ``version`` set)."""
        ...

    def placeholder(self, index: int) -> str:
        """The token standing for protected term ``index`` in a source sentence ("" if none can be carried)."""
        ...

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1) -> list[list[Hypothesis]]:
        """Translate each sentence; return up to ``num_hypotheses`` hypotheses each, best first."""
        ...
