"""The neural engine on tiny random-weight models of every kind: OPUS-MT (Marian), NLLB-200, M2M-100, Argos.

Random weights: the English is garbage, so these tests check mechanics through the real loading and
decoding code (tokens around the pieces, target prefixes, n-best, placeholders or their absence,
repair, flags, memory keys, threads), never quality.
"""

from __future__ import annotations

import pytest

from bilingual.config import EngineOptions
from bilingual.engines import load_engine
from bilingual.engines.argos import ArgosEngine
from bilingual.engines.models import install_model, recognise
from bilingual.engines.neural import (
    NeuralEngine,
    ThreadPlan,
    candidate_splits,
    default_plan,
    measurable_batches,
    measure_plans,
    plan_for,
    resolve_device,
    stored_plan,
    tune_model,
)
from bilingual.errors import ModelError, UsageError
from bilingual.memory import Memories, TranslationMemory
from bilingual.model import Article, Edition, Paragraph, Segment, TermHit
from bilingual.stages.quality import flag_quality
from bilingual.stages.translate import protect, translate_edition

SHORT = {"max_decoding_length": 16}  # random weights rarely stop by themselves
SENTENCES = ["市委书记刘越高率团赴鄯善县考察。", "他说。", "", "要突出民生援疆导向，深化产业合作。", "他说。"]


@pytest.fixture(scope="module", params=["opus-mt", "nllb", "m2m100"])
def kind_engine(request, opus_mt_folder, nllb_folder, m2m100_folder) -> NeuralEngine:
    folder = {"opus-mt": opus_mt_folder, "nllb": nllb_folder, "m2m100": m2m100_folder}[request.param]
    return NeuralEngine(recognise(folder), plan=ThreadPlan(2, 1, 2), decoding_options=SHORT)


def edition_with_terms(sentences: list[str]) -> Edition:
    segs = []
    for n, zh in enumerate(sentences):
        seg = Segment(id=f"s{n}", zh=zh)
        for term, en, kind in (("市委书记", "Secretary of the CPC Hengyang Municipal Committee", "title"),
                               ("刘越高", "Liu Yuegao", "person")):
            start = zh.find(term)
            if start >= 0:
                seg.terms.append(TermHit(term, en, kind, start, start + len(term)))
        segs.append(seg)
    return Edition(source="p.txt", encoding="utf-8", articles=[
        Article(id="a", headline=Segment(id="h", zh="刘越高赴鄯善"), paragraphs=[Paragraph(id="p", segments=segs)])])


def test_each_kind_is_recognised_with_its_tokens(opus_mt_folder, nllb_folder, m2m100_folder):
    opus, nllb, m2m = recognise(opus_mt_folder), recognise(nllb_folder), recognise(m2m100_folder)
    assert (opus.kind, opus.languages, opus.source_prefix, opus.source_suffix, opus.target_prefix) == \
        ("opus-mt", "zh->en", (), ("</s>",), ())
    assert opus.source_spm.name == "source.spm" and opus.target_spm.name == "target.spm"
    assert (nllb.kind, nllb.source_prefix, nllb.source_suffix, nllb.target_prefix) == \
        ("nllb", ("zho_Hans",), ("</s>",), ("eng_Latn",))
    assert (m2m.kind, m2m.source_prefix, m2m.target_prefix) == ("m2m100", ("__zh__",), ("__en__",))
    assert nllb.source_spm == nllb.target_spm == nllb_folder / "sentencepiece.bpe.model"


def test_translate_batch_decodes_through_the_real_model(kind_engine):
    tokens = kind_engine.tokenize("他说。")
    prefix, suffix = kind_engine.model.source_prefix, kind_engine.model.source_suffix
    assert tuple(tokens[:len(prefix)]) == prefix and tuple(tokens[len(tokens) - len(suffix):]) == suffix
    results = kind_engine.translate_batch(SENTENCES, num_hypotheses=3)
    assert len(results) == len(SENTENCES) and results[2][0].text == ""
    for i in (0, 1, 3, 4):
        scores = [h.score for h in results[i]]
        assert len(results[i]) == 3 and scores == sorted(scores, reverse=True)
        # The forced target prefix (eng_Latn / __en__) never reaches the English.
        assert all("eng_Latn" not in h.text and "__en__" not in h.text for h in results[i])
    assert results[1][0].text == results[4][0].text
    # Batching in parallel (2 translators, batches of 2) does not mix sentences up.
    alone = kind_engine.translate_batch([SENTENCES[3]], num_hypotheses=3)[0]
    assert alone[0].text == results[3][0].text


def test_placeholders_survive_each_kinds_vocabulary(kind_engine):
    ph = kind_engine.placeholder(3)
    assert ph, kind_engine.warnings
    seg = Segment(id="s", zh="市委书记刘越高率团。", terms=[TermHit("市委书记", "Secretary", "title", 0, 4),
                                                           TermHit("刘越高", "Liu Yuegao", "person", 4, 7)])
    protected, _ = protect(seg, kind_engine)
    pieces = kind_engine.tokenize(protected)
    assert kind_engine.sp.decode_pieces([p for p in pieces if p not in ("</s>", "zho_Hans", "__zh__")]) == protected


def test_pipeline_stage_with_memory_keys_by_engine_and_model(kind_engine, tmp_path):
    with Memories(TranslationMemory(tmp_path / "memory.sqlite3")) as memory:
        ed = flag_quality(translate_edition(edition_with_terms(SENTENCES), kind_engine, memory=memory))
        decoded = kind_engine.sentences_decoded
        translate_edition(edition_with_terms(SENTENCES), kind_engine, memory=memory)
        assert kind_engine.sentences_decoded == decoded  # the memory answered everything
        signature = kind_engine.signature()
        assert signature.engine == kind_engine.model.kind and signature.model == kind_engine.model.name
        assert memory.machine("他说。", signature.engine, signature.model_id, "", "") is not None
        assert memory.machine("他说。", "argos", signature.model_id, "", "") is None
    for seg in ed.segments():
        assert seg.engine == (kind_engine.name if seg.zh else None)
        assert ("missed-term" in seg.flags) == any(h.status == "missed" for h in seg.terms)


def test_a_model_without_placeholders_still_translates(no_placeholder_package_file, tmp_path):
    data = tmp_path / "data"
    install_model(str(no_placeholder_package_file), data)
    engine = load_engine("argos", data, EngineOptions(device="cpu"))
    assert engine.placeholder(0) == "" and "not protected" in engine.warnings[0]
    engine.decoding_options = SHORT
    ed = edition_with_terms(["市委书记刘越高率团赴鄯善县考察。", "他说。"])
    seg = ed.articles[0].paragraphs[0].segments[0]
    assert protect(seg, engine)[0] == seg.zh  # terms stay in Chinese
    flag_quality(translate_edition(ed, engine))
    assert seg.en and all(h.status in ("verified", "repaired", "missed") for h in seg.terms)
    assert "missed-term" in seg.flags  # random weights cannot write "Liu Yuegao": flagged, not hidden


def test_repair_reranks_the_n_best_when_no_placeholder(monkeypatch):
    """Without placeholders the repair picks, from the n-best it already has, the hypothesis with the terms."""
    from bilingual.engines.base import Hypothesis
    from bilingual.signature import Signature

    class NoPlaceholder:
        name = "argos"
        calls = 0

        def signature(self):
            return Signature(engine="argos", model="m", version="1")

        def placeholder(self, i):
            return ""

        def translate_batch(self, sentences, num_hypotheses=1):
            NoPlaceholder.calls += 1
            return [[Hypothesis("The secretary spoke.", -0.1), Hypothesis("Liu Yuegao spoke.", -0.4)]
                    for _ in sentences]

    ed = edition_with_terms(["刘越高讲话。"])
    translate_edition(ed, NoPlaceholder())
    seg = ed.articles[0].paragraphs[0].segments[0]
    assert seg.en == "Liu Yuegao spoke." and seg.terms[0].status == "repaired" and not seg.flags
    assert NoPlaceholder.calls == 1  # the repair did not decode the same text again


# -- threads, batches, device -----------------------------------------------------------------


def test_default_plan_and_candidate_splits():
    assert default_plan("cpu", 2) == ThreadPlan(2, 1, 32)  # measured fastest on 2 cores (issue 15)
    assert default_plan("cpu", 8) == ThreadPlan(4, 2, 32)
    assert default_plan("cuda") == ThreadPlan(1, 1, 64)
    assert candidate_splits(4) == [(1, 4), (2, 2), (4, 1)]
    assert candidate_splits(2) == [(1, 2), (2, 1)]


def test_tune_measures_stores_and_is_used(opus_mt_folder, tmp_path):
    model = install_model(str(opus_mt_folder), tmp_path)
    seen = []
    results = tune_model(model, "cpu", tmp_path, splits=[(1, 1), (2, 1)], batch_sizes=(2, 4),
                         sentences=["他说。", "要突出民生援疆导向。"] * 4, decoding_options=SHORT, on_result=seen.append)
    assert len(results) == 4 and len(seen) == 8  # four plans, each timed twice; the best time kept
    assert [m.sentences_per_s for m in results] == sorted((m.sentences_per_s for m in results), reverse=True)
    for m in results:
        assert m.sentences_per_s == max(s.sentences_per_s for s in seen if s.plan == m.plan)
    best = results[0].plan
    assert stored_plan(model, "cpu", tmp_path) == best
    assert plan_for(model, "cpu", EngineOptions(), tmp_path) == best
    # Explicit options win over the measurement.
    assert plan_for(model, "cpu", EngineOptions(inter_threads=1, intra_threads=2, batch_size=5), tmp_path) == \
        ThreadPlan(1, 2, 5)
    engine = load_engine("opus-mt", tmp_path, EngineOptions(device="cpu"))
    assert engine.plan == best and engine.device == "cpu"


def test_measure_plans_times_each_split_and_batch(opus_mt_folder):
    results = measure_plans(recognise(opus_mt_folder), "cpu", splits=[(1, 1)], batch_sizes=(1, 8),
                            sentences=["他说。"] * 8, decoding_options=SHORT, repeats=1)
    assert {m.plan for m in results} == {ThreadPlan(1, 1, 1), ThreadPlan(1, 1, 8)}
    assert all(m.sentences_per_s > 0 for m in results)


def test_tune_never_times_a_batch_size_the_sample_cannot_tell_from_a_smaller_one(opus_mt_folder):
    # Two translators share 8 sentences as two batches of 4: batches of 8 would decode exactly as batches of 4,
    # and noise alone would choose between them.
    assert measurable_batches((8, 2, 4), 8, inter=2) == [2, 4]
    assert measurable_batches((16, 32, 64), 64, inter=2) == [16, 32]
    assert measurable_batches((16, 32, 64), 64, inter=1) == [16, 32, 64]
    results = measure_plans(recognise(opus_mt_folder), "cpu", splits=[(2, 1)], batch_sizes=(2, 4, 8),
                            sentences=["他说。"] * 8, decoding_options=SHORT, repeats=1)
    assert {m.plan for m in results} == {ThreadPlan(2, 1, 2), ThreadPlan(2, 1, 4)}


def test_device_choice(monkeypatch):
    import ctranslate2

    assert resolve_device("cpu") == "cpu"
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(ModelError, match="--device cuda: CTranslate2 sees no CUDA device"):
        resolve_device("cuda")
    with pytest.raises(UsageError):
        resolve_device("tpu")
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    assert resolve_device("auto") == "cuda"


def test_argos_engine_keeps_its_interface(installed_tiny_package):
    from bilingual.engines.argos import find_zh_en_package

    engine = ArgosEngine(find_zh_en_package(installed_tiny_package), max_batch_size=4, threads=2,
                         decoding_options=SHORT)
    assert engine.plan == ThreadPlan(1, 2, 4) and engine.max_batch_size == 4 and engine.name == "argos"
    assert len(engine.translate_batch(["他说。"] * 3, num_hypotheses=2)[0]) == 2
