"""The contract every registered check keeps (after HF evaluate's ``tests/test_metric_common.py``).

Each check runs on its own ``example``; a check that needs something it cannot have here (an
optional package, a model) says so with :class:`CheckUnavailableError` and is skipped with that
message, unless a fixture below provides it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.checks.base import Check, CheckUnavailableError
from harness.checks.result import CheckResult
from harness.errors import HarnessError
from harness.plugins import registry

GROUP = "checks"
NAMES = registry(GROUP).names()

# what a check needs from the test session, by name
RESOURCES: dict[str, Callable[[pytest.FixtureRequest], dict[str, Any]]] = {
    "likelihood": lambda request: {"model_path": str(request.getfixturevalue("tiny_causal_lm"))},
    "nli": lambda request: {"model_path": str(request.getfixturevalue("tiny_nli_model"))},
}


@pytest.fixture(params=NAMES)
def check(request: pytest.FixtureRequest) -> Check[Any]:
    plugin = registry("checks").get(request.param)
    assert isinstance(plugin, Check), f"{request.param} does not derive from harness.checks.base.Check"
    resources = RESOURCES[request.param](request) if request.param in RESOURCES else {}
    options = {**plugin.example.options, **resources}
    configured = plugin.with_options(**options) if options else plugin
    try:
        _run(configured)
    except CheckUnavailableError as exc:
        pytest.skip(str(exc))
    return configured


def _run(check: Check[Any]) -> CheckResult:
    return check.run(check.example.outputs, **check.example.inputs())


def test_the_built_ins_are_registered() -> None:
    assert set(NAMES) >= {
        "grounded",
        "self_consistency",
        "reference_facts",
        "representation",
        "association",
        "counterfactual",
        "likelihood",
    }


def test_returns_a_check_result(check: Check[Any]) -> None:
    result = _run(check)
    assert isinstance(result, CheckResult)
    assert result.check == check.name and check.description
    assert result.higher_is_better is check.higher_is_better
    assert result.n_samples == len(result.samples) == len(check.example.outputs)
    assert result.n_flagged == sum(s.flagged for s in result.samples)


def test_same_inputs_give_identical_json(check: Check[Any]) -> None:
    first = _run(check).to_json()
    assert _run(check).to_json() == first
    assert CheckResult.model_validate_json(first).to_json() == first


def test_findings_point_into_their_output(check: Check[Any]) -> None:
    result = _run(check)
    outputs = dict(zip((s.id for s in result.samples), check.example.outputs, strict=True))
    for sample in result.samples:
        for finding in sample.findings:
            assert 0 <= finding.start < finding.end <= len(outputs[sample.id])
            assert outputs[sample.id][finding.start : finding.end] == finding.text
            assert finding.evidence
            assert finding.source_sentence is not None or finding.note


def test_the_example_flags_something(check: Check[Any]) -> None:
    """Every example holds a problem the check must see (a check that flags nothing cannot fail)."""
    result = _run(check)
    assert result.n_flagged or result.terms or any(s.findings for s in result.samples)


def test_signature_names_check_version_and_resources(check: Check[Any]) -> None:
    signature = _run(check).signature
    text = str(signature)
    assert text.startswith(f"{check.name}|v:{check.version}|") and text.endswith("|harness:0.1.0")
    for key, value in check.options.model_dump().items():
        assert key in signature.options, f"option {key} ({value}) missing from the signature"


def test_passed_follows_the_gate(check: Check[Any]) -> None:
    ungated = check.with_options(gate=None)
    assert _run(ungated).passed and _run(ungated).gate is None and _run(ungated).gate_rule == "none"
    result = _run(check)
    if type(check)._passes is not Check._passes or result.gate is None:
        return  # a check with its own verdict (counterfactual, likelihood) has its own tests
    assert result.passed == (result.score >= result.gate if result.higher_is_better else result.score <= result.gate)


def test_missing_or_misaligned_inputs_raise(check: Check[Any]) -> None:
    with pytest.raises(HarnessError, match=check.name):
        check.run([])
    outputs = list(check.example.outputs)
    inputs = check.example.inputs()
    for key, values in inputs.items():
        if values is not None:
            with pytest.raises(HarnessError, match=check.name):
                check.run(outputs, **{**inputs, key: list(values)[:-1]})
    for needed in check.needs:
        with pytest.raises(HarnessError, match=f"{check.name} needs {needed}"):
            check.run(outputs, **{**inputs, needed: None})


def test_unknown_option_lists_the_known_ones(check: Check[Any]) -> None:
    with pytest.raises(HarnessError, match="known options: gate"):
        type(check)(no_such_option=1)
