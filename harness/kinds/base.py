"""The question-kind plugin contract.

A kind is a class registered in the ``harness.kinds`` entry-point group. It declares the
pydantic model of its questions (``model``) and fills in two small methods:
``parse_answer`` (turn the raw YAML value into a typed answer, or raise ``AnswerError``) and
``_grade`` (score a typed answer). The public :meth:`QuestionKind.grade` is the template
around them: it handles missing answers, invalid answers and unexpected failures, composes the
feedback and builds the :class:`~harness.results.QuestionResult`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from harness.bank.schema import Question
from harness.bank.variants import Variant
from harness.errors import AnswerError
from harness.evidence import Evidence, UngradedEvidence
from harness.kinds.lifecycle import RunOptions, RunResources, RunScope
from harness.results import OptionInfo, QuestionResult, Status, round_score

Q = TypeVar("Q", bound=Question)

MAX_ECHO_CHARS = 5_000
MISSING = object()  # the student gave no answer at all (distinct from an explicit null)


@dataclass(frozen=True)
class GradeContext:
    """What a kind may know while grading one answer."""

    student_id: str
    bank_id: str
    variant: Variant
    reveal: bool = True  # False: feedback must not give the expected answer away
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    missing_reason: str = "No answer given."
    resources: RunResources = field(default_factory=RunResources)  # what the run's kinds opened
    public_only: bool = False  # a self-check: only what is public is graded (a kind's public tests)
    prepared: dict[str, object] = field(default_factory=dict)  # what ``prepare`` left, by question id


@dataclass
class Outcome:
    """A kind's verdict on one answer: the fraction of the points earned, and why."""

    fraction: float
    feedback: list[str] = field(default_factory=list)
    evidence: Evidence = field(default_factory=UngradedEvidence)  # the kind's ``evidence_model``


@dataclass(frozen=True)
class KindExample:
    """A small question of a kind with a right and a wrong answer.

    The common contract test (tests/test_kind_contract.py) runs every registered kind on
    its example, so a third-party kind is checked the same way as a built-in one.
    """

    question: dict[str, Any]
    right: Any
    wrong: Any


class QuestionKind(ABC, Generic[Q]):
    """Base class of every question kind (see the module docstring)."""

    name: ClassVar[str]
    model: ClassVar[type[Question]]
    evidence_model: ClassVar[type[Evidence]]  # what ``_grade`` records of why (harness.evidence)
    description: ClassVar[str] = ""
    example: ClassVar[KindExample]
    # True: a result depends only on the question, the raw answer, ``reveal`` and the variant,
    # never on who gave the answer (but for ``option_order``), on files or on a run scope. A
    # run then grades each distinct answer to an unparameterised question once and reuses the
    # result for every student who gives it again (harness.grading.runner._graded). Not
    # inherited: a subclass grades its own way, so it says so itself.
    answer_decides_grade: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.answer_decides_grade = bool(cls.__dict__.get("answer_decides_grade", False))

    def open_run(self, questions: Sequence[Q], options: RunOptions) -> RunScope | None:
        """Called once per run that grades ``questions`` of this kind, before any is graded:
        open what grading needs for the whole run (a sandbox pool, a model) and return it as a
        :class:`RunScope`; the run closes it at its end and every :class:`GradeContext` carries
        it in ``resources``. By default a kind needs nothing.

        Raises:
            HarnessError: the resource cannot be opened with these options (nothing is graded).
        """
        return None

    def probe(self, question: Q, variant: Variant) -> None:
        """Called at load time with a few sample variants: evaluate every formula of the
        question, so that one failing for some values fails the bank, not a student's grading.
        By default the question's templated texts are rendered; a kind with formulas of its own
        (``numeric``'s ``answer``) evaluates them too.

        Raises:
            ExpressionError, VariantError: a formula fails for this variant.
        """
        for text in question.templated_texts():
            variant.render(text)

    def synonym_index(self, declared: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
        """Called at load time with the bank's declared ``synonyms``: the lookup this kind
        matches with, left in :attr:`GradeContext.synonyms`. Most kinds match no words: empty."""
        return {}

    def answer_for(self, question: Q, answers: Mapping[str, Any], folder: Path | None) -> Any:
        """The student's raw answer: by default the question's entry in answers.yaml."""
        return answers.get(question.id, MISSING)

    def missing_feedback(self, question: Q, ctx: GradeContext) -> str:
        """What a student reads when ``answer_for`` found no answer: by default why answers.yaml
        gave none. Kinds whose answer is a file override it to name that file, so that feedback
        for a file-based question never blames answers.yaml."""
        return ctx.missing_reason

    def echo(self, raw: Any) -> Any:
        """The answer as recorded in the result log (JSON-safe); file-based kinds override."""
        return _json_safe(raw)

    def prepare(self, items: list[tuple[Q, Any, GradeContext]]) -> None:
        """Called once per student, with each of their questions of this kind and its raw
        answer, before any is graded: work that is cheaper done together (the ``code`` kind
        runs questions that share a file in one sandbox job) is done here, and its results are
        left in ``ctx.prepared``. Optional: grading must give the same results without it."""
        return None

    def grade(self, question: Q, raw: Any, ctx: GradeContext) -> QuestionResult:
        """Grade ``raw`` (the student's answer, or :data:`MISSING`). Never raises."""
        if raw is MISSING or raw is None or raw == "":
            return self._result(
                question, ctx, raw, Outcome(0.0, [self.missing_feedback(question, ctx)]), Status.MISSING
            )
        try:
            answer = self.parse_answer(question, raw, ctx)
            outcome = self._grade(question, answer, ctx)
        except AnswerError as exc:
            return self._result(question, ctx, raw, Outcome(0.0, [exc.message]), Status.INVALID)
        except (Exception, RecursionError) as exc:  # a grader bug must not end the run: record it
            message = f"the grader failed on this answer ({type(exc).__name__}: {str(exc)[:300]})"
            return self._result(question, ctx, raw, Outcome(0.0, [message]), Status.ERROR)
        return self._result(question, ctx, raw, outcome, _status(outcome.fraction))

    @abstractmethod
    def parse_answer(self, question: Q, raw: Any, ctx: GradeContext) -> Any:
        """Check the raw answer's type and shape; return it in the form ``_grade`` takes.

        Raises:
            AnswerError: with a message the student can act on.
        """

    @abstractmethod
    def _grade(self, question: Q, answer: Any, ctx: GradeContext) -> Outcome:
        """Score a parsed answer. ``Outcome.evidence``, an ``evidence_model``, says what decided it."""

    @abstractmethod
    def expected(self, question: Q, ctx: GradeContext) -> Any:
        """The expected answer for this student's variant, JSON-safe (shown when revealed)."""

    def options(self, question: Q) -> list[OptionInfo]:
        """Choice-like kinds list their options for the reports."""
        return []

    def option_order(self, question: Q, ctx: GradeContext) -> list[str] | None:
        """The order in which this student was shown the options, if the kind shuffles."""
        return None

    def paper_lines(self, question: Q, ctx: GradeContext) -> list[str]:
        """Markdown lines a student needs besides the prompt (options, items), in their order."""
        return []

    def _result(self, question: Q, ctx: GradeContext, raw: Any, outcome: Outcome, status: Status) -> QuestionResult:
        points = question.max_points
        fraction = min(1.0, max(0.0, outcome.fraction))
        evidence = outcome.evidence
        if status is not Status.ERROR:
            evidence = evidence.model_copy(update={"expected": _json_safe(self.expected(question, ctx))})
        variant = ctx.variant
        return QuestionResult(
            question_id=question.id,
            kind=self.name,
            topic=question.tags.topic,
            score=round_score(points * fraction),
            max_score=points,
            status=status,
            feedback=outcome.feedback + _bank_feedback(question, status, ctx.reveal),
            answer=None if raw is MISSING else self.echo(raw),
            evidence=evidence,
            variant=dict(variant.values) if variant.values else None,
            prompt=variant.render(question.prompt) if variant.values else None,
            option_order=self.option_order(question, ctx),
            reveal=ctx.reveal,
        )


def _status(fraction: float) -> Status:
    if fraction >= 1.0 - 1e-9:
        return Status.CORRECT
    if fraction <= 1e-9:
        return Status.INCORRECT
    return Status.PARTIAL


def _bank_feedback(question: Question, status: Status, reveal: bool) -> list[str]:
    fb = question.feedback
    by_status = {
        Status.CORRECT: fb.correct,
        Status.PARTIAL: fb.partial or fb.incorrect,
        Status.INCORRECT: fb.incorrect,
    }.get(status)
    lines = [by_status] if by_status else []
    if reveal and fb.explanation:
        lines.append(fb.explanation)
    return lines


def _json_safe(value: Any) -> Any:
    """Answers come from YAML: make dates, odd keys and huge strings safe for the JSON log."""
    kind = type(value)
    if kind is int or kind is bool or value is None:
        return value
    if kind is str:
        return value if len(value) <= MAX_ECHO_CHARS else value[:MAX_ECHO_CHARS] + "…"
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return str(value)
