"""A Markdown summary of an eval run, short enough for a pull-request comment or a CI step summary."""

from __future__ import annotations

from harness.evaluation.result import Comparison, EvalResult

VERDICT_MARKS = {
    "better": "better",
    "worse": "**worse**",
    "no significant difference": "no sig. diff.",
    "not compared": "—",
}


def render_markdown(result: EvalResult) -> str:
    """The summary: verdict, metrics table (with the baseline where there is one), checks, reasons."""
    suite, model = result.score.suite, result.model
    mark = "✅ passed" if result.passed else "❌ failed"
    lines = [
        f"### {mark}: `{model.adapter}:{model.target}` on {suite.title} (`{suite.id}` v{suite.version})",
        "",
        *_metrics_table(result),
    ]
    if result.score.checks:
        lines += ["", "| check | score | gate | flagged | |", "|---|---:|---|---:|---|"]
        for c in result.score.checks:
            verdict = "ok" if c.passed else "**failed**"
            lines.append(f"| {c.check} | {c.score:.4g} | {c.gate_rule} | {c.n_flagged}/{c.n_samples} | {verdict} |")
    if result.gate.reasons:
        lines += ["", *[f"- {_escape(reason)}" for reason in result.gate.reasons]]
    lines += ["", f"<sub>{len(result.samples)} items · model identity `{model.identity[:40]}`"]
    if result.comparisons:
        lines[-1] += f" · {result.comparisons[0].method}, alpha {result.alpha:g}"
    lines[-1] += "</sub>"
    return "\n".join(lines) + "\n"


def _metrics_table(result: EvalResult) -> list[str]:
    by_metric = {c.metric: c for c in result.comparisons}
    with_baseline = bool(by_metric)
    header = "| metric | score | 95% CI | threshold | |"
    rule = "|---|---:|---|---:|---|"
    if with_baseline:
        header, rule = header + " baseline | delta | verdict |", rule + "---:|---:|---|"
    rows = [header, rule]
    for m in result.score.metrics:
        r = m.result
        interval = f"[{r.ci_low:.4g}, {r.ci_high:.4g}]" if r.ci_low is not None and r.ci_high is not None else ""
        threshold = f"{m.threshold:g}" if m.threshold is not None else ""
        status = {True: "ok", False: "**missed**", None: ""}[m.passed]
        row = f"| {m.id} | {r.score:.4g} | {interval} | {threshold} | {status} |"
        if with_baseline:
            row += _comparison_cells(by_metric.get(m.id))
        rows.append(row)
    return rows


def _comparison_cells(c: Comparison | None) -> str:
    if c is None or c.delta is None:
        return " | | — |"
    return f" {c.baseline_score:.4g} | {c.delta:+.4g} | {VERDICT_MARKS[c.verdict]} |"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")
