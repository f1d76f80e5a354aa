"""TER through sacrebleu: identical to ``sacrebleu.corpus_ter`` with the same options (lower is better).

Per-sample scores are ``sacrebleu.sentence_ter``'s (the same formula on one sample's statistics).
With several references, a sample's edits are those against its closest reference and its
length is the average reference length, as in sacrebleu. The rows are sacrebleu's, from the
harness's own shift search and edit distance (:mod:`harness.metrics.ter_stats`), which follow
sacrebleu's exactly and are compared with it on generated and adversarial pairs.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from harness.metrics.base import CorpusMetric, FloatArray, MetricOptions
from harness.metrics.inputs import TextInputs
from harness.metrics.result import OptionValue
from harness.metrics.sacrebleu_stats import statistics_rows


class TerOptions(MetricOptions):
    """sacrebleu's ``TER`` options."""

    normalized: bool = False
    no_punct: bool = False
    asian_support: bool = False
    case_sensitive: bool = False


class TerMetric(CorpusMetric[TerOptions]):
    """Translation Edit Rate (0-100+, lower is better), identical to ``sacrebleu.corpus_ter``."""

    name: ClassVar[str] = "ter"
    description: ClassVar[str] = "TER (sacrebleu): edits incl. shifts per reference word, x100; lower is better"
    library: ClassVar[str] = "sacrebleu"
    higher_is_better: ClassVar[bool] = False
    options_model: ClassVar[type[MetricOptions]] = TerOptions

    @property
    def tokenizer(self) -> str:
        return "tercom"

    def _signature_options(self) -> dict[str, OptionValue]:
        o = self.options
        return {
            "case": "mixed" if o.case_sensitive else "lc",
            "norm": o.normalized,
            "punct": not o.no_punct,
            "asian": o.asian_support,
        }

    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        return statistics_rows("ter", self.options.model_dump(), inputs.hypotheses, inputs.references)

    def _from_stats(self, totals: FloatArray) -> float:
        score: float = self._sacrebleu._compute_score_from_stats([float(x) for x in totals]).score
        return score

    def _extra_from_stats(self, totals: FloatArray) -> dict[str, float]:
        return {"num_edits": float(totals[0]), "ref_length": float(totals[1])}

    @cached_property
    def _sacrebleu(self) -> Any:
        from sacrebleu.metrics.ter import TER

        return TER(**self.options.model_dump())
