"""Exact match and SQuAD token F1: cases worked out by hand from the SQuAD v2.0 evaluation script."""

from __future__ import annotations

import pytest

from harness.metrics.exact_match import ExactMatchMetric
from harness.metrics.squad import normalize_answer
from harness.metrics.token_f1 import TokenF1Metric


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("The Cat!", "cat"),  # lower, punctuation and the article go
        ("  an   apple, a day ", "apple day"),
        ("theatre", "theatre"),  # "the" only as a whole word
        ("U.S.A.", "usa"),
    ],
)
def test_squad_normalisation(text: str, normalized: str) -> None:
    assert normalize_answer(text) == normalized


def test_exact_match_modes() -> None:
    hyps = ["The Cat!", "dog", " a bird "]
    refs = ["cat", ["wolf", "Dog"], "a bird"]
    assert ExactMatchMetric().score(hyps, refs, bootstrap=0).per_sample == [1.0, 1.0, 1.0]
    assert ExactMatchMetric(normalize="strip").score(hyps, refs, bootstrap=0).per_sample == [0.0, 0.0, 1.0]
    assert ExactMatchMetric(normalize="none").score(hyps, refs, bootstrap=0).per_sample == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("hypothesis", "references", "f1", "precision", "recall"),
    [
        ("the cat sat", ["cat sat down"], 0.8, 1.0, 2 / 3),  # common 2: P 2/2, R 2/3, F1 0.8
        ("cat cat", ["cat"], 2 / 3, 0.5, 1.0),  # bag of tokens: one "cat" in common
        ("blue", ["red", "Blue!"], 1.0, 1.0, 1.0),  # the best reference counts
        ("", ["the"], 1.0, 1.0, 1.0),  # both empty after normalisation (SQuAD v2.0 rule)
        ("", ["cat"], 0.0, 0.0, 0.0),
        ("dog", ["cat"], 0.0, 0.0, 0.0),
    ],
)
def test_token_f1(hypothesis: str, references: list[str], f1: float, precision: float, recall: float) -> None:
    result = TokenF1Metric().score([hypothesis], [references], bootstrap=0)
    assert (round(result.score, 12), round(result.extra["precision"], 12), round(result.extra["recall"], 12)) == (
        round(f1, 12),
        round(precision, 12),
        round(recall, 12),
    )
