"""Writing what ``harness eval`` was asked to write: checked before the run, written after it.

Files are written through a temporary file and renamed (an interruption never leaves half of
one); the HTML folder is swapped in whole like the cohort reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from harness.reports.output import check_replaceable, check_writable_file, staged_output, write_text_atomically

if TYPE_CHECKING:
    from harness.evaluation.pipeline import Reports
    from harness.evaluation.result import EvalResult


def check_report_targets(reports: Reports, images: bool = False) -> None:
    """Refuse, before any model call, an output that could not be written afterwards (``images``:
    ``reports.outputs`` is a folder of images, replaced whole like the HTML folder).

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


def write_reports(result: EvalResult, outputs_jsonl: str, reports: Reports) -> dict[str, Path]:
    """Write every report asked for; returns ``{name: path}``."""
    from harness.evaluation.html import render_html
    from harness.evaluation.junit import render_junit
    from harness.evaluation.markdown import render_markdown

    written: dict[str, Path] = {}
    renderers: list[tuple[str, Path | None, Callable[[], str]]] = [
        ("outputs", reports.outputs, lambda: outputs_jsonl),
        ("json", reports.json, result.to_json),
        ("junit", reports.junit, lambda: render_junit(result)),
        ("markdown", reports.markdown, lambda: render_markdown(result)),
    ]
    for name, path, render in renderers:
        if path is not None:
            write_text_atomically(path, render())
            written[name] = path
    if reports.html is not None:
        with staged_output(reports.html, ["eval-html"]) as staging:
            (staging / "index.html").write_text(render_html(result), encoding="utf-8")
        written["html"] = reports.html / "index.html"
    return written
