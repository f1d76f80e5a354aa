"""``true_false``: a statement to judge."""

from __future__ import annotations

from typing import Any, Literal

from harness.bank.schema import Question
from harness.errors import AnswerError
from harness.evidence import TrueFalseEvidence
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.labels import type_name

_WORDS = {"true": True, "t": True, "yes": True, "false": False, "f": False, "no": False}


class TrueFalseQuestion(Question):
    kind: Literal["true_false"] = "true_false"
    answer: bool


class TrueFalseKind(QuestionKind[TrueFalseQuestion]):
    name = "true_false"
    answer_decides_grade = True
    model = TrueFalseQuestion
    evidence_model = TrueFalseEvidence
    description = "true or false"
    example = KindExample(
        question={"id": "ex-tf", "kind": "true_false", "prompt": "GANs are discriminative.", "answer": False},
        right="false",
        wrong=True,
    )

    def parse_answer(self, question: TrueFalseQuestion, raw: Any, ctx: GradeContext) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _WORDS:
            return _WORDS[raw.strip().lower()]
        raise AnswerError(f"expected true or false, got {type_name(raw)}")

    def _grade(self, question: TrueFalseQuestion, answer: bool, ctx: GradeContext) -> Outcome:
        return Outcome(1.0 if answer == question.answer else 0.0, [], TrueFalseEvidence(given=answer))

    def expected(self, question: TrueFalseQuestion, ctx: GradeContext) -> Any:
        return question.answer
