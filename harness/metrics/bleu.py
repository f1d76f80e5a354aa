"""BLEU through sacrebleu: the corpus score is ``sacrebleu.corpus_bleu``'s, to the last bit.

The tokenizer is sacrebleu's, the statistics rows are sacrebleu's (counted faster, see
:mod:`harness.metrics.ngrams`) and the score is sacrebleu's own ``BLEU.compute_bleu`` over their
sums. Per-sample scores are sentence BLEU as ``sacrebleu.sentence_bleu`` computes it: the same
options with effective order on.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from harness.metrics.base import CorpusMetric, FloatArray, MetricOptions, per_distinct_row
from harness.metrics.inputs import TextInputs
from harness.metrics.ngrams import bleu_rows
from harness.metrics.result import OptionValue

if TYPE_CHECKING:
    from sacrebleu.metrics.bleu import BLEUScore


class BleuOptions(MetricOptions):
    """sacrebleu's ``BLEU`` options (the offline tokenizers only)."""

    tokenize: Literal["13a", "intl", "zh", "char", "none"] = "13a"
    lowercase: bool = False
    smooth_method: Literal["exp", "floor", "add-k", "none"] = "exp"
    smooth_value: float | None = None  # None: sacrebleu's default for floor (0.1) and add-k (1)
    max_ngram_order: int = Field(default=4, ge=1, le=9)
    effective_order: bool = False


class BleuMetric(CorpusMetric[BleuOptions]):
    """Corpus BLEU (0-100), identical to ``sacrebleu.corpus_bleu`` with the same options."""

    name: ClassVar[str] = "bleu"
    description: ClassVar[str] = "BLEU (sacrebleu): n-gram precision with a brevity penalty, 0-100"
    library: ClassVar[str] = "sacrebleu"
    options_model: ClassVar[type[MetricOptions]] = BleuOptions

    @property
    def tokenizer(self) -> str:
        return self.options.tokenize

    def _signature_options(self) -> dict[str, OptionValue]:
        smooth: str = self.options.smooth_method
        default = _smooth_default(smooth)
        if default is not None:
            value = self.options.smooth_value if self.options.smooth_value is not None else default
            smooth += f"[{value:.2f}]"
        options: dict[str, OptionValue] = {
            "case": "lc" if self.options.lowercase else "mixed",
            "eff": self.options.effective_order,
            "smooth": smooth,
        }
        if self.options.max_ngram_order != 4:
            options["order"] = self.options.max_ngram_order
        return options

    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        tokenize = self._shared_tokenizer  # a system and its baseline share the references' tokens
        hypotheses = [tokenize(h) for h in inputs.hypotheses]
        references = [[tokenize(r) for r in refs] for refs in inputs.references]
        return np.array(bleu_rows(hypotheses, references, self.options.max_ngram_order), dtype=np.float64)

    def _from_stats(self, totals: FloatArray) -> float:
        return self._bleu(totals, self.options.effective_order).score

    def _sample_scores(self, stats: FloatArray) -> list[float]:
        return per_distinct_row(stats, lambda row: self._bleu(row, effective_order=True).score)

    def _extra_from_stats(self, totals: FloatArray) -> dict[str, float]:
        bleu = self._bleu(totals, self.options.effective_order)
        extra = {f"precision_{n}": p for n, p in enumerate(bleu.precisions, start=1)}
        return {**extra, "bp": bleu.bp, "sys_len": float(bleu.sys_len), "ref_len": float(bleu.ref_len)}

    @cached_property
    def _shared_tokenizer(self) -> _Tokenize:
        """One tokenizer for the metric's life: sacrebleu's tokenizers remember their last lines."""
        return self._tokenizer()

    def _tokenizer(self) -> _Tokenize:
        """sacrebleu's preprocessing: optional lowercasing, its tokenizer on the right-stripped line, split."""
        from sacrebleu.metrics.bleu import _get_tokenizer

        tokenizer = _get_tokenizer(self.options.tokenize)()  # fresh: its lru_cache is per instance
        lowercase = self.options.lowercase
        return _Tokenize(tokenizer, lowercase)

    def _bleu(self, row: FloatArray, effective_order: bool) -> BLEUScore:
        from sacrebleu.metrics.bleu import BLEU

        order = self.options.max_ngram_order
        counts = [int(x) for x in row]  # ints, as sacrebleu sums them (compute_bleu may add to them)
        return BLEU.compute_bleu(
            correct=counts[2 : 2 + order],
            total=counts[2 + order :],
            sys_len=counts[0],
            ref_len=counts[1],
            smooth_method=self.options.smooth_method,
            smooth_value=self.options.smooth_value,
            effective_order=effective_order,
            max_ngram_order=order,
        )


class _Tokenize:
    """Callable: a line in, sacrebleu's tokens out."""

    def __init__(self, tokenizer: object, lowercase: bool) -> None:
        self._tokenizer = tokenizer
        self._lowercase = lowercase

    def __call__(self, line: str) -> list[str]:
        if self._lowercase:
            line = line.lower()
        tokens: list[str] = self._tokenizer(line.rstrip()).split()  # type: ignore[operator]
        return tokens


def _smooth_default(method: str) -> float | None:
    from sacrebleu.metrics.bleu import BLEU

    return BLEU.SMOOTH_DEFAULTS[method]
