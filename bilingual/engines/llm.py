"""The LLM engine: a local OpenAI-compatible chat-completions server (Ollama, llama.cpp's server, vLLM).

Loopback by default (``http://127.0.0.1:11434/v1``, Ollama's); another host only when the
user names it with ``--llm-url``, and then the CLI says where sentences go. System proxy
settings are ignored, so a loopback request never leaves the machine through a proxy.

For each batch of sentences (of one article) the prompt carries the glossary terms and
names found in them with the English they must have, and the article's headline; the
answer is asked for as JSON, one English line per sentence id, so alignment is exact.
The engine cannot carry placeholders (``placeholder`` is ""): the stage leaves terms in
Chinese and verifies them in the English.

Every answer is checked, sentence by sentence: missing or extra ids (sentences merged or
split), unparsable JSON, Chinese left in the English, chatter ("Here is the
translation:"), a required term's English missing, a timeout or an HTTP error. A batch
with failures is asked again (at most ``retries`` more times) for the failing sentences
only, with what was wrong; after a failure of the whole answer (merge, split, bad JSON,
timeout) the sentences are asked one at a time, so alignment cannot slip. What still
fails is repaired where that is safe (a recognised chatter prefix removed) or returned
empty with ``Hypothesis.problem`` set: the quality stage flags it and the memory does not
keep it. Nothing is accepted silently. Requests in flight are bounded by ``concurrency``;
each has a timeout; ``progress(done, total)`` is called as batches finish.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..config import DEFAULT_LLM_URL
from ..errors import ModelError, UsageError
from ..signature import Signature
from .base import Hypothesis, SentenceContext

SYSTEM_PROMPT = """You translate Chinese newspaper sentences into English for the English edition of the paper.
You receive JSON: the article's headline (context only), a glossary of terms with the English each must have,
and numbered sentences. Rules:
1. Translate every sentence on its own into natural, accurate English news prose: exactly one entry per id.
   Never merge sentences, never split one, never skip one.
2. Where a glossary term occurs in a sentence, its English must appear in your translation exactly as given.
3. Write English only: no Chinese characters, no pinyin in brackets, no notes, no explanations.
4. Answer with JSON only, in this form: {"translations": [{"id": 1, "en": "..."}, {"id": 2, "en": "..."}]}"""
PROMPT_VERSION = hashlib.sha1(SYSTEM_PROMPT.encode("utf-8")).hexdigest()[:8]
CONNECT_TIMEOUT_S = 10.0  # the check that the server is there, at load

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_CHATTER_START = re.compile(
    r"^\s*(?:(?:sure|certainly|of course|okay|ok)\b[^\n:]*?[:.!]\s*|here(?:'s| is| are)\b[^\n:]*:\s*"
    r"|(?:the\s+)?(?:english\s+)?translation(?:\s+is)?\s*:\s*|english\s*:\s*)", re.IGNORECASE)
_CHATTER_END = re.compile(r"\s*(?:\(\s*note\b.*|\n+\s*note\b.*|\n+\s*(?:i hope|let me know)\b.*)$",
                          re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)


def is_loopback(url: str) -> bool:
    """Whether ``url``'s host is this machine (127.0.0.0/8, ::1, localhost)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url(url: str) -> str:
    """The API base (``http://host:port/v1``) from what the user gave; UsageError for a URL that is not http(s)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--llm-url must be an http(s) URL such as {DEFAULT_LLM_URL}, not {url!r}")
    path = parts.path.rstrip("/")
    for suffix in ("/chat/completions", "/models"):
        path = path.removesuffix(suffix)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# -- prompt and answer ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Item:
    """One sentence to translate: where its answer goes, its text, its terms (zh, en)."""

    index: int
    text: str
    terms: tuple[tuple[str, str], ...]
    headline: str
    problem: str | None = field(default=None)


def build_messages(items: list[_Item], feedback: dict[int, str] | None = None) -> list[dict]:
    """The chat messages for one request: the rules, then the batch as JSON (ids are 1..n in this request)."""
    glossary, seen = [], set()
    for item in items:
        for zh, en in item.terms:
            if (zh, en) not in seen:
                seen.add((zh, en))
                glossary.append({"zh": zh, "en": en})
    payload = {"headline": items[0].headline if items else "", "glossary": glossary,
               "sentences": [{"id": n, "zh": item.text} for n, item in enumerate(items, 1)]}
    if feedback:
        payload["previous_answer_problems"] = [f"sentence {n}: {feedback[n]}" for n in sorted(feedback)]
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False)}]


class ReplyError(Exception):
    """The answer as a whole is unusable (no JSON, or ids that do not match the sentences)."""


def parse_reply(content: str, count: int) -> dict[int, str]:
    """English per id (1..count) from an answer; ReplyError when it is not JSON or its ids do not match.

    Accepts the asked form ``{"translations": [{"id", "en"}]}`` and the usual variations (a bare list,
    an ``{"1": "..."}`` map, code fences, words around the JSON); rejects missing, extra or repeated ids.
    """
    text = _FENCE.sub("", content or "").strip()
    try:
        data = json.loads(text)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        try:
            data = json.loads(text[start:end + 1]) if 0 <= start < end else None
        except ValueError:
            data = None
        if data is None:
            raise ReplyError(f"the answer is not JSON ({_preview(content)})") from None
    if isinstance(data, dict):
        listed = next((v for k, v in data.items() if isinstance(v, list)), None)
        if listed is None:
            pairs = [(k, v) for k, v in data.items()]
        else:
            data = listed
    if isinstance(data, list):
        pairs = []
        for entry in data:
            if not isinstance(entry, dict):
                raise ReplyError("an entry of the answer is not an object")
            en = next((entry[k] for k in ("en", "english", "translation", "text") if k in entry), None)
            pairs.append((entry.get("id"), en))
    found: dict[int, str] = {}
    for key, en in pairs:
        try:
            n = int(key)
        except (TypeError, ValueError):
            raise ReplyError(f"an answer has no usable id ({key!r})") from None
        if n in found:
            raise ReplyError(f"id {n} answered twice (a sentence split?)")
        found[n] = en if isinstance(en, str) else ""
    expected = set(range(1, count + 1))
    if set(found) != expected:
        missing, extra = sorted(expected - set(found)), sorted(set(found) - expected)
        raise ReplyError(f"{len(found)} answers for {count} sentences"
                         + (f"; missing {missing} (sentences merged?)" if missing else "")
                         + (f"; unexpected {extra} (a sentence split?)" if extra else ""))
    return found


def _preview(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return repr(text[:limit] + ("..." if len(text) > limit else ""))


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def check_english(item: _Item, en: str) -> str | None:
    """What is wrong with the English of one sentence, or None."""
    if not en.strip():
        return "empty"
    if _HAN.search(en):
        return "Chinese left in the English"
    if _CHATTER_START.match(en) or _CHATTER_END.search(en):
        return "words that are not the translation (chatter)"
    normal = _normal(en)
    # Apposition forms end in a comma ("Liu Yuegao, Secretary of ...,"); a sentence may end there instead.
    dropped = [term_en for _zh, term_en in item.terms if term_en and _normal(term_en).strip(" ,;:.") not in normal]
    if dropped:
        return "the required English is missing: " + "; ".join(f'"{e}"' for e in dropped)
    return None


def strip_chatter(en: str) -> str:
    """The English without a recognised chatter prefix or trailing note (the repair after retries)."""
    return _CHATTER_END.sub("", _CHATTER_START.sub("", en, count=1)).strip()


# -- the engine --------------------------------------------------------------------------------


class LLMEngine:
    """Chat completions on a local server, checked sentence by sentence (see the module docstring)."""

    name = "llm"
    uses_context = True

    def __init__(self, url: str = DEFAULT_LLM_URL, model: str | None = None, *, api_key: str | None = None,
                 timeout: float = 120.0, retries: int = 2, concurrency: int = 2, batch_size: int = 8):
        if timeout <= 0 or retries < 0 or concurrency < 1 or batch_size < 1:
            raise UsageError("LLM bounds must be positive: --llm-timeout > 0, --llm-retries >= 0, "
                             "--llm-concurrency >= 1, --llm-batch >= 1")
        self.url = base_url(url)
        self.api_key = api_key
        self.timeout, self.retries = float(timeout), int(retries)
        self.concurrency, self.batch_size = int(concurrency), int(batch_size)
        # No proxies: sentences for a server on this machine must not go through one.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.json_mode = True  # response_format json_object; dropped if the server refuses it
        self.progress = None
        self.stats: Counter = Counter()
        self._stats_lock = threading.Lock()
        self.model = self._check_model(model)
        self.warnings: list[str] = []
        if not is_loopback(self.url):
            host = urllib.parse.urlsplit(self.url).hostname
            self.warnings.append(f"sentences are sent to {host} (named with --llm-url), not kept on this machine")

    # -- protocol ------------------------------------------------------------------------------

    def signature(self) -> Signature:
        return Signature(engine=self.name, model=self.model, version=f"prompt {PROMPT_VERSION}")

    def placeholder(self, index: int) -> str:
        return ""  # an LLM rewrites placeholders; terms go in the prompt and are verified instead

    def translate_batch(self, sentences: list[str], num_hypotheses: int = 1,
                        context: list[SentenceContext] | None = None) -> list[list[Hypothesis]]:
        """One hypothesis per sentence (an LLM gives no n-best), score None; see the module docstring."""
        context = context or [SentenceContext()] * len(sentences)
        results: list[list[Hypothesis]] = [[Hypothesis("", None)] for _ in sentences]
        items = []
        for i, (sentence, ctx) in enumerate(zip(sentences, context)):
            text = sentence
            for term in ctx.terms:  # a protected term goes back to Chinese: the prompt carries its English
                if term.placeholder:
                    text = text.replace(term.placeholder, term.zh)
            if text.strip():
                terms = tuple(dict.fromkeys((t.zh, t.en) for t in ctx.terms if t.zh and t.zh in text))
                items.append(_Item(i, text, terms, ctx.headline))
        batches = self._batches(items)
        done, total = 0, len(items)
        if self.progress and total:
            self.progress(0, total)
        with ThreadPoolExecutor(max_workers=min(self.concurrency, max(1, len(batches)))) as pool:
            for answered in pool.map(self._translate_batch_of_items, batches):
                for item, hypothesis in answered:
                    results[item.index] = [hypothesis]
                done += len(answered)
                if self.progress:
                    self.progress(done, total)
        return results

    # -- batches -------------------------------------------------------------------------------

    def _batches(self, items: list[_Item]) -> list[list[_Item]]:
        """Items grouped by headline (one article's context per prompt), in runs of at most batch_size."""
        by_headline: dict[str, list[_Item]] = {}
        for item in items:
            by_headline.setdefault(item.headline, []).append(item)
        return [group[i:i + self.batch_size] for group in by_headline.values()
                for i in range(0, len(group), self.batch_size)]

    def _translate_batch_of_items(self, items: list[_Item]) -> list[tuple[_Item, Hypothesis]]:
        """Ask, check, ask again for what failed (bounded), then repair or mark what still fails."""
        best: dict[int, tuple[str, str | None]] = {}  # id(item) -> (English, problem)
        feedback: dict[int, str] = {}  # id(item) -> what was wrong last time
        pending, one_at_a_time = list(items), False
        for attempt in range(self.retries + 1):
            if not pending:
                break
            if attempt:
                self._count("retried sentences", len(pending))
            groups = [[item] for item in pending] if one_at_a_time else [pending]
            whole_failed = False
            for group in groups:
                for item, en, problem, whole in self._ask(group, feedback):
                    whole_failed |= whole
                    previous = best.get(id(item))
                    # Keep the most useful answer: a good one; else one with English in it.
                    if problem is None or previous is None or (previous[1] is not None and en and not previous[0]):
                        best[id(item)] = (en, problem)
                    if problem is None or whole:  # a whole-answer failure is met by asking one at a time
                        feedback.pop(id(item), None)
                    else:
                        feedback[id(item)] = problem
            one_at_a_time = one_at_a_time or (whole_failed and len(pending) > 1)
            pending = [item for item in pending if best[id(item)][1] is not None]
        answered = []
        for item in items:
            en, problem = best[id(item)]
            answered.append((item, self._final(item, en, problem)))
        return answered

    def _final(self, item: _Item, en: str, problem: str | None) -> Hypothesis:
        """The hypothesis for an item after its last attempt (a repair where one is safe)."""
        if problem is None:
            return Hypothesis(en.strip(), None)
        if en and problem.startswith("words that are not"):
            en = strip_chatter(en)
            problem = check_english(item, en)
            self._count("answers repaired (chatter removed)")
            if problem is None:
                return Hypothesis(en, None)
        self._count(f"sentences failed ({problem.split(':')[0].split(' (')[0]})")
        if en and problem.startswith("the required English is missing"):
            # Usable English without a term: the stage's verification flags the term; not remembered.
            return Hypothesis(en.strip(), None, problem=problem)
        return Hypothesis("", None, problem=problem)

    # -- one request -------------------------------------------------------------------------

    def _ask(self, items: list[_Item], feedback: dict[int, str]):
        """One request for ``items``: yields (item, English, problem, whole-answer failure) for each."""
        local = {n: feedback[id(item)] for n, item in enumerate(items, 1) if id(item) in feedback}
        try:
            content = self._complete(build_messages(items, local), sum(len(i.text) for i in items))
            english = parse_reply(content, len(items))
        except (ReplyError, TimeoutError) as e:
            problem = str(e) if isinstance(e, ReplyError) else f"no answer within {self.timeout:g} s"
            self._count("whole-answer failures")
            for item in items:
                yield item, "", problem, True
            return
        for n, item in enumerate(items, 1):
            en = english[n]
            yield item, en, check_english(item, en), False

    def _complete(self, messages: list[dict], source_chars: int) -> str:
        """POST chat/completions; the message content. TimeoutError on a timeout, ReplyError on an HTTP error;
        ModelError when the server is gone or has no such model (retrying cannot help)."""
        body = {"model": self.model, "messages": messages, "temperature": 0, "stream": False,
                # Bounded output: a runaway answer stops (about 4 tokens per Chinese character, plus the JSON).
                "max_tokens": 200 + 4 * source_chars}
        if self.json_mode:
            body["response_format"] = {"type": "json_object"}
        self._count("requests")
        try:
            data = self._post("/chat/completions", body)
        except urllib.error.HTTPError as e:
            detail = _http_detail(e)
            if e.code == 400 and self.json_mode and "response_format" in detail:
                self.json_mode = False  # an older server: ask for JSON in words only
                return self._complete(messages, source_chars)
            if e.code == 404:
                raise ModelError(f"the LLM server has no model {self.model!r} ({detail})", self.url) from None
            if e.code in (401, 403):
                raise ModelError(f"the LLM server refused the request (HTTP {e.code}; an API key?)", self.url) \
                    from None
            raise ReplyError(f"HTTP {e.code} from the server ({detail})") from None
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ReplyError(f"not a chat-completions answer ({_preview(json.dumps(data))})") from None
        return content if isinstance(content, str) else ""

    def _post(self, path: str, body: dict | None) -> dict:
        """JSON request to the server; HTTPError passes through; TimeoutError; ModelError when unreachable."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url + path, headers=headers, method="POST" if body else "GET",
                                         data=json.dumps(body, ensure_ascii=False).encode("utf-8") if body else None)
        timeout = self.timeout if body else min(self.timeout, CONNECT_TIMEOUT_S)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                raw = response.read()
        except (urllib.error.HTTPError, TimeoutError):
            raise
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise TimeoutError(str(e.reason)) from None
            dropped = isinstance(e.reason, (ConnectionResetError, ConnectionAbortedError))
            if isinstance(e.reason, OSError) and not dropped:
                # Refused, no route, unknown host: the server is not there, and asking again will not help.
                raise ModelError(f"cannot reach the LLM server ({e.reason}); start it (for example `ollama "
                                 "serve`) or give --llm-url", self.url) from None
            raise ReplyError(f"the connection failed ({e.reason})") from None
        except OSError as e:  # the connection dropped mid-answer (a server restarting): worth another try
            raise ReplyError(f"the connection failed ({type(e).__name__}: {e})") from None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            raise ReplyError(f"the server's answer is not JSON ({_preview(raw.decode('utf-8', 'replace'))})") \
                from None

    def _check_model(self, model: str | None) -> str:
        """Ask the server for its models (``GET /models``) at load, so a missing server or model stops the
        run before its first page. The model to use: ``model``, else the server's first listed one."""
        try:
            data = self._post("/models", None)
        except urllib.error.HTTPError as e:
            if model:
                return model  # a server that does not list its models: trust the name given
            raise ModelError(f"the LLM server does not list its models (HTTP {e.code}); give --llm-model",
                             self.url) from None
        except (TimeoutError, ReplyError) as e:
            raise ModelError(f"the LLM server did not list its models ({e})", self.url) from None
        models = [str(m.get("id")) for m in data.get("data", []) if isinstance(m, dict) and m.get("id")] \
            if isinstance(data, dict) else []
        if model:
            if models and model not in models:
                raise ModelError(f"the LLM server has no model {model!r} (it has: {', '.join(models)})", self.url)
            return model
        if not models:
            raise ModelError("the LLM server lists no model; load one (for example `ollama pull qwen2.5`) "
                             "or give --llm-model", self.url)
        return models[0]

    def _count(self, what: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[what] += n

    def summary(self) -> str:
        """One line on what the server was asked and what failed, for the CLI."""
        with self._stats_lock:
            parts = [f"{n} {what}" for what, n in sorted(self.stats.items())]
        return "llm: " + (", ".join(parts) if parts else "no requests")


def _http_detail(error: urllib.error.HTTPError) -> str:
    try:
        return _preview(error.read().decode("utf-8", "replace"), 120)
    except Exception:  # noqa: BLE001 - the body is only for the message
        return error.reason or ""
