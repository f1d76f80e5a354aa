"""Statistical comparison of samples: known answers from scipy called directly."""

from __future__ import annotations

import random

import pytest
from scipy import stats

from harness.kinds.code_engine.sample_tests import compare_samples, trial_seeds


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


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 10**400])
def test_continuous_draws_must_be_finite_floats(bad: float) -> None:
    with pytest.raises(ValueError, match="draw"):
        compare_samples([0.5, 1.5, 2.5], [0.5, bad, 2.5])


def test_trial_seeds_are_fixed_by_the_secret_and_unpredictable_without_it() -> None:
    seeds = trial_seeds("secret-a", "code-sample/basic", 2000)
    assert seeds == trial_seeds("secret-a", "code-sample/basic", 2000)  # reproducible
    assert len(seeds) == 2000 and all(0 <= s < 2**31 for s in seeds)  # every seeding API takes them
    assert seeds[:5] != list(range(5)) and len(set(seeds)) > 1990
    assert trial_seeds("secret-b", "code-sample/basic", 2000)[:20] != seeds[:20]
    assert trial_seeds("secret-a", "code-sample/other", 2000)[:20] != seeds[:20]
    assert trial_seeds("secret-a", "code-sample/basic", 10) == seeds[:10]  # a prefix: trials grow the list
    # large, as random 31-bit numbers are: a sampler right only for small seeds is caught
    assert sum(s > 2**30 for s in seeds) > 900
