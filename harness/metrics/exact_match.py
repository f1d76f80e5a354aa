"""Exact match (0-1): the share of hypotheses equal to one of their references.

``normalize="squad"`` (the default) compares SQuAD-normalised strings
(:func:`harness.metrics.squad.normalize_answer`), as the SQuAD evaluation script does;
``"strip"`` only trims surrounding white space; ``"none"`` compares the strings as given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

import numpy as np

from harness.metrics.base import MetricOptions, SampleMetric, SampleScores
from harness.metrics.inputs import TextInputs
from harness.metrics.squad import normalize_answer

Normalize = Literal["squad", "strip", "none"]
NORMALIZERS: dict[str, Callable[[str], str]] = {
    "squad": normalize_answer,
    "strip": str.strip,
    "none": lambda text: text,
}


class ExactMatchOptions(MetricOptions):
    normalize: Normalize = "squad"


class ExactMatchMetric(SampleMetric[ExactMatchOptions]):
    """1 for a sample whose hypothesis equals any of its references after normalisation, else 0."""

    name: ClassVar[str] = "exact_match"
    description: ClassVar[str] = "exact match after SQuAD normalisation (by default), 0-1"
    options_model: ClassVar[type[MetricOptions]] = ExactMatchOptions

    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        norm = NORMALIZERS[self.options.normalize]
        scores = [
            float(any(norm(hyp) == norm(ref) for ref in refs))
            for hyp, refs in zip(inputs.hypotheses, inputs.references, strict=True)
        ]
        return SampleScores(np.array(scores, dtype=np.float64))
