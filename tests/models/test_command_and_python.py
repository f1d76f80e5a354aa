"""The ``command`` adapter (JSONL over stdin/stdout), the ``python`` adapter and model specs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.models import AdapterError, GenerationParams, ModelAdapter, Request, load_adapter, parse_model_spec
from harness.plugins import registry
from tests.conftest import REPO

UPPER = """
import json, sys
lines = [json.loads(line) for line in sys.stdin]
for request in reversed(lines):  # answers in any order, matched by index
    text = request["prompt"].upper() + "|" + str(request["sample"]) + "|" + str(request["params"]["max_new_tokens"])
    print(json.dumps({"index": request["index"], "output": text}), flush=True)
"""


def _command(tmp_path: Path, script: str, *options: str) -> ModelAdapter:
    path = tmp_path / "model.py"
    path.write_text(script, encoding="utf-8")
    return load_adapter(parse_model_spec(f"command:{sys.executable} {path}", options))


def test_a_command_answers_jsonl_in_any_order_in_batches(tmp_path: Path) -> None:
    adapter = _command(tmp_path, UPPER, "batch_size=3")
    params = GenerationParams(max_new_tokens=5, stop=["|"])
    requests = [Request(f"p{i}", params, i % 2) for i in range(7)]
    assert dict(adapter.generate(requests)) == {i: f"P{i}" for i in range(7)}  # cut at the stop string
    raw = dict(adapter.generate([Request("x", GenerationParams(max_new_tokens=5), 1)]))
    assert raw == {0: "X|1|5"}


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("import sys; sys.stdin.read(); print('not json')", "output line 1: not JSON"),
        ('import sys; sys.stdin.read(); print(\'{"index": 9, "output": "x"}\')', "index 9 is not one of"),
        ("import sys; sys.stdin.read(); sys.exit('model crashed')", "exited with 1: model crashed"),
        ("import sys; sys.stdin.read()", "answered 0 of 1 requests"),
    ],
)
def test_a_command_that_misbehaves_is_one_line(tmp_path: Path, script: str, message: str) -> None:
    adapter = _command(tmp_path, script)
    with pytest.raises(AdapterError, match=message):
        list(adapter.generate([Request("x", GenerationParams())]))


def test_a_python_function_gets_the_prompt_and_the_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    adapter = load_adapter(parse_model_spec("python:tests.evaluation.fake_models:echo"))
    assert dict(adapter.generate([Request("hello. world", GenerationParams(stop=["."]))])) == {0: "hello"}
    assert adapter.identity().startswith("tests.evaluation.fake_models:echo|")


def test_model_specs() -> None:
    spec = parse_model_spec("openai:gpt-x:latest", ["base_url=http://h/v1", "system=a=b"])
    assert (spec.adapter, spec.target, dict(spec.options)) == (
        "openai",
        "gpt-x:latest",
        {"base_url": "http://h/v1", "system": "a=b"},
    )
    with pytest.raises(AdapterError, match="expected KEY=VALUE"):
        parse_model_spec("hf:x", ["novalue"])


def test_every_registered_adapter_is_a_model_adapter() -> None:
    names = registry("models").names()
    assert {"hf", "openai", "command", "python"} <= set(names)
    for name in names:
        adapter = registry("models").get(name)
        assert isinstance(adapter, ModelAdapter) and adapter.name == name
