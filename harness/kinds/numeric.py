"""``numeric``: a number (or a formula over the parameters) with tolerances."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from harness.bank.expressions import ExpressionError
from harness.bank.schema import Model, Question, parameter_names, parse_formula
from harness.bank.variants import Variant
from harness.errors import AnswerError
from harness.evidence import NumericEvidence, ToleranceUsed
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.labels import type_name

_FRACTION = re.compile(r"^\s*([-+]?[\d.]+(?:e[-+]?\d+)?)\s*/\s*([-+]?[\d.]+(?:e[-+]?\d+)?)\s*$", re.I)
DEFAULT_REL = 1e-9


class Tolerance(Model):
    abs: float | None = Field(default=None, ge=0)
    rel: float | None = Field(default=None, ge=0, lt=1)
    sig_figs: int | None = Field(default=None, ge=1, le=15)

    @model_validator(mode="after")
    def _something(self) -> Tolerance:
        if self.abs is None and self.rel is None and self.sig_figs is None:
            raise ValueError("a tolerance needs abs, rel or sig_figs")
        return self


class NumericQuestion(Question):
    kind: Literal["numeric"] = "numeric"
    answer: float | str
    tolerance: Tolerance = Field(default_factory=lambda: Tolerance(rel=DEFAULT_REL))

    @field_validator("answer")
    @classmethod
    def _formula(cls, value: float | str, info: ValidationInfo) -> float | str:
        parse_formula(value, parameter_names(info))  # constant formulas are fine too
        return value


class NumericKind(QuestionKind[NumericQuestion]):
    name = "numeric"
    answer_decides_grade = True
    model = NumericQuestion
    evidence_model = NumericEvidence
    description = "a number, with absolute, relative or significant-figure tolerance"
    example = KindExample(
        question={
            "id": "ex-numeric",
            "kind": "numeric",
            "prompt": "MLE of p after {{ k }} heads in {{ n }}?",
            "parameters": {"n": {"int": [10, 10]}, "k": {"int": [3, 3]}},
            "answer": "k / n",
            "tolerance": {"abs": 0.001},
        },
        right="3/10",
        wrong=0.5,
    )

    def probe(self, question: NumericQuestion, variant: Variant) -> None:
        """The texts, and the ``answer`` formula, which must give a number."""
        super().probe(question, variant)
        if isinstance(question.answer, str):
            value = variant.evaluate(question.answer)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ExpressionError(f"answer formula gives {value!r}, not a number")

    def parse_answer(self, question: NumericQuestion, raw: Any, ctx: GradeContext) -> float:
        return parse_number(raw)

    def _grade(self, question: NumericQuestion, answer: float, ctx: GradeContext) -> Outcome:
        expected = float(self.expected(question, ctx))
        tol = question.tolerance
        checks = {
            "abs": tol.abs is not None and abs(answer - expected) <= tol.abs + 1e-12,
            "rel": tol.rel is not None and abs(answer - expected) <= tol.rel * abs(expected) + 1e-12,
            "sig_figs": tol.sig_figs is not None
            and round_sig(answer, tol.sig_figs) == round_sig(expected, tol.sig_figs),
        }
        passed = any(checks.values())
        feedback = []
        if not passed and ctx.reveal:
            feedback.append("Your answer is too high." if answer > expected else "Your answer is too low.")
        evidence = NumericEvidence(
            given=answer, tolerance=ToleranceUsed(abs=tol.abs, rel=tol.rel, sig_figs=tol.sig_figs)
        )
        return Outcome(1.0 if passed else 0.0, feedback, evidence)

    def expected(self, question: NumericQuestion, ctx: GradeContext) -> Any:
        return ctx.variant.evaluate(question.answer)


def parse_number(raw: Any) -> float:
    """A student's number: 0.3, "0.3", "3/10", "30%", "3e-1".

    Raises:
        AnswerError: not a finite number in one of those forms.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise AnswerError(f"expected a number, got {type_name(raw)}")
    value = _from_text(raw) if isinstance(raw, str) else float(raw)
    if not math.isfinite(value):
        raise AnswerError("expected a finite number")
    return value


def _from_text(text: str) -> float:
    cleaned = text.strip().replace("\u2212", "-")
    try:
        if cleaned.endswith("%"):
            return float(cleaned[:-1]) / 100
        fraction = _FRACTION.match(cleaned)
        if fraction:
            return float(fraction.group(1)) / float(fraction.group(2))
        return float(cleaned)
    except (ValueError, ZeroDivisionError):
        raise AnswerError(f"expected a number, got {text[:40]!r}") from None


def round_sig(value: float, figures: int) -> float:
    """``value`` rounded to ``figures`` significant figures."""
    if value == 0:
        return 0.0
    return round(value, figures - 1 - math.floor(math.log10(abs(value))))
