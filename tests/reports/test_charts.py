"""Chart labels are shown in full: wrapped, never cut to a tooltip."""

from __future__ import annotations

from harness.reports.charts import LABEL_CHARS, LINE_HEIGHT, difficulty_chart, wrap_label
from harness.reports.stats import ItemStats


def _item(question_id: str, p: float) -> ItemStats:
    return ItemStats(question_id, "numeric", None, 1.0, 4, p, None, None, {}, [], 0)


def test_wrap_label_breaks_after_separators_and_drops_nothing() -> None:
    assert wrap_label("short", 10) == ("short",)
    assert wrap_label("found-review-prob-likelihood", 13) == ("found-review-", "prob-", "likelihood")
    assert wrap_label("abcdefghijkl", 5) == ("abcde", "fghij", "kl")  # no separator: a hard break
    for text in ("mod-modality-architecture-and-more", "x" * 70, "a_b.c d-e" * 5):
        lines = wrap_label(text, LABEL_CHARS)
        assert "".join(lines) == text and all(len(line) <= LABEL_CHARS for line in lines)


def test_difficulty_rows_grow_with_their_wrapped_labels() -> None:
    long_id = "prob-bernoulli-likelihood-value-for-seeded-students"
    chart = difficulty_chart([_item(long_id, 0.25), _item("q1", 0.5), _item("q2", 0.5)])
    wrapped, short, after = chart.bars
    assert short.lines == ("q1",) and "".join(wrapped.lines) == long_id and len(wrapped.lines) == 2
    assert "\u2026" not in "".join(wrapped.lines)
    # the wrapped row is one line taller; bars sit in the middle of their rows, so the next
    # bar is half a line further from it than from a plain row
    assert short.y - wrapped.y == (after.y - short.y) + LINE_HEIGHT / 2
    assert wrapped.height == short.height
