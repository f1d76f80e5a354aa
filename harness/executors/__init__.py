"""Where a run's students are graded: in this process (``local``) or on a cluster (``dask``).

Executors are plugins of the ``harness.executors`` entry-point group (:mod:`harness.plugins`);
:func:`grade_cohort_with` grades a cohort with one of them and assembles its result exactly as
:func:`harness.grading.runner.grade_cohort` does, so results do not depend on the executor.
"""

from __future__ import annotations

from harness.executors.base import Executor, GradedStudents
from harness.executors.cohort import grade_cohort_with
from harness.executors.job import GradingJob, open_job

__all__ = ["Executor", "GradedStudents", "GradingJob", "grade_cohort_with", "open_job"]
