"""WER, CER, MER and WIL with jiwer's numbers (lower is better for all four).

jiwer 4 aligns each reference with its hypothesis (rapidfuzz's Levenshtein alignment over
word ids) and sums hits (H), substitutions (S), deletions (D) and insertions (I) over the
corpus. Those four counts are the sufficient statistics here: the corpus scores come from
their sums with jiwer's formulas (``jiwer.process.process_words``), including its edge case
for references with no words (WER = the number of insertions), so ``wer`` equals
``jiwer.wer(references, hypotheses)`` exactly. The counts are read from rapidfuzz's edit
operations (the alignment jiwer's opcodes are made of) without building jiwer's
per-chunk alignment objects, which is what makes this faster than calling jiwer.

Text goes through jiwer's own transforms: ``wer_default`` (or ``wer_standardize`` with
``normalize="standardize"``) for words, ``cer_default`` for characters. One reference per
sample.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np

from harness.metrics.base import CorpusMetric, FloatArray, MetricExample, MetricOptions
from harness.metrics.inputs import TextInputs

TRANSCRIPTS = MetricExample(
    hypotheses=[
        "the generator maps noise to images",
        "attention lets every token look at the other tokens",
        "diffusion models remove noise step by step",
        "a discriminator says real or fake",
        "tokens are pieces of words",
    ],
    references=[
        "the generator maps random noise to images",
        "attention lets every token look at every other token",
        "diffusion models remove the noise step by step",
        "the discriminator says whether an image is real or fake",
        "tokens are the pieces of words a model reads",
    ],
)


class WordErrorOptions(MetricOptions):
    """``normalize="standardize"``: jiwer's ``wer_standardize`` (lower-case, contractions, no Kaldi non-words)."""

    normalize: Literal["none", "standardize"] = "none"


class CharErrorOptions(MetricOptions):
    """CER takes jiwer's ``cer_default`` transform (strip, characters incl. spaces); no options."""


def edit_counts(references: list[list[str]], hypotheses: list[list[str]]) -> FloatArray:
    """``(n, 4)`` rows of hits, substitutions, deletions, insertions, as jiwer counts them."""
    from rapidfuzz.distance import Levenshtein

    ids: dict[str, int] = {}  # jiwer's _word2int: one id per distinct token, references first
    ref_ids = [[ids.setdefault(w, len(ids)) for w in sentence] for sentence in references]
    hyp_ids = [[ids.setdefault(w, len(ids)) for w in sentence] for sentence in hypotheses]
    rows = np.zeros((len(ref_ids), 4), dtype=np.float64)
    for row, ref, hyp in zip(rows, ref_ids, hyp_ids, strict=True):
        substitutions = deletions = insertions = 0
        for tag, _, _ in Levenshtein.editops(ref, hyp).as_list():
            if tag == "replace":
                substitutions += 1
            elif tag == "delete":
                deletions += 1
            else:
                insertions += 1
        row[:] = (len(ref) - substitutions - deletions, substitutions, deletions, insertions)
    return rows


def error_rates(counts: FloatArray) -> dict[str, float]:
    """jiwer's WER, MER, WIP and WIL from summed counts (``process_words``, edge cases included)."""
    h, s, d, i = (int(x) for x in counts[:4])
    n_ref, n_hyp = h + s + d, h + s + i
    if n_ref == 0:
        wer = float(i)
        mer, wip = (0.0, 1.0) if n_hyp == 0 else (1.0, 0.0)
    else:
        wer = float(s + d + i) / float(h + s + d)
        mer = float(s + d + i) / float(h + s + d + i)
        wip = (float(h) / n_ref) * (float(h) / n_hyp) if n_hyp >= 1 else 0.0
    return {"wer": wer, "mer": mer, "wip": wip, "wil": 1 - wip}


class _ErrorRateMetric(CorpusMetric[Any]):
    """Shared by the four: jiwer's counts as statistics, one rate as the score."""

    library: ClassVar[str] = "jiwer"
    higher_is_better: ClassVar[bool] = False
    max_references: ClassVar[int | None] = 1
    rate: ClassVar[str]  # the key of error_rates() that is the score
    level: ClassVar[Literal["word", "char"]] = "word"
    example: ClassVar[MetricExample] = TRANSCRIPTS

    @property
    def tokenizer(self) -> str:
        return f"jiwer-{self._transform_name()}"

    def _transform_name(self) -> str:
        if self.level == "char":
            return "cer_default"
        return "wer_standardize" if self.options.normalize == "standardize" else "wer_default"

    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        from jiwer import transformations

        transform = getattr(transformations, self._transform_name())
        references = transform([refs[0] for refs in inputs.references])
        hypotheses = transform(inputs.hypotheses)
        return edit_counts(references, hypotheses)

    def _from_stats(self, totals: FloatArray) -> float:
        return error_rates(totals)[self.rate]

    def _extra_from_stats(self, totals: FloatArray) -> dict[str, float]:
        counts = dict(zip(("hits", "substitutions", "deletions", "insertions"), map(float, totals), strict=True))
        if self.level == "char":
            return counts
        return {**error_rates(totals), **counts}


class WerMetric(_ErrorRateMetric):
    """Word error rate: (S + D + I) / (H + S + D), identical to ``jiwer.wer``."""

    name: ClassVar[str] = "wer"
    description: ClassVar[str] = "word error rate (jiwer); lower is better"
    options_model: ClassVar[type[MetricOptions]] = WordErrorOptions
    rate: ClassVar[str] = "wer"


class MerMetric(_ErrorRateMetric):
    """Match error rate: (S + D + I) / (H + S + D + I), identical to ``jiwer.mer``."""

    name: ClassVar[str] = "mer"
    description: ClassVar[str] = "match error rate (jiwer); lower is better"
    options_model: ClassVar[type[MetricOptions]] = WordErrorOptions
    rate: ClassVar[str] = "mer"


class WilMetric(_ErrorRateMetric):
    """Word information lost: 1 - H/(H+S+D) * H/(H+S+I), identical to ``jiwer.wil``."""

    name: ClassVar[str] = "wil"
    description: ClassVar[str] = "word information lost (jiwer); lower is better"
    options_model: ClassVar[type[MetricOptions]] = WordErrorOptions
    rate: ClassVar[str] = "wil"


class CerMetric(_ErrorRateMetric):
    """Character error rate, identical to ``jiwer.cer`` (spaces count as characters)."""

    name: ClassVar[str] = "cer"
    description: ClassVar[str] = "character error rate (jiwer); lower is better"
    options_model: ClassVar[type[MetricOptions]] = CharErrorOptions
    rate: ClassVar[str] = "wer"  # jiwer's CER is the WER formula over characters
    level: ClassVar[Literal["word", "char"]] = "char"
