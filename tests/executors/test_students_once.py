"""The base class's promise, whatever an executor does underneath: each student sent comes back
exactly once (a retried task's copy is dropped), a stranger or a student lost is an error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from harness.errors import HarnessError
from harness.executors import Executor, GradingJob
from harness.executors.base import Graded
from harness.kinds.lifecycle import RunRecord
from harness.results import StudentResult
from harness.submissions import Submission


class Scripted(Executor):
    """Yields the students it is told to, in that order (a retry is a student yielded twice)."""

    name = "scripted"
    order: ClassVar[list[str]] = []

    def _grade(self, job: GradingJob, submissions: list[Submission], scheduler: str | None) -> Iterator[Graded]:
        for index, student in enumerate(self.order):
            result = StudentResult(student_id=student, banks=[], score=float(index), max_score=3.0, questions=[])
            yield result, RunRecord(sandbox="box")


def _grade(order: list[str], sent: list[str]) -> list[StudentResult]:
    Scripted.order = order
    return list(Scripted().grade(None, [Submission(s, Path(s)) for s in sent]))  # type: ignore[arg-type]


def test_a_retried_student_is_kept_once_the_first_time() -> None:
    results = _grade(["a", "b", "a", "c", "b"], ["a", "b", "c"])
    assert [(r.student_id, r.score) for r in results] == [("a", 0.0), ("b", 1.0), ("c", 3.0)]


def test_a_student_never_sent_is_an_error() -> None:
    with pytest.raises(HarnessError, match="'x', who was not sent"):
        _grade(["a", "x"], ["a"])


def test_a_student_who_never_comes_back_is_an_error() -> None:
    with pytest.raises(HarnessError, match=r"1 student\(s\) never came back from grading: b"):
        _grade(["a"], ["a", "b"])


def test_the_record_is_the_graders() -> None:
    Scripted.order = ["a"]
    graded = Scripted().grade(None, [Submission("a", Path("a"))])  # type: ignore[arg-type]
    assert graded.record == RunRecord()
    list(graded)
    assert graded.record == RunRecord(sandbox="box")


def test_a_scheduler_is_refused_by_an_executor_without_one() -> None:
    with pytest.raises(HarnessError, match="--scheduler is for a cluster"):
        Scripted().grade(None, [], scheduler="tcp://somewhere:8786")  # type: ignore[arg-type]
