"""Loading a metric suite: YAML with positions -> :class:`Suite` -> metric plugins -> data set.

Every problem is collected in one pass and raised together as
:class:`~harness.suites.errors.SuiteErrors`, each at ``file:line:col``: a YAML mistake, a field
of the wrong type, an unknown metric (the message lists the known ones), a bad option, a metric
that cannot read the suite's kind of data, a points curve that runs the wrong way, a bad line
of the data set. Only the metrics the suite names are imported, so a text suite never imports
torch.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from harness.bank.validation import error_message, error_path
from harness.checks.suite import SuiteCheck, build_suite_checks
from harness.errors import HarnessError, YamlError
from harness.metrics.base import Metric, TextMetric
from harness.plugins import registry
from harness.suites.dataset import TextDataset, load_dataset
from harness.suites.errors import CURVE_TAGS, SuiteError, SuiteErrors
from harness.suites.images import IMAGE_SUFFIXES, procedural_real_set
from harness.suites.model import LinearCurve, MetricSpec, PassCurve, PiecewiseCurve, Suite
from harness.yamlsource import PathKey, Positions, load_yaml


@dataclass(frozen=True)
class SuiteMetric:
    """A metric of a suite: what the file says, and the configured plugin."""

    spec: MetricSpec
    metric: Metric[Any, Any]

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def higher_is_better(self) -> bool:
        return self.metric.higher_is_better

    def fraction(self, score: float) -> float | None:
        """The share of this metric's points that ``score`` earns (``None``: it gives no points)."""
        if self.spec.points is None:
            return None
        return self.spec.points.fraction(score, self.higher_is_better, self.spec.threshold)

    def passed(self, score: float) -> bool | None:
        """Whether ``score`` meets the threshold (``None``: the metric has none)."""
        threshold = self.spec.threshold
        if threshold is None:
            return None
        return score >= threshold if self.higher_is_better else score <= threshold


@dataclass(frozen=True)
class LoadedSuite:
    """A validated suite with its metrics and data, ready to score outputs."""

    suite: Suite
    path: Path
    metrics: list[SuiteMetric]
    dataset: TextDataset | None  # text suites
    files: list[Path]  # the suite file and its data files: part of a bank's content hash
    content_hash: str
    checks: list[SuiteCheck] = field(default_factory=list)  # the `checks:` section (harness.checks.suite)

    @property
    def id(self) -> str:
        return self.suite.id

    @property
    def task(self) -> str:
        return self.suite.data.task

    @property
    def size(self) -> int | None:
        """Items in the data set (``None`` for an image suite: any number of images)."""
        return len(self.dataset) if self.dataset is not None else None

    def real_images(self, cache_dir: Path | None = None) -> Path | np.ndarray:
        """The real image set of an image suite (procedural art is drawn on first use)."""
        images = self.suite.data.images
        if images is None:
            raise HarnessError(f"suite {self.id!r} scores text, not images")
        if images.folder is not None:
            return self.path.parent / images.folder
        assert images.procedural is not None  # ImagesData holds exactly one source
        return procedural_real_set(images.procedural, cache_dir)

    def points_fraction(self, scores: dict[str, float]) -> float | None:
        """The weighted share of the points earned by the metrics' scores (by label)."""
        earned = total = 0.0
        for metric in self.metrics:
            fraction = metric.fraction(scores[metric.label])
            if fraction is not None:
                earned += metric.spec.weight * fraction
                total += metric.spec.weight
        return earned / total if total else None


_cache: dict[tuple[str, str], tuple[tuple[tuple[int, int], ...], LoadedSuite]] = {}
_cache_lock = threading.Lock()


def load_suite(path: Path, display: str | None = None) -> LoadedSuite:
    """Load and validate the suite at ``path`` (``display``: its name in messages).

    Suites are cached per process while their files are unchanged, so a cohort loads each once.

    Raises:
        SuiteErrors: every problem found, each with its ``file:line:col``.
    """
    shown = display or str(path)
    key = (str(path.resolve()), shown)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == _stamps(cached[1].files):
        return cached[1]
    loaded = _load(path, shown)
    with _cache_lock:
        _cache[key] = (_stamps(loaded.files), loaded)
    return loaded


def _stamps(files: list[Path]) -> tuple[tuple[int, int], ...]:
    try:
        return tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    except OSError:
        return ()


def _load(path: Path, display: str) -> LoadedSuite:
    try:
        data, positions = load_yaml(path, display)
    except YamlError as exc:
        raise SuiteErrors([SuiteError(exc.message, exc.location)]) from None
    suite = _validate(data, positions)
    errors: list[SuiteError] = []
    metrics = [m for i, spec in enumerate(suite.metrics) if (m := _metric(suite, i, spec, positions, errors))]
    dataset, files = _data(suite, path, display, positions, errors)
    has_sources = dataset is not None and dataset.sources is not None
    checks, problems = build_suite_checks(suite.checks, suite.data.task, has_sources)
    errors += [SuiteError(message, positions.at(where)) for message, where in problems]
    if not suite.gives_points:
        penalised = [i for i, spec in enumerate(suite.checks) if spec.penalty is not None]
        message = "a check's `penalty` takes points off: give one of the suite's metrics a `points` curve"
        errors += [SuiteError(message, positions.at(("checks", i, "penalty"))) for i in penalised]
    if errors:
        raise SuiteErrors(errors)
    files = [path, *files]
    return LoadedSuite(suite, path, metrics, dataset, files, _content_hash(files), checks)


def _validate(data: Any, positions: Positions) -> Suite:
    if not isinstance(data, dict):
        message = "a suite must be a mapping of fields (id, title, version, data, metrics)"
        raise SuiteErrors([SuiteError(message, positions.at(()))])
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            where: PathKey = error_path(data, tuple(error["loc"]), CURVE_TAGS)
            errors.append(SuiteError(error_message(error, where, Suite.model_fields), positions.at(where)))
        raise SuiteErrors(errors) from None


def _metric(
    suite: Suite, index: int, spec: MetricSpec, positions: Positions, errors: list[SuiteError]
) -> SuiteMetric | None:
    at = ("metrics", index)
    labels = [s.label for s in suite.metrics[:index]]
    if spec.label in labels:
        where = positions.at((*at, "id" if spec.id else "metric"))
        errors.append(SuiteError(f"two metrics are labelled {spec.label!r}: give one of them an `id`", where))
    names = registry("metrics").names()
    if spec.metric not in names:
        where = positions.at((*at, "metric"))
        errors.append(SuiteError(f"unknown metric {spec.metric!r} (known metrics: {', '.join(names)})", where))
        return None
    try:
        metric = registry("metrics").get(spec.metric).with_options(**spec.options)
    except HarnessError as exc:
        errors.append(SuiteError(exc.message, positions.at((*at, "options"))))
        return None
    takes_text = isinstance(metric, TextMetric)
    if takes_text != (suite.data.task == "text"):
        what = "text outputs against references" if takes_text else "images"
        data = "`jsonl` data" if takes_text else "`images` data"
        errors.append(SuiteError(f"{spec.metric} scores {what}: it needs {data}", positions.at((*at, "metric"))))
    problem = _curve_problem(spec, metric.higher_is_better)
    if problem:
        errors.append(SuiteError(problem, positions.at((*at, "points"))))
    return SuiteMetric(spec, metric)


def _curve_problem(spec: MetricSpec, higher_is_better: bool) -> str | None:
    """A points curve that rewards the wrong direction, or a pass curve with no mark."""
    curve = spec.points
    better = "higher" if higher_is_better else "lower"
    if isinstance(curve, PassCurve) and curve.at is None and spec.threshold is None:
        return "a pass curve needs `at`, or a `threshold` on the metric"
    if isinstance(curve, LinearCurve) and (curve.full_at > curve.zero_at) != higher_is_better:
        side = "above" if higher_is_better else "below"
        return f"{spec.metric}: {better} is better, so full_at must lie {side} zero_at"
    if isinstance(curve, PiecewiseCurve):
        fractions = [f for _, f in curve.ordered()]
        pairs = list(pairwise(fractions))
        rising = all(a <= b for a, b in pairs) if higher_is_better else all(a >= b for a, b in pairs)
        if not rising:
            return f"{spec.metric}: {better} is better, so a {better} score must never earn a smaller fraction"
    return None


def _data(
    suite: Suite, path: Path, display: str, positions: Positions, errors: list[SuiteError]
) -> tuple[TextDataset | None, list[Path]]:
    base, shown_base = path.parent, Path(display).parent
    if suite.data.jsonl is not None:
        file = base / suite.data.jsonl
        if not file.is_file():
            message = f"data file {suite.data.jsonl!r} not found (paths are relative to the suite)"
            errors.append(SuiteError(message, positions.at(("data", "jsonl"))))
            return None, []
        try:
            return load_dataset(file, (shown_base / suite.data.jsonl).as_posix()), [file]
        except SuiteErrors as exc:
            errors.extend(exc.errors)
            return None, [file]
    images = suite.data.images
    if images is None or images.folder is None:
        return None, []
    folder = base / images.folder
    if not folder.is_dir():
        where = positions.at(("data", "images", "folder"))
        errors.append(SuiteError(f"image folder {images.folder!r} not found (paths are relative to the suite)", where))
        return None, []
    return None, sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def _content_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()
