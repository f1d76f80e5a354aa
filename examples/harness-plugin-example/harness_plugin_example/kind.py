"""``keywords``: a short free-text answer, scored by the share of required keywords it uses."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from harness.bank.schema import Question
from harness.errors import AnswerError
from harness.evidence import Evidence
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind


class KeywordsQuestion(Question):
    """The fields a bank author writes: ``kind: keywords`` and the words to look for."""

    kind: Literal["keywords"] = "keywords"
    keywords: list[str] = Field(min_length=1)


class KeywordsEvidence(Evidence):
    """What a result records: the keywords the answer used and those it left out.

    Subclassing :class:`harness.evidence.Evidence` registers the model under its ``type``, so a
    result log read back (``harness report results.json``) types it again.
    """

    type: Literal["keywords"] = "keywords"
    found: list[str]
    missing: list[str]


class KeywordsKind(QuestionKind[KeywordsQuestion]):
    """Partial credit for each keyword the answer uses (case-insensitive, whole words)."""

    name = "keywords"
    model = KeywordsQuestion
    evidence_model = KeywordsEvidence
    description = "free text, scored by the share of required keywords it uses"
    example = KindExample(
        question={
            "id": "ex-keywords",
            "kind": "keywords",
            "prompt": "What does a GAN's discriminator do?",
            "keywords": ["real", "fake"],
        },
        right="It tells real images from fake ones.",
        wrong="It makes images.",
    )

    def parse_answer(self, question: KeywordsQuestion, raw: Any, ctx: GradeContext) -> set[str]:
        if not isinstance(raw, str):
            raise AnswerError(f"expected a sentence, got {type(raw).__name__}")
        return {word.lower() for word in re.findall(r"\w+", raw)}

    def _grade(self, question: KeywordsQuestion, answer: set[str], ctx: GradeContext) -> Outcome:
        found = [word for word in question.keywords if word.lower() in answer]
        missing = [word for word in question.keywords if word.lower() not in answer]
        feedback = [f"Missing: {', '.join(missing)}."] if missing and ctx.reveal else []
        return Outcome(len(found) / len(question.keywords), feedback, KeywordsEvidence(found=found, missing=missing))

    def expected(self, question: KeywordsQuestion, ctx: GradeContext) -> Any:
        return question.keywords
