"""Statistical comparison of samples: known answers from scipy called directly."""

from __future__ import annotations

import random

import pytest
from scipy import stats

from harness.grading.sample_tests import compare_samples


def test_chi_square_matches_scipy_on_a_plain_table() -> None:
    reference = [0] * 50 + [1] * 30 + [2] * 20
    student = [0] * 40 + [1] * 35 + [2] * 25
    expected = stats.chi2_contingency([[50, 30, 20], [40, 35, 25]], correction=False)
    result = compare_samples(reference, student)
    assert result.method == "chi-square"
    assert result.p_value == pytest.approx(expected.pvalue)


def test_rare_outcomes_are_pooled() -> None:
    reference = [0] * 95 + [5, 6, 7, 8, 9]
    student = [0] * 96 + [5, 6, 7, 8]
    assert compare_samples(reference, student).p_value > 0.5


def test_ks_for_continuous_draws() -> None:
    rng = random.Random(1)
    reference = [rng.gauss(0, 1) for _ in range(2000)]
    same = [rng.gauss(0, 1) for _ in range(2000)]
    shifted = [rng.gauss(0.3, 1) for _ in range(2000)]
    assert compare_samples(reference, same).p_value > 0.001
    assert compare_samples(reference, shifted).p_value < 1e-6
    assert compare_samples(reference, same).method == "Kolmogorov-Smirnov"


def test_a_correct_sampler_rarely_fails_and_a_biased_one_always_does() -> None:
    """Over 200 independent seeds, alpha = 0.001 rejects a correct sampler almost never."""
    weights = [0.5, 0.3, 0.15, 0.05]
    rejected_correct = rejected_biased = 0
    for seed in range(200):
        rng = random.Random(seed)
        reference = rng.choices(range(4), weights, k=4000)
        correct = rng.choices(range(4), weights, k=4000)
        biased = rng.choices(range(4), [0.4, 0.33, 0.2, 0.07], k=4000)  # e.g. a temperature bug
        rejected_correct += compare_samples(reference, correct).p_value < 0.001
        rejected_biased += compare_samples(reference, biased).p_value < 0.001
    assert rejected_correct <= 2  # expected 0.2 of 200
    assert rejected_biased >= 198


def test_mismatched_kinds_are_refused() -> None:
    with pytest.raises(ValueError):
        compare_samples([1, 2, 3], [0.5, 1.5, "x"])
