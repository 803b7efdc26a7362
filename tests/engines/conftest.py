"""Fixtures for the neural engine: a tiny but real Argos package, built once per session.

The package is what a user would install: a zip (``.argosmodel``) holding
``metadata.json``, a CTranslate2 model saved through the model spec API
(``model/``) and a SentencePiece model trained here on the seed's Chinese and
some English. The weights are random, so the English is garbage: the tests
check mechanics (loading, batching, n-best, placeholders, restore, flags, TM),
never translation quality.

``build_random_argos_package`` is also used by ``bench/translate.py`` with
Transformer-base sizes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "hengyang-evening-news-2023-08-19.txt"

# English for the shared vocabulary: enough Latin letters, digits and words
# that placeholders and numbers tokenize like they would in a real package.
ENGLISH_LINES = [
    "The municipal party secretary visited the county on August 17.",
    "He stressed that the work of pairing assistance must be deepened.",
    "Hengyang and Shanshan will cooperate in industry, education and health care.",
    "The delegation met members of the tenth aid team from Hengyang.",
    "More than 1,200 people attended the meeting in 2023.",
    "The city invested 35 million yuan in new schools and 2.5 billion in roads.",
    "Xinjiang Uygur Autonomous Region and Hunan Province signed an agreement.",
    "Liu Yuegao, Secretary of the Hengyang Municipal Party Committee, spoke.",
    "Reporter Chen Run filed this story for the Hengyang Evening News.",
    "The mayor said the people of both places share a second home.",
    "Employment support, medical care and education remain the priorities.",
    "The committee approved 12 projects worth 480 million yuan.",
    "A total of 98 cadres have served in Shanshan since 1998.",
    "The report was published on page 3 of the evening paper.",
    "Officials from Turpan and Shanshan thanked the team for its support.",
    "Culture, tourism and trade link the two regions more closely.",
    "Party members must keep their promises and serve the people.",
    "The forum on pairing assistance was held in Urumqi.",
    "Numbers such as 10, 20, 30, 40, 50, 60, 70, 80 and 90 appear often.",
]


def training_lines() -> list[str]:
    """A few hundred lines of Chinese (the seed, split at sentence ends) and English."""
    chinese = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        chinese.extend(s for s in re.split(r"(?<=[。！？；])", line.strip()) if s)
    english = [f"{line} {i}" if i else line for i in range(8) for line in ENGLISH_LINES]
    return chinese * 2 + english


def train_sentencepiece(out_path: Path, vocab_size: int = 1000) -> Path:
    """Train a unigram SentencePiece model on ``training_lines`` (about a second)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_lines()),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
        num_threads=1,
    )
    out_path.write_bytes(model.getvalue())
    return out_path


def _random_weights(spec, *, vocab_size: int, d_model: int, ffn: int, seed: int) -> None:
    """Fill every required weight of a TransformerSpec with small random numbers of the right shape."""
    import numpy as np
    from ctranslate2.specs import model_spec

    rng = np.random.default_rng(seed)

    def shape_for(scope: str) -> tuple[int, ...]:
        parts = scope.split("/")
        leaf, layer = parts[-1], parts[-2] if len(parts) > 1 else ""
        if leaf in ("gamma", "beta"):
            return (d_model,)
        if "embeddings" in layer or layer == "projection":
            return (vocab_size, d_model)
        if layer.startswith("linear_"):
            block, index = parts[-3], int(layer.split("_")[1])
            if block == "ffn":
                return (ffn, d_model) if index == 0 else (d_model, ffn)
            if block == "self_attention":
                return (3 * d_model, d_model) if index == 0 else (d_model, d_model)
            if block == "attention":  # encoder-decoder attention: q, fused kv, out
                return (2 * d_model, d_model) if index == 1 else (d_model, d_model)
        raise AssertionError(f"no shape rule for weight {scope}")

    def fill(layer, scope, value):
        if value is None:
            shape = shape_for(scope)
            scale = 1.0 if len(shape) == 1 and scope.endswith("gamma") else 0.1
            array = (np.ones(shape) if scope.endswith("gamma") else rng.normal(0, scale, shape))
            setattr(layer, scope.split("/")[-1], array.astype(np.float32))

    model_spec.visit_spec(spec, fill)


def build_random_argos_package(
    out_dir: Path,
    *,
    num_layers: int = 2,
    d_model: int = 64,
    ffn: int = 128,
    num_heads: int = 4,
    vocab_size: int = 1000,
    model_vocab_size: int | None = None,
    quantization: str | None = None,
    sentencepiece_model: Path | None = None,
    from_code: str = "zh",
    to_code: str = "en",
    package_version: str = "0.1-test",
    seed: int = 7,
) -> Path:
    """Build ``translate-<from>_<to>.argosmodel`` in ``out_dir`` and return its path.

    The SentencePiece model is trained here unless ``sentencepiece_model`` is
    given; the CTranslate2 vocabulary is the SentencePiece vocabulary (padded to
    ``model_vocab_size`` when given), shared between source and target as in
    the real Argos packages.
    """
    import ctranslate2
    import sentencepiece as spm

    out_dir = Path(out_dir)
    name = f"translate-{from_code}_{to_code}-{package_version}"
    pkg = out_dir / name
    (pkg / "model").mkdir(parents=True, exist_ok=True)
    sp_path = pkg / "sentencepiece.model"
    if sentencepiece_model is not None:
        sp_path.write_bytes(Path(sentencepiece_model).read_bytes())
    else:
        train_sentencepiece(sp_path, vocab_size=vocab_size)
    sp = spm.SentencePieceProcessor(model_file=str(sp_path))
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    if model_vocab_size and model_vocab_size > len(vocab):
        # A real-sized output layer (Argos: 50,000) whatever the SentencePiece size: the extra
        # entries are tokens SentencePiece never produces, as unused rows are in real models.
        vocab += [f"<unused{i}>" for i in range(model_vocab_size - len(vocab))]

    spec = ctranslate2.specs.TransformerSpec.from_config(num_layers=num_layers, num_heads=num_heads)
    _random_weights(spec, vocab_size=len(vocab), d_model=d_model, ffn=ffn, seed=seed)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    if quantization:
        spec.optimize(quantization=quantization)
    spec.save(str(pkg / "model"))

    metadata = {
        "package_version": package_version,
        "argos_version": "1.0",
        "from_code": from_code,
        "from_name": {"zh": "Chinese", "en": "English"}.get(from_code, from_code),
        "to_code": to_code,
        "to_name": {"zh": "Chinese", "en": "English"}.get(to_code, to_code),
    }
    (pkg / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")

    archive = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in sorted(pkg.rglob("*")):
            zf.write(path, path.relative_to(out_dir).as_posix())
    return archive


@pytest.fixture(scope="session")
def tiny_package_file(tmp_path_factory) -> Path:
    """A tiny random-weight zh->en ``.argosmodel`` (built once per session, a few seconds)."""
    return build_random_argos_package(tmp_path_factory.mktemp("argos-build"))


@pytest.fixture(scope="session")
def wrong_language_package_file(tmp_path_factory, tiny_package_file) -> Path:
    """The same tiny model labelled en->de: a valid package of the wrong languages."""
    sp = tiny_package_file.parent / tiny_package_file.stem / "sentencepiece.model"
    return build_random_argos_package(tmp_path_factory.mktemp("argos-wrong"), from_code="en", to_code="de",
                                      sentencepiece_model=sp)


@pytest.fixture
def installed_tiny_package(tiny_package_file, tmp_path) -> Path:
    """The tiny package installed (through ``bilingual model install``'s code) into a fresh data dir.

    Returns the data dir to hand to ``load_engine``/``find_zh_en_package``.
    """
    from bilingual.engines.packages import install_package

    data_dir = tmp_path / "data"
    install_package(str(tiny_package_file), data_dir=data_dir)
    return data_dir
