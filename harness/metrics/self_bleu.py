"""Self-BLEU: how alike a set of outputs is (Zhu et al. 2018, "Texygen"); lower is more varied.

Each hypothesis is scored with sentence BLEU against the *other* hypotheses as its references,
and the corpus score is the mean (0-100). Sentence BLEU is sacrebleu's (``sentence_bleu``:
13a tokens, exp smoothing, effective order), and each sample's number equals
``sacrebleu.sentence_bleu(h_i, [h_j for j != i])``. Texygen used NLTK's BLEU instead, so the
values are not comparable with papers that did.

With all others as references (``max_references=None``, the default) the clipping counts
come from one pass over the corpus: for every n-gram the largest and second-largest count
over hypotheses, so a hypothesis is clipped by the largest count among the others, in linear
time. ``max_references=k`` scores each hypothesis against k others drawn with the seed
(Texygen's sampling, for very large sets). References are not used.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import ClassVar

import numpy as np
from pydantic import Field

from harness.errors import HarnessError
from harness.metrics.base import TEXT_EXAMPLE, MetricExample, MetricOptions, SampleMetric, SampleScores
from harness.metrics.bleu import BleuMetric
from harness.metrics.inputs import TextInputs
from harness.metrics.ngrams import (
    NgramCounts,
    bleu_row,
    closest_reference_length,
    ngram_counts,
    reference_counts,
)
from harness.metrics.result import OptionValue

MAX_ORDER = 4


class SelfBleuOptions(MetricOptions):
    max_references: int | None = Field(default=None, ge=1)  # None: all the other hypotheses


class SelfBleuMetric(SampleMetric[SelfBleuOptions]):
    """Mean sentence BLEU of each hypothesis against the others (0-100, lower is more varied)."""

    name: ClassVar[str] = "self_bleu"
    description: ClassVar[str] = "self-BLEU: mean BLEU of each output against the others; lower is more varied"
    library: ClassVar[str] = "sacrebleu"
    options_model: ClassVar[type[MetricOptions]] = SelfBleuOptions
    higher_is_better: ClassVar[bool] = False
    needs_references: ClassVar[bool] = False
    example: ClassVar[MetricExample] = MetricExample(TEXT_EXAMPLE.hypotheses, None)

    @property
    def tokenizer(self) -> str:
        return "13a"

    @property
    def is_seeded(self) -> bool:
        return self.options.max_references is not None

    def _signature_options(self) -> dict[str, OptionValue]:
        return {"refs": "others" if self.options.max_references is None else self.options.max_references}

    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        if inputs.size < 2:
            raise HarnessError(f"{self.name} needs at least 2 hypotheses to compare, got {inputs.size}")
        bleu = BleuMetric(effective_order=True)
        tokenize = bleu._tokenizer()
        tokens = [tokenize(h) for h in inputs.hypotheses]
        k = self.options.max_references
        if k is None or k >= inputs.size - 1:
            rows = _rows_against_all_others(tokens)
        else:
            rows = _rows_against_sampled_others(tokens, k, seed)
        return SampleScores(np.array([bleu._from_stats(np.array(row, dtype=np.float64)) for row in rows]))


def _rows_against_all_others(tokens: list[list[str]]) -> list[list[int]]:
    counts = [ngram_counts(t, MAX_ORDER) for t in tokens]
    top = [_top_two(order, counts) for order in range(MAX_ORDER)]
    lengths = _Lengths([len(t) for t in tokens])
    rows = []
    for i, (hypothesis, own) in enumerate(zip(tokens, counts, strict=True)):
        clip: NgramCounts = []
        for order in range(MAX_ORDER):
            clip.append(Counter({g: _max_other(top[order][g], i) for g in own[order]}))
        rows.append(bleu_row(hypothesis, clip, lengths.closest_other(len(hypothesis)), MAX_ORDER))
    return rows


def _top_two(order: int, counts: Sequence[NgramCounts]) -> dict[Hashable, tuple[int, int, int]]:
    """Per n-gram: (largest count, the sample holding it, second-largest count)."""
    top: dict[Hashable, tuple[int, int, int]] = {}
    for sample, sample_counts in enumerate(counts):
        for gram, count in sample_counts[order].items():
            first, holder, second = top.get(gram, (0, -1, 0))
            if count > first:
                top[gram] = (count, sample, first)
            elif count > second:
                top[gram] = (first, holder, count)
    return top


def _max_other(top: tuple[int, int, int], sample: int) -> int:
    first, holder, second = top
    return second if holder == sample else first


class _Lengths:
    """The closest length among the *other* hypotheses (sacrebleu's rule: shorter on a tie)."""

    def __init__(self, lengths: list[int]) -> None:
        self.multiplicity = Counter(lengths)
        self.distinct = sorted(self.multiplicity)

    def closest_other(self, own: int) -> int:
        if self.multiplicity[own] > 1:
            return own
        pos = bisect_left(self.distinct, own)  # distinct[pos] == own
        neighbours = []
        if pos > 0:
            neighbours.append(self.distinct[pos - 1])
        if pos + 1 < len(self.distinct):
            neighbours.append(self.distinct[pos + 1])
        return closest_reference_length(own, neighbours)


def _rows_against_sampled_others(tokens: list[list[str]], k: int, seed: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i, hypothesis in enumerate(tokens):
        others = rng.choice(len(tokens) - 1, size=k, replace=False)
        references = [tokens[j + (j >= i)] for j in sorted(others.tolist())]
        clip, ref_lens = reference_counts(references, MAX_ORDER)
        rows.append(bleu_row(hypothesis, clip, closest_reference_length(len(hypothesis), ref_lens), MAX_ORDER))
    return rows
