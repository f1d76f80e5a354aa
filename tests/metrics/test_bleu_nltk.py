"""NLTK BLEU: NLTK's doctest values, and identity with corpus_bleu/sentence_bleu for each smoothing."""

from __future__ import annotations

import warnings

import pytest
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

from harness.metrics.bleu_nltk import NltkBleuMetric
from tests.metrics.conftest import perturbed_pairs

# nltk/translate/bleu_score.py, corpus_bleu docstring
HYP1 = "It is a guide to action which ensures that the military always obeys the commands of the party"
REF1A = "It is a guide to action that ensures that the military will forever heed Party commands"
REF1B = "It is the guiding principle which guarantees the military forces always being under the command of the Party"
REF1C = "It is the practical guide for the army always to heed the directions of the party"
HYP2 = "he read the book because he was interested in world history"
REF2A = "he was interested in world history because he read the book"


def test_nltk_corpus_bleu_doctest() -> None:
    result = NltkBleuMetric(smoothing="method0").score([HYP1, HYP2], [[REF1A, REF1B, REF1C], [REF2A]], bootstrap=0)
    assert str(result.score).startswith("0.5920")  # corpus_bleu(list_of_references, hypotheses) -> 0.5920...
    assert str(sum(result.per_sample) / 2).startswith("0.6223")  # (score1 + score2) / 2 -> 0.6223...


@pytest.mark.parametrize("smoothing", ["method0", "method1", "method2", "method3", "method4"])
def test_identical_to_nltk(smoothing: str) -> None:
    hyps, refs = perturbed_pairs(200, seed=13)
    _, others = perturbed_pairs(200, seed=14)
    references = [[r, o] if i % 2 else [r] for i, (r, o) in enumerate(zip(refs, others, strict=True))]
    hyps[3] = "tiny"  # shorter than every n-gram order
    result = NltkBleuMetric(smoothing=smoothing).score(hyps, references, bootstrap=0)
    function = getattr(SmoothingFunction(), smoothing)
    tokenized_refs = [[r.split() for r in rs] for rs in references]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # method0's "0 counts of n-gram overlaps"
        expected = corpus_bleu(tokenized_refs, [h.split() for h in hyps], smoothing_function=function)
        sentences = [
            sentence_bleu(r, h.split(), smoothing_function=function) for h, r in zip(hyps, tokenized_refs, strict=True)
        ]
    assert result.score == expected
    assert result.per_sample == sentences


def test_smoothing_methods_that_read_the_last_sentence_are_refused() -> None:
    from harness.errors import HarnessError

    with pytest.raises(HarnessError, match="smoothing"):
        NltkBleuMetric(smoothing="method5")
