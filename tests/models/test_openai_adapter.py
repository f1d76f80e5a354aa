"""The openai adapter against a real HTTP server started here, with faults injected.

Every item must end with exactly one cached output whatever the server does (429s, 500s,
timeouts, dropped connections), and 401/404 must stop the run with one line.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from harness.evaluation.cache import GenerationCache, call_key
from harness.evaluation.runner import generate_outputs
from harness.models import AdapterError, GenerationParams, Request, load_adapter, parse_model_spec
from tests.evaluation.openai_server import (
    ServerState,
    counts,
    echo_backend,
    faults_total,
    hf_backend,
    openai_server,
    schedule,
)

PARAMS = GenerationParams(max_new_tokens=8)
FAULTS = [["429"], ["500", "429"], ["timeout"], ["drop"], [], ["503", "drop", "500"]]


def _adapter(url: str, *options: str, model: str = "tiny-gpt2"):  # type: ignore[no-untyped-def]
    base = [f"base_url={url}", "timeout=0.5", "retries=4", "backoff=0.01", "concurrency=4"]
    return load_adapter(parse_model_spec(f"openai:{model}", [*base, *options]))


def _run_with_faults(state: ServerState, endpoint: str, prompts: list[str], cache_path: Path) -> list[str]:
    state.faults = schedule(prompts, FAULTS)
    with openai_server(state) as url:
        adapter = _adapter(url, f"endpoint={endpoint}")
        cache = GenerationCache(cache_path)
        requests = [Request(p, PARAMS) for p in prompts]
        outputs, stats = generate_outputs(adapter, requests, cache)
        assert stats.called == len(prompts)
        assert counts(state) == {p: 1 for p in prompts}, "an item was answered more than once"
        assert len(cache) == len(prompts)
        assert cache.lookup(call_key(adapter, r) for r in requests) == {
            call_key(adapter, r): o for r, o in zip(requests, outputs, strict=True)
        }
        again, stats = generate_outputs(adapter, requests, cache)  # a rerun makes no call
        assert again == outputs and stats.called == 0 and counts(state) == {p: 1 for p in prompts}
        cache.close()
    planned = Counter(fault for faults in state.faults.values() for fault in faults)
    assert faults_total(state) == planned and set(planned) == {"429", "500", "503", "timeout", "drop"}
    return outputs


@pytest.mark.parametrize("endpoint", ["chat", "completions"])
def test_every_item_gets_exactly_one_output_despite_faults(endpoint: str, tmp_path: Path) -> None:
    prompts = [f"prompt number {i}" for i in range(12)]
    state = ServerState(echo_backend, timeout_s=1.0)
    outputs = _run_with_faults(state, endpoint, prompts, tmp_path / "cache.sqlite3")
    assert outputs == [f"echo: {p}" for p in prompts]


@pytest.mark.slow
def test_serving_the_tiny_gpt2(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    prompts = ["A language model", "The temperature", "Diffusion models", "A token is", "Sampling", "Attention"]
    backend = hf_backend(str(tiny_models["tiny-gpt2"]))
    state = ServerState(backend, timeout_s=1.0)
    outputs = _run_with_faults(state, "chat", prompts, tmp_path / "cache.sqlite3")
    local = load_adapter(parse_model_spec(f"hf:{tiny_models['tiny-gpt2']}"))
    direct = dict(local.generate([Request(p, PARAMS) for p in prompts]))
    assert outputs == [direct[i] for i in range(len(prompts))]


def test_the_key_comes_from_the_named_variable_and_is_never_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-test-0123456789"
    monkeypatch.setenv("EVAL_TEST_KEY", secret)
    state = ServerState(echo_backend, key=secret)
    with openai_server(state) as url:
        adapter = _adapter(url, "api_key_env=EVAL_TEST_KEY")
        assert dict(adapter.generate([Request("hello", PARAMS)])) == {0: "echo: hello"}
        assert state.headers_seen[-1]["Authorization"] == f"Bearer {secret}"
        assert secret not in json.dumps(adapter.describe())
        assert secret not in adapter.identity()


def test_a_refused_key_is_one_line_that_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVAL_TEST_KEY", "sk-wrong")
    with openai_server(ServerState(echo_backend, key="sk-right")) as url:
        adapter = _adapter(url, "api_key_env=EVAL_TEST_KEY")
        with pytest.raises(AdapterError) as caught:
            list(adapter.generate([Request("hello", PARAMS)]))
    message = str(caught.value)
    assert "HTTP 401" in message and "$EVAL_TEST_KEY" in message and "sk-wrong" not in message
    assert "\n" not in message


def test_an_unknown_model_is_one_line() -> None:
    with openai_server(ServerState(echo_backend)) as url:
        adapter = _adapter(url, model="no-such-model")
        with pytest.raises(AdapterError, match=r"HTTP 404 .*no such endpoint or model 'no-such-model'"):
            list(adapter.generate([Request("hello", PARAMS)]))


def test_a_missing_key_variable_is_refused_before_any_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVAL_TEST_KEY", raising=False)
    with pytest.raises(AdapterError, match=r"EVAL_TEST_KEY .* is not set"):
        parse_and_load = load_adapter(
            parse_model_spec("openai:m", ["base_url=http://127.0.0.1:9/v1", "api_key_env=EVAL_TEST_KEY"])
        )
        del parse_and_load


def test_an_unreachable_endpoint_gives_up_with_one_line() -> None:
    adapter = load_adapter(
        parse_model_spec("openai:m", ["base_url=http://127.0.0.1:9/v1", "retries=1", "backoff=0.01", "timeout=1"])
    )
    with pytest.raises(AdapterError, match=r"gave up after 2 attempts: ConnectionRefusedError"):
        list(adapter.generate([Request("hello", PARAMS)]))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "give the endpoint"),
        (["base_url=ftp://x"], "is not an http"),
        (["base_url=http://x/v1", "endpoint=embeddings"], "expected chat or completions"),
        (["base_url=http://x/v1", "concurrency=0"], "concurrency=0 must lie between"),
        (["base_url=http://x/v1", "concurrency=four"], "concurrency='four' is not an integer"),
        (["base_url=http://x/v1", "timeout=soon"], "timeout='soon' is not a number"),
        (["base_url=http://x/v1", "timeout=0"], "timeout=0.0 must lie between"),
        (["base_url=http://x/v1", "colour=blue"], r"unknown model option\(s\) colour"),
    ],
)
def test_bad_options_are_one_line(options: list[str], message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        load_adapter(parse_model_spec("openai:m", options))
