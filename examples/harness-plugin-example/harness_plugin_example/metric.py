"""``keyword_recall``: the share of a reference's words that the hypothesis uses, per sample."""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np

from harness.metrics.base import MetricOptions, SampleMetric, SampleScores
from harness.metrics.inputs import TextInputs


class KeywordRecallOptions(MetricOptions):
    min_length: int = 4  # words shorter than this are not keywords ("the", "is", ...)


class KeywordRecallMetric(SampleMetric[KeywordRecallOptions]):
    """Recall of the reference's keywords (its words of ``min_length`` letters or more), best reference."""

    name: ClassVar[str] = "keyword_recall"
    description: ClassVar[str] = "share of the reference's keywords found in the hypothesis, 0-1"
    options_model: ClassVar[type[MetricOptions]] = KeywordRecallOptions
    library: ClassVar[str] = "harness-plugin-example"  # its version goes into every signature

    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        scores = [
            max(self._recall(hypothesis, reference) for reference in references)
            for hypothesis, references in zip(inputs.hypotheses, inputs.references, strict=True)
        ]
        return SampleScores(np.array(scores, dtype=np.float64))

    def _recall(self, hypothesis: str, reference: str) -> float:
        keywords = self._keywords(reference)
        return len(keywords & self._keywords(hypothesis)) / len(keywords) if keywords else 1.0

    def _keywords(self, text: str) -> set[str]:
        return {word for word in re.findall(r"\w+", text.lower()) if len(word) >= self.options.min_length}
