"""TER statistics rows, sacrebleu's numbers with its edit distance computed faster.

sacrebleu's TER spends most of its time in ``BeamEditDistance._edit_distance``, a beam-limited
Levenshtein table whose cells are ``(cost, operation)`` tuples rebuilt from three candidate
tuples each. :class:`FastBeamEditDistance` fills the same table, cell by cell in the same order,
with the same preference between equal costs (substitution or match, then deletion, then
insertion) and the same "infinite" cells outside the beam, keeping costs and operations in two
plain lists; it hands back rows and a trace in sacrebleu's own form, so its prefix cache, the
shift search (``lib_ter._shift``, unchanged) and the scores are sacrebleu's. :class:`FastTer` is
``sacrebleu.metrics.ter.TER`` using it; ``tests/metrics/test_fast_stats.py`` compares the rows
with sacrebleu's on corpora with many shifts.
"""

from __future__ import annotations

import math
from typing import Any

from sacrebleu.metrics import lib_ter
from sacrebleu.metrics.ter import TER

_INF = lib_ter._INT_INFINITY


class FastBeamEditDistance(lib_ter.BeamEditDistance):
    """``lib_ter.BeamEditDistance`` with the table filled on plain lists (see the module docstring)."""

    def _edit_distance(
        self, words_h: list[str], start_h: int, cache: list[Any]
    ) -> tuple[int, list[list[tuple[int, str]]], str]:
        n_h, n_ref, ref = len(words_h), self._n_words_ref, self._words_ref
        length_ratio = n_ref / n_h if words_h else 1
        beam = (
            math.ceil(length_ratio / 2 + lib_ter._BEAM_WIDTH)
            if length_ratio / 2 > lib_ter._BEAM_WIDTH
            else lib_ter._BEAM_WIDTH
        )
        previous = [cell[0] for cell in cache[-1]]
        rows: list[tuple[list[int], list[str]]] = []
        for i in range(start_h + 1, n_h + 1):
            diagonal = math.floor(i * length_ratio)
            low, high = max(0, diagonal - beam), min(n_ref + 1, diagonal + beam)
            if i == n_h:
                high = n_ref + 1
            costs, ops = _row(previous, words_h[i - 1], ref, low, high)
            rows.append((costs, ops))
            previous = costs
        trace = _trace(cache, rows, n_h, n_ref)
        final = rows[-1][0][-1] if rows else cache[-1][-1][0]
        return final, [list(zip(costs, ops, strict=True)) for costs, ops in rows], trace


def _row(previous: list[int], word: str, ref: list[str], low: int, high: int) -> tuple[list[int], list[str]]:
    """One row of the table: what sacrebleu's inner loop computes for columns ``low..high-1``."""
    costs, ops = [_INF] * (len(ref) + 1), ["x"] * (len(ref) + 1)
    start = low
    if low == 0:
        costs[0], ops[0] = previous[0] + lib_ter._COST_DEL, "d"
        start = 1
    left = costs[start - 1]
    for j in range(start, high):
        if word == ref[j - 1]:
            best, op = previous[j - 1], " "
        else:
            best, op = previous[j - 1] + lib_ter._COST_SUB, "s"
        if best >= _INF:  # sacrebleu only takes a candidate cheaper than the empty cell
            best, op = _INF, "x"
        up = previous[j] + lib_ter._COST_DEL
        if best > up:
            best, op = up, "d"
        if best > left + lib_ter._COST_INS:
            best, op = left + lib_ter._COST_INS, "i"
        costs[j], ops[j] = best, op
        left = best
    return costs, ops


def _trace(cache: list[Any], rows: list[tuple[list[int], list[str]]], i: int, j: int) -> str:
    """The operations from the last cell back to the first, as sacrebleu walks them."""
    cached = len(cache)
    trace: list[str] = []
    while i > 0 or j > 0:
        op = cache[i][j][1] if i < cached else rows[i - cached][1][j]
        trace.append(op)
        if op in (lib_ter._OP_SUB, lib_ter._OP_NOP):
            i, j = i - 1, j - 1
        elif op == lib_ter._OP_INS:
            j -= 1
        elif op == lib_ter._OP_DEL:
            i -= 1
        else:
            raise ValueError(f"unknown operation {op!r}")
    return "".join(reversed(trace))


def translation_edit_rate(words_hyp: list[str], words_ref: list[str]) -> tuple[int, int]:
    """``lib_ter.translation_edit_rate`` with :class:`FastBeamEditDistance`: (edits, reference length)."""
    n_words_ref = len(words_ref)
    if n_words_ref == 0:
        return len(words_hyp), 0
    cached_ed = FastBeamEditDistance(words_ref)
    shifts, input_words, checked = 0, words_hyp, 0
    while True:  # shift until a shift no longer lowers the edit distance
        delta, new_input_words, checked = lib_ter._shift(input_words, words_ref, cached_ed, checked)
        if checked >= lib_ter._MAX_SHIFT_CANDIDATES or delta <= 0:
            break
        shifts += 1
        input_words = new_input_words
    edit_distance, _ = cached_ed(input_words)
    return shifts + edit_distance, n_words_ref


class FastTer(TER):
    """sacrebleu's ``TER`` with :func:`translation_edit_rate` above."""

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict[str, Any]) -> list[float]:
        ref_lengths = 0
        best_num_edits = int(1e16)
        words_hyp = hypothesis.split()
        ref_words = ref_kwargs["ref_words"]
        for words_ref in ref_words:
            num_edits, ref_len = translation_edit_rate(words_hyp, words_ref)
            ref_lengths += ref_len
            best_num_edits = min(best_num_edits, num_edits)
        return [best_num_edits, ref_lengths / len(ref_words)]
