"""NLTK's BLEU (0-1), the variant many courses teach, with a named smoothing method.

The corpus score equals ``nltk.translate.bleu_score.corpus_bleu(list_of_references,
hypotheses, weights, smoothing_function=SmoothingFunction().<smoothing>)`` on whitespace
tokens, and each sample's score equals ``sentence_bleu`` on that sample. The statistics per
sample are NLTK's own (``modified_precision`` numerators and denominators, the hypothesis
length and ``closest_ref_length``), and the score is NLTK's ``corpus_bleu`` tail over their sums
(``brevity_penalty``, the smoothing function, the weighted log-sum), so bootstrap resamples
re-compute corpus BLEU.

Smoothing methods 5-7 are not offered: in ``corpus_bleu`` they read the *last* sentence of the
corpus, so they are not a function of corpus statistics. NLTK's BLEU is on a 0-1 scale and
differs from sacrebleu's (tokenization, smoothing): compare it only with itself.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from harness.metrics.base import CorpusMetric, FloatArray, MetricOptions
from harness.metrics.inputs import TextInputs
from harness.metrics.result import OptionValue


class NltkBleuOptions(MetricOptions):
    """Uniform weights over orders 1..max_order; ``smoothing`` names a ``SmoothingFunction`` method."""

    smoothing: Literal["method0", "method1", "method2", "method3", "method4"] = "method1"
    max_order: int = Field(default=4, ge=1, le=9)
    lowercase: bool = False


class NltkBleuMetric(CorpusMetric[NltkBleuOptions]):
    """Corpus BLEU as ``nltk.translate.bleu_score.corpus_bleu`` computes it (0-1)."""

    name: ClassVar[str] = "bleu_nltk"
    description: ClassVar[str] = "BLEU as NLTK's corpus_bleu computes it, whitespace tokens, named smoothing, 0-1"
    library: ClassVar[str] = "nltk"
    options_model: ClassVar[type[MetricOptions]] = NltkBleuOptions

    @property
    def tokenizer(self) -> str:
        return "whitespace"

    def _signature_options(self) -> dict[str, OptionValue]:
        return {
            "case": "lc" if self.options.lowercase else "mixed",
            "smooth": self.options.smoothing,
            "order": self.options.max_order,
        }

    def _tokens(self, text: str) -> list[str]:
        return (text.lower() if self.options.lowercase else text).split()

    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        from nltk.translate.bleu_score import closest_ref_length, modified_precision

        order = self.options.max_order
        rows = []
        for hypothesis, references in zip(inputs.hypotheses, inputs.references, strict=True):
            hyp = self._tokens(hypothesis)
            refs = [self._tokens(r) for r in references]
            precisions = [modified_precision(refs, hyp, n) for n in range(1, order + 1)]
            rows.append(
                [len(hyp), closest_ref_length(refs, len(hyp))]
                + [p.numerator for p in precisions]
                + [p.denominator for p in precisions]
            )
        return np.array(rows, dtype=np.float64)

    def _from_stats(self, totals: FloatArray) -> float:
        """NLTK's ``corpus_bleu`` after its loop over sentences, on summed statistics."""
        from nltk.translate.bleu_score import Fraction, SmoothingFunction, brevity_penalty

        order = self.options.max_order
        counts = [int(x) for x in totals]
        hyp_lengths, ref_lengths = counts[0], counts[1]
        numerators, denominators = counts[2 : 2 + order], counts[2 + order :]
        bp = brevity_penalty(ref_lengths, hyp_lengths)
        p_n: list[Any] = [
            Fraction(num, den, _normalize=False) for num, den in zip(numerators, denominators, strict=True)
        ]
        if numerators[0] == 0:
            return 0.0
        smoothing = getattr(SmoothingFunction(), self.options.smoothing)
        with warnings.catch_warnings():
            # method0 warns that a zero n-gram count makes BLEU 0; that is the documented result
            warnings.simplefilter("ignore", UserWarning)
            p_n = smoothing(p_n, references=[], hypothesis=[], hyp_len=hyp_lengths)
        weight = 1 / order
        log_sum = math.fsum(weight * math.log(p_i) for p_i in p_n if p_i > 0)
        return float(bp * math.exp(log_sum))
