"""The CI gate that ``harness eval`` and ``harness score`` share: score, compare, decide.

Both commands call :func:`score_and_gate`, so a threshold, a check and a regression against the
baseline fail them the same way: each metric is computed once per system, the comparisons are
Holm-corrected (:mod:`harness.evaluation.baseline`) and :func:`gate` lists every failure. The
caller turns ``gate.passed`` into the exit code: 0 passed, 1 failed (2, bad input or setup, is
raised as a :class:`~harness.errors.HarnessError` before this point).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.evaluation.baseline import compare_with_baseline
from harness.evaluation.result import BaselineRef, Comparison, Gate
from harness.suites.loader import LoadedSuite
from harness.suites.result import MetricComparison, SuiteScore
from harness.suites.scoring import ScoreSettings, SystemOutputs, score_and_compare


@dataclass(frozen=True)
class GatedScore:
    """A system scored, compared with its baseline (if any) and gated."""

    score: SuiteScore  # the system alone, as ``harness eval`` records it
    baseline: BaselineRef | None
    raw_comparisons: list[MetricComparison]  # the paired tests, before Holm
    comparisons: list[Comparison]  # Holm-corrected, with verdicts
    gate: Gate

    def suite_score(self, baseline: SystemOutputs | None, alpha: float) -> SuiteScore:
        """The record ``harness score --json`` writes: the score, its comparisons and the gate."""
        adjusted = {c.metric: c.p_adjusted for c in self.comparisons}
        comparisons = [c.model_copy(update={"p_adjusted": adjusted.get(c.id)}) for c in self.raw_comparisons]
        update: dict[str, object] = {"alpha": alpha, "gate": self.gate}
        if baseline is not None:
            update |= {"baseline": baseline.ref(), "comparisons": comparisons}
        return self.score.model_copy(update=update)


def score_and_gate(
    suite: LoadedSuite,
    system: SystemOutputs,
    baseline: tuple[SystemOutputs, BaselineRef] | None,
    settings: ScoreSettings,
    alpha: float,
) -> GatedScore:
    """Score ``system``, compare it with ``baseline`` (Holm over the metrics at ``alpha``) and gate.

    Raises:
        HarnessError: a metric cannot score these outputs (an unreadable image, a missing model).
    """
    scored = score_and_compare(suite, system, baseline[0] if baseline else None, settings)
    comparisons = compare_with_baseline(scored, settings.resolved(suite), alpha) if baseline else []
    return GatedScore(
        score=scored.score,
        baseline=baseline[1] if baseline else None,
        raw_comparisons=scored.comparisons,
        comparisons=comparisons,
        gate=gate(scored.score, comparisons),
    )


def gate(score: SuiteScore, comparisons: list[Comparison]) -> Gate:
    """Thresholds, check gates and comparisons, each failure as one line."""
    reasons = [
        f"threshold missed: {m.id} = {m.result.score:.4g} (needs {'>=' if m.result.higher_is_better else '<='} "
        f"{m.threshold:g})"
        for m in score.metrics
        if m.passed is False and m.threshold is not None
    ]
    reasons += [f"check failed: {c.check} = {c.score:.4g} ({c.gate_rule})" for c in score.checks if not c.passed]
    reasons += [
        f"significantly worse than the baseline: {c.metric} ({c.delta:+.4g}, Holm p = {c.p_adjusted:.3g} < {c.alpha:g})"
        for c in comparisons
        if c.verdict == "worse"
    ]
    return Gate(passed=not reasons, reasons=reasons)
