"""The contract every registered metric keeps (after HF evaluate's ``tests/test_metric_common.py``).

Each metric runs on its own ``example``; a metric that needs something it cannot have here (an
optional package, a model) says so with :class:`MetricUnavailableError` and is skipped with that
message, unless a fixture below can provide it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.metrics.base import Metric, MetricResult, MetricUnavailableError, library_version
from harness.plugins import registry

GROUP = "metrics"
NAMES = registry(GROUP).names()
# the metrics that score hypotheses against references one to one (not, e.g., distinct-n)
PAIRED = [name for name in NAMES if getattr(registry("metrics").get(name), "paired_inputs", False)]

# what a metric needs from the test session, by name
RESOURCES: dict[str, Callable[[pytest.FixtureRequest], dict[str, Any]]] = {
    "perplexity": lambda request: {"model_path": str(request.getfixturevalue("tiny_lm"))},
}


@pytest.fixture(params=NAMES)
def metric(request: pytest.FixtureRequest) -> Metric[Any, Any]:
    return _configured(request.param, request)


@pytest.fixture(params=PAIRED)
def paired_metric(request: pytest.FixtureRequest) -> Metric[Any, Any]:
    return _configured(request.param, request)


def _configured(name: str, request: pytest.FixtureRequest) -> Metric[Any, Any]:
    plugin = registry("metrics").get(name)
    if not isinstance(plugin, Metric):
        pytest.skip(f"{name} ({type(plugin).__name__}) does not derive from harness.metrics.base.Metric")
    options = {**plugin.example.options, **(RESOURCES[name](request) if name in RESOURCES else {})}
    configured = plugin.with_options(**options) if options else plugin
    try:
        configured.score(plugin.example.hypotheses, plugin.example.references, bootstrap=0)
    except MetricUnavailableError as exc:
        pytest.skip(str(exc))
    return configured


def _score(metric: Metric[Any, Any], seed: int = 0) -> MetricResult:
    return metric.score(metric.example.hypotheses, metric.example.references, seed=seed, bootstrap=200)


def test_returns_a_metric_result(metric: Metric[Any, Any]) -> None:
    result = _score(metric)
    assert isinstance(result, MetricResult)
    assert result.name == metric.name
    assert result.higher_is_better is metric.higher_is_better
    assert metric.description


def test_same_seed_gives_identical_json(metric: Metric[Any, Any]) -> None:
    first = _score(metric, seed=5).to_json()
    assert _score(metric, seed=5).to_json() == first
    assert MetricResult.model_validate_json(first).to_json() == first


def test_interval_contains_the_score(metric: Metric[Any, Any]) -> None:
    result = _score(metric)
    if result.ci_low is None:
        assert result.ci_high is None and result.confidence is None
        return
    assert result.ci_high is not None
    assert result.ci_low <= result.score <= result.ci_high


def test_one_score_per_sample(metric: Metric[Any, Any]) -> None:
    result = _score(metric)
    assert len(result.per_sample) == len(metric.example.hypotheses)


def test_signature_names_metric_library_and_version(metric: Metric[Any, Any]) -> None:
    signature = _score(metric).signature
    text = str(signature)
    assert text.startswith(f"{metric.name}|nrefs:")
    assert signature.library == metric.library
    assert signature.version == library_version(metric.library) != "unknown"
    assert f"|version:{signature.version}|" in text and text.endswith("|harness:0.1.0")


def test_mismatched_lengths_raise(paired_metric: Metric[Any, Any]) -> None:
    metric = paired_metric
    hypotheses = list(metric.example.hypotheses)
    references = metric.example.references
    too_few = list(references)[:-1] if references is not None else ["a reference"] * (len(hypotheses) - 1)
    with pytest.raises(HarnessError, match=metric.name):
        metric.score(hypotheses, too_few)
