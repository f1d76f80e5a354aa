"""Token F1 (0-1), SQuAD-style: bag-of-tokens overlap after SQuAD normalisation.

Per sample, the best F1 over its references (SQuAD's ``metric_max_over_ground_truths``); the
precision and recall reported with it are those of that reference. See
:mod:`harness.metrics.squad` for the normalisation and the empty-answer rule.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from harness.metrics.base import MetricOptions, SampleMetric, SampleScores
from harness.metrics.inputs import TextInputs
from harness.metrics.squad import token_f1


class TokenF1Options(MetricOptions):
    normalize: bool = True  # SQuAD normalisation; False: split the strings as given


class TokenF1Metric(SampleMetric[TokenF1Options]):
    """Mean over samples of the best token F1 against the sample's references."""

    name: ClassVar[str] = "token_f1"
    description: ClassVar[str] = "SQuAD token F1 (bag of normalised tokens), 0-1"
    options_model: ClassVar[type[MetricOptions]] = TokenF1Options

    @property
    def tokenizer(self) -> str:
        return "squad" if self.options.normalize else "whitespace"

    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        best = [
            max((token_f1(hyp, ref, self.options.normalize) for ref in refs), key=lambda t: t[0])
            for hyp, refs in zip(inputs.hypotheses, inputs.references, strict=True)
        ]
        f1, precision, recall = (np.array(column, dtype=np.float64) for column in zip(*best, strict=True))
        return SampleScores(f1, {"precision": precision, "recall": recall})
