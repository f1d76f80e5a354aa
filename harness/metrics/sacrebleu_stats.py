"""Per-sample statistics from a sacrebleu metric, in the harness's reference layout.

sacrebleu takes references as streams (``refs[k][i]``: the k-th reference of sample i, ``None``
where sample i has fewer); the harness takes them per sample. The statistics come from
sacrebleu's own ``_extract_corpus_statistics``, the function its ``corpus_score`` and its
significance tests use, so the rows (and the scores computed from their sums) are sacrebleu's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from harness.metrics.base import FloatArray
from harness.metrics.inputs import TextInputs


def reference_streams(references: list[list[str]]) -> list[list[str | None]]:
    """Per-sample references transposed to sacrebleu's streams, padded with ``None``."""
    depth = max(len(refs) for refs in references)
    return [[refs[k] if k < len(refs) else None for refs in references] for k in range(depth)]


def sacrebleu_stats(metric: Any, inputs: TextInputs) -> FloatArray:
    """The ``(n, k)`` statistics rows of a sacrebleu ``Metric`` instance on ``inputs``."""
    rows = metric._extract_corpus_statistics(inputs.hypotheses, reference_streams(inputs.references))
    return np.array(rows, dtype=np.float64)
