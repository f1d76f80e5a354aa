"""Evidence: what decided one answer's score, typed, one model per kind.

Every :class:`~harness.results.QuestionResult` carries one :class:`Evidence`. Its ``type``
field names the model, so the log reads back into the model that wrote it: the field is
resolved through a registry that every subclass joins when it is defined (its ``type``
default is the key). The union is open: a third-party kind subclasses :class:`Evidence`
with its own ``type`` and declares it as its kind's ``evidence_model``; a log holding a
type this process does not know (a plugin that is not installed where the report is
rendered) reads back as :class:`OtherEvidence`, every field kept as a JSON value, so it is
re-rendered byte for byte. docs/architecture.md says why this is a registry and not a
closed pydantic union.

The models of the built-in kinds live here, not beside their kinds, so that a report
reads a log typed without importing a kind (and what kinds import: suites, torch).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, JsonValue, model_validator

from harness.checks.result import Finding, TermCount
from harness.records import Record, Text, printable_data

_MODELS: dict[str, type[Evidence]] = {}


class Evidence(Record):
    """The base of every evidence model: its ``type``, and the expected answer.

    ``expected`` is the expected answer of this student's variant (JSON), shown only when the
    result's ``reveal`` allows; it is ``None`` when the grader failed.
    """

    type: str
    expected: JsonValue = None

    registered: ClassVar[bool] = True  # False: a base or fallback model, never looked up

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.__dict__.get("registered", True):
            register_evidence(cls)

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: object) -> object:
        """Evidence can quote the student (ids, outputs): clean it where it enters the log."""
        return printable_data(data) if isinstance(data, Mapping) else data


def register_evidence(model: type[Evidence]) -> None:
    """Add ``model`` to the models evidence is read back into, under its ``type`` default.

    Raises:
        TypeError: ``model`` has no fixed ``type``, or another model already has it.
    """
    name = model.model_fields["type"].default
    if not isinstance(name, str):
        raise TypeError(f"{model.__qualname__}: an evidence model needs a fixed type, e.g. type: Literal['x'] = 'x'")
    known = _MODELS.get(name)
    if known is not None and (known.__module__, known.__qualname__) != (model.__module__, model.__qualname__):
        raise TypeError(
            f"{model.__qualname__}: evidence type {name!r} is taken by {known.__module__}.{known.__qualname__}"
        )
    _MODELS[name] = model


def evidence_model(type_name: str) -> type[Evidence]:
    """The model registered for ``type_name``; :class:`OtherEvidence` for an unknown one."""
    return _MODELS.get(type_name, OtherEvidence)


def parse_evidence(value: object) -> object:
    """A result's evidence from the log (a mapping) as the model its ``type`` names.

    A model instance is kept as it is; anything else is left for pydantic to refuse.
    """
    if isinstance(value, Mapping):
        name = value.get("type")
        return evidence_model(name if isinstance(name, str) else "").model_validate(value)
    return value


class OtherEvidence(Evidence):
    """Evidence of a type this process does not know: its fields kept as JSON values."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, JsonValue] = Field(init=False)
    registered: ClassVar[bool] = False


class UngradedEvidence(Evidence):
    """The answer was not graded: missing, invalid, or the grader failed on it."""

    type: Literal["ungraded"] = "ungraded"


# ------------------------------------------------------------------------------ built-in kinds


class ChoiceEvidence(Evidence):
    """``choice``: the option ids chosen (sorted) and the partial-credit policy applied.
    The order the student was shown is the result's ``option_order``."""

    type: Literal["choice"] = "choice"
    chosen: list[str]
    policy: str


class TrueFalseEvidence(Evidence):
    type: Literal["true_false"] = "true_false"
    given: bool


class ToleranceUsed(Record):
    """The tolerances a numeric answer was held to (``None``: not used)."""

    abs: float | None = None
    rel: float | None = None
    sig_figs: int | None = None


class NumericEvidence(Evidence):
    """``numeric``: the student's number as parsed, and the tolerances; ``expected`` the value."""

    type: Literal["numeric"] = "numeric"
    given: float
    tolerance: ToleranceUsed


class AnswerCut(Record):
    """A text answer longer than the limit: its length, and how much of it was graded."""

    length: int
    graded: int


class TextEvidence(Evidence):
    """``text``: the rubric criteria the (normalised) answer met, and the similarity if scored."""

    type: Literal["text"] = "text"
    criteria_met: list[str]
    similarity: float | None = None
    bare_list: bool = False  # read as a bare list of terms: no criterion was tried
    answer_cut: AnswerCut | None = None


class MatchingEvidence(Evidence):
    """``matching``: the left items matched right and those matched wrong (sorted)."""

    type: Literal["matching"] = "matching"
    right: list[str]
    wrong: list[str]


class OrderingEvidence(Evidence):
    """``ordering``: the order given and the scoring rule applied."""

    type: Literal["ordering"] = "ordering"
    scoring: str
    given: list[str]


class CodeTestVerdict(Record):
    """One code test: its verdict (passed, wrong, error, timeout, missing, raises,
    statistical, property). A hidden test records no p-value: see the code engine."""

    id: str
    passed: bool
    points: float
    visibility: Literal["public", "hidden"]
    verdict: str
    p_value: float | None = None


MAX_SOURCE_CHARS = 20_000  # of a student's code kept in the log, beside the tests it failed


class CodeEvidence(Evidence):
    """``code``: the sandbox backend and every test's verdict; when a test failed, the
    student's own code (their file's source, or a notebook's code cells; cut at
    ``MAX_SOURCE_CHARS``), so the report shows it beside the failed tests. Absent from the
    JSON when every test passed."""

    type: Literal["code"] = "code"
    sandbox: str
    tests: list[CodeTestVerdict]
    source: Text | None = Field(default=None, exclude_if=lambda value: value is None)


class SampleScore(Record):
    id: Text
    score: float


class MetricEvidence(Record):
    """One metric of a generation question: score, interval, threshold, share of the points."""

    id: str
    metric: str
    score: float
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float | None = None
    higher_is_better: bool = True
    threshold: float | None = None
    passed: bool | None = None  # None: no threshold
    weight: float = 1.0
    fraction: float | None = None  # None: reported only, no points
    signature: str
    worst: list[SampleScore] = Field(default_factory=list)


class FlaggedSample(Record):
    """An output a check flagged, with its findings (spans into the output) of medium and high severity."""

    id: Text
    findings: list[Finding]
    output: Text | None = None  # the output itself, so a report can mark the spans where they are


class CheckEvidence(Record):
    """One check of a generation question's suite: its verdict and the first flagged outputs."""

    check: str
    score: float
    gate: str
    passed: bool
    flagged: int
    samples: int
    signature: str
    examples: list[FlaggedSample] = Field(default_factory=list)
    terms: list[TermCount] = Field(default_factory=list)  # bias checks: the counts behind the score


class GenerationEvidence(Evidence):
    """``generation``: the suite, the outputs scored, each metric's result and each check's."""

    type: Literal["generation"] = "generation"
    suite: str
    outputs_sha256: str
    samples: int
    missing: list[Text] = Field(default_factory=list)
    metrics: list[MetricEvidence]
    checks: list[CheckEvidence] = Field(default_factory=list)


# ------------------------------------------------------------------------------ schema version 1

_UNGRADED_V1 = frozenset({"missing", "invalid", "error"})


def upgrade_v1_evidence(kind: str, status: str, evidence: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    """A version-1 result's evidence (an untyped dict) as version 2 writes it.

    Version 1 had no ``type``: an ungraded answer (missing, invalid, error) kept only
    ``expected``; a graded one, its kind's fields. Field names are those of version 2 but
    for the code tests' ``why``, now ``verdict``. A self-check's ``hidden_points`` is moved
    to the result by the caller.
    """
    if status in _UNGRADED_V1:
        return {"type": "ungraded", "expected": evidence.get("expected")}
    upgraded = {key: value for key, value in evidence.items() if key != "hidden_points"}
    upgraded["type"] = kind
    tests = upgraded.get("tests")
    if kind == "code" and isinstance(tests, list):
        upgraded["tests"] = [_upgrade_v1_test(test) for test in tests]
    return upgraded


def _upgrade_v1_test(test: JsonValue) -> JsonValue:
    if not isinstance(test, dict) or "why" not in test:
        return test
    return {("verdict" if key == "why" else key): value for key, value in test.items()}
