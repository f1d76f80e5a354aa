"""sacrebleu's beam-limited edit distance for TER, computed without its per-cell tuples.

sacrebleu (``metrics/lib_ter.py``, ``BeamEditDistance``) fills a Levenshtein table row by row
(one row per hypothesis word), but only inside a beam around the length-scaled diagonal: cells
outside it stay "infinite" and the last row is always filled in full. A cell's cost is therefore
the cost of the cheapest path through allowed cells, which any exact shortest-path computation
over the same cells reproduces. :class:`BeamDistance` gives that number three ways:

- :meth:`~BeamDistance.traced`: the table with sacrebleu's operations and its preference between
  equal costs (substitution or match, then deletion, then insertion), walked back into its trace.
  The shift search aligns words with this trace, so its ties must be sacrebleu's.
- :meth:`~BeamDistance.distance` for the many shifted hypotheses whose cost alone is needed. When
  the beam covers every cell (references shorter than the 25-word beam, most sentences) the
  table is plain Levenshtein, and a row costs a dozen integer operations with Hyyrö's
  bit-parallel algorithm (2003, "A bit-vector algorithm for computing Levenshtein and Damerau
  edit distances"), the reference's words being the bits. Otherwise the allowed cells of each row
  are filled on plain lists. Both start from the rows of a prefix the hypothesis shares with the
  one traced last, and both stop as soon as the cost can no longer come under a caller's limit.

``tests/metrics/test_ter_rows.py`` compares every path with sacrebleu's own table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

INFINITY = int(1e16)  # sacrebleu's ``_INT_INFINITY``: a cell outside the beam
BEAM_WIDTH = 25  # sacrebleu's ``_BEAM_WIDTH``

_NOP, _SUB, _INS, _DEL, _UNDEF = " ", "s", "i", "d", "x"  # sacrebleu's operation letters

Row = list[int]
State = tuple[int, int, int]  # bit-parallel row: positive and negative deltas, last cell's cost


class BeamDistance:
    """Beam-limited edit distances of hypotheses of one length ``n_hyp`` against ``reference``.

    Shifting words keeps a hypothesis's length, so one object serves a whole shift search:
    :meth:`prepare` a hypothesis, read its :meth:`trace`, then ask the :meth:`distance` of
    hypotheses that share a prefix with it.
    """

    def __init__(self, reference: Sequence[str], n_hyp: int) -> None:
        self.reference = reference
        self.n_ref = n_ref = len(reference)
        self.n_hyp = n_hyp
        ratio = n_ref / n_hyp if n_hyp else 1
        beam = math.ceil(ratio / 2 + BEAM_WIDTH) if ratio / 2 > BEAM_WIDTH else BEAM_WIDTH
        full = (0, n_ref + 1)
        # windows only move right, so the first and the last but one row tell whether all are full
        self.full_beam = n_ref > 0 and (
            n_hyp < 2
            or (
                _window(1, ratio, beam, n_ref, n_hyp)[1] == n_ref + 1
                and _window(n_hyp - 1, ratio, beam, n_ref, n_hyp)[0] == 0
            )
        )
        if self.full_beam:
            self.windows = [full] * (n_hyp + 1)
            self._masks: dict[str, int] = {}
            for j, word in enumerate(reference):
                self._masks[word] = self._masks.get(word, 0) | 1 << j
        else:
            self.windows = [_window(i, ratio, beam, n_ref, n_hyp) for i in range(n_hyp + 1)]
        self._all = (1 << n_ref) - 1
        self._hypothesis: Sequence[str] = ()
        self._states: list[State] = []
        self._rows: list[Row] = []
        self._ops: list[list[str]] = []

    def prepare(self, hypothesis: Sequence[str]) -> int:
        """The distance of ``hypothesis``, whose rows :meth:`trace` and :meth:`distance` reuse."""
        self._hypothesis = hypothesis
        if self.full_beam:
            self._states = self._bit_rows(hypothesis)
            return self._states[-1][2]
        previous = list(range(self.n_ref + 1))  # the first row: one insertion per reference word
        self._rows, self._ops = [previous], [[_INS] * (self.n_ref + 1)]
        for i in range(1, self.n_hyp + 1):
            low, high = self.windows[i]
            previous, ops = _traced_row(previous, hypothesis[i - 1], self.reference, low, high)
            self._rows.append(previous)
            self._ops.append(ops)
        return previous[-1]

    def trace(self) -> str:
        """sacrebleu's trace (hypothesis into reference) of the prepared hypothesis."""
        if self.full_beam:
            return _walk_back_bits(self._states, self._hypothesis, self.reference)
        return _walk_back(self._ops, self.n_hyp, self.n_ref)

    def distance(self, hypothesis: Sequence[str], shared: int, limit: int) -> int:
        """The distance of ``hypothesis``, whose first ``shared`` words are those of the prepared
        hypothesis; any number above ``limit`` once the distance must exceed it."""
        if self.full_beam:
            return self._bit_parallel(hypothesis, shared, limit)
        return self._banded(hypothesis, shared, limit)

    def _bit_rows(self, hypothesis: Sequence[str]) -> list[State]:
        """Hyyrö's rows: bit ``j`` of ``positive`` (``negative``) says cell ``j + 1`` of the row
        is one more (less) than cell ``j``; the third number is the row's last cell."""
        masks, everything, last = self._masks, self._all, 1 << (self.n_ref - 1)
        positive, negative, cost = everything, 0, self.n_ref
        states = [(positive, negative, cost)]
        for word in hypothesis:
            x = masks.get(word, 0) | negative
            d0 = (((x & positive) + positive) ^ positive) | x
            h_positive = negative | ~(d0 | positive)
            h_negative = d0 & positive
            if h_positive & last:
                cost += 1
            elif h_negative & last:
                cost -= 1
            h_positive = (h_positive << 1) | 1  # the first column grows by one per row
            h_negative <<= 1
            positive = (h_negative | ~(d0 | h_positive)) & everything
            negative = h_positive & d0 & everything
            states.append((positive, negative, cost))
        return states

    def _bit_parallel(self, hypothesis: Sequence[str], shared: int, limit: int) -> int:
        """:meth:`_bit_rows` from the prepared row ``shared``, stopped once over ``limit``."""
        masks, everything, last, n_hyp = self._masks, self._all, 1 << (self.n_ref - 1), self.n_hyp
        positive, negative, cost = self._states[shared]
        for i in range(shared, n_hyp):
            if cost - (n_hyp - i) > limit:  # each row changes the last cell by at most one
                return cost - (n_hyp - i)
            x = masks.get(hypothesis[i], 0) | negative
            d0 = (((x & positive) + positive) ^ positive) | x
            h_positive = negative | ~(d0 | positive)
            h_negative = d0 & positive
            if h_positive & last:
                cost += 1
            elif h_negative & last:
                cost -= 1
            h_positive = (h_positive << 1) | 1
            h_negative <<= 1
            positive = (h_negative | ~(d0 | h_positive)) & everything
            negative = h_positive & d0 & everything
        return cost

    def _banded(self, hypothesis: Sequence[str], shared: int, limit: int) -> int:
        """The allowed cells of each row from the prepared row ``shared``, stopped over ``limit``."""
        previous = self._rows[shared]
        for i in range(shared + 1, self.n_hyp + 1):
            low, high = self.windows[i]
            previous = _cost_row(previous, hypothesis[i - 1], self.reference, low, high)
            floor = min(previous[low:high])
            if floor > limit:  # every path crosses this row, and costs only grow
                return floor
        return previous[-1]


def _window(i: int, ratio: float, beam: int, n_ref: int, n_hyp: int) -> tuple[int, int]:
    """The columns sacrebleu fills in row ``i``: around the pseudo-diagonal, all of the last row."""
    diagonal = math.floor(i * ratio)
    high = n_ref + 1 if i == n_hyp else min(n_ref + 1, diagonal + beam)
    return max(0, diagonal - beam), high


def _traced_row(previous: Row, word: str, ref: Sequence[str], low: int, high: int) -> tuple[Row, list[str]]:
    """One row with operations, as sacrebleu's inner loop fills columns ``low..high-1``."""
    costs, ops = [INFINITY] * (len(ref) + 1), [_UNDEF] * (len(ref) + 1)
    start = low
    if low == 0:
        costs[0], ops[0] = previous[0] + 1, _DEL
        start = 1
    left = costs[start - 1]
    for j in range(start, high):
        if word == ref[j - 1]:
            best, op = previous[j - 1], _NOP
        else:
            best, op = previous[j - 1] + 1, _SUB
        if best >= INFINITY:  # sacrebleu only takes a candidate cheaper than the empty cell
            best, op = INFINITY, _UNDEF
        up = previous[j] + 1
        if best > up:
            best, op = up, _DEL
        if best > left + 1:
            best, op = left + 1, _INS
        costs[j], ops[j] = best, op
        left = best
    return costs, ops


def _cost_row(previous: Row, word: str, ref: Sequence[str], low: int, high: int) -> Row:
    """:func:`_traced_row` without the operations (cells out of reach stay infinite)."""
    costs = [INFINITY] * (len(ref) + 1)
    start = low
    if low == 0:
        costs[0] = previous[0] + 1
        start = 1
    left = costs[start - 1]
    for j in range(start, high):
        best = previous[j - 1] if word == ref[j - 1] else previous[j - 1] + 1
        up = previous[j] + 1
        if up < best:
            best = up
        if left + 1 < best:
            best = left + 1
        left = costs[j] = best if best < INFINITY else INFINITY
    return costs


def _walk_back_bits(states: list[State], hypothesis: Sequence[str], ref: Sequence[str]) -> str:
    """:func:`_walk_back` over Hyyrö's rows, choosing each cell's operation as sacrebleu's
    inner loop does from the costs of its three neighbours (read off the rows' bits)."""

    def cell(i: int, j: int) -> int:
        positive, negative, _ = states[i]
        below = (1 << j) - 1
        return i + (positive & below).bit_count() - (negative & below).bit_count()

    i, j = len(hypothesis), len(ref)
    trace: list[str] = []
    while i > 0 and j > 0:
        best = cell(i - 1, j - 1)
        op = _NOP if hypothesis[i - 1] == ref[j - 1] else _SUB
        best += op == _SUB
        if cell(i - 1, j) + 1 < best:
            best, op = cell(i - 1, j) + 1, _DEL
        if cell(i, j - 1) + 1 < best:
            op = _INS
        trace.append(op)
        if op == _DEL:
            i -= 1
        elif op == _INS:
            j -= 1
        else:
            i, j = i - 1, j - 1
    trace += _DEL * i + _INS * j  # the first column, the first row
    return "".join(reversed(trace))


def _walk_back(ops: list[list[str]], i: int, j: int) -> str:
    """The operations from the last cell back to the first, in sacrebleu's order."""
    trace: list[str] = []
    while i > 0 or j > 0:
        op = ops[i][j]
        trace.append(op)
        if op in (_SUB, _NOP):
            i, j = i - 1, j - 1
        elif op == _INS:
            j -= 1
        elif op == _DEL:
            i -= 1
        else:  # a cell the beam never reached: sacrebleu raises here too
            raise ValueError(f"TER beam search left cell ({i}, {j}) unreached")
    return "".join(reversed(trace))
