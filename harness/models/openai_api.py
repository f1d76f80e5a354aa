"""``openai``: any OpenAI-compatible endpoint (chat or completions) over the standard library.

Options: ``base_url`` (required, e.g. ``http://localhost:8000/v1``), ``endpoint`` (``chat``, the
default, or ``completions``), ``api_key_env`` (the *name* of the environment variable holding
the key; the key itself is never an option, never logged, never written to results),
``concurrency`` (requests in flight, default 8), ``timeout`` (seconds per request, default 60),
``retries`` (default 5) and ``system`` (a system message for chat).

429, 5xx, timeouts and dropped connections are retried with exponential backoff (honouring
``Retry-After``); 401 and 404 stop the run at once with one line saying what to fix. Each
thread keeps its own keep-alive connection.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.models.base import AdapterError, ModelAdapter, Request, option_float, option_int

RETRIED_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 30.0
DROPPED = (ConnectionError, http.client.HTTPException, socket.timeout, TimeoutError, OSError)


class Retryable(Exception):
    """A failure that another attempt may not see (a 429, a 5xx, a timeout, a dropped connection)."""

    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.wait_s = wait_s


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int | None
    path: str  # base path + /chat/completions or /completions


class OpenAIAdapter(ModelAdapter):
    """``openai:MODEL`` with ``--model-option base_url=...``."""

    name = "openai"
    secret_options = frozenset()  # the key is read from the environment, so no option is secret

    def __init__(self) -> None:
        super().__init__()
        self._endpoint = Endpoint("http", "", None, "")
        self._key: str | None = None
        self._local = threading.local()
        self._open: list[http.client.HTTPConnection] = []  # every thread's connection, closed after each run
        self._open_lock = threading.Lock()
        self._concurrency = 8
        self._timeout = 60.0
        self._retries = 5
        self._backoff = 0.5

    def known_options(self) -> Sequence[str]:
        return ("base_url", "endpoint", "api_key_env", "concurrency", "timeout", "retries", "backoff", "system")

    def _configure(self) -> None:
        self._endpoint = _endpoint(self.options.get("base_url"), self.options.get("endpoint", "chat"))
        variable = self.options.get("api_key_env")
        if variable is not None:
            self._key = os.environ.get(variable)
            if not self._key:
                raise AdapterError(f"openai: the environment variable {variable} (api_key_env) is not set")
        self._concurrency = option_int(self, "concurrency", 8, 1, 256)
        self._timeout = option_float(self, "timeout", 60.0, 0.01, 3600.0)
        self._retries = option_int(self, "retries", 5, 0, 20)
        self._backoff = option_float(self, "backoff", 0.5, 0.0, 60.0)

    def identity(self) -> str:
        e = self._endpoint
        return f"{e.scheme}://{e.host}:{e.port or ''}{e.path}|{self.target}"

    @property
    def batch_size(self) -> int:
        return max(64, self._concurrency * 4)

    def _generate(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        pending: set[Future[tuple[int, str]]] = set()
        queue = iter(enumerate(requests))
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="openai") as pool:
            try:
                while True:
                    while len(pending) < self._concurrency and (item := next(queue, None)) is not None:
                        pending.add(pool.submit(self._call, *item))
                    if not pending:
                        return
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
            finally:
                for future in pending:
                    future.cancel()
                pool.shutdown(wait=True)
                self.close()

    def _call(self, index: int, request: Request) -> tuple[int, str]:
        body = json.dumps(self._payload(request)).encode()
        for attempt in range(self._retries + 1):
            try:
                return index, self._post(body)
            except Retryable as exc:
                if attempt == self._retries:
                    raise AdapterError(f"openai: gave up after {attempt + 1} attempts: {exc}") from None
                time.sleep(exc.wait_s if exc.wait_s is not None else self._delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with jitter (the jitter spreads a burst of 429s apart)."""
        return float(min(MAX_BACKOFF_S, self._backoff * 2**attempt * (0.5 + random.random())))

    def _payload(self, request: Request) -> dict[str, Any]:
        params = request.params
        payload: dict[str, Any] = {
            "model": self.target,
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "seed": request.request_seed(),
        }
        if params.top_p is not None:
            payload["top_p"] = params.top_p
        if params.stop:
            payload["stop"] = params.stop[:4]  # the API takes at most four; the base class cuts at all
        if self._endpoint.path.endswith("/chat/completions"):
            system = self.options.get("system")
            messages = [{"role": "system", "content": system}] if system else []
            payload["messages"] = [*messages, {"role": "user", "content": request.prompt}]
        else:
            payload["prompt"] = request.prompt
        return payload

    def _post(self, body: bytes) -> str:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        connection = self._connection()
        try:
            connection.request("POST", self._endpoint.path, body, headers)
            response = connection.getresponse()
            data = response.read()
        except DROPPED as exc:
            self._drop_connection()
            raise Retryable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
        if response.getheader("Connection", "").lower() == "close":
            self._drop_connection()
        return self._answer(response.status, data, response.getheader("Retry-After"))

    def _answer(self, status: int, data: bytes, retry_after: str | None) -> str:
        url = f"{self._endpoint.scheme}://{self._endpoint.host}{self._endpoint.path}"
        if status in RETRIED_STATUS:
            raise Retryable(f"HTTP {status} from {url}", _retry_after(retry_after))
        if status == 401 or status == 403:
            where = f"${self.options['api_key_env']}" if "api_key_env" in self.options else "no key (set api_key_env)"
            raise AdapterError(f"openai: HTTP {status} from {url}: the key was refused ({where})")
        if status == 404:
            raise AdapterError(f"openai: HTTP 404 from {url}: no such endpoint or model {self.target!r}")
        if status != 200:
            raise AdapterError(f"openai: HTTP {status} from {url}: {_error_text(data)}")
        return _completion_text(data, url)

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            e = self._endpoint
            kind = http.client.HTTPSConnection if e.scheme == "https" else http.client.HTTPConnection
            connection = kind(e.host, e.port, timeout=self._timeout)
            self._local.connection = connection
            with self._open_lock:
                self._open.append(connection)
        return connection

    def close(self) -> None:
        """Close every connection the worker threads opened (their threads are gone after a run)."""
        with self._open_lock:
            for connection in self._open:
                connection.close()
            self._open.clear()

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _endpoint(base_url: str | None, kind: str) -> Endpoint:
    if not base_url:
        raise AdapterError("openai: give the endpoint, e.g. --model-option base_url=http://localhost:8000/v1")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AdapterError(f"openai: base_url {base_url!r} is not an http(s) URL")
    if kind not in ("chat", "completions"):
        raise AdapterError(f"openai: endpoint={kind!r}; expected chat or completions")
    suffix = "/chat/completions" if kind == "chat" else "/completions"
    try:
        port = parts.port
    except ValueError:
        raise AdapterError(f"openai: base_url {base_url!r} has a bad port") from None
    return Endpoint(parts.scheme, parts.hostname, port, parts.path.rstrip("/") + suffix)


def _retry_after(value: str | None) -> float | None:
    try:
        return min(MAX_BACKOFF_S, max(0.0, float(value))) if value else None
    except ValueError:
        return None  # an HTTP date: back off as usual


def _error_text(data: bytes) -> str:
    try:
        message = json.loads(data)["error"]["message"]
        return " ".join(str(message).split())[:200]
    except (ValueError, KeyError, TypeError):
        return " ".join(data.decode("utf-8", "replace").split())[:200] or "no message"


def _completion_text(data: bytes, url: str) -> str:
    try:
        choice = json.loads(data)["choices"][0]
        text = choice["message"]["content"] if "message" in choice else choice["text"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise AdapterError(f"openai: {url} answered 200 with no choices[0] text: {_error_text(data)}") from None
    if not isinstance(text, str):
        raise AdapterError(f"openai: {url} answered a {type(text).__name__} where text was expected")
    return text
