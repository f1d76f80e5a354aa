"""chrF and chrF++ through sacrebleu: identical to ``sacrebleu.corpus_chrf`` with the same options.

The statistics rows are sacrebleu's, counted faster (:mod:`harness.metrics.chrf_stats`); the score is sacrebleu's
own ``CHRF._compute_f_score`` over their sums.

Per-sample scores are ``sacrebleu.sentence_chrf``'s (the same formula on one sample's statistics).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from pydantic import Field

from harness.metrics.base import CorpusMetric, FloatArray, MetricOptions
from harness.metrics.inputs import TextInputs
from harness.metrics.result import OptionValue
from harness.metrics.sacrebleu_stats import statistics_rows


class ChrfOptions(MetricOptions):
    """sacrebleu's ``CHRF`` options; ``word_order=2`` is chrF++."""

    char_order: int = Field(default=6, ge=1)
    word_order: int = Field(default=0, ge=0)
    beta: int = Field(default=2, ge=1)
    lowercase: bool = False
    whitespace: bool = False
    eps_smoothing: bool = False


class ChrfMetric(CorpusMetric[ChrfOptions]):
    """Character n-gram F-score (0-100), identical to ``sacrebleu.corpus_chrf``."""

    name: ClassVar[str] = "chrf"
    description: ClassVar[str] = "chrF / chrF++ (sacrebleu): character n-gram F-score, 0-100"
    library: ClassVar[str] = "sacrebleu"
    options_model: ClassVar[type[MetricOptions]] = ChrfOptions

    def _signature_options(self) -> dict[str, OptionValue]:
        o = self.options
        return {
            "case": "lc" if o.lowercase else "mixed",
            "eff": not o.eps_smoothing,
            "nc": o.char_order,
            "nw": o.word_order,
            "space": o.whitespace,
            "beta": o.beta,
        }

    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        return statistics_rows("chrf", self.options.model_dump(), inputs.hypotheses, inputs.references)

    def _from_stats(self, totals: FloatArray) -> float:
        score: float = self._sacrebleu._compute_f_score([int(x) for x in totals])
        return score

    @cached_property
    def _sacrebleu(self) -> Any:
        from harness.metrics.chrf_stats import FastChrf

        return FastChrf(**self.options.model_dump())
