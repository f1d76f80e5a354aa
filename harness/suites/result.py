"""What scoring a system with a suite writes: a versioned, typed record (``harness score --json``).

The same suite, outputs, seed and bootstrap give byte-identical :meth:`SuiteScore.to_json`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.checks.result import CheckResult
from harness.metrics.result import MetricResult, PairedResult
from harness.records import Record

SCHEMA_VERSION = 1
Verdict = Literal["better", "worse", "no significant difference", "not compared"]


class SuiteRef(Record):
    id: str
    title: str
    version: str
    content_hash: str  # sha256 over the suite file and its data files


class OutputsRef(Record):
    """A system's outputs: the file (or folder) name as given, a hash of its content, its size."""

    name: str
    sha256: str
    samples: int


class SampleScore(Record):
    id: str
    score: float


class MetricScore(Record):
    """One metric of the suite on one system."""

    id: str  # the suite's label for the metric
    result: MetricResult  # score, interval, per-sample scores, signature
    threshold: float | None = None
    passed: bool | None = None  # None: no threshold
    weight: float = 1.0
    fraction: float | None = None  # share of this metric's points earned; None: it gives none
    worst: list[SampleScore]  # the samples that pulled the score down most, worst first


class MetricComparison(Record):
    """The system against a baseline on one metric, by paired bootstrap resampling."""

    id: str
    paired: PairedResult | None = None
    baseline: MetricResult | None = None  # unpaired metrics (image sets): the baseline's own score
    note: str | None = None  # why there is no paired test
    # Holm-adjusted p-value over the suite's tested metrics (harness score with a baseline);
    # the verdict is read from it when present, from the raw p-value otherwise
    p_adjusted: float | None = None

    def verdict(self, alpha: float = 0.05) -> Verdict:
        if self.paired is None:
            return "not compared"
        p_value = self.p_adjusted if self.p_adjusted is not None else self.paired.p_value
        if p_value >= alpha or self.paired.difference == 0:
            return "no significant difference"
        better = self.paired.difference > 0 if self.paired.higher_is_better else self.paired.difference < 0
        return "better" if better else "worse"


class Gate(Record):
    """The verdict: every threshold met, every check held, no metric significantly worse."""

    passed: bool
    reasons: list[str] = Field(default_factory=list)  # one line per failure


class SuiteScore(Record):
    """A system scored by a suite, and optionally compared with a baseline."""

    schema_version: int = SCHEMA_VERSION
    suite: SuiteRef
    outputs: OutputsRef
    seed: int
    bootstrap: int
    confidence: float
    sample_ids: list[str]
    missing: list[str]  # data-set ids with no output, scored as empty
    metrics: list[MetricScore]
    fraction: float | None  # weighted share of the suite's points; None: the suite gives none
    passed: bool | None  # every threshold and check gate met; None: the suite sets none
    baseline: OutputsRef | None = None
    comparisons: list[MetricComparison] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)  # the suite's checks on these outputs
    # share of the suite's points taken off for flagged outputs (checks with a `penalty`), already
    # out of `fraction`; each check's part, in the order of `checks` (None: reported, not graded)
    check_deduction: float = 0.0
    check_deductions: list[float | None] = Field(default_factory=list)
    # harness score: the significance level of the comparisons, and the CI gate (as harness eval's)
    alpha: float | None = None
    gate: Gate | None = None

    def metric(self, label: str) -> MetricScore:
        return next(m for m in self.metrics if m.id == label)

    def to_json(self) -> str:
        """Deterministic JSON (declaration order, two-space indent, trailing newline)."""
        return self.model_dump_json(indent=2) + "\n"
