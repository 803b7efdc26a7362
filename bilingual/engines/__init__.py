"""Translation engines behind one protocol (``bilingual.engines.base.Engine``).

``ENGINES`` is the registry: each engine's name, what the CLI says of it, what a reader of
an edition is told about its English, and how to load it. The CLI's ``--engine`` choices
and the editions' footer notes are derived from it; adding an engine is one module plus
one line there. ``load_engine`` picks one by name; ``auto`` is the neural engine when a
zh->en model is installed, else the gloss.

Engines know nothing of glossaries or the translation memory: terminology is enforced and
verified around them, in ``bilingual.stages.translate``, so every engine gets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ModelError, UsageError
from .argos import find_zh_en_package, load_argos_engine
from .base import Engine, Hypothesis
from .gloss import GlossEngine


@dataclass(frozen=True)
class EngineSpec:
    name: str
    description: str  # for --help
    note: str  # what a reader is told about the English it makes (footer, colophon)
    load: Callable[[Path | None], Engine]  # data dir -> engine


def _load_argos(data_dir: Path | None) -> Engine:
    package = find_zh_en_package(data_dir)
    if package is None:
        raise ModelError("no zh->en model is installed; install one with `bilingual model install PATH`")
    return load_argos_engine(package)


def _load_gloss(data_dir: Path | None) -> Engine:
    return GlossEngine()


ENGINES: dict[str, EngineSpec] = {e.name: e for e in (
    EngineSpec("argos", "an installed Argos Translate zh->en package, run on CTranslate2",
               "Machine translation (Argos Translate) \u2014 unreviewed", _load_argos),
    EngineSpec("gloss", "word-by-word dictionary gloss (CC-CEDICT), on any machine",
               "Dictionary gloss \u2014 not a translation", _load_gloss),
)}
AUTO = "auto"
ENGINE_CHOICES: tuple[str, ...] = (AUTO, *ENGINES)


def load_engine(name: str = AUTO, data_dir: Path | None = None) -> Engine:
    """The engine called ``name`` (``auto``: argos when a zh->en model is installed, else gloss)."""
    if name == AUTO:
        return _load_argos(data_dir) if find_zh_en_package(data_dir) is not None else _load_gloss(data_dir)
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_CHOICES)}")
    return ENGINES[name].load(data_dir)


def engine_help() -> str:
    """One line for ``--engine``'s help, from the registry."""
    return f"{AUTO}: the neural engine when a zh->en model is installed, else the gloss; " + "; ".join(
        f"{e.name}: {e.description}" for e in ENGINES.values())


__all__ = ["Engine", "EngineSpec", "ENGINES", "ENGINE_CHOICES", "Hypothesis", "load_engine", "engine_help"]
