"""A GitHub-flavoured Markdown summary of a gate (``harness eval`` or ``harness score``), short
enough for a pull-request comment or a CI step summary.

It is a pure function of the record, so the same result gives the same bytes. Every string that
comes from the user's files (titles, labels, file names, reasons) is escaped: it cannot end a
table cell, start a link or emphasis, or inject HTML into the comment.
"""

from __future__ import annotations

import re

from harness.evaluation.gate_report import GateReport
from harness.evaluation.result import Comparison

VERDICT_MARKS = {
    "better": "better",
    "worse": "**worse**",
    "no significant difference": "no sig. diff.",
    "not compared": "—",
}
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*~#\[\]|]|(?<![^\W_])_|_(?![^\W_]))")  # `_` inside a word is text
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def render_markdown(report: GateReport) -> str:
    """The summary: verdict, metrics table (with the baseline where there is one), checks, reasons."""
    suite = report.score.suite
    mark = "✅ passed" if report.passed else "❌ failed"
    lines = [
        f"### {mark}: {code(report.system)} on {text(suite.title)} ({code(suite.id)} v{text(suite.version)})",
        "",
        *_metrics_table(report),
    ]
    if report.score.checks:
        lines += ["", "| check | score | gate | flagged | |", "|---|---:|---|---:|---|"]
        for c in report.score.checks:
            verdict = "ok" if c.passed else "**failed**"
            lines.append(
                f"| {text(c.check)} | {c.score:.4g} | {text(c.gate_rule)} | {c.n_flagged}/{c.n_samples} | {verdict} |"
            )
    if report.gate.reasons:
        lines += ["", *[f"- {text(reason)}" for reason in report.gate.reasons]]
    lines += ["", _footer(report)]
    return "\n".join(lines) + "\n"


def _footer(report: GateReport) -> str:
    parts = [f"{report.items} items", f"{report.identity_label} {code(report.identity[:40])}"]
    if report.baseline is not None:
        parts.append(f"baseline {code(report.baseline)}")
    if report.comparisons:
        parts.append(f"{text(report.comparisons[0].method)}, alpha {report.alpha:g}")
    return "<sub>" + " · ".join(parts) + "</sub>"


def _metrics_table(report: GateReport) -> list[str]:
    by_metric = {c.metric: c for c in report.comparisons}
    with_baseline = bool(by_metric)
    header = f"| metric | score | {report.score.confidence:.0%} CI | threshold | |"
    rule = "|---|---:|---|---:|---|"
    if with_baseline:
        header, rule = header + " baseline | delta | verdict |", rule + "---:|---:|---|"
    rows = [header, rule]
    for m in report.score.metrics:
        r = m.result
        interval = f"[{r.ci_low:.4g}, {r.ci_high:.4g}]" if r.ci_low is not None and r.ci_high is not None else ""
        threshold = f"{'≥' if r.higher_is_better else '≤'} {m.threshold:g}" if m.threshold is not None else ""
        status = {True: "ok", False: "**missed**", None: ""}[m.passed]
        row = f"| {text(m.id)} | {r.score:.4g} | {interval} | {threshold} | {status} |"
        if with_baseline:
            row += _comparison_cells(by_metric.get(m.id))
        rows.append(row)
    return rows


def _comparison_cells(c: Comparison | None) -> str:
    if c is None or c.delta is None:
        return " | | — |"
    return f" {c.baseline_score:.4g} | {c.delta:+.4g} | {VERDICT_MARKS[c.verdict]} |"


def text(value: str) -> str:
    """``value`` as literal Markdown text on one line, safe in a table cell."""
    one_line = " ".join(value.split())
    escaped = "".join(_HTML.get(ch, ch) for ch in one_line)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)


def code(value: str) -> str:
    """``value`` in monospace: a ``<code>`` element rather than a backtick span, because GitHub
    reads backslash escapes and entities inside it, so :func:`text` applies unchanged."""
    return f"<code>{text(value)}</code>"
