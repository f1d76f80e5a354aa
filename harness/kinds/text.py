"""``text``: short free text graded by a keyword/regex rubric, with optional similarity.

How matching works (documented for bank authors in docs/bank-format.md): the answer is
NFKC-normalised, case-folded, apostrophes dropped ("don't" -> "dont") and every other
non-alphanumeric character turned into a space. A term matches as a whole word or phrase,
allowing the endings s/es/ed/ing/d, and every synonym the bank lists for it matches too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from harness.bank.schema import ID_PATTERN, Model, Points, Question
from harness.errors import AnswerError
from harness.evidence import AnswerCut, TextEvidence
from harness.kinds.base import GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.labels import type_name

MAX_ANSWER_CHARS = 5_000
Term = str | list[str]  # a list is a synonym group: any member matches

_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this"
    " to was were will with which can into than then they their there these those also"
    " so such not no but if we you i our".split()
)


class Criterion(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    description: str | None = None
    points: Points
    any_of: list[Term] = Field(default_factory=list)
    all_of: list[Term] = Field(default_factory=list)
    regex: str | None = None
    must_not: list[Term] = Field(default_factory=list)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regex {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _has_matcher(self) -> Criterion:
        if not (self.any_of or self.all_of or self.regex):
            raise ValueError(f"criterion {self.id!r} needs any_of, all_of or regex")
        if self.points == 0:
            raise ValueError(f"criterion {self.id!r} has 0 points")
        return self


class Rubric(Model):
    design: str = Field(min_length=10)  # how the rubric was designed, for reviewers
    criteria: list[Criterion] = Field(min_length=1)
    allow_lists: bool = False  # True: a bare list of terms is a fair answer to this question

    @model_validator(mode="after")
    def _unique(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        if not any(c.points > 0 for c in self.criteria):
            raise ValueError("at least one criterion must give positive points")
        return self


class Similarity(Model):
    points: Points = Field(gt=0)
    zero_at: float = Field(default=0.2, ge=0, lt=1)
    full_at: float = Field(default=0.6, gt=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Similarity:
        if self.zero_at >= self.full_at:
            raise ValueError("similarity zero_at must be below full_at")
        return self


class TextQuestion(Question):
    kind: Literal["text"] = "text"
    reference: str | None = None
    rubric: Rubric
    similarity: Similarity | None = None

    @model_validator(mode="after")
    def _reference_for_similarity(self) -> TextQuestion:
        if self.similarity and not self.reference:
            raise ValueError("similarity needs a reference answer")
        return self

    @property
    def max_points(self) -> float:
        if self.points is not None:
            return self.points
        extra = self.similarity.points if self.similarity else 0.0
        return sum(c.points for c in self.rubric.criteria if c.points > 0) + extra


class TextKind(QuestionKind[TextQuestion]):
    name = "text"
    answer_decides_grade = True
    model = TextQuestion
    evidence_model = TextEvidence
    description = "short free text graded by a rubric of keywords, regexes and similarity"
    example = KindExample(
        question={
            "id": "ex-text",
            "kind": "text",
            "prompt": "What does a GAN's generator try to do?",
            "rubric": {
                "design": "One point for naming the adversary, one for the goal.",
                "criteria": [
                    {"id": "adversary", "points": 1, "any_of": ["discriminator"]},
                    {"id": "goal", "points": 1, "any_of": ["fool", "trick"], "must_not": ["not fool"]},
                ],
            },
        },
        right="It tries to fool the discriminator.",
        wrong="It classifies images.",
    )

    def synonym_index(self, declared: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
        return synonym_table(declared)

    def parse_answer(self, question: TextQuestion, raw: Any, ctx: GradeContext) -> str:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise AnswerError(f"expected text, got {type_name(raw)}")
        return str(raw)

    def _grade(self, question: TextQuestion, answer: str, ctx: GradeContext) -> Outcome:
        """Grade the first :data:`MAX_ANSWER_CHARS` characters; a longer answer is told so
        in its feedback and its evidence's ``answer_cut``, so nobody loses its end unawares."""
        if len(answer) <= MAX_ANSWER_CHARS:
            return self._grade_text(question, answer, ctx)
        outcome = self._grade_text(question, answer[:MAX_ANSWER_CHARS], ctx)
        note = (
            f"Your answer is {len(answer):,} characters long; only the first {MAX_ANSWER_CHARS:,} were "
            "graded (the limit for a text answer)."
        )
        outcome.feedback.insert(0, note)
        cut = AnswerCut(length=len(answer), graded=MAX_ANSWER_CHARS)
        outcome.evidence = outcome.evidence.model_copy(update={"answer_cut": cut})
        return outcome

    def _grade_text(self, question: TextQuestion, answer: str, ctx: GradeContext) -> Outcome:
        if not question.rubric.allow_lists and looks_like_bare_list(answer):
            return Outcome(0.0, [BARE_LIST_FEEDBACK], TextEvidence(criteria_met=[], bare_list=True))
        text = normalize_text(answer)
        earned, met, feedback = 0.0, [], []
        for criterion in question.rubric.criteria:
            if criterion_met(criterion, text, answer, ctx.synonyms):
                earned += criterion.points
                met.append(criterion.id)
                if criterion.description:
                    mark = "✓" if criterion.points > 0 else "✗ Penalty:"
                    feedback.append(f"{mark} {criterion.description}")
            elif criterion.points > 0 and criterion.description and ctx.reveal:
                feedback.append(f"✗ Missing: {criterion.description}")
        similarity = None
        if question.similarity and question.reference:
            similarity = cosine_similarity(answer, question.reference)
            earned += question.similarity.points * _ramp(similarity, question.similarity)
            similarity = round(similarity, 4)
        return Outcome(earned / question.max_points, feedback, TextEvidence(criteria_met=met, similarity=similarity))

    def expected(self, question: TextQuestion, ctx: GradeContext) -> Any:
        return question.reference


BARE_LIST_FEEDBACK = "Your answer is a list of terms with no explanation: write it out in sentences."
_FUNCTION_WORDS = frozenset(
    "is are was the a an to of it that this they by from with for can when which so"
    " because into on in as and or but not if".split()
)


def looks_like_bare_list(answer: str) -> bool:
    """Keyword stuffing: the answer names terms but explains nothing.

    Either six or more comma-separated items of at most three words each and nothing else,
    or eight or more words with no punctuation and not one function word ("is", "the", ...).
    Keyword rubrics would otherwise give such answers full marks.
    """
    stripped = answer.strip()
    items = [item.strip() for item in stripped.split(",")]
    if len(items) >= 6 and all(0 < len(i.split()) <= 3 and not re.search(r"[.:;]", i) for i in items):
        return True
    words = stripped.split()
    return (
        len(words) >= 8
        and not re.search(r"[,.:;!?]", stripped)
        and not any(w.lower() in _FUNCTION_WORDS for w in words)
    )


def criterion_met(criterion: Criterion, text: str, raw: str, synonyms: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``text`` (normalised) meets ``criterion``; ``raw`` is used for the regex."""
    if any(term_in(t, text, synonyms) for t in criterion.must_not):
        return False
    if criterion.any_of and not any(term_in(t, text, synonyms) for t in criterion.any_of):
        return False
    if criterion.all_of and not all(term_in(t, text, synonyms) for t in criterion.all_of):
        return False
    return not criterion.regex or re.search(criterion.regex, raw, re.IGNORECASE) is not None


def term_in(term: Term, text: str, synonyms: Mapping[str, tuple[str, ...]]) -> bool:
    group = [term] if isinstance(term, str) else term
    return any(_pattern(t, synonyms.get(_term_key(t), ())).search(text) for t in group)


@lru_cache(maxsize=8192)
def _term_key(term: str) -> str:
    return normalize_text(term)


@lru_cache(maxsize=8192)
def _pattern(term: str, alternatives: tuple[str, ...]) -> re.Pattern[str]:
    phrases = [normalize_text(t) for t in (term, *alternatives)]
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases if p)
    return re.compile(rf"\b(?:{body})(?:s|es|ed|ing|d)?\b")


def normalize_text(text: str) -> str:
    """Lower-case, Unicode-normalised text with punctuation turned into single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _bag(text: str) -> Counter[str]:
    return Counter(_stem(w) for w in normalize_text(text).split() if w not in _STOPWORDS)


def cosine_similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts' bags of (lightly stemmed) content words, in [0, 1]."""
    bag_a, bag_b = _bag(a), _bag(b)
    dot = sum(count * bag_b[word] for word, count in bag_a.items())
    norm = math.sqrt(sum(c * c for c in bag_a.values()) * sum(c * c for c in bag_b.values()))
    return dot / norm if norm else 0.0


def _ramp(value: float, similarity: Similarity) -> float:
    span = similarity.full_at - similarity.zero_at
    return min(1.0, max(0.0, (value - similarity.zero_at) / span))


def synonym_table(synonyms: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """A bank's ``synonyms`` as the lookup the matcher uses: symmetric within each group."""
    table: dict[str, set[str]] = {}
    for head, alternatives in synonyms.items():
        group = {normalize_text(head), *(normalize_text(a) for a in alternatives)}
        for word in group:
            table.setdefault(word, set()).update(group - {word})
    return {word: tuple(sorted(alts)) for word, alts in sorted(table.items())}
