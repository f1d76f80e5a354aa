"""``choice``: one answer or several, with a stated partial-credit policy and shuffling."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from harness.bank.schema import ID_PATTERN, Model, Question, check_templates, parameter_names
from harness.errors import AnswerError
from harness.evidence import ChoiceEvidence
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.labels import as_label_list, resolve_label
from harness.results import OptionInfo


class ChoiceOption(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=40)]
    text: str
    correct: bool = False
    feedback: str | None = None


class ChoiceQuestion(Question):
    kind: Literal["choice"] = "choice"
    select: Literal["one", "many"] = "one"
    options: list[ChoiceOption] = Field(min_length=2)
    partial_credit: Literal["all_or_nothing", "right_minus_wrong", "per_option"] = "right_minus_wrong"
    shuffle: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> ChoiceQuestion:
        ids = [o.id for o in self.options]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate option id {duplicates[0]!r}")
        n_correct = sum(o.correct for o in self.options)
        if self.select == "one" and n_correct != 1:
            raise ValueError(f"select: one needs exactly one correct option, found {n_correct}")
        if n_correct == 0:
            raise ValueError("no option is marked correct: true")
        return self

    @field_validator("options")
    @classmethod
    def _option_templates(cls, value: list[ChoiceOption], info: ValidationInfo) -> list[ChoiceOption]:
        for option in value:
            check_templates(option.text, parameter_names(info))
        return value

    def templated_texts(self) -> list[str]:
        return [self.prompt, *(o.text for o in self.options)]

    @cached_property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


class ChoiceKind(QuestionKind[ChoiceQuestion]):
    name = "choice"
    answer_decides_grade = True
    model = ChoiceQuestion
    evidence_model = ChoiceEvidence
    description = "multiple choice: one answer or several, with partial credit and shuffling"
    example = KindExample(
        question={
            "id": "ex-choice",
            "kind": "choice",
            "prompt": "Which models are generative?",
            "select": "many",
            "options": [
                {"id": "gan", "text": "GAN", "correct": True},
                {"id": "vae", "text": "VAE", "correct": True},
                {"id": "svm", "text": "SVM"},
            ],
        },
        right=["gan", "vae"],
        wrong=["svm"],
    )

    def parse_answer(self, question: ChoiceQuestion, raw: Any, ctx: GradeContext) -> set[str]:
        ids = [o.id for o in question.options]
        values = as_label_list(raw, what="an option id")
        chosen = {resolve_label(v, ids, what="option") for v in values}
        if question.select == "one" and len(chosen) != 1:
            raise AnswerError(f"choose exactly one option, got {len(chosen)}")
        return chosen

    def _grade(self, question: ChoiceQuestion, answer: set[str], ctx: GradeContext) -> Outcome:
        correct = question.correct_ids
        fraction = _credit(question, answer, correct)
        feedback = [o.feedback for o in question.options if o.id in answer and o.feedback]
        missed = len(correct - answer)
        if question.select == "many" and missed and fraction > 0:
            feedback.insert(0, f"You missed {missed} correct option(s).")
        evidence = ChoiceEvidence(chosen=sorted(answer), policy=question.partial_credit)
        return Outcome(fraction, feedback, evidence)

    def expected(self, question: ChoiceQuestion, ctx: GradeContext) -> Any:
        correct = sorted(question.correct_ids)
        return correct[0] if question.select == "one" else correct

    def options(self, question: ChoiceQuestion) -> list[OptionInfo]:
        return [OptionInfo(id=o.id, text=o.text, correct=o.correct) for o in question.options]

    def paper_lines(self, question: ChoiceQuestion, ctx: GradeContext) -> list[str]:
        texts = {o.id: ctx.variant.render(o.text) for o in question.options}
        hint = "choose one" if question.select == "one" else "choose all that apply"
        return [f"_({hint}; answer with the option ids)_", ""] + [
            f"- `{i}`: {texts[i]}" for i in self.option_order(question, ctx) or []
        ]

    def option_order(self, question: ChoiceQuestion, ctx: GradeContext) -> list[str] | None:
        ids = [o.id for o in question.options]
        if question.shuffle:
            ctx.variant.rng("shuffle").shuffle(ids)
        return ids


def _credit(question: ChoiceQuestion, chosen: AbstractSet[str], correct: AbstractSet[str]) -> float:
    if question.select == "one" or question.partial_credit == "all_or_nothing":
        return 1.0 if chosen == correct else 0.0
    all_ids = {o.id for o in question.options}
    if question.partial_credit == "per_option":
        right = sum((i in chosen) == (i in correct) for i in all_ids)
        return right / len(all_ids)
    wrong = all_ids - correct
    hit = len(chosen & correct) / len(correct)
    penalty = len(chosen & wrong) / len(wrong) if wrong else 0.0
    return max(0.0, hit - penalty)
