"""chrF statistics rows, the integers sacrebleu's ``CHRF`` computes, counted faster.

sacrebleu builds each n-gram list with a Python comprehension and matches hypothesis and
reference n-grams in a Python loop over the hypothesis's n-grams (``CHRF._get_match_statistics``).
:class:`FastChrf` keeps sacrebleu's class, preprocessing, tie-breaking between references and
F-score, and changes only how the same counts are obtained: n-grams are sliced by ``map`` and
matched over the intersection of the two key sets, with C-level iteration. The rows are
integers, so "the same counts" means identical rows and identical scores;
``tests/metrics/test_fast_stats.py`` compares them with sacrebleu's on every option.

References are prepared once per list of references (:meth:`FastChrf.statistics`), so scoring a
system and its baseline against the same references counts the references' n-grams once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sacrebleu.metrics.chrf import CHRF


def char_ngrams(line: str, max_order: int, include_whitespace: bool) -> list[Counter[str]]:
    """Character n-gram counts of orders 1..``max_order`` (sacrebleu's ``extract_all_char_ngrams``)."""
    if not include_whitespace:
        line = "".join(line.split())
    size = len(line)
    return [
        Counter(map(line.__getitem__, map(slice, range(size - n + 1), range(n, size + 1))))
        for n in range(1, max_order + 1)
    ]


def word_ngrams(words: list[str], n: int) -> Counter[str]:
    """Word n-gram counts of order ``n`` (sacrebleu's ``extract_word_ngrams``)."""
    return Counter([" ".join(words[i : i + n]) for i in range(len(words) - n + 1)])


def match_statistics(hyp: Counter[str], ref: Counter[str]) -> list[int]:
    """``[hypothesis n-grams, reference n-grams, matches]`` as ``CHRF._get_match_statistics``."""
    common = hyp.keys() & ref.keys()
    matches = sum(map(min, map(hyp.__getitem__, common), map(ref.__getitem__, common)))
    return [hyp.total() if ref else 0, ref.total(), matches]


class FastChrf(CHRF):
    """sacrebleu's ``CHRF`` with faster counting and reference preparation kept between systems."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._prepared: tuple[list[list[str]], list[Any]] | None = None

    def statistics(self, hypotheses: Sequence[str], references: list[list[str]]) -> list[list[int]]:
        """One row per hypothesis, as ``CHRF._extract_corpus_statistics`` (references per sample)."""
        if self._prepared is None or self._prepared[0] != references:
            prepared = [
                self._extract_reference_info([self._preprocess_segment(r) for r in refs]) for refs in references
            ]
            self._prepared = (references, prepared)
        return [
            self._compute_segment_statistics(self._preprocess_segment(hyp), info)
            for hyp, info in zip(hypotheses, self._prepared[1], strict=True)
        ]

    def _ngrams(self, line: str) -> list[Counter[str]]:
        ngrams = char_ngrams(line, self.char_order, self.whitespace)
        if self.word_order > 0:
            words = self._remove_punctuation(line)
            ngrams.extend(word_ngrams(words, n) for n in range(1, self.word_order + 1))
        return ngrams

    def _extract_reference_info(self, refs: Sequence[str]) -> dict[str, list[list[Counter[str]]]]:
        return {"ref_ngrams": [self._ngrams(ref) for ref in refs]}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict[str, Any]) -> list[int]:
        best_stats: list[int] = []
        best_f_score = -1.0
        hyp_ngrams = self._ngrams(hypothesis)
        for ref_ngrams in ref_kwargs["ref_ngrams"]:
            stats = [count for h, r in zip(hyp_ngrams, ref_ngrams, strict=True) for count in match_statistics(h, r)]
            f_score = self._compute_f_score(stats)
            if f_score > best_f_score:  # the first of equally good references, as sacrebleu
                best_f_score = f_score
                best_stats = stats
        return best_stats
