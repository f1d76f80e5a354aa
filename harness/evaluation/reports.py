"""Writing the CI reports of ``harness eval`` and ``harness score``: checked before the run,
written after it, from one :class:`~harness.evaluation.gate_report.GateReport` either way.

Files are written through a temporary file and renamed (an interruption never leaves half of
one); the HTML folder is swapped in whole like the cohort reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.reports.output import check_replaceable, check_writable_file, staged_output, write_text_atomically

if TYPE_CHECKING:
    from harness.evaluation.gate_report import GateReport
    from harness.evaluation.result import EvalResult
    from harness.suites.result import SuiteScore


@dataclass(frozen=True)
class Reports:
    """Where to write what (``None``: not asked for)."""

    json: Path | None = None
    junit: Path | None = None
    markdown: Path | None = None
    html: Path | None = None  # a folder: index.html inside
    outputs: Path | None = (
        None  # harness eval: the JSONL that `harness score` reads; for an image suite, a folder of PNGs
    )


def check_report_targets(reports: Reports, images: bool = False) -> None:
    """Refuse, before any model call or scoring, an output that could not be written afterwards
    (``images``: ``reports.outputs`` is a folder of images, replaced whole like the HTML folder).

    Raises:
        HarnessError: a file target is a folder or under a file; a folder harness did not write.
    """
    files = (reports.json, reports.junit, reports.markdown) + (() if images else (reports.outputs,))
    for path in files:
        if path is not None:
            check_writable_file(path)
    for folder in (reports.html, reports.outputs if images else None):
        if folder is not None:
            check_replaceable(folder)


def write_eval_reports(result: EvalResult, outputs_jsonl: str, reports: Reports) -> dict[str, Path]:
    """Write every report ``harness eval`` was asked for; returns ``{name: path}``."""
    from harness.evaluation.gate_report import eval_report

    return write_reports(eval_report(result), result.to_json, reports, outputs_jsonl)


def write_score_reports(score: SuiteScore, reports: Reports) -> dict[str, Path]:
    """Write every report ``harness score`` was asked for (``reports.outputs`` is ignored)."""
    from harness.evaluation.gate_report import score_report

    return write_reports(score_report(score), score.to_json, reports)


def write_reports(
    report: GateReport, record_json: Callable[[], str], reports: Reports, outputs_jsonl: str | None = None
) -> dict[str, Path]:
    """Write ``outputs_jsonl`` (when given), the record as JSON, JUnit, Markdown and HTML, each
    where ``reports`` asks; returns ``{name: path}`` in that order.

    Raises:
        HarnessError: a target cannot be written (nothing is left half-written).
    """
    from harness.evaluation.html import render_html
    from harness.evaluation.junit import render_junit
    from harness.evaluation.markdown import render_markdown

    written: dict[str, Path] = {}
    renderers: list[tuple[str, Path | None, Callable[[], str]]] = [
        ("outputs", reports.outputs if outputs_jsonl is not None else None, lambda: outputs_jsonl or ""),
        ("json", reports.json, record_json),
        ("junit", reports.junit, lambda: render_junit(report)),
        ("markdown", reports.markdown, lambda: render_markdown(report)),
    ]
    for name, path, render in renderers:
        if path is not None:
            write_text_atomically(path, render())
            written[name] = path
    if reports.html is not None:
        with staged_output(reports.html, ["eval-html"]) as staging:
            (staging / "index.html").write_text(render_html(report), encoding="utf-8")
        written["html"] = reports.html / "index.html"
    return written
