"""Statistical comparison of a student's samples with the reference's.

Discrete outcomes (ints, strings, booleans) use Pearson's chi-square test of homogeneity on
the 2 x K table of counts, with outcomes the reference rarely produces pooled so that every
expected count is at least 5 (the usual validity rule). Continuous outcomes use the
two-sample Kolmogorov-Smirnov test. Both come from scipy.stats.

The seeds of the draws come from :func:`trial_seeds`: unpredictable without the run's secret,
and the same for the same secret, so a run can be reproduced.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

MIN_EXPECTED = 5.0
KOLMOGOROV_SMIRNOV = "Kolmogorov-Smirnov"
SEED_BITS = 31  # every seeding API takes these (numpy's legacy seed stops at 2**32 - 1)


@dataclass(frozen=True)
class SampleTest:
    method: str
    p_value: float
    statistic: float
    df: int = 0  # a chi-square table's degrees of freedom (0: no table, or not a chi-square test)


def trial_seeds(secret: str, test: str, trials: int) -> list[int]:
    """The seeds of ``trials`` draws for the statistical test named ``test``.

    Derived from ``secret`` with SHAKE-256 (a keyed hash: without the secret the seeds cannot
    be told from random ones); the same secret and test name always give the same seeds.
    """
    stream = hashlib.shake_256(f"harness-trial-seeds\0{secret}\0{test}".encode()).digest(4 * trials)
    mask = (1 << SEED_BITS) - 1
    return [int.from_bytes(stream[i : i + 4], "big") & mask for i in range(0, 4 * trials, 4)]


def compare_samples(reference: list[Any], student: list[Any]) -> SampleTest:
    """Test whether ``student`` and ``reference`` draws come from the same distribution.

    Raises:
        ValueError: the samples are empty, or mix kinds that cannot be compared.
    """
    if not reference or not student:
        raise ValueError("no samples to compare")
    if all(isinstance(v, (int, str, bool)) for v in reference):
        if not all(isinstance(v, (int, str, bool)) for v in student):
            raise ValueError("the samples are not all discrete values like the reference's")
        return _chi_square(reference, student)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in [*reference, *student]):
        return _ks(_finite(reference), _finite(student))
    raise ValueError("samples must be numbers or discrete labels")


def _finite(draws: list[Any]) -> list[float]:
    """Continuous draws as floats; NaN, infinity and ints beyond a float are refused."""
    try:
        floats = [float(v) for v in draws]
    except OverflowError:
        raise ValueError("a draw is too large to be a float") from None
    if not all(math.isfinite(v) for v in floats):
        raise ValueError("a draw is not a finite number")
    return floats


def _chi_square(reference: list[Any], student: list[Any]) -> SampleTest:
    from scipy import stats

    ref_counts, student_counts = Counter(map(repr, reference)), Counter(map(repr, student))
    n_ref, n_student = len(reference), len(student)
    total = n_ref + n_student
    keys = sorted(set(ref_counts) | set(student_counts), key=lambda k: -ref_counts[k])
    rows: list[list[int]] = []
    pooled = [0, 0]
    for key in keys:
        column_total = ref_counts[key] + student_counts[key]
        if column_total * min(n_ref, n_student) / total >= MIN_EXPECTED:
            rows.append([ref_counts[key], student_counts[key]])
        else:
            pooled[0] += ref_counts[key]
            pooled[1] += student_counts[key]
    if sum(pooled):
        rows.append(pooled)
    if len(rows) < 2:
        same = ref_counts.keys() == student_counts.keys()
        return SampleTest("chi-square", 1.0 if same else 0.0, 0.0)
    result = stats.chi2_contingency(list(map(list, zip(*rows, strict=True))), correction=False)
    return SampleTest("chi-square", float(result.pvalue), float(result.statistic), int(result.dof))


def _ks(reference: list[float], student: list[float]) -> SampleTest:
    from scipy import stats

    with warnings.catch_warnings():
        # scipy falls back from the exact to the asymptotic p-value on large samples, and says so
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ks_2samp(reference, student)
    return SampleTest(KOLMOGOROV_SMIRNOV, float(result.pvalue), float(result.statistic))
