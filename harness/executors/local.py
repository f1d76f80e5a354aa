"""The ``local`` executor: this process opens the run and grades students in threads.

The same path as :func:`harness.grading.runner.grade_cohort` on its own (its
:func:`~harness.grading.runner.grade_each`): students are graded several at a time only when a
kind's scope says grading waits on something else (a sandbox), one at a time otherwise.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager

from harness.executors.base import Executor, ExecutorRun
from harness.executors.job import GradingJob, open_job
from harness.grading.runner import GradingPlan, GradingTask, grade_each
from harness.results import StudentResult


class LocalExecutor(Executor):
    name = "local"
    description = "this process: the run's pools are opened here, students graded in threads"

    @contextmanager
    def _open(self, job: GradingJob, scheduler: str | None) -> Iterator[ExecutorRun]:
        with open_job(job) as plan:
            yield LocalRun(plan)


class LocalRun(ExecutorRun):
    """The job's run open in this process."""

    def __init__(self, plan: GradingPlan) -> None:
        super().__init__(plan.resources.record())
        self._plan = plan

    def _grade(self, tasks: list[GradingTask]) -> Generator[StudentResult, None, None]:
        return grade_each(self._plan, tasks)
