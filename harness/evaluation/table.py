"""The lines ``harness eval`` prints: metrics with intervals, checks, comparisons, the verdict."""

from __future__ import annotations

from harness.evaluation.result import Comparison, EvalResult


def eval_lines(result: EvalResult) -> list[str]:
    """A plain-text summary of ``result``, one line per metric, check and comparison."""
    model = result.model
    lines = [f"{model.adapter}:{model.target} on {result.score.suite.id} ({len(result.samples)} items)"]
    for m in result.score.metrics:
        r = m.result
        interval = f" [{r.ci_low:.4g}, {r.ci_high:.4g}]" if r.ci_low is not None and r.ci_high is not None else ""
        mark = {True: "  ok", False: "  MISSED", None: ""}[m.passed]
        threshold = f"  threshold {m.threshold:g}" if m.threshold is not None else ""
        lines.append(f"  {m.id:<16} {r.score:10.4f}{interval}{threshold}{mark}")
    for c in result.score.checks:
        lines.append(f"  check {c.check:<10} {c.score:10.4f}  {c.gate_rule}  {'held' if c.passed else 'FAILED'}")
    for comparison in result.comparisons:
        lines.append(f"  vs baseline {comparison.metric:<10} {_comparison(comparison)}")
    lines.append("passed" if result.passed else "FAILED: " + "; ".join(result.gate.reasons))
    return lines


def _comparison(c: Comparison) -> str:
    if c.delta is None or c.ci_low is None or c.ci_high is None or c.p_adjusted is None:
        return f"not compared: {c.note}"
    return f"{c.delta:+.4f} [{c.ci_low:+.4f}, {c.ci_high:+.4f}]  Holm p = {c.p_adjusted:.3g}  {c.verdict}"
