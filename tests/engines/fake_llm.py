"""A fake OpenAI-compatible chat-completions server on loopback, for the LLM engine's tests and bench/llm.py.

It reads the engine's prompt (the JSON with headline, glossary and numbered sentences) and
answers as a well-behaved model would: JSON, one entry per id, each English line holding the
required English of every glossary term in its sentence and the sentence's Arabic numbers,
no Chinese. Or it misbehaves on demand, one behaviour per request from ``plan`` (then
``default``):

``ok``               the good answer
``fenced``           the good answer in a ```json code fence, with a sentence of chatter before it
``chatter``          every English line starts "Here is the translation: "
``chinese``          the Chinese sent back as the "English"
``merge``            sentences 1 and 2 merged into entry 1; entry 2 missing
``split``            sentence 1 split over two entries; the ids after it shifted by one
``drop-term``        the glossary terms' English left out
``bad-json``         an answer that is not JSON
``timeout``          the answer only after ``slow_s`` seconds
``http-500``         an HTTP 500 error
``no-json-mode``     HTTP 400 when the request asks for response_format (an older server), else ``ok``

Every request is recorded (``requests``: the parsed prompt payloads), and the most requests in
flight at once (``max_in_flight``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HAN = re.compile(r"[\u4e00-\u9fff]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def good_english(zh: str, glossary: list[dict]) -> str:
    """The fake's translation: the terms' English in order of appearance, the numbers, no Chinese."""
    found = sorted((zh.find(t["zh"]), t["en"]) for t in glossary if t["zh"] and t["zh"] in zh)
    terms = [en for _pos, en in found]
    numbers = _NUMBER.findall(zh)
    text = (", ".join(terms) + " said" if terms else "The report said") + " that the work went ahead"
    if numbers:
        text += " (" + ", ".join(numbers) + ")"
    return text + "."


class FakeLLM:
    def __init__(self, models: tuple[str, ...] = ("fake-zh-en",), default: str = "ok", slow_s: float = 2.0,
                 latency_s: float = 0.0):
        self.models, self.default, self.slow_s, self.latency_s = models, default, slow_s, latency_s
        self.plan: deque[str] = deque()
        self.requests: list[dict] = []
        self.bodies: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, payload, content_type: str = "application/json"):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in fake.models]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                with fake.lock:
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    behaviour = fake.plan.popleft() if fake.plan else fake.default
                try:
                    status, payload = fake.answer(body, behaviour)
                    self._send(status, payload)
                finally:
                    with fake.lock:
                        fake.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "FakeLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- answers -----------------------------------------------------------------------------

    def answer(self, body: dict, behaviour: str) -> tuple[int, dict]:
        payload = json.loads(body["messages"][-1]["content"])
        with self.lock:
            self.requests.append(payload)
            self.bodies.append(body)
        if self.latency_s:
            time.sleep(self.latency_s)
        if behaviour == "http-500":
            return 500, {"error": {"message": "model crashed"}}
        if behaviour == "no-json-mode":
            if "response_format" in body:
                return 400, {"error": {"message": "unknown field response_format"}}
            behaviour = "ok"
        if behaviour == "timeout":
            time.sleep(self.slow_s)
            behaviour = "ok"
        sentences, glossary = payload["sentences"], payload.get("glossary", [])
        entries = [{"id": s["id"], "en": good_english(s["zh"], glossary)} for s in sentences]
        if behaviour == "chatter":
            for e in entries:
                e["en"] = "Here is the translation: " + e["en"]
        elif behaviour == "chinese":
            entries = [{"id": s["id"], "en": s["zh"]} for s in sentences]
        elif behaviour == "drop-term":
            entries = [{"id": s["id"], "en": good_english(s["zh"], [])} for s in sentences]
        elif behaviour == "merge" and len(entries) > 1:
            entries = [{"id": 1, "en": entries[0]["en"] + " " + entries[1]["en"]}] + entries[2:]
        elif behaviour == "split":
            first = entries[0]["en"]
            half = len(first) // 2
            entries = [{"id": 1, "en": first[:half]}, {"id": 2, "en": first[half:]}] + [
                {"id": e["id"] + 1, "en": e["en"]} for e in entries[1:]]
        content = json.dumps({"translations": entries}, ensure_ascii=False)
        if behaviour == "fenced":
            content = "Sure! Here are the translations:\n```json\n" + content + "\n```"
        elif behaviour == "bad-json":
            content = "I am sorry, I translated: {translations: [1: the work went ahead"
        return 200, {"id": "chatcmpl-fake", "object": "chat.completion", "model": body.get("model"),
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                  "finish_reason": "stop"}]}
