"""Instructors' example answers, graded by the real kinds before any student is.

A question may list ``examples``: answers with the score (in points) they must get. Each is
graded exactly as a student's answer would be (same kind, same synonyms, same variant for
the example's ``student``), and every example that scores otherwise is reported at its own
``file:line:col``, so a rubric that rewards a misconception or misses a paraphrase is found
by ``harness validate``, not by a student. See docs/bank-format.md, "Example answers".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.bank.schema import Example
from harness.bank.variants import VariantError, draw_variant
from harness.errors import YamlError
from harness.evidence import TextEvidence
from harness.kinds import GradeContext, LoadedBank, LoadedQuestion
from harness.kinds.base import QuestionKind
from harness.results import QuestionResult, Status
from harness.yamlsource import Positions, load_yaml

EXAMPLE_STUDENT = "example"  # whose variant an example of a question without parameters uses
TOLERANCE = 1e-6  # scores are rounded to 6 decimals


@dataclass(frozen=True)
class ExampleResult:
    """One example answer, graded: ``ok`` when its score is the one the instructor wrote."""

    location: str  # file:line:col of the example
    question_id: str
    number: int  # 1-based, in the order the question lists its examples
    expected: float | tuple[float, float]
    points: float  # the question's points
    score: float | None = None  # None: the example could not be graded (see ``problem``)
    why: str = ""  # what decided the score: criteria met, status, the grader's message
    problem: str | None = None  # why the example itself is unusable

    @property
    def ok(self) -> bool:
        if self.problem is not None or self.score is None:
            return False
        low, high = _bounds(self.expected)
        return low - TOLERANCE <= self.score <= high + TOLERANCE

    @property
    def message(self) -> str:
        """One line for the instructor: ``file:line:col: question 'id', example N: ...``."""
        head = f"{self.location}: question {self.question_id!r}, example {self.number}"
        if self.problem is not None:
            return f"{head}: {self.problem}"
        low, high = _bounds(self.expected)
        wanted = f"{low:g}" if low == high else f"{low:g} to {high:g}"
        verdict = "as expected" if self.ok else f"expected {wanted}"
        return f"{head}: scored {self.score:g}/{self.points:g}, {verdict} ({self.why})"


def check_examples(banks: Sequence[LoadedBank]) -> list[ExampleResult]:
    """Grade every example of every question of ``banks``.

    Returns:
        One result per example, in bank and question order; ``ok`` says whether it scored
        as written. Unusable examples (a score above the question's points, a parameterised
        question without ``student``, a kind whose answer is a file) are results with a
        ``problem``, never exceptions. A bank file that can no longer be read (it changed
        since it was loaded) places its examples at their question.
    """
    results: list[ExampleResult] = []
    for bank in banks:
        places = _ExamplePlaces()
        for bq in bank.questions:
            for number, example in enumerate(bq.question.examples, start=1):
                location = places.locate(bq, number - 1)
                results.append(_check(bank, bq, number, example, location))
    return results


def _check(bank: LoadedBank, bq: LoadedQuestion, number: int, example: Example, location: str) -> ExampleResult:
    question = bq.question
    result = ExampleResult(location, question.id, number, example.score, question.max_points)
    problem = _unusable(bq, example)
    if problem is not None:
        return replace(result, problem=problem)
    student = example.student or EXAMPLE_STUDENT
    try:
        variant = draw_variant(question, bank.id, student)
    except VariantError as exc:
        return replace(result, problem=f"no variant for student {student!r}: {exc}")
    ctx = GradeContext(student_id=student, bank_id=bank.id, variant=variant, synonyms=bank.synonyms)
    graded = bq.kind.grade(question, example.answer, ctx)
    return replace(result, score=graded.score, why=_why(graded))


def _unusable(bq: LoadedQuestion, example: Example) -> str | None:
    question = bq.question
    if _answer_is_a_file(bq.kind):
        return (
            f"a {bq.kind.name} question's answer is a file, not an answers.yaml entry: "
            "check it with known solutions instead (`wrong_solutions` and `harness validate --solutions`)"
        )
    if question.parameterized and example.student is None:
        return "the question has parameters: say whose variant the answer is for (`student: ID`, see `harness paper`)"
    high = _bounds(example.score)[1]
    if high > question.max_points + TOLERANCE:
        return f"score {high:g} is more than the question's {question.max_points:g} points"
    return None


def _answer_is_a_file(kind: QuestionKind[Any]) -> bool:
    """Kinds that read the submission folder (code, generation) override ``answer_for``."""
    return type(kind).answer_for is not QuestionKind.answer_for


def _why(graded: QuestionResult) -> str:
    """What decided the score, briefly: the rubric's criteria, or the status and message."""
    evidence = graded.evidence
    if isinstance(evidence, TextEvidence) and evidence.bare_list:
        return "read as a bare list of terms"
    if isinstance(evidence, TextEvidence):
        met = ", ".join(evidence.criteria_met) or "none"
        similarity = f"; similarity {evidence.similarity:g}" if evidence.similarity is not None else ""
        return f"criteria met: {met}{similarity}"
    if graded.status in (Status.INVALID, Status.ERROR, Status.MISSING):
        first = graded.feedback[0] if graded.feedback else ""
        return f"{graded.status.value}: {first}"
    return graded.status.value


def _bounds(score: float | tuple[float, float]) -> tuple[float, float]:
    return score if isinstance(score, tuple) else (score, score)


class _ExamplePlaces:
    """Where each example was written: the bank files are read again for their positions
    (the loader keeps only each question's own location)."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[dict[str, int], Positions]] = {}

    def locate(self, bq: LoadedQuestion, index: int) -> str:
        file = bq.location.rsplit(":", 2)[0]
        if file not in self._files:
            self._files[file] = _question_indexes(file)
        indexes, positions = self._files[file]
        position = indexes.get(bq.question.id)
        if position is None:
            return bq.location
        return positions.at(("questions", position, "examples", index))


def _question_indexes(file: str) -> tuple[dict[str, int], Positions]:
    try:
        data, positions = load_yaml(Path(file))
    except YamlError:
        return {}, Positions(file)
    raw = data.get("questions") if isinstance(data, dict) else None
    questions = raw if isinstance(raw, list) else []
    ids = {q["id"]: i for i, q in enumerate(questions) if isinstance(q, dict) and isinstance(q.get("id"), str)}
    return ids, positions
