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
from harness.errors import HarnessError
from harness.suites.images import check_image_folder
from harness.suites.loader import LoadedSuite, SuiteMetric
from harness.suites.outputs import list_ids, read_text_outputs
from harness.suites.result import MetricComparison, MetricScore, OutputsRef, SampleScore, SuiteRef, SuiteScore

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


def score_system(
    suite: LoadedSuite, system: SystemOutputs, settings: ScoreSettings = ScoreSettings(), worst: int = WORST_SAMPLES
) -> SuiteScore:
    """Score ``system`` with every metric of ``suite``.

    Raises:
        HarnessError: a metric cannot score these outputs (an unreadable image, a missing model).
    """
    seed, bootstrap, confidence = settings.resolved(suite)
    metrics = []
    references, sources = _references(suite)
    for metric in suite.metrics:
        result = metric.metric.score(
            _hypotheses(system), references, sources=sources, seed=seed, bootstrap=bootstrap, confidence=confidence
        )
        metrics.append(
            MetricScore(
                id=metric.label,
                result=result,
                threshold=metric.spec.threshold,
                passed=metric.passed(result.score),
                weight=metric.spec.weight,
                fraction=metric.fraction(result.score),
                worst=worst_samples(system.ids, result.per_sample, metric.higher_is_better, worst),
            )
        )
    checks = []
    if suite.checks and isinstance(system.hypotheses, list):
        checks = run_suite_checks(suite.checks, system.ids, system.hypotheses, sources)
    verdicts = [m.passed for m in metrics if m.passed is not None] + [c.passed for c in checks]
    deductions = check_deductions(suite, checks)
    deduction = sum(d for d in deductions if d is not None)
    fraction = suite.points_fraction({m.id: m.result.score for m in metrics})
    return SuiteScore(
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
    """``system`` against ``baseline`` on every metric of ``suite`` (paired bootstrap).

    Metrics whose samples are not paired (FID, KID: image sets) or that have no meaningful
    bootstrap (distinct-n) get a note instead of a test.
    """
    resolved = settings.resolved(suite)
    references, sources = _references(suite)
    return [_compare(metric, references, sources, system, baseline, *resolved) for metric in suite.metrics]


def _compare(
    metric: SuiteMetric,
    references: object,
    sources: list[str] | None,
    system: SystemOutputs,
    baseline: SystemOutputs,
    seed: int,
    bootstrap: int,
    confidence: float,
) -> MetricComparison:
    if not metric.metric.paired_inputs:
        own = metric.metric.score(
            _hypotheses(baseline), references, sources=sources, seed=seed, bootstrap=bootstrap, confidence=confidence
        )
        unpaired = own.model_copy(update={"per_sample": []})  # the baseline's images are not the system's samples
        note = "not paired (two image sets): compare the confidence intervals"
        return MetricComparison(id=metric.label, baseline=unpaired, note=note)
    if bootstrap < 1:
        return MetricComparison(id=metric.label, note="no paired test with bootstrap 0")
    try:
        paired = metric.metric.paired_bootstrap(
            _hypotheses(system),
            _hypotheses(baseline),
            references,
            sources=sources,
            seed=seed,
            bootstrap=bootstrap,
            confidence=confidence,
        )
    except HarnessError as exc:  # e.g. distinct-n: no meaningful bootstrap
        return MetricComparison(id=metric.label, note=exc.message)
    return MetricComparison(id=metric.label, paired=paired)


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
