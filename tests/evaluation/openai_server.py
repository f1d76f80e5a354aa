"""An OpenAI-compatible HTTP server for the tests and benchmarks, with faults injected on demand.

``/v1/chat/completions`` and ``/v1/completions`` answer with whatever ``backend(prompt, payload)``
returns (the tiny GPT-2 through the hf adapter, or a plain function), after ``latency`` seconds.
Faults are scheduled per prompt: the n-th request for a prompt gets ``faults[prompt][n]``
(``"429"``, ``"500"``, ``"timeout"``: no answer until the client gives up, ``"drop"``: the
connection closed with no response) and later ones succeed. ``answered`` counts, per prompt,
the requests that got a 200, which is how the tests prove that no item was asked twice.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Backend = Callable[[str, dict[str, Any]], str]


@dataclass
class ServerState:
    backend: Backend
    latency: float = 0.0
    key: str | None = None  # when set, requests must carry "Authorization: Bearer <key>"
    models: set[str] = field(default_factory=lambda: {"tiny-gpt2"})
    faults: dict[str, list[str]] = field(default_factory=dict)
    timeout_s: float = 2.0  # how long a "timeout" fault holds the request
    seen: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    faults_served: Counter[str] = field(default_factory=Counter)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self, prompt: str) -> str | None:
        with self.lock:
            n = self.seen[prompt]
            self.seen[prompt] += 1
            planned = self.faults.get(prompt, [])
            return planned[n] if n < len(planned) else None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do
    state: ServerState

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with self.state.lock:
            self.state.headers_seen.append(dict(self.headers))
        if self.state.key is not None and self.headers.get("Authorization") != f"Bearer {self.state.key}":
            return self._json(401, {"error": {"message": "Incorrect API key provided"}})
        if not self.path.endswith("/completions") or body.get("model") not in self.state.models:
            return self._json(404, {"error": {"message": f"The model {body.get('model')} does not exist"}})
        chat = self.path.endswith("/chat/completions")
        prompt = body["messages"][-1]["content"] if chat else body["prompt"]
        fault = self.state.next_fault(prompt)
        if fault is not None:
            return self._fault(fault, prompt)
        time.sleep(self.state.latency)
        text = self.state.backend(prompt, body)
        with self.state.lock:
            self.state.answered[prompt] += 1
        choice = {"index": 0, "message": {"role": "assistant", "content": text}} if chat else {"index": 0, "text": text}
        self._json(200, {"object": "chat.completion" if chat else "text_completion", "choices": [choice]})

    def _fault(self, fault: str, prompt: str) -> None:
        with self.state.lock:
            self.state.faults_served[fault] += 1
        if fault in ("429", "500", "503"):
            headers = {"Retry-After": "0"} if fault == "429" else {}
            return self._json(int(fault), {"error": {"message": f"injected {fault}"}}, headers)
        if fault == "timeout":
            time.sleep(self.state.timeout_s)
            return None  # the client gave up; it never reads this
        if fault == "drop":
            self.close_connection = True
            self.connection.close()
            return None
        raise AssertionError(f"unknown fault {fault!r}")

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def openai_server(state: ServerState) -> Iterator[str]:
    """Serve ``state`` on a free local port; yields the base URL (``http://127.0.0.1:PORT/v1``)."""
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def hf_backend(folder: str) -> Backend:
    """The tiny model behind the server: the hf adapter, one request at a time (greedy)."""
    from harness.models import GenerationParams, Request, load_adapter, parse_model_spec

    adapter = load_adapter(parse_model_spec(f"hf:{folder}"))
    lock = threading.Lock()

    def answer(prompt: str, payload: dict[str, Any]) -> str:
        params = GenerationParams(max_new_tokens=int(payload.get("max_tokens", 16)))
        with lock:
            return dict(adapter.generate([Request(prompt, params)]))[0]

    return answer


def echo_backend(prompt: str, payload: dict[str, Any]) -> str:
    return f"echo: {prompt}"


def counts(state: ServerState) -> dict[str, int]:
    with state.lock:
        return dict(state.answered)


def faults_total(state: ServerState) -> dict[str, int]:
    with state.lock:
        return dict(state.faults_served)


def schedule(prompts: list[str], pattern: list[list[str]]) -> dict[str, list[str]]:
    """Faults for ``prompts``: the i-th prompt gets ``pattern[i % len(pattern)]``."""
    planned: dict[str, list[str]] = defaultdict(list)
    for i, prompt in enumerate(prompts):
        planned[prompt] = list(pattern[i % len(pattern)])
    return dict(planned)
