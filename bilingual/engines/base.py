"""The protocol every translation engine implements.

An engine only turns Chinese sentences into English hypotheses. Glossary
enforcement, names, the translation memory and verification live outside the
engines (in ``bilingual.stages``), so every engine gets them.

Sentences handed to an engine may contain placeholders standing for protected
terms; ``placeholder(i)`` gives the form this engine copies through intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..signature import Signature


@dataclass
class Hypothesis:
    text: str
    score: float | None = None  # engine-specific log-probability; higher is better


@runtime_checkable
class Engine(Protocol):
    #: short engine name recorded on every segment: "gloss", "argos"
    name: str

    def signature(self) -> Signature:
        """Engine identity for reproducibility and the TM key (``engine``, ``model``, ``version`` set)."""
        ...

    def placeholder(self, index: int) -> str:
        """The token standing for protected term ``index`` in a source sentence."""
        ...

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1) -> list[list[Hypothesis]]:
        """Translate each sentence; return up to ``num_hypotheses`` hypotheses each, best first."""
        ...
