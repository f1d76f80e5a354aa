"""The base class's promise, whatever an executor does underneath: each student sent comes back
exactly once (a retried task's copy is dropped), a stranger or a student lost is an error, and
the run's record is known before anyone is graded (the store's keys hold it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import ClassVar

import pytest

from harness.errors import HarnessError
from harness.executors import Executor, ExecutorRun, GradingJob
from harness.grading.runner import GradingPlan, GradingTask
from harness.kinds.lifecycle import RunRecord
from harness.results import StudentResult
from harness.submissions import Submission


class Scripted(Executor):
    """Yields the students it is told to, in that order (a retry is a student yielded twice)."""

    name = "scripted"
    order: ClassVar[list[str]] = []
    closed: ClassVar[list[str]] = []

    @contextmanager
    def _open(self, job: GradingJob, scheduler: str | None) -> Iterator[ExecutorRun]:
        yield ScriptedRun(RunRecord(sandbox="box", seed_secret="s"))


class ScriptedRun(ExecutorRun):
    def _grade(self, tasks: list[GradingTask]) -> Generator[StudentResult, None, None]:
        try:
            for index, student in enumerate(Scripted.order):
                yield StudentResult(student_id=student, banks=[], score=float(index), max_score=3.0, questions=[])
        finally:
            Scripted.closed.append("closed")


def _open(scheduler: str | None = None) -> AbstractContextManager[ExecutorRun]:
    return Scripted().open(None, scheduler)  # type: ignore[arg-type]  # the job is not looked at


def _tasks(students: list[str]) -> list[GradingTask]:
    return [GradingTask(Submission(s, Path(s))) for s in students]


def _grade(order: list[str], sent: list[str]) -> list[StudentResult]:
    Scripted.order = order
    with _open() as run:
        return list(run.grade(_tasks(sent)))


def test_a_retried_student_is_kept_once_the_first_time() -> None:
    results = _grade(["a", "b", "a", "c", "b"], ["a", "b", "c"])
    assert [(r.student_id, r.score) for r in results] == [("a", 0.0), ("b", 1.0), ("c", 3.0)]


def test_a_student_never_sent_is_an_error() -> None:
    with pytest.raises(HarnessError, match="'x', who was not sent"):
        _grade(["a", "x"], ["a"])


def test_a_student_who_never_comes_back_is_an_error() -> None:
    with pytest.raises(HarnessError, match=r"1 student\(s\) never came back from grading: b"):
        _grade(["a"], ["a", "b"])


def test_a_student_sent_twice_is_refused_before_grading() -> None:
    with _open() as run, pytest.raises(HarnessError, match="submitted twice: a"):
        run.grade(_tasks(["a", "b", "a"]))


def test_stopping_early_closes_the_executors_stream() -> None:
    Scripted.order, Scripted.closed = ["a", "b"], []
    with _open() as run:
        graded = run.grade(_tasks(["a", "b"]))
        next(graded)
        graded.close()
    assert Scripted.closed == ["closed"]


def test_the_record_is_known_before_grading_and_carried_by_the_clients_plan() -> None:
    with _open() as run:
        assert run.record == RunRecord(sandbox="box", seed_secret="s")
        here = run.plan_here(GradingPlan([], "grade", dt.date(2026, 1, 1)))
    assert here.resources.record() == RunRecord(sandbox="box", seed_secret="s")
    assert here.workers == 1


def test_a_scheduler_is_refused_by_an_executor_without_one() -> None:
    with pytest.raises(HarnessError, match="--scheduler is for a cluster"), _open("tcp://h:8786"):
        pass
