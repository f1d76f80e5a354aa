"""distinct-n: how varied a set of outputs is (Li et al. 2016, "A Diversity-Promoting Objective
Function for Neural Conversation Models").

The corpus score is the number of *distinct* n-grams over all hypotheses divided by the total
number of n-grams (0-1, higher is more varied); ``extra`` has distinct-1 .. distinct-n. Each
sample's score is the same ratio within that hypothesis (0 when it has fewer than n tokens).
Tokens are white-space separated (optionally lower-cased). References are not used.

No confidence interval is given (``ci_low``/``ci_high`` are ``None``): the ratio depends on how
many outputs there are and on repeats among them, and a bootstrap resample repeats outputs by
construction, so resampled values sit systematically below the score (on six distinct
sentences, a 95% interval of [0.41, 0.88] around a score of 1.0). The interval would describe
the resampling, not the system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from harness.metrics.base import TEXT_EXAMPLE, Computation, FloatArray, MetricExample, MetricOptions, TextMetric
from harness.metrics.inputs import TextInputs


class DistinctOptions(MetricOptions):
    n: int = Field(default=2, ge=1, le=9)
    lowercase: bool = False


@dataclass(frozen=True)
class NgramIndex:
    """The distinct n-grams of each sample, as integer ids, and each sample's n-gram count."""

    ids: NDArray[np.int64]  # distinct ids of sample 0, then of sample 1, ...
    owner: NDArray[np.int64]  # the sample each id belongs to
    lengths: FloatArray  # n-grams (with repeats) per sample

    @property
    def corpus(self) -> float:
        total = float(self.lengths.sum())
        return len(np.unique(self.ids)) / total if total else 0.0

    def per_sample(self) -> FloatArray:
        distinct = np.bincount(self.owner, minlength=len(self.lengths)).astype(np.float64)
        return np.divide(distinct, self.lengths, out=np.zeros_like(distinct), where=self.lengths > 0)


def ngram_index(tokenized: list[list[str]], n: int) -> NgramIndex:
    """Index the distinct n-grams of each tokenised sample."""
    vocabulary: dict[tuple[str, ...], int] = {}
    ids: list[int] = []
    owner: list[int] = []
    lengths = np.zeros(len(tokenized))
    for sample, tokens in enumerate(tokenized):
        grams = list(zip(*[tokens[i:] for i in range(n)], strict=False))
        lengths[sample] = len(grams)
        for gram in set(grams):
            ids.append(vocabulary.setdefault(gram, len(vocabulary)))
            owner.append(sample)
    return NgramIndex(np.array(ids, dtype=np.int64), np.array(owner, dtype=np.int64), lengths)


class DistinctNMetric(TextMetric[DistinctOptions]):
    """Distinct n-grams / all n-grams over the hypotheses (0-1, higher is more varied)."""

    name: ClassVar[str] = "distinct_n"
    description: ClassVar[str] = "distinct-n diversity: distinct n-grams / all n-grams over the outputs, 0-1"
    options_model: ClassVar[type[MetricOptions]] = DistinctOptions
    needs_references: ClassVar[bool] = False
    example: ClassVar[MetricExample] = MetricExample(TEXT_EXAMPLE.hypotheses, None)

    @property
    def tokenizer(self) -> str:
        return "whitespace"

    def _compute(self, inputs: TextInputs, seed: int) -> Computation:
        tokenized = [(h.lower() if self.options.lowercase else h).split() for h in inputs.hypotheses]
        indexes = {order: ngram_index(tokenized, order) for order in range(1, self.options.n + 1)}
        primary = indexes[self.options.n]
        return Computation(
            score=primary.corpus,
            per_sample=primary.per_sample(),
            resample=None,
            extra={f"distinct_{order}": index.corpus for order, index in indexes.items()},
        )
