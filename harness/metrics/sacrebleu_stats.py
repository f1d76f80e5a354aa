"""Per-sample statistics from a sacrebleu metric, in the harness's reference layout.

sacrebleu takes references as streams (``refs[k][i]``: the k-th reference of sample i, ``None``
where sample i has fewer); the harness takes them per sample. The statistics come from
sacrebleu's own ``_extract_corpus_statistics``, the function its ``corpus_score`` and its
significance tests use, so the rows (and the scores computed from their sums) are sacrebleu's.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

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


def statistics_rows(
    kind: Literal["chrf", "ter"], options: dict[str, Any], hypotheses: list[str], references: list[list[str]]
) -> FloatArray:
    """The ``(n, k)`` rows of sacrebleu's chrF or TER with ``options``, counted by the harness's
    faster counting (:mod:`harness.metrics.chrf_stats`, :mod:`harness.metrics.ter_stats`), whose
    rows are sacrebleu's exactly. One object per kind and options is kept, so chrF
    prepares a list of references once for a system and its baseline."""
    metric = sacrebleu_metric(kind, tuple(sorted(options.items())))
    if kind == "chrf":
        return np.array(metric.statistics(hypotheses, references), dtype=np.float64)
    return np.array(metric._extract_corpus_statistics(hypotheses, reference_streams(references)), dtype=np.float64)


@cache
def sacrebleu_metric(kind: Literal["chrf", "ter"], options: tuple[tuple[str, Any], ...]) -> Any:
    """One fast sacrebleu metric object per kind and options."""
    if kind == "chrf":
        from harness.metrics.chrf_stats import FastChrf

        return FastChrf(**dict(options))
    from harness.metrics.ter_stats import FastTer

    return FastTer(**dict(options))
