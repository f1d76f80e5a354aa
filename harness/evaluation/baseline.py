"""Comparing a run with a baseline: a paired bootstrap per metric, Holm-corrected over metrics.

The baseline is a previous ``harness eval --json`` result (its per-item outputs are in it) or
an outputs JSONL file. Both systems are scored on the *same* bootstrap resamples of the items
(:meth:`harness.metrics.base.Metric.paired_bootstrap`); each metric's p-value is then adjusted
with Holm's step-down procedure, so testing several metrics at once keeps the chance of any
false alarm at ``alpha``. A metric is ``worse`` when its adjusted p-value is below ``alpha`` and
the difference goes the wrong way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from harness.errors import HarnessError
from harness.evaluation.result import BaselineRef, Comparison, EvalResult, Verdict
from harness.suites.errors import OutputsError
from harness.suites.loader import LoadedSuite
from harness.suites.result import MetricComparison, SuiteScore
from harness.suites.scoring import ScoredSystem, SystemOutputs, read_system


class BaselineError(HarnessError):
    """The baseline cannot be compared with this run (unreadable, other items): exit code 2."""

    exit_code = 2


DEFAULT_ALPHA = 0.05  # the significance level when none is recorded (harness eval's --alpha default)


def read_baseline(suite: LoadedSuite, path: Path, allow_missing: bool = False) -> tuple[SystemOutputs, BaselineRef]:
    """The baseline's outputs, aligned with ``suite``'s items (``allow_missing``: ids without an
    output of an outputs JSONL are scored as empty, as ``harness score --allow-missing`` does).

    Raises:
        BaselineError: not a readable eval result or outputs file, or not the same items.
    """
    if suite.dataset is None:  # an image suite (harness score): the baseline is a folder of images
        system = read_system(suite, path, str(path))
        return system, BaselineRef(name=str(path), sha256=system.sha256)
    if not path.is_file():
        raise BaselineError(f"{path}: baseline not found (give a previous run's --json, or an outputs JSONL)")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data.lstrip().startswith(b"{") and b'"harness-eval"' in data[:1_000_000]:
        run = _eval_result(path, data)
        outputs = {s.id: s.output for s in run.samples}
        ids = suite.dataset.ids if suite.dataset is not None else []
        if set(outputs) != set(ids):
            raise BaselineError(f"{path}: the baseline ran on other items than suite {suite.id!r}: rerun it")
        system = SystemOutputs(str(path), digest, ids, [outputs[i] for i in ids], [])
        return system, BaselineRef(name=str(path), sha256=digest, model=run.model)
    try:
        system = read_system(suite, path, str(path))
    except OutputsError as exc:
        more = f" (and {len(exc.problems) - 1} more problems)" if len(exc.problems) > 1 else ""
        raise BaselineError(f"not a harness eval result nor an outputs JSONL: {exc.problems[0]}{more}") from None
    if system.missing and not allow_missing:
        raise BaselineError(f"{system.missing_message()}: a baseline must answer every item")
    return system, BaselineRef(name=str(path), sha256=digest)


def _eval_result(path: Path, data: bytes) -> EvalResult:
    try:
        return EvalResult.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise BaselineError(f"{path}: not a harness eval result ({first['msg']} at {where})") from None
    except json.JSONDecodeError as exc:  # pragma: no cover - pydantic reports bad JSON as ValidationError
        raise BaselineError(f"{path}: not JSON: {exc}") from None


def compare_with_baseline(scored: ScoredSystem, settings: tuple[int, int, float], alpha: float) -> list[Comparison]:
    """Every metric of a suite, system against baseline, Holm-corrected (see the module docstring).

    ``scored`` is :func:`~harness.suites.scoring.score_and_compare` with the baseline; ``settings``
    the resolved seed, resamples and confidence.
    """
    seed, bootstrap, _ = settings
    return holm_comparisons(scored.comparisons, scored.baseline_per_sample, (seed, bootstrap), alpha)


def score_comparisons(score: SuiteScore) -> list[Comparison]:
    """The comparisons of a ``harness score`` record, as :func:`compare_with_baseline` made them for
    its gate (Holm recomputed from the raw p-values, so every verdict is the gate's). The record
    keeps no per-item baseline scores, so ``baseline_per_sample`` stays empty."""
    alpha = score.alpha if score.alpha is not None else DEFAULT_ALPHA
    return holm_comparisons(score.comparisons, {}, (score.seed, score.bootstrap), alpha)


def holm_comparisons(
    raw: Sequence[MetricComparison],
    baseline_per_sample: Mapping[str, list[float]],
    seed_and_bootstrap: tuple[int, int],
    alpha: float,
) -> list[Comparison]:
    """``raw`` paired tests, Holm-adjusted over the tested metrics, with their verdicts at ``alpha``."""
    seed, bootstrap = seed_and_bootstrap
    tested = [c for c in raw if c.paired is not None]
    adjusted = holm([c.paired.p_value for c in tested if c.paired is not None])
    adjusted_by_id = {c.id: p for c, p in zip(tested, adjusted, strict=True)}
    method = f"paired bootstrap ({bootstrap} resamples, seed {seed}), Holm over {len(tested)} metric(s)"
    return [_comparison(c, adjusted_by_id.get(c.id), method, alpha, baseline_per_sample.get(c.id, [])) for c in raw]


def _comparison(
    raw: MetricComparison, p_adjusted: float | None, method: str, alpha: float, baseline_per_sample: list[float]
) -> Comparison:
    paired = raw.paired
    if paired is None or p_adjusted is None:
        return Comparison(metric=raw.id, verdict="not compared", method=method, alpha=alpha, note=raw.note)
    return Comparison(
        metric=raw.id,
        verdict=verdict(paired.difference, p_adjusted, paired.higher_is_better, alpha),
        method=method,
        alpha=alpha,
        score=paired.score_a,
        baseline_score=paired.score_b,
        delta=paired.difference,
        ci_low=paired.ci_low,
        ci_high=paired.ci_high,
        confidence=paired.confidence,
        p_value=paired.p_value,
        p_adjusted=round(p_adjusted, 6),
        higher_is_better=paired.higher_is_better,
        baseline_per_sample=baseline_per_sample,
    )


def verdict(difference: float, p_adjusted: float, higher_is_better: bool, alpha: float) -> Verdict:
    if p_adjusted >= alpha or difference == 0:
        return "no significant difference"
    return "better" if (difference > 0) == higher_is_better else "worse"


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given.

    The ``i``-th smallest p-value (from 0) is multiplied by ``m - i``, the running maximum is
    taken so the adjusted values keep the order of the raw ones, and each is capped at 1
    (Holm 1979, "A simple sequentially rejective multiple test procedure").
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
