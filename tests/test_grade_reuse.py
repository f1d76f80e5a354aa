"""A run grades each distinct answer to a question once, for kinds whose answer decides the
grade, and every student still gets exactly the result grading them alone would give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest

from harness import api
from harness.grading.runner import GradingPlan, grade_cohort
from harness.kinds import kind_registry
from harness.kinds.base import GradeContext, KindExample, Outcome
from harness.kinds.true_false import TrueFalseKind, TrueFalseQuestion
from harness.results import CohortResult, Problem, ProblemCode
from harness.submissions import Cohort, Submission

TODAY = dt.date(2026, 12, 1)
BANK = """id: reuse
title: Reuse
version: 1
questions:
  - {id: tf, kind: counted, prompt: Say yes, answer: true}
  - {id: plain, kind: plain_counted, prompt: Say yes, answer: true}
  - id: pick
    kind: choice
    prompt: Pick a
    options: [{id: a, text: A, correct: true}, {id: b, text: B}, {id: c, text: C}, {id: d, text: D}]
  - id: mle
    kind: numeric
    prompt: "{{ k }} heads in 10 flips: the MLE of p?"
    parameters: {k: {int: [1, 9]}}
    answer: k / 10
    tolerance: {abs: 0.001}
"""


class CountedQuestion(TrueFalseQuestion):
    kind: Literal["counted"] = "counted"  # type: ignore[assignment]


class CountedKind(TrueFalseKind):
    """true_false that counts the answers it grades, and says its answer decides its grade."""

    name = "counted"
    model = CountedQuestion
    example = KindExample({"id": "ex", "kind": "counted", "prompt": "P", "answer": True}, True, False)
    answer_decides_grade = True
    graded: ClassVar[list[Any]] = []

    def _grade(self, question: Any, answer: bool, ctx: GradeContext) -> Outcome:
        CountedKind.graded.append((question.id, answer))
        return super()._grade(question, answer, ctx)


class PlainCountedQuestion(TrueFalseQuestion):
    kind: Literal["plain_counted"] = "plain_counted"  # type: ignore[assignment]


class PlainCountedKind(CountedKind):
    """The same, without the declaration: a subclass does not inherit it."""

    name = "plain_counted"
    model = PlainCountedQuestion
    example = KindExample({"id": "ex", "kind": "plain_counted", "prompt": "P", "answer": True}, True, False)


@pytest.fixture
def bank(write_bank: Callable[[str], Path]) -> Iterator[Path]:
    kind_registry().register("counted", CountedKind)
    kind_registry().register("plain_counted", PlainCountedKind)
    CountedKind.graded.clear()
    try:
        yield write_bank(BANK)
    finally:
        kind_registry().unregister("counted")
        kind_registry().unregister("plain_counted")


def _grade(bank: Path, answers: dict[str, dict[str, Any]]) -> CohortResult:
    cohort = Cohort("c", [Submission(s, Path(s), a) for s, a in answers.items()])
    return grade_cohort(GradingPlan(api.load([bank]), "grade", TODAY), cohort)


def _alone(bank: Path, student: str, answers: dict[str, Any]) -> list[Any]:
    return _grade(bank, {student: answers}).students[0].questions


def test_each_distinct_answer_is_graded_once(bank: Path) -> None:
    answers = {f"s{i}": {"tf": True, "plain": True} for i in range(5)} | {"s5": {"tf": False, "plain": False}}
    _grade(bank, answers)
    assert [answer for qid, answer in CountedKind.graded if qid == "tf"] == [True, False]
    assert len([qid for qid, _ in CountedKind.graded if qid == "plain"]) == 6  # not declared: graded for all


@pytest.mark.parametrize("given", [True, 1, 1.0, "True", "yes"])
def test_answers_that_compare_equal_in_python_are_told_apart(bank: Path, given: Any) -> None:
    answers = {"a": {"tf": True}, "b": {"tf": given}}
    [_, second] = _grade(bank, answers).students
    assert second.questions == _alone(bank, "b", {"tf": given})
    assert type(second.questions[0].answer) is type(given)  # its own answer echoed, not "a"'s


def test_a_reused_result_keeps_each_students_own_option_order_and_variant(bank: Path) -> None:
    answers = {f"student-{i}": {"pick": "a", "mle": "0.5"} for i in range(8)}
    cohort = _grade(bank, answers)
    for student in cohort.students:
        assert student.questions == _alone(bank, student.student_id, answers[student.student_id])
    orders = {tuple(s.questions[2].option_order or []) for s in cohort.students}
    assert len(orders) > 1  # shuffled per student, even though the answer was graded once
    prompts = {s.questions[3].prompt for s in cohort.students}
    assert len(prompts) > 1  # a parameterised question is graded for each student's variant


def test_students_shown_the_same_option_order_share_one_reused_result(bank: Path) -> None:
    """One copy per option order (the store then writes each once), each student's own order."""
    answers = {f"student-{i}": {"pick": "a"} for i in range(40)}
    cohort = _grade(bank, answers)
    picks = [s.questions[2] for s in cohort.students]
    by_order: dict[tuple[str, ...], set[int]] = {}
    for pick in picks:
        by_order.setdefault(tuple(pick.option_order or []), set()).add(id(pick))
    assert 1 < len(by_order) < len(picks)  # 4 options: orders differ, and repeat among 40
    assert all(len(objects) == 1 for objects in by_order.values())
    for student, pick in zip(cohort.students, picks, strict=True):
        assert [pick] == [q for q in _alone(bank, student.student_id, {"pick": "a"}) if q.question_id == "pick"]


def test_no_answer_is_graded_once_per_reason_and_each_student_reads_their_own(bank: Path) -> None:
    """Students who left a question blank share one result; one whose answers file could not
    be read is told so, not that they gave no answer."""
    broken = Problem(code=ProblemCode.ANSWERS_UNREADABLE, message="answers.yaml line 3: bad indentation")
    submissions = [
        Submission("blank-1", Path("blank-1"), {"pick": "a"}),
        Submission("blank-2", Path("blank-2"), {"pick": "b"}),
        Submission("empty", Path("empty"), {"tf": "", "pick": "a"}),
        Submission("unreadable", Path("unreadable"), {}, problems=[broken]),
    ]
    plan = GradingPlan(api.load([bank]), "grade", TODAY)
    graded = grade_cohort(plan, Cohort("c", submissions))
    tf = {s.student_id: s.questions[0] for s in graded.students}
    for submission in submissions:
        alone = grade_cohort(GradingPlan(api.load([bank]), "grade", TODAY), Cohort("c", [submission]))
        assert tf[submission.student_id] == alone.students[0].questions[0]
    assert tf["blank-1"] is tf["blank-2"]  # graded once
    assert tf["empty"].answer == "" and tf["blank-1"].answer is None
    assert "bad indentation" in " ".join(tf["unreadable"].feedback)
    assert "bad indentation" not in " ".join(tf["blank-1"].feedback)
