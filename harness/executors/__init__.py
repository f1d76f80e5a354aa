"""Where a run's students are graded: in this process (``local``) or on a cluster (``dask``).

Executors are plugins of the ``harness.executors`` entry-point group (:mod:`harness.plugins`).
:func:`harness.api.grade` opens a job with one (:meth:`Executor.open`) and grades the cohort
through :func:`harness.grading.runner.grade_cohort` and the result store, exactly as a local
run does: only the grading of each student happens elsewhere.
"""

from __future__ import annotations

from harness.executors.base import Executor, ExecutorRun
from harness.executors.job import GradingJob, open_job

__all__ = ["Executor", "ExecutorRun", "GradingJob", "open_job"]
