"""The check plugin contract.

A check is a class registered in the ``harness.checks`` entry-point group. The public
:meth:`Check.run` is the template (like :meth:`harness.metrics.base.Metric.score`): it validates
the inputs (every field the check needs, for every sample), calls the subclass's small
``_compute``, rounds every number to 6 decimals, holds the corpus score to the check's gate and
attaches a :class:`CheckSignature` (check, rule version, options and thresholds, hashes of the
word lists or knowledge files read, or the model used). Two shapes are ready to fill in:

- :class:`SampleCheck` (grounded, self_consistency, reference_facts): ``_check_sample`` finds what
  is wrong with one output; a sample is flagged when it has a finding at ``min_severity`` or
  above, and the corpus score is the share of outputs not flagged (higher is better).
- :class:`Check` itself for checks over a whole set of outputs (the bias checks): fill in
  ``_compute``.

Checks are deterministic: no clock, no unseeded randomness, sorted iteration, so the same
inputs and options give byte-identical ``to_json()``. Lexical checks import nothing heavier
than the standard library and PyYAML; a check that needs torch imports it in its methods.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

import harness
from harness.checks.result import (
    SEVERITY_RANK,
    CheckResult,
    CheckSignature,
    Finding,
    OptionValue,
    SampleResult,
    Severity,
    TermCount,
)
from harness.errors import HarnessError

__all__ = [
    "Check",
    "CheckExample",
    "CheckInputs",
    "CheckOptions",
    "CheckUnavailableError",
    "Computation",
    "SampleCheck",
    "SampleCheckOptions",
    "SampleOutcome",
    "file_hash",
]

InputField = Literal["sources", "samples", "counterfactuals"]
DECIMALS = 6


class CheckUnavailableError(HarnessError):
    """The check needs something that is not installed or not given (an extra, a local model)."""


class CheckOptions(BaseModel):
    """Base of every check's options: frozen, unknown names are an error.

    ``gate`` is the corpus score the check must reach (at least, or at most for a check whose
    lower scores are better) for the run to pass; ``None`` reports without gating.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see harness.records.Record

    gate: float | None = None


class SampleCheckOptions(CheckOptions):
    """Options shared by the per-sample checks."""

    gate: float | None = Field(default=1.0, ge=0, le=1)  # share of outputs that must not be flagged
    min_severity: Severity = "medium"  # findings below it are reported but do not flag an output


@dataclass(frozen=True)
class CheckInputs:
    """Validated inputs: one entry per sample, aligned by position."""

    ids: list[str]
    outputs: list[str]
    sources: list[str] | None = None
    samples: list[list[str]] | None = None
    counterfactuals: list[str] | None = None

    @property
    def size(self) -> int:
        return len(self.outputs)


@dataclass(frozen=True)
class CheckExample:
    """Small inputs on which a check runs (the common contract test uses them)."""

    outputs: Sequence[str]
    sources: Sequence[str] | None = None
    samples: Sequence[Sequence[str]] | None = None
    counterfactuals: Sequence[str] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def inputs(self) -> dict[str, Any]:
        return {"sources": self.sources, "samples": self.samples, "counterfactuals": self.counterfactuals}


@dataclass(frozen=True)
class Computation:
    """What ``_compute`` returns: the corpus score, every sample's result, sub-scores, counts."""

    score: float
    samples: list[SampleResult]
    extra: dict[str, float] = field(default_factory=dict)
    terms: list[TermCount] = field(default_factory=list)


@dataclass(frozen=True)
class SampleOutcome:
    """What ``SampleCheck._check_sample`` returns for one output."""

    score: float
    findings: list[Finding]
    details: dict[str, float] = field(default_factory=dict)


OptionsT = TypeVar("OptionsT", bound=CheckOptions)


class Check(ABC, Generic[OptionsT]):
    """Base class of every check (see the module docstring)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    version: ClassVar[int] = 1  # bump when the rules change: results are then not comparable
    options_model: ClassVar[type[CheckOptions]] = CheckOptions
    needs: ClassVar[frozenset[InputField]] = frozenset()
    higher_is_better: ClassVar[bool] = True
    example: ClassVar[CheckExample]

    def __init__(self, **options: Any) -> None:
        """Build the check with ``options`` (its ``options_model`` fields; defaults for the rest).

        Raises:
            HarnessError: an unknown option or a bad value; the message lists the known options.
        """
        try:
            self.options: OptionsT = cast(OptionsT, self.options_model.model_validate(options))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'options'}: {e['msg']}" for e in exc.errors())
            known = ", ".join(self.options_model.model_fields) or "none"
            raise HarnessError(f"{self.name}: bad options ({problems}); known options: {known}") from None

    def with_options(self, **changes: Any) -> Self:
        """A copy of this check with some options changed."""
        return type(self)(**{**self.options.model_dump(), **changes})

    # -- the template -----------------------------------------------------------------------

    def run(
        self,
        outputs: Sequence[str],
        *,
        ids: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        samples: Sequence[Sequence[str]] | None = None,
        counterfactuals: Sequence[str] | None = None,
    ) -> CheckResult:
        """Check ``outputs`` (with the ``sources``, further ``samples`` or ``counterfactuals``
        the check needs, aligned with ``outputs``; ``ids`` name the samples, default "0", "1", ...).

        Raises:
            HarnessError: a missing or malformed input (the message names the sample and field).
            CheckUnavailableError: the check needs an extra package or a local model.
        """
        inputs = self._validate(outputs, ids, sources, samples, counterfactuals)
        computed = self._compute(inputs)
        score = _round(computed.score)
        samples_out = [_rounded_sample(sample) for sample in computed.samples]
        return CheckResult(
            check=self.name,
            description=self.description,
            score=score,
            higher_is_better=self.higher_is_better,
            gate=self.options.gate,
            gate_rule=self._gate_rule(),
            passed=self._passes(score, computed),
            n_samples=inputs.size,
            n_flagged=sum(sample.flagged for sample in samples_out),
            extra={key: _round(value) for key, value in sorted(computed.extra.items())},
            terms=[term.model_copy(update={"count": _round(term.count)}) for term in computed.terms],
            samples=samples_out,
            signature=self.signature(),
        )

    def signature(self) -> CheckSignature:
        """The reproducibility signature of a result computed with these options."""
        return CheckSignature(
            check=self.name,
            version=self.version,
            options=self._signature_options(),
            resources=dict(sorted(self._resources().items())),
            harness=harness.__version__,
        )

    # -- what subclasses may override ---------------------------------------------------------

    def _passes(self, score: float, computed: Computation) -> bool:
        """Whether the corpus score meets the gate (always, when there is none)."""
        gate = self.options.gate
        if gate is None:
            return True
        return score >= gate if self.higher_is_better else score <= gate

    def _gate_rule(self) -> str:
        """The verdict in words, for tables and reports (subclasses with their own ``_passes`` say theirs)."""
        gate = self.options.gate
        if gate is None:
            return "none"
        return f"score {'>=' if self.higher_is_better else '<='} {gate:g}"

    def _signature_options(self) -> dict[str, OptionValue]:
        values: dict[str, OptionValue] = {}
        for key, value in self.options.model_dump().items():
            values[key] = value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
        return values

    def _resources(self) -> dict[str, str]:
        """Word lists, knowledge files or models read, by name: their sha256 (12 hex digits)."""
        return {}

    @abstractmethod
    def _compute(self, inputs: CheckInputs) -> Computation:
        """Check validated inputs."""

    # -- validation -------------------------------------------------------------------------

    def _validate(
        self,
        outputs: Sequence[str],
        ids: Sequence[str] | None,
        sources: Sequence[str] | None,
        samples: Sequence[Sequence[str]] | None,
        counterfactuals: Sequence[str] | None,
    ) -> CheckInputs:
        outputs = _strings(self.name, "outputs", outputs)
        if not outputs:
            raise HarnessError(f"{self.name}: no outputs to check")
        names = [str(i) for i in range(len(outputs))] if ids is None else _strings(self.name, "ids", ids)
        if len(names) != len(outputs):
            raise HarnessError(f"{self.name}: {len(outputs)} outputs but {len(names)} ids")
        given = {"sources": sources, "samples": samples, "counterfactuals": counterfactuals}
        for needed in sorted(self.needs):
            if given[needed] is None:
                raise HarnessError(f"{self.name} needs {needed} (one per output); none were given")
        checked_sources = _aligned(self.name, "sources", sources, names)
        checked_counter = _aligned(self.name, "counterfactuals", counterfactuals, names)
        checked_samples = None
        if samples is not None:
            if len(samples) != len(outputs):
                raise HarnessError(f"{self.name}: {len(outputs)} outputs but {len(samples)} lists of samples")
            checked_samples = [_strings(self.name, f"samples of {names[i]!r}", s) for i, s in enumerate(samples)]
            if "samples" in self.needs:
                for name, others in zip(names, checked_samples, strict=True):
                    if not others:
                        raise HarnessError(f"{self.name}: output {name!r} has no further samples to compare with")
        return CheckInputs(names, outputs, checked_sources, checked_samples, checked_counter)


class SampleCheck(Check[OptionsT]):
    """A check that judges each output on its own (see the module docstring)."""

    options_model: ClassVar[type[CheckOptions]] = SampleCheckOptions

    def _compute(self, inputs: CheckInputs) -> Computation:
        floor = SEVERITY_RANK[cast(SampleCheckOptions, self.options).min_severity]
        results: list[SampleResult] = []
        for index, name in enumerate(inputs.ids):
            outcome = self._check_sample(index, inputs)
            findings = sorted(outcome.findings, key=lambda f: (f.start, f.end, f.kind, f.text))
            flagged = any(SEVERITY_RANK[f.severity] >= floor for f in findings)
            results.append(
                SampleResult(id=name, score=outcome.score, flagged=flagged, findings=findings, details=outcome.details)
            )
        clean = sum(not sample.flagged for sample in results) / len(results)
        return Computation(score=clean, samples=results)

    @abstractmethod
    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        """What is wrong with output ``index`` (its source, samples, ... are in ``inputs``)."""


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes, 12 hex digits (as signatures show it)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _round(value: float) -> float:
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise HarnessError(f"a check produced a non-finite number ({value})")
    return round(value, DECIMALS) + 0.0  # + 0.0: no "-0.0" in the JSON


def _rounded_sample(sample: SampleResult) -> SampleResult:
    return sample.model_copy(
        update={"score": _round(sample.score), "details": {k: _round(v) for k, v in sorted(sample.details.items())}}
    )


def _strings(check: str, what: str, values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise HarnessError(f"{check}: {what} must be a list of strings, not {type(values).__name__}")
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise HarnessError(f"{check}: {what}[{index}] is {type(value).__name__}, not a string")
    return list(values)


def _aligned(check: str, what: str, values: Sequence[str] | None, ids: list[str]) -> list[str] | None:
    if values is None:
        return None
    checked = _strings(check, what, values)
    if len(checked) != len(ids):
        raise HarnessError(f"{check}: {len(ids)} outputs but {len(checked)} {what}")
    return checked
