"""Translation engines behind one protocol (``bilingual.engines.base.Engine``).

``load_engine`` picks one by name: ``gloss`` (dictionary gloss, works on any
machine), ``argos`` (an installed Argos zh->en package run on CTranslate2), or
``auto`` (argos when a zh->en package is installed, else gloss).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelError, UsageError
from .base import Engine, Hypothesis

ENGINE_NAMES = ("auto", "argos", "gloss")


def load_engine(name: str = "auto", data_dir: Path | None = None) -> Engine:
    if name not in ENGINE_NAMES:
        raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if name in ("auto", "argos"):
        from .argos import find_zh_en_package, load_argos_engine

        package = find_zh_en_package(data_dir)
        if package is not None:
            return load_argos_engine(package)
        if name == "argos":
            raise ModelError("no zh->en model is installed; install one with `bilingual model install PATH`")
    from .gloss import GlossEngine

    return GlossEngine()


__all__ = ["Engine", "Hypothesis", "load_engine", "ENGINE_NAMES"]
