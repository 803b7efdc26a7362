"""The LLM engine against a fake OpenAI-compatible server on loopback (tests/engines/fake_llm.py)."""

from __future__ import annotations

import json
import time

import pytest
from helpers import run_in_process

from bilingual.config import Config, EngineOptions
from bilingual.engines import load_engine
from bilingual.engines.base import SentenceContext, TermContext
from bilingual.engines.llm import LLMEngine, base_url, build_messages, check_english, is_loopback, parse_reply
from bilingual.errors import ModelError, UsageError
from bilingual.memory import Memories, TranslationMemory
from bilingual.model import Article, Edition, Paragraph, Segment, TermHit
from bilingual.pipeline import Pipeline
from bilingual.stages.quality import flag_quality
from bilingual.stages.translate import translate_edition

SECRETARY = ("市委书记", "Secretary of the CPC Hengyang Municipal Committee")
LIU = ("刘越高", "Liu Yuegao")
HEADLINE = "衡阳代表团赴鄯善县考察"
SENTENCES = ["市委书记刘越高率团赴鄯善县考察。", "双方签订了8个合作项目。", "他强调要深化对口援疆工作。",
             "刘越高看望了援疆干部。"]


def edition(sentences=SENTENCES, headline=HEADLINE) -> Edition:
    """An article whose sentences carry the term hits the term stage would find."""
    segments = []
    for n, zh in enumerate(sentences):
        seg = Segment(id=f"s{n}", zh=zh)
        for term_zh, term_en in (SECRETARY, LIU):
            start = zh.find(term_zh)
            if start >= 0:
                seg.terms.append(TermHit(term_zh, term_en, "title" if term_zh == SECRETARY[0] else "person",
                                         start, start + len(term_zh)))
        segments.append(seg)
    return Edition(source="page.txt", encoding="utf-8", articles=[
        Article(id="a1", headline=Segment(id="h", zh=headline), paragraphs=[Paragraph(id="p", segments=segments)])])


def engine_for(fake, **bounds) -> LLMEngine:
    return LLMEngine(fake.url, **{"timeout": 5, "retries": 2, "concurrency": 2, "batch_size": 8, **bounds})


def body_of(seg: Segment) -> str:
    return seg.en or ""


# -- the prompt and the answer ------------------------------------------------------------------


def test_prompt_carries_terms_headline_and_ids_and_answers_align_exactly(fake_llm):
    engine = engine_for(fake_llm)
    ed = translate_edition(edition(), engine)
    # One request: the article's headline and its sentences, in reading order, numbered.
    assert len(fake_llm.requests) == 1
    body = fake_llm.requests[0]
    assert body["headline"] == HEADLINE
    assert [s["zh"] for s in body["sentences"]] == [HEADLINE, *SENTENCES]
    assert [s["id"] for s in body["sentences"]] == [1, 2, 3, 4, 5]
    assert {(g["zh"], g["en"]) for g in body["glossary"]} == {SECRETARY, LIU}
    request = fake_llm.bodies[0]
    assert request["response_format"] == {"type": "json_object"} and request["temperature"] == 0
    assert "one entry per id" in request["messages"][0]["content"]
    segs = ed.articles[0].paragraphs[0].segments
    # Each sentence got its own English back: the fake's English carries that sentence's terms and numbers.
    assert segs[0].en.startswith("Secretary of the CPC Hengyang Municipal Committee, Liu Yuegao said")
    assert "(8)" in segs[1].en and "Liu Yuegao" not in segs[1].en
    assert segs[3].en.startswith("Liu Yuegao said")
    assert all(s.engine == "llm" for s in ed.segments())
    # Terms were never hidden behind placeholders (an LLM rewrites them): verified in the English instead.
    assert [h.status for h in segs[0].terms] == ["verified", "verified"] and not segs[0].flags


def test_parse_reply_accepts_variants_and_rejects_misalignment():
    assert parse_reply('{"translations": [{"id": 1, "en": "A."}, {"id": "2", "en": "B."}]}', 2) == {1: "A.", 2: "B."}
    assert parse_reply('```json\n[{"id": 1, "english": "A."}]\n```', 1) == {1: "A."}
    assert parse_reply('Sure, here it is: {"1": "A.", "2": "B."} Hope this helps', 2) == {1: "A.", 2: "B."}
    with pytest.raises(Exception, match="missing \\[2\\]"):
        parse_reply('{"translations": [{"id": 1, "en": "A. B."}]}', 2)
    with pytest.raises(Exception, match="unexpected \\[3\\]"):
        parse_reply('{"translations": [{"id": 1, "en": "A"}, {"id": 2, "en": "."}, {"id": 3, "en": "B."}]}', 2)
    with pytest.raises(Exception, match="answered twice"):
        parse_reply('[{"id": 1, "en": "A"}, {"id": 1, "en": "B"}]', 2)
    with pytest.raises(Exception, match="not JSON"):
        parse_reply("I cannot do that.", 1)


def test_check_english_names_each_problem():
    from bilingual.engines.llm import _Item

    item = _Item(0, "市委书记说。", (SECRETARY,), "")
    assert check_english(item, "The Secretary of the CPC Hengyang Municipal Committee said.") is None
    assert "Chinese" in check_english(item, "The 市委书记 said.")
    assert "chatter" in check_english(item, "Here is the translation: Secretary of the CPC Hengyang Municipal "
                                            "Committee said.")
    assert "chatter" in check_english(item, "Secretary of the CPC Hengyang Municipal Committee said. (Note: literal)")
    assert "missing" in check_english(item, "The party chief said.")
    assert check_english(item, "") == "empty"


def test_build_messages_lists_each_term_once_and_the_previous_problems():
    from bilingual.engines.llm import _Item

    items = [_Item(0, "市委书记说。", (SECRETARY,), "标题"), _Item(1, "市委书记到了。", (SECRETARY,), "标题")]
    payload = json.loads(build_messages(items, {2: "Chinese left in the English"})[1]["content"])
    assert payload["glossary"] == [{"zh": SECRETARY[0], "en": SECRETARY[1]}]
    assert payload["previous_answer_problems"] == ["sentence 2: Chinese left in the English"]


# -- failure modes: retried in a bounded way, then repaired or flagged --------------------------


@pytest.mark.parametrize("failure", ["chatter", "chinese", "drop-term", "merge", "split", "bad-json", "http-500",
                                     "fenced", "no-json-mode"])
def test_a_failure_once_is_retried_and_the_result_is_clean(fake_llm, failure):
    fake_llm.plan.append(failure)
    engine = engine_for(fake_llm, concurrency=1)
    results = engine.translate_batch(SENTENCES, context=[SentenceContext(
        (TermContext("", *SECRETARY), TermContext("", *LIU)), HEADLINE)] * len(SENTENCES))
    english = [r[0].text for r in results]
    assert all(r[0].problem is None for r in results), results
    assert english[0].startswith("Secretary of the CPC Hengyang Municipal Committee, Liu Yuegao said")
    assert "(8)" in english[1] and all("Here is" not in e and "市" not in e for e in english)
    retried = len(fake_llm.requests) - 1
    if failure in ("fenced",):
        assert retried == 0  # a fence and words around valid JSON are not a failure
    elif failure in ("merge", "split", "bad-json", "http-500"):
        # The whole answer was unusable: the sentences were then asked one at a time, so alignment cannot slip.
        assert retried == len(SENTENCES) and all(len(r["sentences"]) == 1 for r in fake_llm.requests[1:])
    elif failure == "no-json-mode":
        assert retried == 1 and "response_format" not in fake_llm.bodies[-1]
    else:
        # Only the failing sentences are asked again, with what was wrong.
        again = fake_llm.requests[1]
        assert 1 <= len(again["sentences"]) <= len(SENTENCES) and again["previous_answer_problems"]


def test_persistent_chinese_is_flagged_untranslated_and_never_remembered(fake_llm, tmp_path):
    fake_llm.default = "chinese"
    engine = engine_for(fake_llm, retries=2)
    with Memories(TranslationMemory(tmp_path / "memory.sqlite3")) as memory:
        ed = flag_quality(translate_edition(edition(), engine, memory=memory))
        assert memory.machine(SENTENCES[1], "llm", engine.signature().model_id, "", "") is None
    body = ed.articles[0].paragraphs[0].segments
    assert all(s.en == "" and "untranslated" in s.flags for s in body)
    # Bounded: the first request (headline and body together), then two retries with what was wrong.
    assert len(fake_llm.requests) == 3
    assert fake_llm.requests[-1]["previous_answer_problems"][0] == "sentence 1: Chinese left in the English"
    assert "sentences failed (Chinese left in the English)" in engine.summary()


def test_persistent_chatter_is_repaired_by_removing_it(fake_llm):
    fake_llm.default = "chatter"
    engine = engine_for(fake_llm, retries=1)
    results = engine.translate_batch(["他说。"])
    assert results[0][0].text == "The report said that the work went ahead." and results[0][0].problem is None
    assert len(fake_llm.requests) == 2 and "repaired (chatter removed)" in engine.summary()


def test_persistent_dropped_term_is_flagged_missed(fake_llm):
    fake_llm.default = "drop-term"
    engine = engine_for(fake_llm, retries=1)
    ed = flag_quality(translate_edition(edition(), engine))
    first = ed.articles[0].paragraphs[0].segments[0]
    assert "missed-term" in first.flags and {h.status for h in first.terms} == {"missed"}
    assert first.en  # the English is shown (and flagged), not thrown away
    body_requests = [r for r in fake_llm.requests if len(r["sentences"]) > 1 or r["headline"] == HEADLINE]
    assert len(body_requests) <= 2  # first answer + one retry, for --llm-retries 1


def test_a_merged_answer_is_met_by_asking_one_sentence_at_a_time(fake_llm):
    fake_llm.plan.extend(["merge", "split"])
    engine = engine_for(fake_llm, concurrency=1)
    results = engine.translate_batch(SENTENCES[:3])
    # The merge, then each sentence alone; the first of those is split in two (ids 1 and 2 for one sentence),
    # so that sentence is asked once more.
    assert [len(r["sentences"]) for r in fake_llm.requests] == [3, 1, 1, 1, 1]
    assert [r[0].problem for r in results] == [None, None, None]
    assert "(8)" in results[1][0].text and "(8)" not in results[0][0].text


def test_timeouts_are_bounded_then_flagged(fake_llm):
    fake_llm.default, fake_llm.slow_s = "timeout", 1.0
    engine = engine_for(fake_llm, timeout=0.2, retries=1, batch_size=2, concurrency=2)
    started = time.monotonic()
    results = engine.translate_batch(["他说。", "她说。"])
    elapsed = time.monotonic() - started
    assert [r[0].problem for r in results] == ["no answer within 0.2 s"] * 2 and results[0][0].text == ""
    # One batch request, then one retry with each sentence alone (in parallel): about 2 x the timeout.
    assert len(fake_llm.requests) == 3 and elapsed < 2.0


def test_requests_in_flight_are_bounded_and_progress_is_reported(fake_llm):
    fake_llm.latency_s = 0.05
    engine = engine_for(fake_llm, concurrency=2, batch_size=2)
    seen = []
    engine.progress = lambda done, total: seen.append((done, total))
    sentences = [f"第{n}条消息。" for n in range(10)]
    results = engine.translate_batch(sentences)
    assert len(fake_llm.requests) == 5 and fake_llm.max_in_flight == 2
    assert seen[0] == (0, 10) and seen[-1] == (10, 10) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert [r[0].text for r in results] == [f"The report said that the work went ahead ({n})." for n in range(10)]


# -- the server: loopback by default, checked at load -------------------------------------------


def test_loopback_rule_and_url_forms():
    assert is_loopback("http://127.0.0.1:11434/v1") and is_loopback("http://localhost:8080/v1")
    assert is_loopback("http://[::1]:8000/v1") and not is_loopback("http://192.168.1.20:11434/v1")
    assert not is_loopback("https://api.example.com/v1")
    assert base_url("http://127.0.0.1:8080/v1/chat/completions") == "http://127.0.0.1:8080/v1"
    with pytest.raises(UsageError, match="http"):
        base_url("ftp://127.0.0.1/v1")
    assert EngineOptions().llm_url == "http://127.0.0.1:11434/v1"


def test_server_down_or_model_missing_stops_at_load(fake_llm):
    with pytest.raises(ModelError, match="cannot reach the LLM server") as err:
        LLMEngine("http://127.0.0.1:9/v1", timeout=2)
    assert "127.0.0.1:9" in str(err.value)
    with pytest.raises(ModelError, match="no model 'qwen' \\(it has: fake-zh-en\\)"):
        LLMEngine(fake_llm.url, "qwen")
    assert LLMEngine(fake_llm.url).model == "fake-zh-en"  # the server's first model when none is named


def test_system_proxies_are_not_used_for_the_server(fake_llm, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # a proxy that refuses: would fail if used
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    engine = engine_for(fake_llm)
    assert engine.translate_batch(["他说。"])[0][0].text.startswith("The report said")


# -- memory keys, the pipeline and the CLI ------------------------------------------------------


def test_memory_is_keyed_by_engine_and_model(fake_llm, tmp_path):
    fake_llm.models = ("model-a", "model-b")
    with Memories(TranslationMemory(tmp_path / "memory.sqlite3")) as memory:
        translate_edition(edition(), LLMEngine(fake_llm.url, "model-a"), memory=memory)
        asked = len(fake_llm.requests)
        translate_edition(edition(), LLMEngine(fake_llm.url, "model-a"), memory=memory)
        assert len(fake_llm.requests) == asked  # all from memory
        translate_edition(edition(), LLMEngine(fake_llm.url, "model-b"), memory=memory)
        assert len(fake_llm.requests) > asked  # another model: asked afresh
        entry = memory.machine(SENTENCES[0], "llm", LLMEngine(fake_llm.url, "model-a").signature().model_id, "", "")
        assert entry is not None and entry.en.startswith("Secretary of the CPC")


def test_load_engine_llm_with_options(fake_llm):
    engine = load_engine("llm", None, EngineOptions(llm_url=fake_llm.url, llm_timeout=3, llm_retries=1,
                                                     llm_concurrency=3, llm_batch=4))
    assert (engine.name, engine.timeout, engine.retries, engine.concurrency, engine.batch_size) == \
        ("llm", 3.0, 1, 3, 4)


def test_seed_page_through_the_pipeline_with_the_glossary(fake_llm, tmp_path, seed_path):
    config = Config(out_dir=tmp_path / "out", engine="llm", formats=("json",), data_dir=tmp_path,
                    engine_options=EngineOptions(llm_url=fake_llm.url))
    pipeline = Pipeline(config)
    result = pipeline.translate_page(seed_path)
    assert result.status == "done", result.error
    ed = json.loads((tmp_path / "out" / seed_path.stem / f"{seed_path.stem}.json").read_text(encoding="utf-8"))
    assert ed["signature"]["engine"] == "llm" and ed["signature"]["model"] == "fake-zh-en"
    glossaries = [g for r in fake_llm.requests for g in r["glossary"]]
    assert any(g["zh"] == "刘越高" and g["en"].startswith("Liu Yuegao") for g in glossaries)
    headlines = {r["headline"] for r in fake_llm.requests}
    assert len(headlines) >= 4  # the seed's four articles, each its own context
    segments = [s for a in ed["articles"] for p in a["paragraphs"] for s in p["segments"]]
    assert segments and all(s["engine"] == "llm" and s["en"] for s in segments)


def test_translate_text_cli_with_llm_options(fake_llm):
    run = run_in_process("translate-text", "--engine", "llm", "--llm-url", fake_llm.url, "--llm-model", "fake-zh-en",
                         "--llm-timeout", "5", "--llm-retries", "1", "--llm-concurrency", "1", "--llm-batch", "4",
                         "--no-cache", stdin="他说，2023年很好。\n\n刘越高讲话。\n")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 3 and lines[1] == "" and "(2023)" in lines[0] and lines[2].startswith("Liu Yuegao")
    assert f"engine: llm (fake-zh-en) at {fake_llm.url}" in run.stderr
    assert "translating: " in run.stderr and "llm: " in run.stderr


def test_llm_option_parsing_refuses_bad_bounds():
    run = run_in_process("translate-text", "--engine", "llm", "--llm-retries", "-1", stdin="他说。")
    assert run.returncode == 2 and "--llm-retries" in run.stderr
    run = run_in_process("translate-text", "--engine", "llm", "--llm-concurrency", "0", stdin="他说。")
    assert run.returncode == 2 and "more than 0" in run.stderr
