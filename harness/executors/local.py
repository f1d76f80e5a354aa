"""The ``local`` executor: this process opens the run and grades students in threads.

The same path as :func:`harness.grading.runner.grade_cohort`: students are graded several at a
time only when a kind's scope says grading waits on something else (a sandbox), one at a
time otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from harness.executors.base import Executor, Graded
from harness.executors.job import GradingJob, open_job
from harness.grading.runner import GradingPlan, grade_student
from harness.results import StudentResult
from harness.submissions import Submission


class LocalExecutor(Executor):
    name = "local"
    description = "this process: the run's pools are opened here, students graded in threads"

    def _grade(self, job: GradingJob, submissions: list[Submission], scheduler: str | None) -> Iterator[Graded]:
        with open_job(job) as plan:
            record = plan.resources.record()
            if plan.workers > 1 and len(submissions) > 1:
                for result in _in_threads(plan, submissions):
                    yield result, record
            else:
                for submission in submissions:
                    yield grade_student(plan, submission), record


def _in_threads(plan: GradingPlan, submissions: list[Submission]) -> Iterator[StudentResult]:
    """Each student's result as soon as it is done, ``plan.workers`` students at a time."""
    pool = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="grade")
    try:
        pending: set[Future[StudentResult]] = {pool.submit(grade_student, plan, s) for s in submissions}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    except BaseException:  # Ctrl-C, SIGTERM, the caller stopped early: grade nobody else, and do
        pool.shutdown(wait=False, cancel_futures=True)  # not wait for the students in a sandbox now
        raise
    pool.shutdown()
