"""What a check writes to the result log: findings, per-sample results, the corpus verdict.

Every record is a frozen pydantic model with a ``schema_version``; ``to_json`` is
deterministic (declaration order, floats rounded to 6 decimals by the check), so the same
inputs and options give byte-identical JSON.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

Severity = Literal["low", "medium", "high"]
SEVERITY_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}
NOTHING_SUPPORTS_IT = "nothing in the source supports it"

OptionValue = str | int | float | bool | None


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see harness.records.Record


class Finding(_Frozen):
    """One thing a check flagged in one output.

    ``start``/``end`` are character offsets into the output (``output[start:end] == text``).
    ``source_sentence`` is the source (or other sample, or fact) that the span was compared
    with; ``None`` means that nothing supports it (``note`` says so in words).
    """

    start: int
    end: int
    text: str
    kind: str
    severity: Severity
    evidence: str
    source_sentence: str | None = None
    note: str = ""


class SampleResult(_Frozen):
    """One output checked: its score (the check's direction), whether it was flagged, why."""

    id: str
    score: float
    flagged: bool
    findings: list[Finding] = Field(default_factory=list)
    details: dict[str, float] = Field(default_factory=dict)


class TermCount(_Frozen):
    """A word-list term and how often it was counted: what drove a bias score."""

    term: str
    group: str
    count: float
    target: str | None = None  # association: the target word it co-occurred with


class CheckSignature(_Frozen):
    """Everything needed to reproduce a check's result.

    ``str(signature)`` gives e.g. ``grounded|v:1|support:0.6|lists:facts=3f2a9c1d04be|harness:0.1.0``:
    the check, its version (bumped whenever its rules change), its options and thresholds,
    the sha256 (12 hex digits) of every word list or knowledge file it read, or the model it
    used, and the harness version.
    """

    check: str
    version: int
    options: dict[str, OptionValue] = Field(default_factory=dict)
    resources: dict[str, str] = Field(default_factory=dict)
    harness: str

    def format(self) -> str:
        parts = [self.check, f"v:{self.version}"]
        parts += [f"{key}:{_format(value)}" for key, value in self.options.items()]
        if self.resources:
            parts.append("res:" + ",".join(f"{key}={value}" for key, value in self.resources.items()))
        parts.append(f"harness:{self.harness}")
        return "|".join(parts)

    def __str__(self) -> str:
        return self.format()


class CheckResult(_Frozen):
    """A set of outputs checked by one check.

    ``score`` is the corpus score (``higher_is_better`` says which way is good), ``gate`` the
    pass mark it is held to and ``passed`` the verdict. ``terms`` lists, for bias checks, the
    counts that drove the score; ``extra`` holds sub-scores (a p-value, an interval, ...).
    """

    schema_version: int = SCHEMA_VERSION
    check: str
    description: str
    score: float
    higher_is_better: bool
    gate: float | None
    gate_rule: str  # the verdict in words: "score >= 1", "|score - 0.5| <= 0.1", "none"
    passed: bool
    n_samples: int
    n_flagged: int
    extra: dict[str, float] = Field(default_factory=dict)
    terms: list[TermCount] = Field(default_factory=list)
    samples: list[SampleResult] = Field(default_factory=list)
    signature: CheckSignature

    def flagged(self) -> list[SampleResult]:
        return [sample for sample in self.samples if sample.flagged]

    def to_json(self) -> str:
        """Deterministic JSON (declaration order, two-space indent, trailing newline)."""
        return self.model_dump_json(indent=2) + "\n"


def _format(value: OptionValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else str(value)
