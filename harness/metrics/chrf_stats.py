"""chrF statistics rows, the integers sacrebleu's ``CHRF`` computes, counted faster.

sacrebleu builds each n-gram list with a Python comprehension and matches hypothesis and
reference n-grams in a Python loop over the hypothesis's n-grams (``CHRF._get_match_statistics``).
:class:`FastChrf` keeps sacrebleu's class, preprocessing, tie-breaking between references and
F-score, and changes only how the same counts are obtained: n-grams are counted from one list
of slices per order and matched over the intersection of the two key sets, with C-level
iteration. The rows are integers, so "the same counts" means identical rows and identical
scores; ``tests/metrics/test_fast_stats.py`` compares them with sacrebleu's on every option.

Nothing is counted twice (:meth:`FastChrf.statistics`): references are prepared once per list of
references, so a system and its baseline share them, and once per distinct line, as a test set
often repeats its references; a hypothesis equal to a reference line reuses its n-grams; and a
(hypothesis, references) pair seen before in the corpus reuses its row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sacrebleu.metrics.chrf import CHRF

Counts = tuple[Counter[str], int]  # the n-grams of one order and how many there are in all
_References = tuple[tuple[str, ...], list[list[Counts]]]  # a sample's lines and their n-grams


def char_ngrams(line: str, max_order: int, include_whitespace: bool) -> list[Counts]:
    """Character n-gram counts of orders 1..``max_order`` (sacrebleu's ``extract_all_char_ngrams``)."""
    if not include_whitespace:
        line = "".join(line.split())
    size = len(line)
    # one list of slices per order: faster than feeding the Counter slices one by one
    return [
        (Counter([line[i : i + n] for i in range(size - n + 1)]), max(size - n + 1, 0)) for n in range(1, max_order + 1)
    ]


def word_ngrams(words: list[str], n: int) -> Counts:
    """Word n-gram counts of order ``n`` (sacrebleu's ``extract_word_ngrams``)."""
    return Counter([" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]), max(len(words) - n + 1, 0)


def match_statistics(hyp: Counts, ref: Counts) -> list[int]:
    """``[hypothesis n-grams, reference n-grams, matches]`` as ``CHRF._get_match_statistics``.

    A match is ``min(hyp[g], ref[g])`` summed over the common n-grams ``g``: when one side has
    no n-gram twice, that is the number of common n-grams, one set intersection in C (most
    n-grams of order 3 and up); otherwise a loop over the side with fewer distinct n-grams."""
    (hyp_counts, hyp_total), (ref_counts, ref_total) = hyp, ref
    if len(hyp_counts) == hyp_total or len(ref_counts) == ref_total:
        matches = len(hyp_counts.keys() & ref_counts.keys())
    else:
        few, many = (hyp_counts, ref_counts) if len(hyp_counts) <= len(ref_counts) else (ref_counts, hyp_counts)
        matches = 0
        for ngram, count in few.items():
            other = many.get(ngram)
            if other:
                matches += count if count < other else other
    return [hyp_total if ref_total else 0, ref_total, matches]


class FastChrf(CHRF):
    """sacrebleu's ``CHRF`` with faster counting and reference preparation kept between systems."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._prepared: tuple[list[list[str]], list[_References], dict[str, list[Counts]]] | None = None

    def statistics(self, hypotheses: Sequence[str], references: list[list[str]]) -> list[list[int]]:
        """One row per hypothesis, as ``CHRF._extract_corpus_statistics`` (references per sample)."""
        if self._prepared is None or self._prepared[0] != references:
            self._prepared = (references, *self._prepare(references))
        _, prepared, by_line = self._prepared
        rows: list[list[int]] = []
        seen: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for hypothesis, (lines, ref_ngrams) in zip(hypotheses, prepared, strict=True):
            hyp = self._preprocess_segment(hypothesis)
            row = seen.get((hyp, lines))
            if row is None:
                hyp_ngrams = by_line.get(hyp)  # a hypothesis equal to a reference line
                if hyp_ngrams is None:
                    hyp_ngrams = self._ngrams(hyp)
                row = seen[hyp, lines] = self._best_statistics(hyp_ngrams, ref_ngrams)
            rows.append(list(row))
        return rows

    def _prepare(self, references: list[list[str]]) -> tuple[list[_References], dict[str, list[Counts]]]:
        """Each sample's preprocessed reference lines and their n-grams, counted once per line."""
        by_line: dict[str, list[Counts]] = {}
        prepared = []
        for refs in references:
            lines = tuple(self._preprocess_segment(ref) for ref in refs)
            for line in lines:
                if line not in by_line:
                    by_line[line] = self._ngrams(line)
            prepared.append((lines, [by_line[line] for line in lines]))
        return prepared, by_line

    def _ngrams(self, line: str) -> list[Counts]:
        ngrams = char_ngrams(line, self.char_order, self.whitespace)
        if self.word_order > 0:
            words = self._remove_punctuation(line)
            ngrams.extend(word_ngrams(words, n) for n in range(1, self.word_order + 1))
        return ngrams

    def _extract_reference_info(self, refs: Sequence[str]) -> dict[str, Any]:
        return {"ref_ngrams": [self._ngrams(ref) for ref in refs]}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict[str, Any]) -> list[int]:
        return self._best_statistics(self._ngrams(hypothesis), ref_kwargs["ref_ngrams"])

    def _best_statistics(self, hyp_ngrams: list[Counts], references: list[list[Counts]]) -> list[int]:
        """The row against the reference with the best F-score (the first of equals, as sacrebleu)."""
        if len(references) == 1:  # the only reference is the best one
            return [count for h, r in zip(hyp_ngrams, references[0], strict=True) for count in match_statistics(h, r)]
        best_stats: list[int] = []
        best_f_score = -1.0
        for ref_ngrams in references:
            stats = [count for h, r in zip(hyp_ngrams, ref_ngrams, strict=True) for count in match_statistics(h, r)]
            f_score = self._compute_f_score(stats)
            if f_score > best_f_score:  # the first of equally good references, as sacrebleu
                best_f_score = f_score
                best_stats = stats
        return best_stats
