"""Pydantic models of a question bank: the fields every question shares, and the bank file.

Each question kind (a plugin in ``harness.kinds``) subclasses :class:`Question` with its own
fields; the loader picks the model from the question's ``kind``. See docs/bank-format.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from harness.bank.expressions import CONSTANTS, FUNCTIONS, Expression

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# YAML reads `.inf` and `.nan` as numbers; as points either makes every score meaningless
Points = Annotated[float, Field(allow_inf_nan=False)]
RESERVED_NAMES = frozenset(FUNCTIONS) | frozenset(CONSTANTS)
TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


class Model(BaseModel):
    """Strict base: unknown fields are errors, so a typo never passes silently."""

    # built when first used (a run uses few of the kinds' models): see harness.records.Record
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)


class Tags(Model):
    topic: str | None = None
    difficulty: Literal["easy", "medium", "hard"] | None = None
    objective: str | None = None
    source: str | None = None
    labels: list[str] = Field(default_factory=list)


class Feedback(Model):
    explanation: str | None = None  # always shown once the question is graded
    correct: str | None = None
    partial: str | None = None
    incorrect: str | None = None


class AfterDate(Model):
    after: dt.date


Visibility = Literal["public", "hidden"] | AfterDate


class Example(Model):
    """An answer the instructor has graded by hand, with the score the kind must give it.

    ``harness validate`` grades every example with the question's own kind and reports each
    one that scores otherwise (see :mod:`harness.grading.examples`). ``score`` is in points: one
    number, or ``[low, high]`` when any score in that range is right.
    """

    answer: Any
    score: float | tuple[float, float]
    student: str | None = None  # whose variant: required when the question has parameters
    note: str | None = None  # why this example is here ("paraphrase", "misconception: ...")

    @field_validator("score")
    @classmethod
    def _score_range(cls, value: float | tuple[float, float]) -> float | tuple[float, float]:
        low, high = value if isinstance(value, tuple) else (value, value)
        if not (0 <= low <= high < math.inf):  # NaN fails every comparison
            raise ValueError(f"score [{low:g}, {high:g}] is not a range of points >= 0")
        return value


class IntParameter(Model):
    int: tuple[int, int]  # inclusive range

    @model_validator(mode="after")
    def _ordered(self) -> IntParameter:
        if self.int[0] > self.int[1]:
            raise ValueError(f"empty range [{self.int[0]}, {self.int[1]}]")
        return self


class FloatParameter(Model):
    float: tuple[float, float]
    decimals: int = Field(default=2, ge=0, le=12)

    @model_validator(mode="after")
    def _ordered(self) -> FloatParameter:
        if self.float[0] > self.float[1]:
            raise ValueError(f"empty range [{self.float[0]}, {self.float[1]}]")
        return self


class ChoiceParameter(Model):
    choice: list[str | int | float] = Field(min_length=1)


Parameter = IntParameter | FloatParameter | ChoiceParameter


class Question(Model):
    """Fields shared by every kind. Kinds add theirs in a subclass.

    ``parameters`` come before the fields that use them: field validators see the
    parameters already validated (``info.data``), so a bad formula is reported at its own
    line rather than at the question's.
    """

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=120)]
    kind: str
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    constraints: list[str] = Field(default_factory=list)
    prompt: str = Field(min_length=1)
    points: Points | None = Field(default=None, gt=0)
    feedback: Feedback = Field(default_factory=Feedback)
    tags: Tags = Field(default_factory=Tags)
    visibility: Visibility = "public"
    # Tests of the bank, not part of what it grades: left out of dumps, so of the bank's hash.
    examples: list[Example] = Field(default_factory=list, exclude=True)

    @field_validator("feedback", mode="before")
    @classmethod
    def _feedback_string(cls, value: Any) -> Any:
        return {"explanation": value} if isinstance(value, str) else value

    @field_validator("parameters")
    @classmethod
    def _parameter_names(cls, value: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in value:
            if not name.isidentifier() or name in RESERVED_NAMES:
                raise ValueError(f"parameter name {name!r} is not a usable identifier")
        return value

    @field_validator("constraints")
    @classmethod
    def _constraints(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for text in value:
            parse_formula(text, parameter_names(info))
        return value

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, value: str, info: ValidationInfo) -> str:
        check_templates(value, parameter_names(info))
        return value

    @property
    def max_points(self) -> float:
        """The question's points; kinds that can derive a default override this."""
        return self.points if self.points is not None else 1.0

    @property
    def parameterized(self) -> bool:
        return bool(self.parameters)

    def content_files(self) -> list[Path]:
        """Files the question depends on (reference solutions...): part of the bank's hash."""
        return []

    def templated_texts(self) -> list[str]:
        """Texts that may hold ``{{ expression }}``; kinds extend this (option texts)."""
        return [self.prompt]

    def visibility_label(self) -> str:
        if isinstance(self.visibility, AfterDate):
            return f"after {self.visibility.after.isoformat()}"
        return self.visibility

    def is_public_on(self, today: dt.date) -> bool:
        """Whether a student's self-check may grade this question (and reveal its answer)."""
        if isinstance(self.visibility, AfterDate):
            return today >= self.visibility.after
        return self.visibility == "public"


def parameter_names(info: ValidationInfo) -> set[str]:
    """The names a formula may use, from the fields validated so far."""
    return set(info.data.get("parameters") or {})


def check_templates(text: str, names: set[str]) -> None:
    """Every ``{{ expression }}`` in ``text`` must be a formula over ``names``."""
    for match in TEMPLATE.finditer(text):
        parse_formula(match.group(1), names)


def parse_formula(value: Any, names: set[str]) -> Any:
    """Validate a number-or-formula field: strings must be formulas over ``names``."""
    if isinstance(value, str):
        Expression.parse(value, names)  # ExpressionError is a ValueError: pydantic reports it
    return value


class BankPart(Model):
    """An included file: questions, with their own defaults and synonyms.

    Questions are kept raw here; the loader validates each with its kind's model.
    """

    include: list[str] = Field(default_factory=list)
    defaults: dict[str, Any] = Field(default_factory=dict)
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    questions: list[Any] = Field(default_factory=list)

    @field_validator("defaults")
    @classmethod
    def _defaults_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        allowed = {"points", "feedback", "tags", "visibility"}
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValueError(f"defaults may set {sorted(allowed)}, not {unknown[0]!r}")
        return value


class BankHeader(BankPart):
    """The top file of a bank: a part that also names the bank."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
    title: str
    version: str
    description: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_string(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value
