"""ROUGE-1/2/L/Lsum with rouge-score's numbers, computed by :mod:`harness.metrics.rouge_engine`.

Each sample's precision, recall and F-measure are exactly those of
``rouge_score.rouge_scorer.RougeScorer(rouge_types, use_stemmer).score(reference, hypothesis)``
(with several references, per ROUGE type the reference with the highest F-measure, as
``score_multi`` picks it). The corpus score is the mean F-measure of the ``primary`` type;
``extra`` has the mean F-measure, precision and recall of every type.

rougeLsum splits summaries into sentences at newlines, as rouge-score does by default.
``split_summaries=True`` uses the offline regex splitter of :mod:`harness.metrics.sentences`
instead of rouge-score's NLTK Punkt (which needs a download): use it for summaries written as
one paragraph, where newline splitting would make rougeLsum equal to rougeL.
"""

from __future__ import annotations

import re
from typing import ClassVar, Self

import numpy as np
from pydantic import Field, field_validator, model_validator

from harness.metrics.base import MetricOptions, SampleMetric, SampleScores
from harness.metrics.inputs import TextInputs
from harness.metrics.result import OptionValue
from harness.metrics.rouge_engine import RougeScorer, Score
from harness.metrics.sentences import split_sentences

ROUGE_TYPE = re.compile(r"rouge[1-9]|rougeL|rougeLsum")


class RougeOptions(MetricOptions):
    """rouge-score's ``RougeScorer`` options, plus which type is the headline score."""

    rouge_types: tuple[str, ...] = ("rouge1", "rouge2", "rougeL", "rougeLsum")
    use_stemmer: bool = False
    split_summaries: bool = False  # True: the offline regex splitter for rougeLsum
    primary: str = Field(default="rougeL", description="the ROUGE type whose mean F-measure is the score")

    @field_validator("rouge_types")
    @classmethod
    def _known_types(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        bad = [t for t in types if not ROUGE_TYPE.fullmatch(t)]
        if bad or not types:
            raise ValueError(f"unknown ROUGE type(s) {bad}; use rouge1..rouge9, rougeL, rougeLsum")
        return types

    @model_validator(mode="after")
    def _primary_is_computed(self) -> Self:
        if self.primary not in self.rouge_types:
            raise ValueError(f"primary {self.primary!r} is not among rouge_types {list(self.rouge_types)}")
        return self


class RougeMetric(SampleMetric[RougeOptions]):
    """Mean ROUGE F-measure (0-1), per sample identical to rouge-score."""

    name: ClassVar[str] = "rouge"
    description: ClassVar[str] = "ROUGE-1/2/L/Lsum (rouge-score numbers): n-gram and LCS overlap F-measure, 0-1"
    library: ClassVar[str] = "rouge-score"
    options_model: ClassVar[type[MetricOptions]] = RougeOptions

    @property
    def tokenizer(self) -> str:
        return "rouge-score" + ("+porter" if self.options.use_stemmer else "")

    def _signature_options(self) -> dict[str, OptionValue]:
        return {
            "types": ",".join(self.options.rouge_types),
            "primary": self.options.primary,
            "stem": self.options.use_stemmer,
            "split": "regex" if self.options.split_summaries else "newline",
        }

    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        scorer = RougeScorer(
            self.options.rouge_types,
            self.options.use_stemmer,
            split_sentences if self.options.split_summaries else None,
        )
        best = [_best_of(scorer, hyp, refs) for hyp, refs in zip(inputs.hypotheses, inputs.references, strict=True)]
        extra: dict[str, np.ndarray] = {}
        for rouge_type in self.options.rouge_types:
            scores = [sample[rouge_type] for sample in best]
            extra[rouge_type] = np.array([s.fmeasure for s in scores])
            extra[f"{rouge_type}_precision"] = np.array([s.precision for s in scores])
            extra[f"{rouge_type}_recall"] = np.array([s.recall for s in scores])
        return SampleScores(extra[self.options.primary], extra)


def _best_of(scorer: RougeScorer, hypothesis: str, references: list[str]) -> dict[str, Score]:
    """rouge-score's ``score_multi``: per type, the reference with the highest F-measure (first on ties)."""
    if len(references) == 1:
        return scorer.score(references[0], hypothesis)
    per_reference = [scorer.score(reference, hypothesis) for reference in references]
    best: dict[str, Score] = {}
    for rouge_type in scorer.rouge_types:
        best[rouge_type] = max((s[rouge_type] for s in per_reference), key=lambda s: s.fmeasure)
    return best
