"""Executors: where a run's students are graded (this process, or the workers of a cluster).

An executor receives a :class:`~harness.executors.job.GradingJob` (the run as data) and the
students' submissions, and yields each student's result as it completes. The base class is
the template: it checks the input, and holds every executor to the same promise whatever
happens on the way (a worker that dies mid-student and has its task run again elsewhere):
each student sent comes back exactly once, and nobody else does. A student is pure given
their inputs, so a retried student's result is the one a single run gives, and the first copy
is kept.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from typing import ClassVar

from harness.errors import HarnessError
from harness.executors.job import GradingJob
from harness.kinds.lifecycle import RunRecord
from harness.results import StudentResult
from harness.submissions import Submission

Graded = tuple[StudentResult, RunRecord]  # a student's result and the record of the run that graded it


class Executor(ABC):
    """Grades students somewhere; registered in the ``harness.executors`` entry-point group."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    takes_scheduler: ClassVar[bool] = False  # whether ``scheduler`` (an address) means anything to it

    def grade(self, job: GradingJob, submissions: Sequence[Submission], scheduler: str | None = None) -> GradedStudents:
        """Each student's result, in the order they complete.

        Raises (here, before anything is graded):
            HarnessError: two submissions share a student id; a ``scheduler`` for an executor
                that has none.
        Raises (while iterating): HarnessError when a student cannot be graded where it was
            sent (a worker refused the job, died too often on one student), or a student never
            came back.
        """
        if scheduler is not None and not self.takes_scheduler:
            raise HarnessError(f"--scheduler is for a cluster; the {self.name!r} executor grades in this process")
        twice = sorted(sid for sid, count in Counter(s.student_id for s in submissions).items() if count > 1)
        if twice:
            raise HarnessError(f"student id(s) submitted twice: {', '.join(twice)}")
        return GradedStudents(self._grade(job, list(submissions), scheduler), [s.student_id for s in submissions])

    @abstractmethod
    def _grade(self, job: GradingJob, submissions: list[Submission], scheduler: str | None) -> Iterator[Graded]:
        """Grade ``submissions``; may yield a student more than once (a retry), never a stranger."""


class GradedStudents(Iterator[StudentResult]):
    """The students of one executor run as they complete, each exactly once.

    ``record`` is what the processes that graded them record of their run (sandbox, seed
    secret); empty until the first student comes back. :meth:`close` stops the run early (the
    executor cancels what is still queued).
    """

    def __init__(self, stream: Iterator[Graded], expected: list[str]) -> None:
        self.record = RunRecord()
        self._stream = stream
        self._checked = self._each_once(set(expected))

    def __next__(self) -> StudentResult:
        return next(self._checked)

    def close(self) -> None:
        self._checked.close()
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()

    def _each_once(self, expected: set[str]) -> Generator[StudentResult, None, None]:
        seen: set[str] = set()
        for result, record in self._stream:
            if result.student_id not in expected:
                raise HarnessError(f"a result came back for {result.student_id!r}, who was not sent to be graded")
            if result.student_id in seen:
                continue  # a retried task: the same inputs gave the same result; keep the first
            seen.add(result.student_id)
            self.record = record
            yield result
        missing = sorted(expected - seen)
        if missing:
            raise HarnessError(f"{len(missing)} student(s) never came back from grading: {', '.join(missing[:10])}")
