"""What a student may be handed back: their record without the questions not released yet.

A question whose result has ``reveal`` False (``hidden``, or ``after:`` a date not reached
when it was graded) must give nothing away: not its expected answer or feedback, and not
its status or score either, since "Correct" on a true/false question is the answer, and
the evidence can name what was checked (the criterion ids of a text rubric). Totals leave
those questions out too, or the withheld score would follow by subtraction. Reports for
students (``results/<id>.json``, ``students/<id>.html``) are rendered from this view; the
instructor's ``results.json`` keeps everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.results import QuestionResult, StudentResult, round_score


@dataclass(frozen=True)
class Withheld:
    """The questions left out of a student's copy: how many, and the points they hold."""

    questions: list[QuestionResult]

    @property
    def points(self) -> float:
        return round_score(sum(q.max_score for q in self.questions))


def released(student: StudentResult) -> StudentResult:
    """``student`` as they may see it: withheld questions left out, totals over the rest."""
    shown = [q for q in student.questions if q.reveal]
    if len(shown) == len(student.questions):
        return student
    return student.model_copy(
        update={
            "questions": shown,
            "score": round_score(sum(q.score for q in shown)),
            "max_score": round_score(sum(q.max_score for q in shown)),
        }
    )


def withheld(student: StudentResult) -> Withheld:
    """The questions of ``student`` whose results are not released yet."""
    return Withheld([q for q in student.questions if not q.reveal])
