"""A cohort graded by an executor, assembled into the same :class:`CohortResult` as a local run."""

from __future__ import annotations

from harness.executors.base import Executor
from harness.executors.job import GradingJob
from harness.grading.runner import GradingPlan
from harness.results import CohortResult
from harness.submissions import Cohort


def grade_cohort_with(
    executor: Executor, plan: GradingPlan, job: GradingJob, cohort: Cohort, scheduler: str | None = None
) -> CohortResult:
    """Grade every submission of ``cohort`` with ``executor``; students come out sorted by id.

    ``plan`` is the client's (banks loaded, no run open: the questions and banks the result
    lists); ``job`` is what the executor's processes grade from (see :class:`GradingJob`).

    Raises:
        HarnessError: see :meth:`Executor.grade`.
    """
    submissions = sorted(cohort.submissions, key=lambda s: s.student_id)
    graded = executor.grade(job, submissions, scheduler)
    try:
        students = sorted(graded, key=lambda s: s.student_id)
    finally:
        graded.close()
    return CohortResult(
        cohort=cohort.name,
        mode=plan.mode,
        banks=plan.bank_refs(),
        questions=plan.question_infos(),
        sandbox=graded.record.sandbox,
        seed_secret=graded.record.seed_secret,
        students=students,
        problems=cohort.problems,
    )
