"""Translation engines behind one protocol (``bilingual.engines.base.Engine``).

``ENGINES`` is the registry: each engine's name, what the CLI says of it, what a reader of
an edition is told about its English, and how to load it. The CLI's ``--engine`` choices
and the editions' footer notes are derived from it; adding an engine is one module plus
one line there. ``load_engine`` picks one by name; ``auto`` is the neural engine when a
zh->en model is installed (the kinds in ``models.KINDS`` order), else the gloss. The LLM
engine is never chosen by ``auto``: it needs a server, named with ``--engine llm``.

Engines know nothing of glossaries or the translation memory: terminology is enforced and
verified around them, in ``bilingual.stages.translate``, so every engine gets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..config import EngineOptions
from ..errors import ModelError, UsageError
from .base import Engine, Hypothesis, SentenceContext, TermContext
from .gloss import GlossEngine
from .llm import LLMEngine
from .models import KINDS, find_model
from .neural import load_neural_engine


@dataclass(frozen=True)
class EngineSpec:
    name: str
    description: str  # for --help
    note: str  # what a reader is told about the English it makes (footer, colophon)
    load: Callable[[Path | None, EngineOptions], Engine]  # data dir, options -> engine


def _neural_loader(kind: str | None) -> Callable[[Path | None, EngineOptions], Engine]:
    def load(data_dir: Path | None, options: EngineOptions) -> Engine:
        model = find_model(data_dir, kind=kind, name=options.model)
        if model is None:
            named = f" named {options.model!r}" if options.model else ""
            of_kind = f" for --engine {kind}" if kind else ""
            raise ModelError(f"no zh->en model{named} is installed{of_kind}; install one with `bilingual model "
                             "install PATH` (see `bilingual model list`)")
        return load_neural_engine(model, options, data_dir)

    return load


def _load_llm(data_dir: Path | None, options: EngineOptions) -> Engine:
    return LLMEngine(options.llm_url, options.llm_model, api_key=options.llm_api_key, timeout=options.llm_timeout,
                     retries=options.llm_retries, concurrency=options.llm_concurrency, batch_size=options.llm_batch)


def _load_gloss(data_dir: Path | None, options: EngineOptions) -> Engine:
    return GlossEngine()


_UNREVIEWED = "\u2014 unreviewed"
ENGINES: dict[str, EngineSpec] = {e.name: e for e in (
    EngineSpec("argos", "an installed Argos Translate zh->en package, run on CTranslate2",
               f"Machine translation (Argos Translate) {_UNREVIEWED}", _neural_loader("argos")),
    EngineSpec("opus-mt", "an installed OPUS-MT (Marian) zh->en model converted to CTranslate2",
               f"Machine translation (OPUS-MT) {_UNREVIEWED}", _neural_loader("opus-mt")),
    EngineSpec("nllb", "an installed NLLB-200 model converted to CTranslate2 (zho_Hans -> eng_Latn)",
               f"Machine translation (NLLB-200) {_UNREVIEWED}", _neural_loader("nllb")),
    EngineSpec("m2m100", "an installed M2M-100 model converted to CTranslate2 (__zh__ -> __en__)",
               f"Machine translation (M2M-100) {_UNREVIEWED}", _neural_loader("m2m100")),
    EngineSpec("llm", "a local LLM behind an OpenAI-compatible server (Ollama, llama.cpp, vLLM): --llm-url, "
                      "--llm-model", f"Machine translation (large language model) {_UNREVIEWED}", _load_llm),
    EngineSpec("gloss", "word-by-word dictionary gloss (CC-CEDICT), on any machine",
               "Dictionary gloss \u2014 not a translation", _load_gloss),
)}
assert set(KINDS) <= set(ENGINES), "every model kind is an engine"
AUTO = "auto"
ENGINE_CHOICES: tuple[str, ...] = (AUTO, *ENGINES)


def load_engine(name: str = AUTO, data_dir: Path | None = None, options: EngineOptions | None = None) -> Engine:
    """The engine called ``name`` (``auto``: the installed zh->en model, else the gloss).

    ``options.model`` names an installed model: with ``auto`` its kind decides the engine.
    """
    options = options or EngineOptions()
    if name == AUTO:
        model = find_model(data_dir, name=options.model)
        if model is None and options.model:
            return _neural_loader(None)(data_dir, options)  # the clear "no model named ..." error
        return load_neural_engine(model, options, data_dir) if model is not None else _load_gloss(data_dir, options)
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_CHOICES)}")
    return ENGINES[name].load(data_dir, options)


def engine_help() -> str:
    """One line for ``--engine``'s help, from the registry."""
    return f"{AUTO}: the installed neural model ({', '.join(KINDS)}, in that order), else the gloss; " + "; ".join(
        f"{e.name}: {e.description}" for e in ENGINES.values())


__all__ = ["Engine", "EngineSpec", "ENGINES", "ENGINE_CHOICES", "Hypothesis", "SentenceContext", "TermContext",
           "load_engine", "engine_help"]
