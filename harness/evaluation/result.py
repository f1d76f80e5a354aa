"""What ``harness eval`` writes: a versioned, typed record that every report is rendered from.

``harness schema --result`` prints its JSON Schema. The same suite, model, task, cache and seed
give byte-identical :meth:`EvalResult.to_json` (no timestamps, no run statistics: whether an
output came from the cache is printed, not recorded).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from harness.models.base import GenerationParams
from harness.records import Record
from harness.suites.result import Gate, SuiteScore

__all__ = ["BaselineRef", "Comparison", "EvalResult", "Gate", "ModelRef", "SampleRecord", "TaskRef", "Verdict"]

SCHEMA_VERSION = 1
Verdict = Literal["better", "worse", "no significant difference", "not compared"]


class ModelRef(Record):
    """The model: its adapter, target, options (never a key) and identity (files hash or endpoint)."""

    adapter: str
    target: str
    options: dict[str, str] = Field(default_factory=dict)
    identity: str


class TaskRef(Record):
    """How the prompts were made: the template's hash, the generation parameters, samples, few-shot."""

    source: str = ""  # where the task came from: a task file, the suite's `task:`, or the default
    prompt_sha256: str
    generation: GenerationParams
    samples: int
    fewshot: dict[str, int] | None = None


class SampleRecord(Record):
    """One item: what the model was asked, what it answered (every sample), the references."""

    id: str
    prompt: str
    output: str  # the first sample: what the metrics score
    samples: list[str] = Field(default_factory=list)  # every sample, when the task asks for more than one
    references: list[str]
    source: str | None = None


class Comparison(Record):
    """One metric against the baseline: a paired bootstrap test, Holm-corrected over the metrics."""

    metric: str
    verdict: Verdict
    method: str  # e.g. "paired bootstrap (1000 resamples, seed 0), Holm over 2 metrics"
    alpha: float
    score: float | None = None
    baseline_score: float | None = None
    delta: float | None = None  # score - baseline_score
    ci_low: float | None = None  # interval of delta
    ci_high: float | None = None
    confidence: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None  # Holm
    higher_is_better: bool = True
    baseline_per_sample: list[float] = Field(default_factory=list)  # aligned with score.sample_ids
    note: str | None = None  # why there is no test


class BaselineRef(Record):
    name: str  # the file as given
    sha256: str
    model: ModelRef | None = None  # when the baseline is a previous eval run


class EvalResult(Record):
    """A model evaluated on a suite, gated, and optionally compared with a baseline run."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["harness-eval"] = "harness-eval"
    model: ModelRef
    task: TaskRef
    score: SuiteScore  # metrics, intervals, signatures, checks
    samples: list[SampleRecord]
    alpha: float
    baseline: BaselineRef | None = None
    comparisons: list[Comparison] = Field(default_factory=list)
    gate: Gate

    @property
    def passed(self) -> bool:
        return self.gate.passed

    def to_json(self) -> str:
        """Deterministic JSON (declaration order, two-space indent, trailing newline)."""
        return self.model_dump_json(indent=2) + "\n"


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`EvalResult` (``harness schema --result``)."""
    schema = EvalResult.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "genai-harness eval result"
    return schema
