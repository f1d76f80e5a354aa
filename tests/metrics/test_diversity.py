"""distinct-n (closed-form cases) and self-BLEU (identity with sacrebleu's sentence BLEU)."""

from __future__ import annotations

import random

import pytest
import sacrebleu

from harness.errors import HarnessError
from harness.metrics.distinct_n import DistinctNMetric
from harness.metrics.self_bleu import SelfBleuMetric
from tests.metrics.conftest import perturbed_pairs


def test_distinct_n_closed_form() -> None:
    # unigrams: a a a a b -> 2 distinct of 5; bigrams: (a a) (a a) (a b) -> 2 distinct of 3
    result = DistinctNMetric(n=2).score(["a a a", "a b"], None)
    assert result.score == 2 / 3
    assert result.extra == {"distinct_1": 2 / 5, "distinct_2": 2 / 3}
    assert result.per_sample == [1 / 2, 1.0]
    assert result.ci_low is None and result.ci_high is None  # no meaningful bootstrap (see the module)


def test_distinct_n_short_outputs_and_case() -> None:
    assert DistinctNMetric(n=3).score(["one two", "x"], None).per_sample == [0.0, 0.0]
    assert DistinctNMetric(n=1, lowercase=True).score(["A a", "a"], None).score == 1 / 3


def test_self_bleu_equals_sentence_bleu_against_the_others() -> None:
    hyps, _ = perturbed_pairs(60, seed=17)
    hyps[5] = hyps[9]  # a duplicate: BLEU 100 against its twin
    hyps[7] = ""
    result = SelfBleuMetric().score(hyps, None, bootstrap=0)
    expected = [sacrebleu.sentence_bleu(h, hyps[:i] + hyps[i + 1 :]).score for i, h in enumerate(hyps)]
    assert result.per_sample == expected
    assert round(result.per_sample[5], 9) == 100.0
    assert result.higher_is_better is False


def test_self_bleu_is_higher_for_repetitive_outputs() -> None:
    varied, _ = perturbed_pairs(40, seed=18)
    rng = random.Random(0)
    repetitive = [rng.choice(varied[:3]) for _ in range(40)]
    metric = SelfBleuMetric()
    assert metric.score(repetitive, None).score > metric.score(varied, None).score + 30


def test_self_bleu_sampled_references_are_seeded() -> None:
    hyps, _ = perturbed_pairs(50, seed=19)
    metric = SelfBleuMetric(max_references=5)
    first = metric.score(hyps, None, seed=1, bootstrap=0)
    assert metric.score(hyps, None, seed=1, bootstrap=0) == first
    assert metric.score(hyps, None, seed=2, bootstrap=0).per_sample != first.per_sample
    assert "seed:1" in str(first.signature) and "refs:5" in str(first.signature)
    everyone = SelfBleuMetric(max_references=49).score(hyps, None, bootstrap=0)
    assert everyone.per_sample == SelfBleuMetric().score(hyps, None, bootstrap=0).per_sample


def test_self_bleu_needs_two_outputs() -> None:
    with pytest.raises(HarnessError, match="at least 2 hypotheses"):
        SelfBleuMetric().score(["alone"], None)
