"""The contract every registered model adapter keeps, built-in or third-party.

Every adapter: is registered under its own name, refuses an unknown option with one line that
lists the known ones, and never shows a secret option in what the result records. Adapters with
an example target here (the ones that need no model files or server) also answer every request
exactly once, cut at the stop strings, and give the same identity and outputs twice; the hf and
openai adapters are run for real on the tiny models and a test server in their own modules.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from harness.models.base import AdapterError, GenerationParams, ModelAdapter, Request
from harness.plugins import registry

GROUP = "models"
NAMES = registry(GROUP).names()

ECHO_COMMAND = (
    "import json, sys\n"
    "for line in sys.stdin:\n"
    "    r = json.loads(line)\n"
    "    print(json.dumps({'index': r['index'], 'output': r['prompt'] + ' END more'}), flush=True)\n"
)


def example_target(name: str, folder: Path) -> str:
    """A target that runs here without model files or a server."""
    if name == "python":
        return "tests.models.test_model_contract:echo"
    script = folder / "echo_model.py"
    script.write_text(ECHO_COMMAND, encoding="utf-8")
    return shlex.join([sys.executable, str(script)])


RUNNABLE = [name for name in NAMES if name in ("python", "command")]


def echo(prompt: str, params: dict[str, object]) -> str:
    return prompt + " END more"


@pytest.fixture(params=NAMES)
def adapter(request: pytest.FixtureRequest) -> ModelAdapter:
    found: ModelAdapter = registry(GROUP).get(request.param)
    return found


def test_the_builtins_are_registered() -> None:
    assert {"hf", "openai", "command", "python"} <= set(NAMES)


def test_names_itself_as_registered(adapter: ModelAdapter) -> None:
    assert adapter.name in NAMES and registry(GROUP).get(adapter.name) is adapter


def test_an_unknown_option_is_one_line_naming_the_known_ones(adapter: ModelAdapter) -> None:
    with pytest.raises(AdapterError) as caught:
        adapter.configured("anything", {"no_such_option": "1"})
    message = str(caught.value)
    assert "\n" not in message and "no_such_option" in message and adapter.name in message


def test_secret_options_are_never_described(adapter: ModelAdapter) -> None:
    for secret in adapter.secret_options:
        assert secret in adapter.known_options(), f"{secret} is secret but not an option"


@pytest.mark.parametrize("name", RUNNABLE)
def test_answers_every_request_once_cut_at_stop(name: str, tmp_path: Path) -> None:
    adapter: ModelAdapter = registry(GROUP).get(name)
    target = example_target(name, tmp_path)
    params = GenerationParams(stop=[" END"])
    requests = [Request(f"prompt {i}", params) for i in range(5)]
    first = adapter.configured(target, {})
    try:
        outputs = dict(first.generate(requests))
        again = dict(adapter.configured(target, {}).generate(requests))
    finally:
        first.close()
    assert outputs == {i: f"prompt {i}" for i in range(5)}
    assert again == outputs
    assert first.identity() == adapter.configured(target, {}).identity()
    assert first.describe()["adapter"] == adapter.name
