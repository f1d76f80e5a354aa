"""TER statistics rows, sacrebleu's numbers from the harness's own shift search.

sacrebleu's TER (``metrics/lib_ter.py``, after Tercom) counts a hypothesis's edits as the shifts
it makes plus the beam-limited edit distance left after them. It shifts greedily: each round
aligns the words with the edit-distance trace, tries every shift of a matching word span (at
most 10 words, at most 50 positions away, 1,000 candidates per sentence in all) to a position
the alignment suggests, and applies the one that lowers the distance most, ties going to the
longest span, then the earliest one, then the earliest target. :func:`translation_edit_rate`
walks the same candidates in the same order and counts them the same way, so it picks the same
shifts; what it saves is the work on candidates:

- distances come from :class:`~harness.metrics.ter_distance.BeamDistance` (bit-parallel rows,
  started after the prefix a shift leaves untouched);
- a candidate's distance is only followed while the candidate can still win: it must lower the
  distance (a best shift that does not is never applied) and beat the best so far under the
  tie rules, and no shift can bring the distance below ``max(|hyp|, |ref|) - common words``, a
  bound on any reordering of the hypothesis (so a round that cannot win is not searched at all);
- a corpus's repeated (hypothesis, references) pairs are counted once (:class:`FastTer`).

``tests/metrics/test_ter_rows.py`` compares the rows with sacrebleu's on generated and
adversarial pairs (shifts, repeats, empty sides, sentences past the beam, the 1,000-candidate cap).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from sacrebleu.metrics.ter import TER

from harness.metrics.ter_distance import BeamDistance

MAX_SHIFT_SIZE = 10  # words in a shifted span (Tercom's limit, sacrebleu's ``_MAX_SHIFT_SIZE``)
MAX_SHIFT_DIST = 50  # positions between a span and its match in the reference
MAX_SHIFT_CANDIDATES = 1000  # candidates tried per sentence, over all rounds

_FLIP = str.maketrans("id", "di")  # sacrebleu aligns reference to hypothesis: the trace flipped


def translation_edit_rate(words_hyp: Sequence[str], words_ref: Sequence[str]) -> tuple[int, int]:
    """``(edits, reference length)`` exactly as ``sacrebleu.metrics.lib_ter.translation_edit_rate``."""
    n_ref = len(words_ref)
    if n_ref == 0:
        return len(words_hyp), 0
    distances = BeamDistance(words_ref, len(words_hyp))
    shifts, words, checked = 0, list(words_hyp), 0
    cost = distances.prepare(words)
    if cost <= abs(len(words_hyp) - n_ref):  # the floor below, without counting words (most pairs)
        return cost, n_ref
    floor = max(len(words_hyp), n_ref) - sum((Counter(words_hyp) & Counter(words_ref)).values())
    while cost > floor:  # at the floor no shift can lower the distance: sacrebleu's round stops
        shifted, checked = _best_shift(words, words_ref, distances, cost, floor, checked)
        if checked >= MAX_SHIFT_CANDIDATES or shifted is None:
            break
        shifts, words = shifts + 1, shifted
        cost = distances.prepare(words)
    return shifts + cost, n_ref


def _best_shift(
    words: list[str],
    ref: Sequence[str],
    distances: BeamDistance,
    cost: int,
    floor: int,
    checked: int,
) -> tuple[list[str] | None, int]:
    """One round of sacrebleu's ``_shift``: the best shift lowering the distance (``None``: none
    does), and the candidates counted so far. ``cost`` is the distance of ``words``, prepared in
    ``distances``; ``floor`` the least that any reordering of them can cost."""
    align, ref_errors, hyp_errors = _alignment(distances.trace().translate(_FLIP))
    best_gain, best_key, best = 0, (0, 0, 0), None
    for start_h, start_r, length in _matching_spans(words, ref):
        if hyp_errors[start_h + length] == hyp_errors[start_h] or ref_errors[start_r + length] == ref_errors[start_r]:
            continue  # only spans wrong in the hypothesis, towards words wrong in the reference
        if start_h <= align[start_r] < start_h + length:
            continue  # not within the span itself
        previous = -1
        for offset in range(-1, length):
            if start_r + offset == -1:
                target = 0
            elif start_r + offset in align:
                target = align[start_r + offset] + 1  # before the word, where Tercom puts it after
            else:
                break
            if target == previous:
                continue
            previous, checked = target, checked + 1
            key = (length, -start_h, -target)
            limit = cost - (1 if best is None else best_gain + (key <= best_key))  # the most it may cost and win
            if limit < floor:
                continue
            shifted = _perform_shift(words, start_h, length, target)
            distance = distances.distance(shifted, min(start_h, target), limit)
            if distance <= limit:
                best_gain, best_key, best = cost - distance, key, shifted
        if checked >= MAX_SHIFT_CANDIDATES:
            break
    return best, checked


def _matching_spans(words: Sequence[str], ref: Sequence[str]) -> Iterator[tuple[int, int, int]]:
    """``(start_h, start_r, length)`` of equal spans, in sacrebleu's ``_find_shifted_pairs`` order."""
    positions: dict[str, list[int]] = {}
    for j, word in enumerate(ref):
        positions.setdefault(word, []).append(j)
    n_h, n_r = len(words), len(ref)
    for start_h, word in enumerate(words):
        for start_r in positions.get(word, ()):
            if abs(start_r - start_h) > MAX_SHIFT_DIST:
                continue
            length = 0
            while length < MAX_SHIFT_SIZE and words[start_h + length] == ref[start_r + length]:
                length += 1
                yield start_h, start_r, length
                if start_h + length == n_h or start_r + length == n_r:
                    break


def _alignment(trace: str) -> tuple[dict[int, int], list[int], list[int]]:
    """sacrebleu's ``trace_to_alignment``, with running error counts instead of 0/1 flags:
    ``errors[k]`` is the number of errors before position ``k``."""
    pos_hyp = pos_ref = -1
    align: dict[int, int] = {}
    ref_errors, hyp_errors = [0], [0]
    for op in trace:
        if op in " s":
            pos_hyp, pos_ref = pos_hyp + 1, pos_ref + 1
            align[pos_ref] = pos_hyp
            hyp_errors.append(hyp_errors[-1] + (op == "s"))
            ref_errors.append(ref_errors[-1] + (op == "s"))
        elif op == "i":
            pos_hyp += 1
            hyp_errors.append(hyp_errors[-1] + 1)
        else:
            pos_ref += 1
            align[pos_ref] = pos_hyp
            ref_errors.append(ref_errors[-1] + 1)
    return align, ref_errors, hyp_errors


def _perform_shift(words: list[str], start: int, length: int, target: int) -> list[str]:
    """``words`` with the span ``[start, start + length)`` moved to ``target`` (sacrebleu's slicing)."""
    if target < start:
        return words[:target] + words[start : start + length] + words[target:start] + words[start + length :]
    if target > start + length:
        return words[:start] + words[start + length : target] + words[start : start + length] + words[target:]
    return (
        words[:start]
        + words[start + length : length + target]
        + words[start : start + length]
        + words[length + target :]
    )


class FastTer(TER):
    """sacrebleu's ``TER`` (its options, tokenizer and scores) with :func:`translation_edit_rate`
    above; a (hypothesis, references) pair seen before in the same corpus is not counted again."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._seen: dict[tuple[str, tuple[str, ...]], list[float]] = {}

    def _extract_corpus_statistics(self, hypotheses: Sequence[str], references: Any) -> Any:
        self._seen = {}
        return super()._extract_corpus_statistics(hypotheses, references)

    def _extract_reference_info(self, refs: Sequence[str]) -> dict[str, Any]:
        info = super()._extract_reference_info(refs)
        info["key"] = tuple(refs)
        return info

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict[str, Any]) -> list[float]:
        key = (hypothesis, ref_kwargs["key"])
        if key not in self._seen:
            words_hyp = hypothesis.split()
            rows = [translation_edit_rate(words_hyp, words_ref) for words_ref in ref_kwargs["ref_words"]]
            self._seen[key] = [min(edits for edits, _ in rows), sum(length for _, length in rows) / len(rows)]
        return list(self._seen[key])
