"""Plain-text tables of a :class:`~harness.suites.result.SuiteScore`, as ``harness score`` prints them."""

from __future__ import annotations

from collections.abc import Sequence

from harness.checks.result import CheckResult
from harness.suites.result import MetricComparison, MetricScore, SuiteScore

DASH = "-"


def score_lines(score: SuiteScore, alpha: float | None = None) -> list[str]:
    """The suite, the outputs, one row per metric (score, interval, threshold, points,
    signature), the points earned, the comparison with the baseline if there is one, and the
    gate's verdict when the score was gated (``alpha``: the score's own, else 0.05)."""
    alpha = alpha if alpha is not None else score.alpha if score.alpha is not None else 0.05
    suite, outputs = score.suite, score.outputs
    lines = [
        f"suite {suite.id} v{suite.version}: {suite.title}",
        f"outputs: {outputs.name} ({outputs.samples} samples, sha256 {outputs.sha256[:12]})",
    ]
    if score.missing:
        lines.append(f"scored as empty (no output): {len(score.missing)} id(s)")
    level = f"{round(100 * score.confidence)}% CI"
    header = ["metric", "score", level, "threshold", "passed", "points", "signature"]
    lines += ["", *_table(header, [_metric_row(m) for m in score.metrics], numeric={1, 2, 5})]
    if score.checks:
        rows = [_check_row(c) for c in score.checks]
        lines += ["", *_table(["check", "score", "gate", "passed", "flagged", "signature"], rows, numeric={1, 4})]
    lines += ["", _points_line(score), _thresholds_line(score)]
    if score.baseline is not None:
        lines += ["", *comparison_lines(score, alpha)]
    if score.gate is not None:
        lines += ["", "gate: passed" if score.gate.passed else "gate: FAILED"]
        lines += [f"  {reason}" for reason in score.gate.reasons]
    return lines


def comparison_lines(score: SuiteScore, alpha: float = 0.05) -> list[str]:
    """The paired bootstrap comparison with the baseline, one row per metric."""
    baseline = score.baseline
    if baseline is None:
        return []
    tested = sum(c.p_adjusted is not None for c in score.comparisons)
    holm = f", Holm over {tested} metric(s)" if tested else ""
    head = (
        f"paired bootstrap against {baseline.name} ({score.bootstrap} resamples, seed {score.seed}, "
        f"alpha {alpha:g}{holm})"
    )
    header = ["metric", "system", "baseline", "difference", f"{round(100 * score.confidence)}% CI of difference"]
    rows = [_comparison_row(c, score.metric(c.id), alpha, bool(tested)) for c in score.comparisons]
    p_values = ["p-value", "Holm p"] if tested else ["p-value"]
    numeric = {1, 2, 3, 5, 6} if tested else {1, 2, 3, 5}
    return [head, *_table([*header, *p_values, "verdict"], rows, numeric=numeric)]


def number(value: float | None) -> str:
    """Two decimals from 10 up, four below (BLEU 34.21, ROUGE 0.4312, WER 0.0523)."""
    if value is None:
        return DASH
    return f"{value:.2f}" if abs(value) >= 10 else f"{value:.4f}"


def _metric_row(metric: MetricScore) -> list[str]:
    result = metric.result
    interval = DASH if result.ci_low is None else f"[{number(result.ci_low)}, {number(result.ci_high)}]"
    direction = ">=" if result.higher_is_better else "<="
    threshold = DASH if metric.threshold is None else f"{direction} {metric.threshold:g}"
    passed = DASH if metric.passed is None else ("yes" if metric.passed else "NO")
    points = DASH if metric.fraction is None else f"{100 * metric.fraction:.0f}%"
    return [metric.id, number(result.score), interval, threshold, passed, points, str(result.signature)]


def _check_row(check: CheckResult) -> list[str]:
    passed = "yes" if check.passed else "NO"
    return [check.check, f"{check.score:.4f}", check.gate_rule, passed, str(check.n_flagged), str(check.signature)]


def _comparison_row(comparison: MetricComparison, own: MetricScore, alpha: float, holm: bool) -> list[str]:
    paired = comparison.paired
    if paired is None:
        other = comparison.baseline
        theirs = DASH if other is None else number(other.score)
        if other is not None and other.ci_low is not None:
            theirs += f" [{number(other.ci_low)}, {number(other.ci_high)}]"
        dashes = [DASH] * (4 if holm else 3)
        return [comparison.id, number(own.result.score), theirs, *dashes, f"{comparison.note}"]
    sign = "+" if paired.difference > 0 else ""
    return [
        comparison.id,
        number(paired.score_a),
        number(paired.score_b),
        sign + number(paired.difference),
        f"[{number(paired.ci_low)}, {number(paired.ci_high)}]",
        f"{paired.p_value:.4f}",
        *([f"{comparison.p_adjusted:.4f}"] if holm and comparison.p_adjusted is not None else []),
        comparison.verdict(alpha),
    ]


def _points_line(score: SuiteScore) -> str:
    if score.fraction is None:
        return "points: this suite gives no points"
    weights = [f"{m.id} x{m.weight:g}" if m.weight != 1 else m.id for m in score.metrics if m.fraction is not None]
    line = f"points: {100 * score.fraction:.1f}% of full credit (from {', '.join(weights)}"
    if score.check_deduction:
        line += f", less {100 * score.check_deduction:.1f}% for outputs the checks flagged"
    return line + ")"


def _thresholds_line(score: SuiteScore) -> str:
    if score.passed is None:
        return "thresholds: none set"
    failed = [m.id for m in score.metrics if m.passed is False] + [c.check for c in score.checks if not c.passed]
    return "thresholds: all met" if not failed else f"thresholds: NOT met by {', '.join(failed)}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    """Columns padded to their widest cell; ``numeric`` columns right-aligned; the last one left ragged."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell if i == len(cells) - 1 else (cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]))
            for i, cell in enumerate(cells)
        ]
        return "  ".join(padded).rstrip()

    return [line(header), *(line(row) for row in rows)]
