"""Executors: where a run's students are graded (this process, or the workers of a cluster).

An executor opens a :class:`~harness.executors.job.GradingJob` (the run as data) where it
grades, and hands back an :class:`ExecutorRun`: what those processes record of the run
(sandbox, seed secret) before any student is graded, and a way to grade a list of
:class:`~harness.grading.runner.GradingTask` (a student, and which of their questions) that
yields each student's result as it completes. That is exactly the shape of the runner's
:func:`~harness.grading.runner.grade_each`, so :func:`~harness.grading.runner.grade_cohort`
and its ledger (the result store) grade through any executor as they do in this process: the
client computes the keys, skips what is stored, and is the only writer of the store.

The base classes are the template: they check the input, and hold every executor to the same
promise whatever happens on the way (a worker that dies mid-student and has its task run again
elsewhere): each student sent comes back exactly once, and nobody else does. A student is pure
given their inputs, so a retried student's result is the one a single run gives, and the first
copy is kept.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import replace
from typing import ClassVar

from harness.errors import HarnessError
from harness.executors.job import GradingJob
from harness.grading.runner import GradingPlan, GradingTask
from harness.kinds.lifecycle import RunRecord, RunResources, RunScope
from harness.results import StudentResult


class Executor(ABC):
    """Grades students somewhere; registered in the ``harness.executors`` entry-point group."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    takes_scheduler: ClassVar[bool] = False  # whether ``scheduler`` (an address) means anything to it

    @contextmanager
    def open(self, job: GradingJob, scheduler: str | None = None) -> Iterator[ExecutorRun]:
        """The job's run, open where this executor grades, until the block ends.

        Raises:
            HarnessError: a ``scheduler`` for an executor that has none; the processes that
                grade cannot open the run (another harness version, other banks, a sandbox
                that does not isolate there).
        """
        self.check_scheduler(scheduler)
        with self._open(job, scheduler) as run:
            yield run

    def check_scheduler(self, scheduler: str | None) -> None:
        """Raises HarnessError when a ``scheduler`` is given to an executor that has none."""
        if scheduler is not None and not self.takes_scheduler:
            raise HarnessError(f"--scheduler is for a cluster; the {self.name!r} executor grades in this process")

    @abstractmethod
    def _open(self, job: GradingJob, scheduler: str | None) -> AbstractContextManager[ExecutorRun]:
        """Open ``job`` where this executor grades (called once the arguments are checked)."""


class ExecutorRun(ABC):
    """A job's run, open where an executor grades; see the module's docstring.

    ``record`` is what the grading processes record of their run: known before any student is
    graded, since the result store's keys hold it.
    """

    def __init__(self, record: RunRecord) -> None:
        self.record = record

    def plan_here(self, plan: GradingPlan) -> GradingPlan:
        """``plan`` (the client's: banks loaded, no run open here) carrying this run's record,
        for what the client computes from a run: the store's keys and the cohort's result."""
        return replace(plan, resources=RunResources([RecordedElsewhere(self.record)]), workers=1)

    def grade(self, tasks: Sequence[GradingTask]) -> Generator[StudentResult, None, None]:
        """Each task's student result, in the order they complete, each exactly once.

        Closing the generator stops the run early (what is still queued is cancelled).

        Raises (here, before anything is graded):
            HarnessError: two tasks share a student id.
        Raises (while iterating): HarnessError when a student cannot be graded where it was
            sent (a worker died too often on one student), or a student never came back.
        """
        twice = sorted(sid for sid, count in Counter(t.submission.student_id for t in tasks).items() if count > 1)
        if twice:
            raise HarnessError(f"student id(s) submitted twice: {', '.join(twice)}")
        expected = {t.submission.student_id for t in tasks}
        return _each_once(self._grade(list(tasks)), expected)

    @abstractmethod
    def _grade(self, tasks: list[GradingTask]) -> Generator[StudentResult, None, None]:
        """Grade ``tasks``; may yield a student more than once (a retry), never a stranger."""


class RecordedElsewhere(RunScope):
    """The client's stand-in for a run opened in an executor's processes: it holds nothing
    but what they record (the client opens no pools of its own)."""

    def __init__(self, recorded: RunRecord) -> None:
        self._recorded = recorded

    def record(self) -> RunRecord:
        return self._recorded

    def close(self) -> None:
        pass  # the executor's processes close their own run


def _each_once(
    stream: Generator[StudentResult, None, None], expected: set[str]
) -> Generator[StudentResult, None, None]:
    seen: set[str] = set()
    with closing(stream):  # closed early (an error, Ctrl-C): the executor stops grading
        for result in stream:
            if result.student_id not in expected:
                raise HarnessError(f"a result came back for {result.student_id!r}, who was not sent to be graded")
            if result.student_id in seen:
                continue  # a retried task: the same inputs gave the same result; keep the first
            seen.add(result.student_id)
            yield result
    missing = sorted(expected - seen)
    if missing:
        raise HarnessError(f"{len(missing)} student(s) never came back from grading: {', '.join(missing[:10])}")
