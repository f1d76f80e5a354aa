"""BLEU's per-segment statistics, counted as sacrebleu counts them, about 3x faster.

sacrebleu (``metrics/bleu.py``) builds one ``Counter`` of all n-grams of orders 1..N per
segment with a Python loop, then matches them one by one. Here each order gets its own
``Counter`` built in C from ``zip`` over shifted token lists, which gives the same counts
(an n-gram is the same tuple of tokens either way; unigrams are keyed by the token itself,
on both sides). The row layout is sacrebleu's:
``[hyp_len, ref_len, correct_1..correct_N, total_1..total_N]``, so sacrebleu's own
``BLEU.compute_bleu`` turns the sums into the score. ``tests/metrics/test_bleu.py`` checks the
rows against sacrebleu's ``_extract_corpus_statistics`` on thousands of random segments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

NgramCounts = list[Counter[Hashable]]  # one Counter per order 1..N


def ngram_counts(tokens: Sequence[str], max_order: int) -> NgramCounts:
    """Counts of the n-grams of ``tokens`` for n = 1..max_order (order n at index n-1)."""
    counts: NgramCounts = [Counter(tokens)]
    for n in range(2, max_order + 1):
        counts.append(Counter(zip(*[tokens[i:] for i in range(n)], strict=False)))
    return counts


def reference_counts(references: Sequence[Sequence[str]], max_order: int) -> tuple[NgramCounts, list[int]]:
    """The clipping counts of several tokenised references (max over references) and their lengths."""
    merged = ngram_counts(references[0], max_order)
    for tokens in references[1:]:
        for order, counts in zip(merged, ngram_counts(tokens, max_order), strict=True):
            for ngram, count in counts.items():
                if count > order[ngram]:
                    order[ngram] = count
    return merged, [len(tokens) for tokens in references]


def closest_reference_length(hyp_len: int, ref_lens: Sequence[int]) -> int:
    """The reference length closest to ``hyp_len``; the shorter one on a tie (sacrebleu's rule)."""
    closest_diff, closest_len = -1, -1
    for ref_len in ref_lens:
        diff = abs(hyp_len - ref_len)
        if closest_diff == -1 or diff < closest_diff:
            closest_diff, closest_len = diff, ref_len
        elif diff == closest_diff and ref_len < closest_len:
            closest_len = ref_len
    return closest_len


def bleu_row(hypothesis: Sequence[str], references: NgramCounts, ref_len: int, max_order: int) -> list[int]:
    """sacrebleu's statistics row of one tokenised hypothesis against clipping counts."""
    hyp_len = len(hypothesis)
    correct: list[int] = []
    total: list[int] = []
    for n, (hyp_counts, ref_counts) in enumerate(
        zip(ngram_counts(hypothesis, max_order), references, strict=True), start=1
    ):
        matched = 0
        for ngram, count in hyp_counts.items():
            clip = ref_counts.get(ngram)
            if clip:
                matched += count if count < clip else clip
        correct.append(matched)
        total.append(max(hyp_len - n + 1, 0))
    return [hyp_len, ref_len, *correct, *total]


def bleu_rows(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[Sequence[str]]], max_order: int
) -> list[list[int]]:
    """Statistics rows of tokenised hypotheses, each against its tokenised references.

    A test set often repeats its references, and a (hypothesis, references) pair may come back:
    each distinct list of references is counted once, and each distinct pair's row reused."""
    prepared: dict[tuple[tuple[str, ...], ...], tuple[NgramCounts, list[int]]] = {}
    seen: dict[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], list[int]] = {}
    rows = []
    for hypothesis, refs in zip(hypotheses, references, strict=True):
        refs_key = tuple(map(tuple, refs))
        row = seen.get((tuple(hypothesis), refs_key))
        if row is None:
            if refs_key not in prepared:
                prepared[refs_key] = reference_counts(refs, max_order)
            ref_counts, ref_lens = prepared[refs_key]
            row = bleu_row(hypothesis, ref_counts, closest_reference_length(len(hypothesis), ref_lens), max_order)
            seen[tuple(hypothesis), refs_key] = row
        rows.append(list(row))
    return rows
