"""ROUGE exactly as ``rouge_score.rouge_scorer.RougeScorer`` computes it, faster.

Same numbers, bit for bit (``tests/metrics/test_rouge.py`` compares every precision, recall
and F-measure with rouge-score on thousands of random pairs). Where the time goes instead:

- **Tokenizing once.** rouge-score tokenizes a text for rouge-N/L and again, sentence by
  sentence, for rougeLsum; here a text with no newline is tokenized once. The tokenizer is
  rouge-score's (its regexes, lowercasing, tokens of more than 3 characters stemmed).
- **Stemming once per word.** NLTK's Porter stemmer (the instance rouge-score uses, in its
  default NLTK_EXTENSIONS mode) is deterministic, so its result is cached per token.
- **Bit-parallel LCS.** The LCS length of rougeL comes from the bit-vector algorithm of
  Crochemore, Iliopoulos, Pinzon and Reid (2001), "A fast and practical bit-vector algorithm
  for the longest common subsequence problem", in the form ``V = (V + U) | (V - U)`` with
  ``U = V & match[token]`` (Hyyrö 2004), on Python integers: one big-int step per token
  instead of a row of the table. Column ``j``'s vector also gives the DP table:
  ``T[i][j]`` is the number of zero bits among the lowest ``i`` bits of ``V_j``.
- **rougeLsum.** The union-LCS of each reference sentence reads one LCS per candidate
  sentence out of those column vectors with rouge-score's own backtracking rule (prefer
  ``i - 1`` unless ``T[i][j-1] > T[i-1][j]``), so the same LCS is chosen, and the hits are
  counted with its guard against double counting. When neither text has a newline each is a
  single sentence, and rougeLsum equals rougeL (one LCS, nothing to double-count).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# rouge_score.tokenize's patterns (copied so that importing this module stays cheap; the
# test suite checks that they are still rouge-score's)
NON_ALPHANUM_RE = re.compile(r"[^a-z0-9]+")
VALID_TOKEN_RE = re.compile(r"^[a-z0-9]+$")

Tokens = list[str]
SentenceSplitter = Callable[[str], list[str]]


@dataclass(frozen=True)
class Score:
    """Precision, recall and F-measure, as ``rouge_score.scoring.Score``."""

    precision: float
    recall: float
    fmeasure: float


ZERO = Score(0.0, 0.0, 0.0)


def fmeasure(precision: float, recall: float) -> float:
    """``rouge_score.scoring.fmeasure``."""
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0


@lru_cache(maxsize=1 << 17)
def _stem(token: str) -> str | None:
    """rouge-score's treatment of one token with stemming on: its stem, or None if dropped."""
    stemmed = _porter().stem(token) if len(token) > 3 else token
    return stemmed if VALID_TOKEN_RE.match(stemmed) else None


@lru_cache(maxsize=1)
def _porter() -> Any:
    from nltk.stem import porter

    return porter.PorterStemmer()


def tokenize(text: str, stem: bool) -> Tokens:
    """``rouge_score.tokenize.tokenize`` with rouge-score's default tokenizer and stemmer."""
    words = NON_ALPHANUM_RE.sub(" ", text.lower()).split()
    if not stem:
        return words  # after the substitution every word already matches VALID_TOKEN_RE
    stems = [_stem(word) for word in words]
    return [s for s in stems if s is not None]


def score_ngrams(target: Tokens, prediction: Tokens, n: int) -> Score:
    """rouge-N (``rouge_scorer._score_ngrams`` over ``_create_ngrams``)."""
    target_ngrams = _ngrams(target, n)
    prediction_ngrams = _ngrams(prediction, n)
    overlap = 0
    for ngram, count in target_ngrams.items():
        other = prediction_ngrams.get(ngram, 0)
        overlap += count if count < other else other
    precision = overlap / max(max(len(prediction) - n + 1, 0), 1)
    recall = overlap / max(max(len(target) - n + 1, 0), 1)
    return Score(precision, recall, fmeasure(precision, recall))


def _ngrams(tokens: Tokens, n: int) -> Counter[object]:
    if n == 1:
        return Counter(tokens)
    return Counter(zip(*[tokens[i:] for i in range(n)], strict=False))


def _match_masks(reference: Sequence[str]) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, token in enumerate(reference):
        masks[token] = masks.get(token, 0) | (1 << i)
    return masks


def lcs_length(reference: Sequence[str], candidate: Sequence[str]) -> int:
    """Length of the longest common subsequence (bit-parallel; see the module docstring)."""
    masks = _match_masks(reference)
    full = (1 << len(reference)) - 1
    v = full
    for token in candidate:
        match = masks.get(token)
        if match:
            u = v & match
            v = ((v + u) | (v - u)) & full
    return len(reference) - v.bit_count()


def score_lcs(target: Tokens, prediction: Tokens) -> Score:
    """rougeL (``rouge_scorer._score_lcs``)."""
    if not target or not prediction:
        return ZERO
    lcs = lcs_length(target, prediction)
    precision = lcs / len(prediction)
    recall = lcs / len(target)
    return Score(precision, recall, fmeasure(precision, recall))


def lcs_indices(reference: Sequence[str], candidate: Sequence[str]) -> list[int]:
    """The LCS that ``rouge_scorer.lcs_ind`` returns, as indices into ``reference``."""
    masks = _match_masks(reference)
    full = (1 << len(reference)) - 1
    columns = [full]  # columns[j]: the vector after candidate[:j]
    v = full
    for token in candidate:
        match = masks.get(token)
        if match:
            u = v & match
            v = ((v + u) | (v - u)) & full
        columns.append(v)

    def table(i: int, j: int) -> int:  # T[i][j] = LCS(reference[:i], candidate[:j])
        return i - (columns[j] & ((1 << i) - 1)).bit_count()

    i, j = len(reference), len(candidate)
    indices: list[int] = []
    while i > 0 and j > 0:
        if reference[i - 1] == candidate[j - 1]:
            indices.append(i - 1)
            i -= 1
            j -= 1
        elif table(i, j - 1) > table(i - 1, j):
            j -= 1
        else:
            i -= 1
    indices.reverse()
    return indices


def score_summary_lcs(target: list[Tokens], prediction: list[Tokens]) -> Score:
    """rougeLsum (``rouge_scorer._summary_level_lcs``): union-LCS over sentences."""
    if not target or not prediction:
        return ZERO
    m = sum(map(len, target))
    n = sum(map(len, prediction))
    if not n or not m:
        return ZERO
    target_counts: Counter[str] = Counter()
    prediction_counts: Counter[str] = Counter()
    for sentence in target:
        target_counts.update(sentence)
    for sentence in prediction:
        prediction_counts.update(sentence)
    hits = 0
    for sentence in target:
        union = sorted(set().union(*(lcs_indices(sentence, c) for c in prediction)))
        for token in (sentence[i] for i in union):
            if prediction_counts[token] > 0 and target_counts[token] > 0:
                hits += 1
                prediction_counts[token] -= 1
                target_counts[token] -= 1
    recall = hits / m
    precision = hits / n
    return Score(precision, recall, fmeasure(precision, recall))


def newline_sentences(text: str) -> list[str]:
    """rouge-score's default sentence split for rougeLsum: non-empty lines."""
    return [line for line in text.split("\n") if line]


class RougeScorer:
    """Scores one prediction against one target for several ROUGE types, like rouge-score's.

    ``splitter`` is how rougeLsum finds sentences (rouge-score's default: newlines).
    """

    def __init__(self, rouge_types: Sequence[str], use_stemmer: bool, splitter: SentenceSplitter | None = None) -> None:
        self.rouge_types = tuple(rouge_types)
        self.use_stemmer = use_stemmer
        self.splitter = splitter or newline_sentences
        self._by_newline = splitter is None

    def score(self, target: str, prediction: str) -> dict[str, Score]:
        """All the configured ROUGE types of ``prediction`` against ``target``."""
        target_tokens = tokenize(target, self.use_stemmer)
        prediction_tokens = tokenize(prediction, self.use_stemmer)
        result: dict[str, Score] = {}
        for rouge_type in self.rouge_types:
            if rouge_type == "rougeL":
                result[rouge_type] = score_lcs(target_tokens, prediction_tokens)
            elif rouge_type == "rougeLsum":
                result[rouge_type] = self._summary_lcs(target, prediction, target_tokens, prediction_tokens)
            else:
                result[rouge_type] = score_ngrams(target_tokens, prediction_tokens, int(rouge_type[5:]))
        return result

    def _summary_lcs(self, target: str, prediction: str, target_tokens: Tokens, prediction_tokens: Tokens) -> Score:
        if self._by_newline and "\n" not in target and "\n" not in prediction:
            # one sentence each (or none): rouge-score's union-LCS is then plain rougeL
            if not target or not prediction:
                return ZERO
            return score_lcs(target_tokens, prediction_tokens)
        return score_summary_lcs(self._sentence_tokens(target), self._sentence_tokens(prediction))

    def _sentence_tokens(self, text: str) -> list[Tokens]:
        return [tokenize(sentence, self.use_stemmer) for sentence in self.splitter(text)]
