"""What a CI report says, whichever command gated: ``harness eval`` or ``harness score``.

The JUnit, Markdown and HTML writers render a :class:`GateReport`, never a command's own record,
so both commands' reports come from one code path and say the same things the same way: what
was scored and against which suite, each metric with its interval and threshold, the checks,
the comparison with the baseline (if any) and the gate's verdict with its reasons. Only
``harness eval`` knows the prompts and outputs, so only its report has a per-sample viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.evaluation.baseline import DEFAULT_ALPHA, score_comparisons
from harness.evaluation.gate import gate
from harness.evaluation.result import Comparison, EvalResult, Gate
from harness.suites.result import SuiteScore


@dataclass(frozen=True)
class GateReport:
    """A gated score, as the reports present it."""

    command: str  # "harness eval" or "harness score"
    record: str  # the record the reports are rendered from: "eval result" or "score result"
    system: str  # what was scored: "ADAPTER:TARGET" or the outputs file as given
    identity_label: str  # "model identity" or "outputs sha256"
    identity: str
    properties: tuple[tuple[str, str], ...]  # JUnit <properties>: what a CI panel shows of the run
    score: SuiteScore  # the suite, metrics (intervals, thresholds, signatures) and checks
    items: int
    alpha: float
    baseline: str | None  # the baseline as given, if there was one
    comparisons: list[Comparison]  # Holm-corrected, with verdicts
    gate: Gate
    schema_version: int
    eval_result: EvalResult | None = None  # harness eval: the prompts and outputs the HTML viewer shows

    @property
    def passed(self) -> bool:
        return self.gate.passed


def eval_report(result: EvalResult) -> GateReport:
    """The report of a ``harness eval`` run."""
    model = result.model
    baseline = result.baseline.name if result.baseline is not None else None
    return GateReport(
        command="harness eval",
        record="eval result",
        system=f"{model.adapter}:{model.target}",
        identity_label="model identity",
        identity=model.identity,
        properties=(
            ("model", f"{model.adapter}:{model.target}"),
            ("identity", model.identity),
            *_baseline_properties(baseline, result.baseline.sha256 if result.baseline else None),
        ),
        score=result.score,
        items=len(result.samples),
        alpha=result.alpha,
        baseline=baseline,
        comparisons=result.comparisons,
        gate=result.gate,
        schema_version=result.schema_version,
        eval_result=result,
    )


def score_report(score: SuiteScore) -> GateReport:
    """The report of a ``harness score`` result (its gate is recomputed only if it has none)."""
    comparisons = score_comparisons(score)
    baseline = score.baseline.name if score.baseline is not None else None
    return GateReport(
        command="harness score",
        record="score result",
        system=score.outputs.name,
        identity_label="outputs sha256",
        identity=score.outputs.sha256,
        properties=(
            ("outputs", score.outputs.name),
            ("outputs_sha256", score.outputs.sha256),
            *_baseline_properties(baseline, score.baseline.sha256 if score.baseline else None),
        ),
        score=score,
        items=len(score.sample_ids),
        alpha=score.alpha if score.alpha is not None else DEFAULT_ALPHA,
        baseline=baseline,
        comparisons=comparisons,
        gate=score.gate if score.gate is not None else gate(score, comparisons),
        schema_version=score.schema_version,
    )


def _baseline_properties(name: str | None, sha256: str | None) -> tuple[tuple[str, str], ...]:
    if name is None:
        return ()
    return (("baseline", name), *((("baseline_sha256", sha256),) if sha256 else ()))
