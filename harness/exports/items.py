"""Grade items: the score columns an export writes, total only or one per question."""

from __future__ import annotations

from dataclasses import dataclass

from harness.results import CohortResult, QuestionResult, StudentResult, round_score


@dataclass(frozen=True)
class GradeItem:
    """One score column: the whole result (``question_id`` None) or one question."""

    name: str
    points: float
    question_id: str | None = None

    def score(self, student: StudentResult) -> float | None:
        """The student's score on this item; None when they have no result for the question."""
        if self.question_id is None:
            return student.score
        result = question_result(student, self.question_id)
        return None if result is None else result.score


def question_result(student: StudentResult, question_id: str) -> QuestionResult | None:
    return next((q for q in student.questions if q.question_id == question_id), None)


def grade_items(cohort: CohortResult, name: str, per_question: bool) -> list[GradeItem]:
    """The total as one item named ``name``, or one item per question (``name: question``).

    Questions are in the cohort's order, then any seen only in results; a question's points
    come from the cohort's questions, else the largest maximum seen in results.
    """
    points = {q.id: q.points for q in cohort.questions}
    known = set(points)
    for student in cohort.students:
        for result in student.questions:
            if result.question_id not in known:
                points[result.question_id] = max(points.get(result.question_id, 0.0), result.max_score)
    if not per_question:
        return [GradeItem(name, round_score(sum(points.values())))]
    return [GradeItem(f"{name}: {qid}", round_score(p), qid) for qid, p in points.items()]
