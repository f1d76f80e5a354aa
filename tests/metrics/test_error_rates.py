"""WER, MER, WIL and CER: jiwer's published test values, and identity with jiwer."""

from __future__ import annotations

import random

import jiwer
import pytest
from jiwer.transformations import wer_standardize

from harness.metrics.error_rates import CerMetric, MerMetric, WerMetric, WilMetric
from tests.metrics.conftest import perturbed_pairs

WORD_METRICS = {"wer": WerMetric, "mer": MerMetric, "wil": WilMetric}


@pytest.mark.parametrize(
    ("reference", "hypothesis", "wer", "mer", "wil"),
    [
        # jiwer tests/test_measures.py test_known_values, "taken from the 'From WER and RIL to MER
        # and WIL' paper" (Morris, Maier and Green 2004)
        ("X", "X", 0, 0, 0),
        ("X", "X X Y Y", 3, 0.75, 0.75),
        ("X Y X", "X Z", 2 / 3, 2 / 3, 5 / 6),
        ("X", "Y", 1, 1, 1),
        ("X", "Y Z", 2, 1, 1),
        # jiwer tests/test_measures.py test_input_gt_string_h_string and test_different_sentence_length
        ("This is a test", "This is a test", 0, 0, 0),
        ("This is a test", "", 1, 1, 1),
        ("This is a test", "This test", 0.5, 0.5, 0.5),
        (
            "i am a short ground truth",
            "i am a considerably longer and very much incorrect hypothesis",
            7 / 6,
            0.7,
            0.85,
        ),
    ],
)
def test_jiwer_known_values(reference: str, hypothesis: str, wer: float, mer: float, wil: float) -> None:
    for name, expected in (("wer", wer), ("mer", mer), ("wil", wil)):
        score = WORD_METRICS[name]().score([hypothesis], [reference], bootstrap=0).score
        assert round(score, 12) == round(expected, 12), name


@pytest.mark.parametrize(
    ("reference", "hypothesis", "cer"),
    [
        # jiwer tests/test_cer.py test_input_gt_string_h_string and test_known_values
        ("This is a test", "This is a test", 0 / 14),
        ("This is a test", "", 14 / 14),
        ("This is a test", "This test", 5 / 14),
        ("X", "X", 0),
        ("X", "X X Y Y", 6),
        ("X Y X", "X Z", 3 / 5),
        ("X", "Y", 1),
        ("X", "Y Z", 3),
    ],
)
def test_jiwer_cer_known_values(reference: str, hypothesis: str, cer: float) -> None:
    assert round(CerMetric().score([hypothesis], [reference], bootstrap=0).score, 12) == round(cer, 12)


def test_jiwer_cer_corpus_counts() -> None:
    # jiwer tests/test_cer.py test_return_dict: cer 0.7, hits 6, substitutions 1, deletions 3, insertions 3
    result = CerMetric().score(["i am", "y good"], ["i", "am i good"], bootstrap=0)
    assert result.score == 0.7
    assert [result.extra[k] for k in ("hits", "substitutions", "deletions", "insertions")] == [6, 1, 3, 3]


def test_jiwer_different_sentence_length_corpus() -> None:
    # jiwer tests/test_measures.py test_different_sentence_length: the corpus counts are summed
    result = WerMetric().score(
        ["i like", "python what you mean or swallow"],
        ["i like monthy", "python what do you mean african or european swallow"],
        bootstrap=0,
    )
    expected = jiwer.wer(
        "i like monthy python what do you mean african or european swallow", "i like python what you mean or swallow"
    )
    assert abs(result.score - expected) < 1e-12


def _noisy(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    hyps, refs = perturbed_pairs(n, seed)
    hyps = [h if rng.random() > 0.03 else "" for h in hyps]
    hyps = [h.replace(" ", "  ", 1) if rng.random() < 0.05 else h for h in hyps]  # jiwer collapses spaces
    refs = [r if rng.random() > 0.01 else "" for r in refs]  # an empty reference: jiwer counts insertions
    return hyps, refs


@pytest.mark.parametrize("name", ["wer", "mer", "wil"])
def test_word_rates_identical_to_jiwer(name: str) -> None:
    hyps, refs = _noisy(1500, seed=3)
    result = WORD_METRICS[name]().score(hyps, refs, bootstrap=0)
    assert result.score == getattr(jiwer, name)(refs, hyps)
    per_sample = [getattr(jiwer, name)(r, h) for h, r in zip(hyps[:200], refs[:200], strict=True)]
    assert result.per_sample[:200] == per_sample


def test_counts_identical_to_jiwer() -> None:
    hyps, refs = _noisy(1500, seed=4)
    output = jiwer.process_words(refs, hyps)
    extra = WerMetric().score(hyps, refs, bootstrap=0).extra
    assert [extra[k] for k in ("hits", "substitutions", "deletions", "insertions")] == [
        output.hits,
        output.substitutions,
        output.deletions,
        output.insertions,
    ]
    assert (extra["wer"], extra["mer"], extra["wip"], extra["wil"]) == (output.wer, output.mer, output.wip, output.wil)


def test_cer_identical_to_jiwer() -> None:
    hyps, refs = _noisy(800, seed=5)
    assert CerMetric().score(hyps, refs, bootstrap=0).score == jiwer.cer(refs, hyps)


def test_standardize_transform_identical_to_jiwer() -> None:
    hyps, refs = _noisy(500, seed=6)
    hyps = [h.upper() if i % 4 == 0 else h + " isn't it" for i, h in enumerate(hyps)]
    expected = jiwer.wer(refs, hyps, reference_transform=wer_standardize, hypothesis_transform=wer_standardize)
    result = WerMetric(normalize="standardize").score(hyps, refs, bootstrap=0)
    assert result.score == expected
    assert "tok:jiwer-wer_standardize" in str(result.signature)
