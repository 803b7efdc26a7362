"""Argos Translate packages on the neural engine (``bilingual.engines.neural``).

``ArgosEngine(package_dir)`` is the neural engine over one installed package folder;
``find_zh_en_package`` finds the newest installed zh->en package.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelError
from .models import find_model, from_package
from .neural import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_BEAM_SIZE,
    PLACEHOLDER_FORMS,
    NeuralEngine,
    ThreadPlan,
    choose_placeholder_form,
    default_plan,
    load_neural_engine,
)
from .packages import read_installed

__all__ = ["ArgosEngine", "PLACEHOLDER_FORMS", "choose_placeholder_form", "find_zh_en_package", "load_argos_engine"]


def find_zh_en_package(data_dir: Path | None = None) -> Path | None:
    """The folder of the newest installed zh->en Argos package with a model and SentencePiece file, or None.

    Looks in ``<data_dir>/packages`` when ``data_dir`` is given, else where
    argostranslate keeps packages (see ``bilingual.engines.packages``).
    """
    model = find_model(data_dir, kind="argos")
    return model.path if model is not None else None


class ArgosEngine(NeuralEngine):
    """The neural engine over one Argos package folder (``threads``: one translator with that many threads)."""

    def __init__(self, package_dir: Path, *, beam_size: int = DEFAULT_BEAM_SIZE,
                 max_batch_size: int = DEFAULT_BATCH_SIZE, threads: int | None = None, plan: ThreadPlan | None = None,
                 device: str = "cpu", compute_type: str = "auto", decoding_options: dict | None = None):
        self.package_dir = Path(package_dir)
        if not (self.package_dir / "metadata.json").is_file():
            raise ModelError("not an Argos package folder (no metadata.json)", self.package_dir)
        self.info = read_installed(self.package_dir)
        if plan is None:
            plan = ThreadPlan(1, threads, max_batch_size) if threads else \
                ThreadPlan(default_plan(device).inter, default_plan(device).intra, max_batch_size)
        super().__init__(from_package(self.info), beam_size=beam_size, plan=plan, device=device,
                         compute_type=compute_type, decoding_options=decoding_options)


def load_argos_engine(package_dir: Path) -> NeuralEngine:
    """The engine for an installed package folder, loaded once per process."""
    return load_neural_engine(from_package(read_installed(Path(package_dir).resolve())))
