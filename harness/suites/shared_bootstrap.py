"""Each metric computed once per system, and every bootstrap of a suite drawn in one pass.

Scoring a system and comparing it with a baseline used to compute each metric three times per
system (its score, then both systems again inside the paired test) and to draw the 10 million
resample multiplicities of a 10,000-item, 1,000-resample run once per metric and test. Here a
metric's statistics are computed once per system (:meth:`Metric.compute`), and one pass over the
seeded resamples feeds every resampler that needs them: each system's confidence intervals and
each paired test. Every resampler sees exactly the resamples it would see alone with the same
seed, so the numbers are those of :meth:`Metric.score` and :meth:`Metric.paired_bootstrap`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from harness.errors import HarnessError
from harness.metrics.base import Computed
from harness.metrics.bootstrap import Resampler, resample_all
from harness.suites.loader import SuiteMetric

Scores = NDArray[np.float64]


@dataclass(frozen=True)
class MetricRun:
    """One metric on the system and (optionally) the baseline, with their resampled scores."""

    metric: SuiteMetric
    system: Computed
    baseline: Computed | None = None
    baseline_error: str | None = None  # why the baseline could not be computed (paired metrics)
    system_scores: Scores | None = None  # the system's score on each resample (None: no interval)
    baseline_scores: Scores | None = None
    paired_error: str | None = None  # why there is no paired test


@dataclass(frozen=True)
class _Job:
    run: int
    side: str  # "system" or "baseline"
    resample: Resampler
    n: int


def compute_runs(
    metrics: list[SuiteMetric],
    system: Any,
    baseline: Any | None,
    references: Any,
    sources: list[str] | None,
    settings: tuple[int, int, float],
) -> list[MetricRun]:
    """Every metric on ``system`` (and ``baseline``), resampled in one pass per sample count.

    Raises:
        HarnessError: a metric cannot score the system (or the baseline of an unpaired metric).
    """
    seed, bootstrap, _ = settings
    runs = [_compute(m, system, baseline, references, sources, seed) for m in metrics]
    jobs = [job for index, run in enumerate(runs) for job in _jobs(index, run, bootstrap)]
    by_n: dict[int, list[_Job]] = defaultdict(list)
    for job in jobs:
        by_n[job.n].append(job)
    scores: dict[tuple[int, str], Scores] = {}
    for n, group in by_n.items():
        resampled = resample_all([job.resample for job in group], n, bootstrap, seed)
        scores.update({(job.run, job.side): own for job, own in zip(group, resampled, strict=True)})
    return [
        _with_scores(run, scores.get((index, "system")), scores.get((index, "baseline")), bootstrap)
        for index, run in enumerate(runs)
    ]


def _compute(
    metric: SuiteMetric, system: Any, baseline: Any | None, references: Any, sources: list[str] | None, seed: int
) -> MetricRun:
    own = metric.metric.compute(system, references, sources=sources, seed=seed)
    if baseline is None:
        return MetricRun(metric, own)
    if not metric.metric.paired_inputs:  # an image set: its own score and interval, errors are the user's
        return MetricRun(metric, own, metric.metric.compute(baseline, references, sources=sources, seed=seed))
    try:
        theirs = metric.metric.compute(baseline, references, sources=sources, seed=seed)
    except HarnessError as exc:  # the comparison says why; the system's own score stands
        return MetricRun(metric, own, baseline_error=exc.message)
    return MetricRun(metric, own, theirs)


def _jobs(index: int, run: MetricRun, bootstrap: int) -> list[_Job]:
    if bootstrap < 1:
        return []
    jobs = []
    for side, computed in (("system", run.system), ("baseline", run.baseline)):
        resample = computed.computation.resample if computed is not None else None
        if computed is not None and resample is not None:
            jobs.append(_Job(index, side, resample, computed.size))
    return jobs


def _with_scores(run: MetricRun, system: Scores | None, baseline: Scores | None, bootstrap: int) -> MetricRun:
    paired_error = run.baseline_error
    if run.baseline is not None and run.metric.metric.paired_inputs and bootstrap >= 1:
        try:
            run.metric.metric.paired_resamplers(run.system, run.baseline)
        except HarnessError as exc:
            paired_error = exc.message
    return MetricRun(
        run.metric, run.system, run.baseline, run.baseline_error, system, baseline, paired_error=paired_error
    )
