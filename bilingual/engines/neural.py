"""The neural engine: any zh->en CTranslate2 model this tool recognises, driven directly.

One class for every kind (``bilingual.engines.models``): Argos packages, OPUS-MT (Marian),
NLLB-200 and M2M-100. The kinds differ only in tokenization: which SentencePiece model
encodes the source and decodes the target, which tokens go around the source pieces
(NLLB: ``zho_Hans ... </s>``), and which forced target prefix is stripped from the output
(NLLB: ``eng_Latn``). argostranslate's own translate path splits sentences with
Stanza/spaCy/MiniSBD and may download their models; we never call it. The reader has
split sentences already, so the engine only tokenizes, decodes n-best with scores and
detokenizes.

Threads: CTranslate2 runs ``inter_threads`` translators of ``intra_threads`` threads each.
Which split (and batch size) is fastest depends on the machine: on 2 cores, two
translators of one thread ran 1.39x faster than one of two. ``bilingual model tune``
measures the candidates on the installed model and stores the best for this machine
(``tuning.json`` in the data folder); ``load`` uses it, else ``default_plan``. A call's
sentences are sorted by length and cut into batches small enough that every translator
gets one, and the batches are submitted together, so they run in parallel.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import DEVICES, EngineOptions, default_data_dir, usable_cpus
from ..errors import ModelError, UsageError
from ..signature import Signature
from .base import Hypothesis
from .models import ModelInfo, read_vocabularies

# Placeholder forms tried in order; the first one the model's SentencePiece and
# vocabularies round-trip without unknown pieces (and split into few pieces)
# wins. Latin capitals + digits survive zh->en models best: the decoder has
# them in its target vocabulary and tends to copy them.
PLACEHOLDER_FORMS = ("ZX{}", "XZ{}", "QZ{}", "#{}", "@{}", "{}")
PLACEHOLDER_MAX_PIECES = 4  # for indexes 0..PLACEHOLDER_CHECK-1
PLACEHOLDER_CHECK = 20

DEFAULT_BEAM_SIZE = 4
DEFAULT_BATCH_SIZE = 32
MAX_DECODING_LENGTH = 256
TUNING_FILE = "tuning.json"
TUNE_BATCH_SIZES = (8, 16, 32, 64)

# Sentences for measuring thread plans: written for this purpose (ordinary local-news prose).
TUNING_SAMPLE = (
    "市政府今天召开常务会议，研究部署下一阶段的重点工作。",
    "会议要求各部门加快推进重大项目建设，确保按期完成年度目标任务。",
    "今年以来，全市新增城镇就业人员两万余人，居民收入稳步增长。",
    "新建的图书馆将于下月向市民开放，馆内藏书超过三十万册。",
    "气象部门提醒，未来三天将有较强降雨，请市民注意出行安全。",
    "该县通过发展特色农业，带动当地农民增收致富。",
    "活动现场，志愿者为老年人提供义诊和健康咨询服务。",
    "学校开设了编程、书法和体育等多门兴趣课程。",
    "据统计，上半年全市接待游客人数同比增长百分之十五。",
    "代表团一行参观了产业园区，并与企业负责人进行了座谈。",
    "他表示，要把群众满意作为检验工作成效的根本标准。",
    "新开通的公交线路连接了火车站和高新区，方便了市民通勤。",
    "专家指出，科技创新是推动经济高质量发展的关键。",
    "社区组织开展垃圾分类宣传活动，居民参与热情很高。",
    "两地将在教育、医疗和文化旅游等领域深化合作。",
    "比赛吸引了来自全国各地的两百多名选手参加。",
)


@dataclass(frozen=True)
class ThreadPlan:
    """How CTranslate2 runs: ``inter`` translators of ``intra`` threads each, batches of up to ``batch``."""

    inter: int
    intra: int
    batch: int = DEFAULT_BATCH_SIZE

    def describe(self) -> str:
        return f"{self.inter} x {self.intra} threads, batches of {self.batch}"


def default_plan(device: str = "cpu", cpus: int | None = None) -> ThreadPlan:
    """The plan used before any measurement: on a CPU, one single-thread translator per core up to 4 cores
    (measured best on 2 cores), then pairs of threads; on a GPU, one translator."""
    if device == "cuda":
        return ThreadPlan(1, 1, 64)
    cpus = cpus or usable_cpus()
    inter = cpus if cpus <= 4 else cpus // 2
    return ThreadPlan(inter, max(1, cpus // inter), DEFAULT_BATCH_SIZE)


def candidate_splits(cpus: int | None = None) -> list[tuple[int, int]]:
    """Every (inter, intra) split of the machine's cores, inter * intra == cores."""
    cpus = cpus or usable_cpus()
    return [(inter, cpus // inter) for inter in range(1, cpus + 1) if cpus % inter == 0]


def resolve_device(device: str = "auto") -> str:
    """``auto`` -> ``cuda`` when CTranslate2 sees a CUDA device, else ``cpu``; ``cuda`` without one is an error."""
    import ctranslate2  # heavy: only when a neural model is loaded

    if device not in DEVICES:
        raise UsageError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
    try:
        count = ctranslate2.get_cuda_device_count()
    except RuntimeError:
        count = 0
    if device == "auto":
        return "cuda" if count else "cpu"
    if device == "cuda" and not count:
        raise ModelError("--device cuda: CTranslate2 sees no CUDA device (no GPU, or no CUDA 12 driver); "
                         "use --device cpu or auto")
    return device


def choose_placeholder_form(sp, source_vocab: set[str] | None = None, target_sp=None,
                            target_vocab: set[str] | None = None) -> str:
    """The first form in PLACEHOLDER_FORMS that this model carries faithfully, or "" when none does.

    Faithfully: for each index checked, ``sp`` encodes it without the unknown id, in at most
    PLACEHOLDER_MAX_PIECES pieces, and decodes it back unchanged; where the model's own
    vocabularies are given, every source piece is in the source vocabulary and the target
    SentencePiece's pieces for it are in the target vocabulary (so the decoder can write it).
    """
    target_sp = target_sp or sp
    for form in PLACEHOLDER_FORMS:
        ok = True
        for i in range(PLACEHOLDER_CHECK):
            text = form.format(i)
            ids = sp.encode(text)
            pieces = sp.encode(text, out_type=str)
            target_pieces = target_sp.encode(text, out_type=str)
            if (sp.unk_id() in ids or len(ids) > PLACEHOLDER_MAX_PIECES or sp.decode(ids) != text
                    or (source_vocab is not None and any(p not in source_vocab for p in pieces))
                    or (target_vocab is not None and any(p not in target_vocab for p in target_pieces))
                    or target_sp.decode_pieces(target_pieces) != text):
                ok = False
                break
        if ok:
            return form
    return ""


class NeuralEngine:
    """Engine over one recognised model (``ModelInfo``). Loads the model once; reuse the instance."""

    def __init__(self, model: ModelInfo, *, beam_size: int = DEFAULT_BEAM_SIZE, plan: ThreadPlan | None = None,
                 device: str = "cpu", compute_type: str = "auto", decoding_options: dict | None = None):
        import ctranslate2  # heavy: only when a neural model is loaded
        import sentencepiece as spm

        self.model = model
        self.name = model.kind
        if not model.is_zh_en:
            raise ModelError(f"model translates {model.from_code} -> {model.to_code}, not zh -> en", model.path)
        if not (model.model_dir / "model.bin").is_file() or not model.source_spm.is_file() \
                or not model.target_spm.is_file():
            raise ModelError(f"model is incomplete (needs {model.model_dir.name}/model.bin and "
                             f"{model.source_spm.name})", model.path)
        self.device = device
        self.plan = plan or default_plan(device)
        self.beam_size = beam_size
        # Extra/overriding CTranslate2 decoding options (the bench fixes the output length with them).
        self.decoding_options = dict(decoding_options or {})
        try:
            self.translator = ctranslate2.Translator(str(model.model_dir), device=device, compute_type=compute_type,
                                                     inter_threads=self.plan.inter, intra_threads=self.plan.intra)
            self.sp = spm.SentencePieceProcessor(model_file=str(model.source_spm))
            self.target_sp = self.sp if model.target_spm == model.source_spm else \
                spm.SentencePieceProcessor(model_file=str(model.target_spm))
        except (RuntimeError, OSError, ValueError) as e:
            raise ModelError(f"cannot load the model: {e}", model.path) from None
        source_vocab, target_vocab = read_vocabularies(model.model_dir)
        self.placeholder_form = choose_placeholder_form(self.sp, source_vocab, self.target_sp, target_vocab)
        self.warnings: list[str] = []
        if not self.placeholder_form:
            self.warnings.append(
                f"model {model.name}: its vocabulary carries none of the placeholder forms "
                f"({', '.join(f.format(0) for f in PLACEHOLDER_FORMS)}), so glossary terms are not protected "
                "while decoding; each is verified in the English and repaired from the n-best list, or flagged")
        self.sentences_decoded = 0  # counted so tests and the bench can see the TM at work

    @property
    def max_batch_size(self) -> int:
        return self.plan.batch

    def signature(self) -> Signature:
        return Signature(engine=self.name, model=self.model.name, version=self.model.version)

    def placeholder(self, index: int) -> str:
        return self.placeholder_form.format(index) if self.placeholder_form else ""

    def tokenize(self, sentence: str) -> list[str]:
        """Source tokens: the model's prefix tokens, the SentencePiece pieces, its suffix tokens."""
        return [*self.model.source_prefix, *self.sp.encode(sentence, out_type=str), *self.model.source_suffix]

    def detokenize(self, pieces: list[str]) -> str:
        return self.target_sp.decode_pieces(pieces).strip()

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1) -> list[list[Hypothesis]]:
        """Decode every sentence, n-best with scores (log-probabilities normalised by length).

        Sentences are sorted by token length and cut into batches of at most the plan's
        batch size, small enough that each of the ``inter`` translators gets one; the batches
        are submitted together and run in parallel. Results come back in the input order.
        Empty sentences give one empty hypothesis.
        """
        results: list[list[Hypothesis]] = [[Hypothesis("", 0.0)] for _ in sentences]
        tokens = [self.tokenize(s) if s.strip() else [] for s in sentences]
        order = sorted((i for i, t in enumerate(tokens) if t), key=lambda i: len(tokens[i]))
        if not order:
            return results
        n = max(1, num_hypotheses)
        prefix = list(self.model.target_prefix)
        batch = max(1, min(self.plan.batch, math.ceil(len(order) / self.plan.inter)))
        parallel = self.plan.inter > 1 and len(order) > batch
        submitted = []
        for start in range(0, len(order), batch):
            chunk = order[start:start + batch]
            longest = max(len(tokens[i]) for i in chunk)
            options = dict(
                beam_size=max(self.beam_size, n),
                num_hypotheses=n,
                return_scores=True,
                # A runaway decoder (repetition loop) stops at about 3x the source.
                max_decoding_length=min(MAX_DECODING_LENGTH, 3 * longest + 10) + len(prefix),
            )
            options.update(self.decoding_options)
            out = self.translator.translate_batch([tokens[i] for i in chunk],
                                                  target_prefix=[prefix] * len(chunk) if prefix else None,
                                                  asynchronous=parallel, **options)
            submitted.append((chunk, out))
        for chunk, out in submitted:
            for i, result in zip(chunk, out):
                if parallel:
                    result = result.result()
                hyps = []
                for pieces, score in zip(result.hypotheses, result.scores):
                    if prefix and pieces[:len(prefix)] == prefix:
                        pieces = pieces[len(prefix):]
                    hyps.append(Hypothesis(self.detokenize(pieces), float(score)))
                results[i] = hyps
        self.sentences_decoded += len(order)
        return results


# -- plans measured for this machine ----------------------------------------------------------


def tuning_path(data_dir: Path | None = None) -> Path:
    return Path(data_dir if data_dir is not None else default_data_dir()) / TUNING_FILE


def _tuning_key(model: ModelInfo, device: str) -> str:
    return f"{model.path.resolve()}|{model.version}|{device}|{usable_cpus()} cores"


def stored_plan(model: ModelInfo, device: str, data_dir: Path | None = None) -> ThreadPlan | None:
    """The plan ``tune_model`` stored for this model, device and core count, or None."""
    try:
        entry = json.loads(tuning_path(data_dir).read_text(encoding="utf-8")).get(_tuning_key(model, device))
        return ThreadPlan(int(entry["inter"]), int(entry["intra"]), int(entry["batch"])) if entry else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Measurement:
    plan: ThreadPlan
    sentences_per_s: float


def measure_plans(model: ModelInfo, device: str = "cpu", *, splits: list[tuple[int, int]] | None = None,
                  batch_sizes: tuple[int, ...] = TUNE_BATCH_SIZES, sentences: list[str] | None = None,
                  num_hypotheses: int = 4, beam_size: int = DEFAULT_BEAM_SIZE, decoding_options: dict | None = None,
                  repeats: int = 2, on_result=None) -> list[Measurement]:
    """Time the engine's own decode path for each thread split and batch size; fastest first.

    ``sentences``: what to decode (default: 4 x the built-in sample, 64 sentences). The splits are
    measured ``repeats`` times in turn and each plan keeps its best time, so a burst of other work
    on the machine does not decide the choice. One translator at a time (a big model is not held
    twice), with a warm-up call. ``on_result(Measurement)`` is called as each timing is taken. Batch sizes
    the sample cannot tell apart from a smaller one are not timed (``measurable_batches``).
    """
    sentences = sentences or list(TUNING_SAMPLE) * 4
    best: dict[ThreadPlan, float] = {}
    for _ in range(max(1, repeats)):
        for inter, intra in splits or candidate_splits():
            engine = NeuralEngine(model, beam_size=beam_size, plan=ThreadPlan(inter, intra, max(batch_sizes)),
                                  device=device, decoding_options=decoding_options)
            engine.translate_batch(sentences[:8], num_hypotheses)  # warm-up: the first call allocates
            for batch in measurable_batches(batch_sizes, len(sentences), inter):
                engine.plan = ThreadPlan(inter, intra, batch)
                started = time.perf_counter()
                engine.translate_batch(sentences, num_hypotheses)
                rate = len(sentences) / (time.perf_counter() - started)
                best[engine.plan] = max(rate, best.get(engine.plan, 0.0))
                if on_result:
                    on_result(Measurement(engine.plan, rate))
            del engine
    return sorted((Measurement(plan, rate) for plan, rate in best.items()), key=lambda m: -m.sentences_per_s)


def measurable_batches(batch_sizes, sentences: int, inter: int) -> list[int]:
    """The batch sizes a sample of ``sentences`` tells apart with ``inter`` translators, smallest first.

    The engine gives each translator at least one batch, so a batch size above ``sentences / inter`` decodes
    the sample exactly as a smaller one does: its timing would differ only by noise, and noise must not pick
    it (64 sentences on two translators cannot measure batches of 64, which ran at half the speed of 32 on
    a real page here). Such sizes are left out.
    """
    seen, out = set(), []
    for batch in sorted(batch_sizes):
        effective = max(1, min(batch, math.ceil(sentences / inter)))
        if effective not in seen:
            seen.add(effective)
            out.append(batch)
    return out


def tune_model(model: ModelInfo, device: str = "auto", data_dir: Path | None = None, **measure) -> list[Measurement]:
    """Measure (``measure_plans``) and store the fastest plan for this model on this machine."""
    device = resolve_device(device)
    results = measure_plans(model, device, **measure)
    path = tuning_path(data_dir)
    try:
        stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        stored = {}
    best = results[0]
    stored[_tuning_key(model, device)] = {"inter": best.plan.inter, "intra": best.plan.intra,
                                          "batch": best.plan.batch, "sentences_per_s": round(best.sentences_per_s, 2),
                                          "measured": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_text(json.dumps(stored, indent=1), encoding="utf-8")
        partial.replace(path)
    except OSError as e:
        raise ModelError(f"cannot store the measured plan: {e.strerror or e}", path) from None
    return results


def plan_for(model: ModelInfo, device: str, options: EngineOptions, data_dir: Path | None = None) -> ThreadPlan:
    """The options' threads where given, else the stored measurement, else the default; batch likewise."""
    base = stored_plan(model, device, data_dir) or default_plan(device)
    inter = options.inter_threads or base.inter
    intra = options.intra_threads or (base.intra if not options.inter_threads else max(1, usable_cpus() // inter))
    return replace(base, inter=inter, intra=intra, batch=options.batch_size or base.batch)


_LOADED: dict[tuple, NeuralEngine] = {}
_LOADED_LOCK = threading.Lock()


def load_neural_engine(model: ModelInfo, options: EngineOptions | None = None,
                       data_dir: Path | None = None) -> NeuralEngine:
    """The engine for ``model``, loaded once per process (the web server and batch runs reuse it).

    Keyed by the folder, its model file's modification time, the device and the plan, so a
    re-installed or re-tuned model is loaded afresh.
    """
    options = options or EngineOptions()
    device = resolve_device(options.device)
    plan = plan_for(model, device, options, data_dir)
    try:
        stamp = (model.model_dir / "model.bin").stat().st_mtime_ns
    except OSError:
        stamp = 0  # NeuralEngine raises the clear error
    key = (str(model.path.resolve()), stamp, device, plan)
    with _LOADED_LOCK:
        if key not in _LOADED:
            _LOADED[key] = NeuralEngine(model, plan=plan, device=device)
        return _LOADED[key]
