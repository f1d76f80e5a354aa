"""``ordering``: put items in order; exact, per-position or pairwise (Kendall) credit."""

from __future__ import annotations

from itertools import combinations
from typing import Any, Literal

from pydantic import Field, model_validator

from harness.bank.schema import Question
from harness.errors import AnswerError
from harness.evidence import OrderingEvidence
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.labels import normalize_label, resolve_label, type_name


class OrderingQuestion(Question):
    kind: Literal["ordering"] = "ordering"
    items: list[str] = Field(min_length=2)
    scoring: Literal["exact", "position", "pairs"] = "pairs"

    @model_validator(mode="after")
    def _distinct(self) -> OrderingQuestion:
        if len({normalize_label(i) for i in self.items}) != len(self.items):
            raise ValueError("items must differ (ignoring case)")
        return self


class OrderingKind(QuestionKind[OrderingQuestion]):
    name = "ordering"
    answer_decides_grade = True
    model = OrderingQuestion
    evidence_model = OrderingEvidence
    description = "put items in the right order, with exact, positional or pairwise credit"
    example = KindExample(
        question={
            "id": "ex-ordering",
            "kind": "ordering",
            "prompt": "Order the steps.",
            "items": ["tokenize", "embed", "attend", "predict"],
            "scoring": "exact",
        },
        right=["tokenize", "embed", "attend", "predict"],
        wrong=["predict", "embed", "attend", "tokenize"],
    )

    def parse_answer(self, question: OrderingQuestion, raw: Any, ctx: GradeContext) -> list[str]:
        if not isinstance(raw, list):
            raise AnswerError(f"expected a list of the items in order, got {type_name(raw)}")
        order = [resolve_label(v, question.items, what="item") for v in raw]
        missing = [i for i in question.items if i not in order]
        if missing or len(order) != len(question.items):
            raise AnswerError(
                f"list every item exactly once ({len(question.items)} items; missing: {', '.join(missing) or 'none'})"
            )
        return order

    def _grade(self, question: OrderingQuestion, answer: list[str], ctx: GradeContext) -> Outcome:
        fraction = order_credit(question.items, answer, question.scoring)
        return Outcome(fraction, [], OrderingEvidence(scoring=question.scoring, given=answer))

    def paper_lines(self, question: OrderingQuestion, ctx: GradeContext) -> list[str]:
        items = list(question.items)
        ctx.variant.rng("shuffle").shuffle(items)
        return ["_(answer with the list of items in order)_", "", *(f"- `{item}`" for item in items)]

    def expected(self, question: OrderingQuestion, ctx: GradeContext) -> Any:
        return list(question.items)


def order_credit(correct: list[str], given: list[str], scoring: str) -> float:
    """Credit for ``given`` (a permutation of ``correct``) under ``scoring``."""
    if scoring == "exact":
        return 1.0 if given == correct else 0.0
    if scoring == "position":
        return sum(a == b for a, b in zip(correct, given, strict=True)) / len(correct)
    rank = {item: i for i, item in enumerate(given)}
    pairs = list(combinations(correct, 2))  # (a, b) with a before b in the right order
    return sum(rank[a] < rank[b] for a, b in pairs) / len(pairs)
