"""Fixtures for the neural engines: tiny but real models of each kind, built once per session.

The package is what a user would install: a zip (``.argosmodel``) holding
``metadata.json``, a CTranslate2 model saved through the model spec API
(``model/``) and a SentencePiece model trained here on the seed's Chinese and
some English. The weights are random, so the English is garbage: the tests
check mechanics (loading, batching, n-best, placeholders, restore, flags, TM),
never translation quality.

The same is done for the other kinds the tool recognises: an OPUS-MT (Marian) model as
CTranslate2's Transformers converter writes it (post-norm, SiLU, decoder started from a
zero embedding, separate source/target SentencePiece and vocabularies), and NLLB-200 /
M2M-100 models (pre-norm, one SentencePiece, language tokens in the vocabulary).

``build_random_argos_package`` is also used by ``bench/translate.py`` with
Transformer-base sizes; ``fake_llm.py`` holds the fake OpenAI-compatible server the LLM
tests and ``bench/llm.py`` run.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from helpers import once_per_run

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


def train_sentencepiece(out_path: Path, vocab_size: int = 1000, lines: list[str] | None = None) -> Path:
    """Train a unigram SentencePiece model on ``lines`` (default ``training_lines``; about a second)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines or training_lines()),
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


def ct2_specs():
    """``ctranslate2.specs``, imported without torch. Its ``model_spec`` imports torch when it is installed
    (argostranslate's dependencies install it): 1.2 s and some 2,000 modules, kept for the rest of a test
    process and walked by every full garbage collection after. torch serves only bfloat16 weights there; these
    models are float32 numpy arrays. When torch is already imported, it is used as usual."""
    import sys

    if "ctranslate2.specs" not in sys.modules and "torch" not in sys.modules:
        sys.modules["torch"] = None  # `import torch` raises ImportError: specs takes its no-torch path
        try:
            import ctranslate2.specs
        finally:
            del sys.modules["torch"]
    import ctranslate2.specs

    return ctranslate2.specs


def _random_weights(spec, *, vocab_size: int, d_model: int, ffn: int, seed: int,
                    source_vocab_size: int | None = None) -> None:
    """Fill every required weight of a TransformerSpec with small random numbers of the right shape.

    ``source_vocab_size``: the encoder's vocabulary when it differs from the decoder's (``vocab_size``)."""
    import numpy as np

    model_spec = ct2_specs().model_spec

    rng = np.random.default_rng(seed)

    def shape_for(scope: str) -> tuple[int, ...]:
        parts = scope.split("/")
        leaf, layer = parts[-1], parts[-2] if len(parts) > 1 else ""
        if leaf in ("gamma", "beta"):
            return (d_model,)
        if "embeddings" in layer or layer == "projection":
            return (source_vocab_size or vocab_size if parts[0] == "encoder" else vocab_size, d_model)
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

    spec = ct2_specs().TransformerSpec.from_config(num_layers=num_layers, num_heads=num_heads)
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
    """A tiny random-weight zh->en ``.argosmodel`` (built once a run for every test process, a few seconds)."""
    return once_per_run(tmp_path_factory, "argos-build", build_random_argos_package)


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


def _pieces(sp) -> list[str]:
    """A SentencePiece model's ordinary pieces (no <unk>, <s>, </s>)."""
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def build_random_opus_mt_model(out_dir: Path, *, name: str = "opus-mt-zh-en", num_layers: int = 2, d_model: int = 64,
                               ffn: int = 128, num_heads: int = 4, vocab_size: int = 800, seed: int = 11,
                               tokenizer_config: dict | None = None) -> Path:
    """An OPUS-MT (Marian) zh->en model folder as ``ct2-transformers-converter`` writes it, random weights.

    Separate SentencePiece models (``source.spm`` on the Chinese and English lines, ``target.spm``
    on English only) and separate vocabularies, "</s>" and "<unk>" first as in Marian's
    ``vocab.json``; post-norm Transformer with SiLU; the decoder starts from a zero embedding
    with "</s>" as start token. ``tokenizer_config`` is written as the Hugging Face repository
    has it (default: source_lang zho, target_lang eng); pass ``{}`` to leave it out.
    """
    import sentencepiece as spm

    specs = ct2_specs()

    folder = Path(out_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    train_sentencepiece(folder / "source.spm", vocab_size=vocab_size)
    train_sentencepiece(folder / "target.spm", vocab_size=400,
                        lines=[f"{line} {i}" for i in range(8) for line in ENGLISH_LINES])
    source = ["</s>", "<unk>"] + _pieces(spm.SentencePieceProcessor(model_file=str(folder / "source.spm")))
    target = ["</s>", "<unk>"] + _pieces(spm.SentencePieceProcessor(model_file=str(folder / "target.spm")))

    spec = specs.TransformerSpec.from_config((num_layers, num_layers), num_heads, pre_norm=False,
                                             activation=specs.common_spec.Activation.SWISH)
    spec.decoder.start_from_zero_embedding = True
    spec.config.decoder_start_token = "</s>"
    _random_weights(spec, vocab_size=len(target), source_vocab_size=len(source), d_model=d_model, ffn=ffn,
                    seed=seed)
    spec.register_source_vocabulary(source)
    spec.register_target_vocabulary(target)
    spec.validate()
    spec.save(str(folder))
    config = {"source_lang": "zho", "target_lang": "eng"} if tokenizer_config is None else tokenizer_config
    if config:
        (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def build_random_multilingual_model(out_dir: Path, kind: str = "nllb", *, name: str | None = None,
                                    num_layers: int = 2, d_model: int = 64, ffn: int = 128, num_heads: int = 4,
                                    vocab_size: int = 1000, seed: int = 13, languages: tuple[str, ...] | None = None
                                    ) -> Path:
    """An NLLB-200 (``kind="nllb"``) or M2M-100 (``"m2m100"``) model folder as CTranslate2's converter writes
    it, random weights: pre-norm, one SentencePiece model (``sentencepiece.bpe.model``), one shared
    vocabulary with the fairseq specials first and the language tokens after the pieces."""
    import sentencepiece as spm

    default = {"nllb": ("eng_Latn", "fra_Latn", "zho_Hans", "zho_Hant"), "m2m100": ("__en__", "__fr__", "__zh__")}
    folder = Path(out_dir) / (name or {"nllb": "nllb-200-tiny", "m2m100": "m2m100-tiny"}[kind])
    folder.mkdir(parents=True, exist_ok=True)
    sp_path = train_sentencepiece(folder / "sentencepiece.bpe.model", vocab_size=vocab_size)
    vocab = ["<s>", "<pad>", "</s>", "<unk>"] + _pieces(spm.SentencePieceProcessor(model_file=str(sp_path)))
    vocab += list(languages if languages is not None else default[kind]) + ["<mask>"]

    spec = ct2_specs().TransformerSpec.from_config(num_layers, num_heads, pre_norm=True)
    spec.config.decoder_start_token = "</s>"
    _random_weights(spec, vocab_size=len(vocab), d_model=d_model, ffn=ffn, seed=seed)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.save(str(folder))
    return folder


def build_no_placeholder_argos_package(out_dir: Path) -> Path:
    """An Argos package whose SentencePiece saw Chinese only: no Latin letter, digit, # or @ is in its
    vocabulary, so no placeholder form survives (the engine must fall back to verify-and-repair)."""
    chinese = [re.sub(r"[0-9A-Za-z#@＃＠０-９]", "", line) for line in training_lines() if re.search(r"[\u4e00-\u9fff]", line)]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    sp = train_sentencepiece(Path(out_dir) / "chinese-only.model", vocab_size=1000, lines=[c for c in chinese if c])
    return build_random_argos_package(Path(out_dir), sentencepiece_model=sp, package_version="0.2-noph")


@pytest.fixture(scope="session")
def opus_mt_folder(tmp_path_factory) -> Path:
    """A tiny random-weight OPUS-MT zh->en CTranslate2 folder (not installed)."""
    return build_random_opus_mt_model(tmp_path_factory.mktemp("opus-build"))


@pytest.fixture(scope="session")
def nllb_folder(tmp_path_factory) -> Path:
    return build_random_multilingual_model(tmp_path_factory.mktemp("nllb-build"), "nllb")


@pytest.fixture(scope="session")
def m2m100_folder(tmp_path_factory) -> Path:
    return build_random_multilingual_model(tmp_path_factory.mktemp("m2m-build"), "m2m100")


@pytest.fixture(scope="session")
def no_placeholder_package_file(tmp_path_factory) -> Path:
    return build_no_placeholder_argos_package(tmp_path_factory.mktemp("noph-build"))


def load_fake_llm_module():
    """``tests/engines/fake_llm.py`` as a module (for tests and the bench)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fake_llm", Path(__file__).with_name("fake_llm.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_llm():
    """A fake OpenAI-compatible server on loopback, started for the test and stopped after it."""
    server = load_fake_llm_module().FakeLLM()
    with server:
        yield server
