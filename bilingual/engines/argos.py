"""The neural engine: an installed Argos zh->en package run on CTranslate2 and SentencePiece directly.

argostranslate's own translate path splits sentences with Stanza/spaCy and
may download their models; we never call it. The project's reader already
splits sentences, so the engine only tokenizes, decodes n-best with scores
and detokenizes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..config import usable_cpus
from ..errors import ModelError
from ..signature import Signature
from .base import Hypothesis
from .packages import PackageInfo, list_packages, read_installed

# Placeholder forms tried in order; the first one the package's SentencePiece
# vocabulary round-trips without unknown pieces (and splits into few pieces)
# wins. Latin capitals + digits survive zh->en models best: the decoder has
# them in its target vocabulary and tends to copy them.
PLACEHOLDER_FORMS = ("ZX{}", "XZ{}", "QZ{}", "#{}", "@{}", "{}")
PLACEHOLDER_MAX_PIECES = 4  # for indexes 0..PLACEHOLDER_CHECK-1
PLACEHOLDER_CHECK = 20

DEFAULT_BEAM_SIZE = 4
DEFAULT_MAX_BATCH_SIZE = 32
MAX_DECODING_LENGTH = 256


def choose_placeholder_form(sp) -> str:
    """The first form in PLACEHOLDER_FORMS that this SentencePiece model encodes faithfully.

    Faithfully: decode(encode(p)) == p, no piece maps to the unknown id, and
    at most PLACEHOLDER_MAX_PIECES pieces for each index checked.
    """
    unk = sp.unk_id()
    for form in PLACEHOLDER_FORMS:
        ok = True
        for i in range(PLACEHOLDER_CHECK):
            text = form.format(i)
            ids = sp.encode(text)
            if unk in ids or len(ids) > PLACEHOLDER_MAX_PIECES or sp.decode(ids) != text:
                ok = False
                break
        if ok:
            return form
    raise ModelError("the package's SentencePiece vocabulary has no usable placeholder form "
                     f"(tried {', '.join(f.format(0) for f in PLACEHOLDER_FORMS)})")


def _version_key(info: PackageInfo):
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(info.version), info.name)
    except InvalidVersion:
        return (0, info.version, info.name)


def find_zh_en_package(data_dir: Path | None = None) -> Path | None:
    """The folder of the newest installed zh->en package with a model and SentencePiece file, or None.

    Looks in ``<data_dir>/packages`` when ``data_dir`` is given, else where
    argostranslate keeps packages (see ``bilingual.engines.packages``).
    """
    usable = [p for p in list_packages(data_dir)
              if p.is_zh_en and (p.path / "model" / "model.bin").is_file()
              and (p.path / "sentencepiece.model").is_file()]
    if not usable:
        return None
    return max(usable, key=_version_key).path


class ArgosEngine:
    """Engine over one installed package folder. Loads the models once; reuse the instance."""

    name = "argos"

    def __init__(self, package_dir: Path, *, beam_size: int = DEFAULT_BEAM_SIZE,
                 max_batch_size: int = DEFAULT_MAX_BATCH_SIZE, threads: int | None = None,
                 compute_type: str = "auto", decoding_options: dict | None = None):
        import ctranslate2
        import sentencepiece as spm

        self.package_dir = Path(package_dir)
        self.info = read_installed(self.package_dir)
        if not self.info.is_zh_en:
            raise ModelError(f"package translates {self.info.from_code} -> {self.info.to_code}, not zh -> en",
                             self.package_dir)
        model_dir = self.package_dir / "model"
        sp_path = self.package_dir / "sentencepiece.model"
        if not (model_dir / "model.bin").is_file() or not sp_path.is_file():
            raise ModelError("package is incomplete (needs model/model.bin and sentencepiece.model)",
                             self.package_dir)
        self.beam_size = beam_size
        # Extra/overriding CTranslate2 decoding options (the bench fixes the output length with them).
        self.decoding_options = dict(decoding_options or {})
        self.max_batch_size = max_batch_size
        try:
            # One translator with all cores on one batch: our batches are
            # sequential, so inter-op parallelism would only split the cores.
            self.translator = ctranslate2.Translator(str(model_dir), device="cpu", compute_type=compute_type,
                                                     inter_threads=1, intra_threads=threads or usable_cpus())
            self.sp = spm.SentencePieceProcessor(model_file=str(sp_path))
        except (RuntimeError, OSError, ValueError) as e:
            raise ModelError(f"cannot load the model: {e}", self.package_dir) from None
        self.placeholder_form = choose_placeholder_form(self.sp)
        self.target_prefix = self.info.metadata.get("target_prefix") or ""
        self.sentences_decoded = 0  # counted so tests and the bench can see the TM at work

    def signature(self) -> Signature:
        return Signature(engine=self.name, model=self.info.name, version=self.info.version)

    def placeholder(self, index: int) -> str:
        return self.placeholder_form.format(index)

    def tokenize(self, sentence: str) -> list[str]:
        return self.sp.encode(sentence, out_type=str)

    def detokenize(self, pieces: list[str]) -> str:
        return self.sp.decode_pieces(pieces).strip()

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1) -> list[list[Hypothesis]]:
        """Decode every sentence, n-best with scores (log-probabilities normalised by length).

        Sentences are sorted by token length and decoded in batches of
        ``max_batch_size`` so little time goes on padding; results come back
        in the input order. Empty sentences give one empty hypothesis.
        """
        results: list[list[Hypothesis]] = [[Hypothesis("", 0.0)] for _ in sentences]
        tokens = [self.tokenize(s) if s.strip() else [] for s in sentences]
        order = sorted((i for i, t in enumerate(tokens) if t), key=lambda i: len(tokens[i]))
        n = max(1, num_hypotheses)
        prefix = self.tokenize(self.target_prefix) if self.target_prefix else None
        for start in range(0, len(order), self.max_batch_size):
            chunk = order[start:start + self.max_batch_size]
            longest = max(len(tokens[i]) for i in chunk)
            options = dict(
                beam_size=max(self.beam_size, n),
                num_hypotheses=n,
                return_scores=True,
                # A runaway decoder (repetition loop) stops at about 3x the source.
                max_decoding_length=min(MAX_DECODING_LENGTH, 3 * longest + 10),
            )
            options.update(self.decoding_options)
            batch = self.translator.translate_batch(
                [tokens[i] for i in chunk], target_prefix=[prefix] * len(chunk) if prefix else None, **options)
            for i, result in zip(chunk, batch):
                hyps = []
                for pieces, score in zip(result.hypotheses, result.scores):
                    if prefix and pieces[:len(prefix)] == prefix:
                        pieces = pieces[len(prefix):]
                    hyps.append(Hypothesis(self.detokenize(pieces), float(score)))
                results[i] = hyps
        self.sentences_decoded += len(order)
        return results



_LOADED: dict[tuple[str, int], ArgosEngine] = {}
_LOADED_LOCK = threading.Lock()


def load_argos_engine(package_dir: Path) -> ArgosEngine:
    """The engine for ``package_dir``, loaded once per process (the web server and batch runs reuse it).

    Keyed by the folder and its model file's modification time, so a re-installed
    package is loaded afresh.
    """
    package_dir = Path(package_dir).resolve()
    try:
        stamp = (package_dir / "model" / "model.bin").stat().st_mtime_ns
    except OSError:
        stamp = 0  # ArgosEngine raises the clear error
    key = (str(package_dir), stamp)
    with _LOADED_LOCK:
        if key not in _LOADED:
            _LOADED[key] = ArgosEngine(package_dir)
        return _LOADED[key]
