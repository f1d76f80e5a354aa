"""Scoring a system's outputs with a suite, and comparing two systems by paired bootstrap.

:func:`read_system` reads what a system produced (a JSONL outputs file for a text suite, a
folder of images for an image suite); :func:`score_system` runs every metric of the suite on it
and :func:`compare_systems` tests it against a baseline, metric by metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.checks.result import CheckResult
from harness.checks.suite import run_suite_checks
from harness.metrics.base import Computed
from harness.suites.images import check_image_folder
from harness.suites.loader import LoadedSuite
from harness.suites.outputs import list_ids, read_text_outputs
from harness.suites.result import MetricComparison, MetricScore, OutputsRef, SampleScore, SuiteRef, SuiteScore
from harness.suites.shared_bootstrap import MetricRun, compute_runs

WORST_SAMPLES = 5


@dataclass(frozen=True)
class SystemOutputs:
    """What one system produced for a suite, aligned with the suite's samples."""

    name: str  # as messages and reports name it
    sha256: str
    ids: list[str]  # sample ids in scoring order (data-set ids, or image paths)
    hypotheses: list[str] | Path  # text outputs in data-set order, or the image folder
    missing: list[str]  # data-set ids with no output (scored as empty strings)

    def ref(self) -> OutputsRef:
        return OutputsRef(name=self.name, sha256=self.sha256, samples=len(self.ids))

    def missing_message(self) -> str:
        return f"{self.name}: no output for {len(self.missing)} id(s): {list_ids(self.missing)}"


@dataclass(frozen=True)
class ScoreSettings:
    """Resampling settings; ``None`` takes the suite's own."""

    seed: int | None = None
    bootstrap: int | None = None
    confidence: float | None = None

    def resolved(self, suite: LoadedSuite) -> tuple[int, int, float]:
        own = suite.suite
        return (
            own.seed if self.seed is None else self.seed,
            own.bootstrap if self.bootstrap is None else self.bootstrap,
            own.confidence if self.confidence is None else self.confidence,
        )


def read_system(suite: LoadedSuite, path: Path, display: str | None = None) -> SystemOutputs:
    """Read a system's outputs for ``suite``: a JSONL file (text) or a folder of images.

    Raises:
        OutputsError: every problem of the file or folder (ids missing from the data set are
            not a problem here: they are in ``missing``).
    """
    shown = display or path.name
    if suite.dataset is None:
        folder = check_image_folder(path, shown)
        return SystemOutputs(shown, folder.sha256(), folder.ids, path, [])
    ids = suite.dataset.ids
    outputs = read_text_outputs(path, shown, ids, suite.id)
    return SystemOutputs(shown, outputs.sha256, ids, outputs.hypotheses(ids), outputs.missing)


@dataclass(frozen=True)
class ScoredSystem:
    """A system scored by a suite and, when a baseline was given, compared with it metric by metric."""

    score: SuiteScore  # the system alone: ``baseline`` and ``comparisons`` are the caller's to add
    comparisons: list[MetricComparison]  # empty without a baseline
    baseline_per_sample: dict[str, list[float]]  # metric label: the baseline's per-sample scores


def score_system(
    suite: LoadedSuite, system: SystemOutputs, settings: ScoreSettings = ScoreSettings(), worst: int = WORST_SAMPLES
) -> SuiteScore:
    """Score ``system`` with every metric of ``suite``.

    Raises:
        HarnessError: a metric cannot score these outputs (an unreadable image, a missing model).
    """
    return score_and_compare(suite, system, None, settings, worst).score


def score_and_compare(
    suite: LoadedSuite,
    system: SystemOutputs,
    baseline: SystemOutputs | None,
    settings: ScoreSettings = ScoreSettings(),
    worst: int = WORST_SAMPLES,
) -> ScoredSystem:
    """Score ``system`` with every metric of ``suite`` and compare it with ``baseline`` (if any).

    Each metric is computed once per system and every bootstrap drawn in one pass
    (:mod:`harness.suites.shared_bootstrap`); the numbers are those of :meth:`Metric.score` and
    :meth:`Metric.paired_bootstrap`. Metrics whose samples are not paired (FID, KID: image sets)
    or that have no meaningful bootstrap (distinct-n) get a note instead of a test.

    Raises:
        HarnessError: a metric cannot score these outputs (an unreadable image, a missing model).
    """
    resolved = settings.resolved(suite)
    seed, bootstrap, confidence = resolved
    references, sources = _references(suite)
    theirs = _hypotheses(baseline) if baseline is not None else None
    runs = compute_runs(suite.metrics, _hypotheses(system), theirs, references, sources, resolved)
    metrics = [_metric_score(run, system, resolved, worst) for run in runs]
    checks = []
    if suite.checks and isinstance(system.hypotheses, list):
        checks = run_suite_checks(suite.checks, system.ids, system.hypotheses, sources)
    verdicts = [m.passed for m in metrics if m.passed is not None] + [c.passed for c in checks]
    deductions = check_deductions(suite, checks)
    deduction = sum(d for d in deductions if d is not None)
    fraction = suite.points_fraction({m.id: m.result.score for m in metrics})
    score = SuiteScore(
        suite=suite_ref(suite),
        outputs=system.ref(),
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        sample_ids=system.ids,
        missing=system.missing,
        metrics=metrics,
        fraction=fraction if fraction is None or not deduction else max(0.0, fraction - deduction),
        passed=all(verdicts) if verdicts else None,
        checks=checks,
        check_deduction=round(deduction, 6),
        check_deductions=deductions if any(d is not None for d in deductions) else [],
    )
    if baseline is None:
        return ScoredSystem(score, [], {})
    comparisons = [_comparison(run, resolved) for run in runs]
    per_sample = {
        run.metric.label: _as_floats(run.baseline) for run in runs if run.baseline and run.metric.metric.paired_inputs
    }
    return ScoredSystem(score, comparisons, per_sample)


def _metric_score(run: MetricRun, system: SystemOutputs, settings: tuple[int, int, float], worst: int) -> MetricScore:
    seed, bootstrap, confidence = settings
    metric = run.metric
    result = metric.metric.finish(run.system, run.system_scores, seed=seed, bootstrap=bootstrap, confidence=confidence)
    return MetricScore(
        id=metric.label,
        result=result,
        threshold=metric.spec.threshold,
        passed=metric.passed(result.score),
        weight=metric.spec.weight,
        fraction=metric.fraction(result.score),
        worst=worst_samples(system.ids, result.per_sample, metric.higher_is_better, worst),
    )


def check_deductions(suite: LoadedSuite, results: list[CheckResult]) -> list[float | None]:
    """The share of the points each check takes off: ``penalty`` x flagged outputs / outputs (a
    flagged output loses ``penalty`` of its share of the points); None for a check without one."""
    deductions: list[float | None] = []
    for suite_check, result in zip(suite.checks, results, strict=True):
        penalty = suite_check.spec.penalty
        share = result.n_flagged / result.n_samples if result.n_samples else 0.0
        deductions.append(None if penalty is None else round(penalty * share, 6))
    return deductions


def compare_systems(
    suite: LoadedSuite, system: SystemOutputs, baseline: SystemOutputs, settings: ScoreSettings = ScoreSettings()
) -> list[MetricComparison]:
    """``system`` against ``baseline`` on every metric of ``suite`` (see :func:`score_and_compare`)."""
    return score_and_compare(suite, system, baseline, settings).comparisons


def _comparison(run: MetricRun, settings: tuple[int, int, float]) -> MetricComparison:
    seed, bootstrap, confidence = settings
    metric, label = run.metric.metric, run.metric.label
    if not metric.paired_inputs and run.baseline is not None:
        own = metric.finish(run.baseline, run.baseline_scores, seed=seed, bootstrap=bootstrap, confidence=confidence)
        unpaired = own.model_copy(update={"per_sample": []})  # the baseline's images are not the system's samples
        note = "not paired (two image sets): compare the confidence intervals"
        return MetricComparison(id=label, baseline=unpaired, note=note)
    if bootstrap < 1:
        return MetricComparison(id=label, note="no paired test with bootstrap 0")
    if run.paired_error is not None or run.baseline is None:
        return MetricComparison(id=label, note=run.paired_error)
    assert run.system_scores is not None and run.baseline_scores is not None  # both resampled: no paired_error
    paired = metric.compare(
        run.system, run.baseline, run.system_scores, run.baseline_scores, seed=seed, confidence=confidence
    )
    return MetricComparison(id=label, paired=paired)


def _as_floats(computed: Computed) -> list[float]:
    floats: list[float] = np.asarray(computed.computation.per_sample, dtype=np.float64).tolist()
    return floats


def worst_samples(ids: Sequence[str], scores: Sequence[float], higher_is_better: bool, count: int) -> list[SampleScore]:
    """The ``count`` samples with the worst scores, worst first (ties in sample order)."""
    values = np.asarray(scores, dtype=np.float64)
    order = np.argsort(values if higher_is_better else -values, kind="stable")
    return [SampleScore(id=ids[i], score=float(values[i])) for i in order[:count]]


def suite_ref(suite: LoadedSuite) -> SuiteRef:
    own = suite.suite
    return SuiteRef(id=own.id, title=own.title, version=own.version, content_hash=suite.content_hash)


def _references(suite: LoadedSuite) -> tuple[object, list[str] | None]:
    if suite.dataset is not None:
        return suite.dataset.references, suite.dataset.sources
    return suite.real_images(), None


def _hypotheses(system: SystemOutputs) -> list[str] | str:
    return system.hypotheses if isinstance(system.hypotheses, list) else str(system.hypotheses)
