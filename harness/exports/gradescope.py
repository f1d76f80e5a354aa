"""Gradescope's autograder: grade the one submission in its layout, write its results.json.

Gradescope runs ``run_autograder`` in a fresh container per submission, with the student's
files in ``/autograder/submission`` and the autograder's in ``/autograder/source``; whatever
``/autograder/results/results.json`` holds when it exits is the grade (the format is
documented at https://gradescope-autograders.readthedocs.io/en/latest/specs/). Each of our
questions becomes one Gradescope test: its score and maximum, its feedback as output, and a
visibility mapped from ours: a released question is ``visible``; one whose result is not
released (``hidden``, or ``after:`` a date not reached) gets ``after_published`` (shown once
the instructor publishes grades) or ``hidden`` (never shown), as the instructor chooses.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.errors import HarnessError
from harness.records import printable
from harness.reports.csv_gradebook import format_number
from harness.results import StudentResult

HiddenVisibility = Literal["after_published", "hidden"]
HIDDEN_VISIBILITIES: tuple[HiddenVisibility, ...] = ("after_published", "hidden")
DEFAULT_ROOT = Path("/autograder")


@dataclass(frozen=True)
class GradescopeRun:
    result: StudentResult
    document: dict[str, Any]  # what was written to results.json
    path: Path


def results_document(result: StudentResult, hidden: HiddenVisibility, execution_time: float) -> dict[str, Any]:
    """Gradescope's results.json for one student's result.

    Top-level ``score`` is the student's total (Gradescope would otherwise sum the tests,
    which gives the same number); ``stdout_visibility`` is ``hidden`` because stdout is the
    grader's log, meant for the instructor.
    """
    if hidden not in HIDDEN_VISIBILITIES:
        raise HarnessError(f"hidden visibility {hidden!r}: choose one of {', '.join(HIDDEN_VISIBILITIES)}")
    tests = [
        {
            "name": q.question_id,
            "score": q.score,
            "max_score": q.max_score,
            "status": "passed" if q.score >= q.max_score > 0 else "failed",
            "visibility": "visible" if q.reveal else hidden,
            "output": "\n".join(
                [f"{q.status.value}: {format_number(q.score)}/{format_number(q.max_score)}", *q.feedback]
            ),
        }
        for q in result.questions
    ]
    problems = [f"{p.location + ': ' if p.location else ''}{p.message}" for p in result.problems]
    return {
        "score": result.score,
        "execution_time": round(execution_time),  # whole seconds, as the spec shows
        "output": "\n".join([f"total: {format_number(result.score)}/{format_number(result.max_score)}", *problems]),
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def submission_folder(root: Path) -> Path:
    """``root/submission``, or the one folder inside it when a student uploaded a folder."""
    folder = root / "submission"
    if not folder.is_dir():
        raise HarnessError(f"{folder}: no submission folder (is --root the autograder root?)")
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


def student_id_from_metadata(root: Path) -> str | None:
    """The submitter's ``sid`` (else e-mail) from Gradescope's submission_metadata.json, which
    picks their variants of parameterised questions; None when there is none to read."""
    try:
        metadata = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    users = metadata.get("users") if isinstance(metadata, dict) else None
    first = users[0] if isinstance(users, list) and users and isinstance(users[0], dict) else {}
    for key in ("sid", "email"):
        if isinstance(first.get(key), str) and first[key].strip():
            return printable(first[key].strip())
    return None


def grade_gradescope(
    banks: Sequence[str | Path],
    root: Path = DEFAULT_ROOT,
    student_id: str | None = None,
    sandbox: str | None = None,
    hidden: HiddenVisibility = "after_published",
    today: dt.date | None = None,
) -> GradescopeRun:
    """Grade ``root/submission`` against ``banks`` and write ``root/results/results.json``.

    ``sandbox`` None picks bwrap where it runs, else the process backend: Gradescope's
    container is thrown away after each submission, but the student's code runs in it, so
    bwrap is used wherever the container allows it.

    Raises:
        HarnessError: no submission folder; an invalid bank; an unknown sandbox or visibility.
    """
    from harness import api
    from harness.grading.lifecycle import open_run
    from harness.grading.runner import GradingPlan, grade_student
    from harness.kinds.lifecycle import RunOptions
    from harness.submissions import read_submission

    started = time.monotonic()
    if hidden not in HIDDEN_VISIBILITIES:
        raise HarnessError(f"hidden visibility {hidden!r}: choose one of {', '.join(HIDDEN_VISIBILITIES)}")
    folder = submission_folder(root)
    plan = GradingPlan(api.load(banks), "grade", today or dt.date.today())
    submission = read_submission(folder, display="submission")
    submission.student_id = student_id or student_id_from_metadata(root) or "submission"
    # Gradescope's container is the student's alone and thrown away: a named backend is used
    # as asked (``unsafe_sandbox``), none named picks bwrap where it runs.
    options = RunOptions("grade", sandbox=sandbox, unsafe_sandbox=True)
    with open_run(plan, options) as running:
        result = grade_student(running, submission)
    document = results_document(result, hidden, time.monotonic() - started)
    path = root / "results" / "results.json"
    from harness.reports.output import write_text_atomically

    write_text_atomically(path, json.dumps(document, indent=2, sort_keys=True) + "\n")
    return GradescopeRun(result, document, path)
