"""Seeded bootstrap resampling: confidence intervals and paired significance.

A resample is represented by its multiplicities: ``counts[i]`` says how often sample ``i`` was
drawn (``n`` draws with replacement). A metric turns a ``(b, n)`` matrix of multiplicities into
``b`` scores; a corpus metric does it with one matrix product over its per-sample sufficient
statistics (``counts @ stats``), so BLEU's interval re-computes the *corpus* BLEU of each
resample without touching a string. Resamples are generated in chunks so memory stays flat
(about 16 MB whatever ``n`` and ``b``), and the chunking depends only on ``n`` and ``b``, so a
seed always gives the same resamples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from harness.errors import HarnessError

Resampler = Callable[[NDArray[np.int64]], NDArray[np.float64]]
"""Multiplicities ``(b, n)`` in, one score per resample ``(b,)`` out."""

_CHUNK_CELLS = 1 << 21  # multiplicities generated at once: 2M int64 = 16 MB


def check_settings(seed: int, bootstrap: int, confidence: float) -> None:
    """Raise :class:`HarnessError` unless the resampling settings make sense."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise HarnessError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
        raise HarnessError(f"bootstrap must be a non-negative number of resamples, got {bootstrap!r}")
    if not 0.0 < confidence < 1.0:
        raise HarnessError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")


def resample_counts(n: int, bootstrap: int, seed: int) -> Iterator[NDArray[np.int64]]:
    """Yield ``(chunk, n)`` matrices of multiplicities, ``bootstrap`` rows in all.

    Each row is one bootstrap resample of ``n`` samples drawn with replacement by
    ``numpy.random.default_rng(seed)``.
    """
    rng = np.random.default_rng(seed)
    chunk = max(1, min(bootstrap, _CHUNK_CELLS // max(n, 1)))
    done = 0
    while done < bootstrap:
        rows = min(chunk, bootstrap - done)
        draws = rng.integers(0, n, size=(rows, n))
        draws += (np.arange(rows, dtype=np.int64) * n)[:, None]
        yield np.bincount(draws.ravel(), minlength=rows * n).reshape(rows, n)
        done += rows


def bootstrap_scores(resample: Resampler, n: int, bootstrap: int, seed: int) -> NDArray[np.float64]:
    """The metric's score on each of ``bootstrap`` seeded resamples of its ``n`` samples."""
    return resample_all([resample], n, bootstrap, seed)[0]


def paired_bootstrap_scores(
    resample_a: Resampler, resample_b: Resampler, n: int, bootstrap: int, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Scores of two systems on the *same* resamples (the pairing is what makes the test paired)."""
    scores_a, scores_b = resample_all([resample_a, resample_b], n, bootstrap, seed)
    return scores_a, scores_b


def resample_all(resamplers: Sequence[Resampler], n: int, bootstrap: int, seed: int) -> list[NDArray[np.float64]]:
    """The scores of every resampler on the same ``bootstrap`` seeded resamples of ``n`` samples.

    Drawing the multiplicities is most of a corpus metric's bootstrap (10,000 samples x 1,000
    resamples: 10 million draws), so a suite draws them once for all its metrics and both
    systems. Each resampler gets exactly the resamples it would get alone with this seed.
    """
    scores: list[list[NDArray[np.float64]]] = [[] for _ in resamplers]
    for counts in resample_counts(n, bootstrap, seed):
        for own, resample in zip(scores, resamplers, strict=True):
            own.append(resample(counts))
    return [np.concatenate(own) if own else np.empty(0) for own in scores]


def percentile_interval(scores: NDArray[np.float64], confidence: float) -> tuple[float, float]:
    """The percentile bootstrap interval: the ``(1-confidence)/2`` and ``(1+confidence)/2`` quantiles."""
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(scores, [tail, 1.0 - tail])
    return float(low), float(high)


def paired_p_value(scores_a: NDArray[np.float64], scores_b: NDArray[np.float64], observed: float) -> float:
    """Two-sided p-value of the paired bootstrap test for "A and B are equally good".

    The approach is sacrebleu's ``significance._paired_bs_test`` (after Koehn 2004, "Statistical
    Significance Tests for Machine Translation Evaluation", and Moses'
    ``bootstrap-hypothesis-difference-significance.pl``): shift the resampled differences to
    mean zero, which simulates the null hypothesis, and report the share of them at least as
    large as the observed difference, with the +1 correction of its ``_compute_p_value``.

    Two deliberate differences:

    - The *signed* differences are centred, ``|d* - mean(d*)|``, as in the bootstrap test of
      Efron and Tibshirani (1993, sec. 16.4) and Berg-Kirkpatrick, Burkett and Klein (2012).
      sacrebleu centres the absolute ones, ``|d*| - mean(|d*|)``, whose spread is too small:
      on 60 pairs of equally good systems (``tests/metrics/test_base.py``) its p-values had a
      median of 0.17 instead of 0.5 and fell below 0.05 for 15% of the BLEU pairs; centred
      signed differences gave a median of 0.5.
    - Ties count as extreme (``>=``), so a system compared with itself gets p = 1 rather than
      sacrebleu's 1/(b+1).
    """
    differences = scores_a - scores_b
    shifted = np.abs(differences - differences.mean())
    extreme = int(np.count_nonzero(shifted >= abs(observed)))
    return (extreme + 1) / (len(differences) + 1)
