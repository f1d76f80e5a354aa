"""``matching``: pair each left item with a right item; partial credit per pair."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from harness.bank.schema import Question
from harness.errors import AnswerError
from harness.evidence import MatchingEvidence
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.labels import normalize_label, resolve_label, type_name


class MatchingQuestion(Question):
    kind: Literal["matching"] = "matching"
    pairs: dict[str, str] = Field(min_length=2)
    distractors: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> MatchingQuestion:
        lefts = [normalize_label(k) for k in self.pairs]
        if len(set(lefts)) != len(lefts):
            raise ValueError("left items must differ (ignoring case)")
        rights = {normalize_label(v) for v in self.pairs.values()}
        clash = sorted(d for d in self.distractors if normalize_label(d) in rights)
        if clash:
            raise ValueError(f"distractor {clash[0]!r} is also a correct right-hand item")
        return self

    @property
    def right_items(self) -> list[str]:
        return sorted({*self.pairs.values(), *self.distractors})


class MatchingKind(QuestionKind[MatchingQuestion]):
    name = "matching"
    answer_decides_grade = True
    model = MatchingQuestion
    evidence_model = MatchingEvidence
    description = "match left items to right items, with partial credit"
    example = KindExample(
        question={
            "id": "ex-matching",
            "kind": "matching",
            "prompt": "Match each model to its idea.",
            "pairs": {"GAN": "adversarial training", "VAE": "latent variables"},
            "distractors": ["decision trees"],
        },
        right={"GAN": "adversarial training", "VAE": "latent variables"},
        wrong={"GAN": "latent variables", "VAE": "decision trees"},
    )

    def parse_answer(self, question: MatchingQuestion, raw: Any, ctx: GradeContext) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise AnswerError(f"expected a mapping of left item to right item, got {type_name(raw)}")
        lefts, rights = list(question.pairs), question.right_items
        answer = {}
        for key, value in raw.items():
            left = resolve_label(key, lefts, what="left item")
            answer[left] = resolve_label(value, rights, what=f"match for {left!r}")
        return answer

    def _grade(self, question: MatchingQuestion, answer: dict[str, str], ctx: GradeContext) -> Outcome:
        right = sorted(left for left, target in question.pairs.items() if answer.get(left) == target)
        wrong = sorted(left for left in answer if left not in right)
        unanswered = len(question.pairs) - len(answer)
        feedback = [f"{len(right)} of {len(question.pairs)} matched correctly."]
        if unanswered:
            feedback.append(f"{unanswered} item(s) left unmatched.")
        evidence = MatchingEvidence(right=right, wrong=wrong)
        return Outcome(len(right) / len(question.pairs), feedback, evidence)

    def paper_lines(self, question: MatchingQuestion, ctx: GradeContext) -> list[str]:
        rights = question.right_items
        ctx.variant.rng("shuffle").shuffle(rights)
        return [
            "_(answer with a mapping `left: right`)_",
            "",
            "Left: " + ", ".join(f"`{left}`" for left in question.pairs),
            "",
            "Right: " + ", ".join(f"`{right}`" for right in rights),
        ]

    def expected(self, question: MatchingQuestion, ctx: GradeContext) -> Any:
        return dict(question.pairs)
