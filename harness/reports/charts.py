"""The SVG charts of the cohort dashboard: a score histogram and per-question difficulty bars.

Hand-written geometry rather than a plotting library: the charts are a few rectangles,
lines and labels, computed here as plain dataclasses and drawn as inline SVG by the
templates, so pages stay self-contained (no script, no image files) with no new dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.reports.stats import ItemStats, ScoreDistribution


def format_coordinate(value: float) -> str:
    """An SVG coordinate: one decimal, ASCII minus (SVG does not read U+2212)."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Bar:
    """One bar of an SVG chart with its label and value text, in SVG user units."""

    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    label_y: float
    value: str
    value_x: float
    value_y: float
    title: str
    css: str = ""
    label_lines: tuple[str, ...] = ()  # a long label wrapped, drawn one line under the other

    @property
    def lines(self) -> tuple[str, ...]:
        return self.label_lines or (self.label,)


@dataclass(frozen=True)
class GridLine:
    """A reference line across the plot with its label (an axis tick)."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    """An SVG chart: its size, bars and grid lines, plus a sentence for screen readers."""

    kind: str  # "columns" (vertical bars) or "rows" (horizontal bars): sets the text anchors
    width: float
    height: float
    bars: list[Bar]
    grid: list[GridLine]
    description: str


def histogram_chart(distribution: ScoreDistribution) -> Chart:
    """Vertical bars for the ten score bins, over a count axis."""
    width, height, left, right, top, bottom = 640.0, 240.0, 40.0, 8.0, 20.0, 36.0
    plot_h = height - top - bottom
    slot = (width - left - right) / len(distribution.bins)
    peak = max(max(distribution.bins), 1)
    grid = [
        _horizontal_line(top + plot_h * (1 - value / peak), left, width - right, str(value))
        for value in range(0, peak + 1, _tick_step(peak))
    ]
    bars = [
        _column_bar(i, count, peak, left + i * slot, slot, top, plot_h) for i, count in enumerate(distribution.bins)
    ]
    text = ", ".join(f"{bar.label}%: {count}" for bar, count in zip(bars, distribution.bins, strict=True))
    return Chart("columns", width, height, bars, grid, f"Students per score band. {text}.")


def _horizontal_line(y: float, x1: float, x2: float, label: str) -> GridLine:
    return GridLine(x1=x1, y1=y, x2=x2, y2=y, label=label, label_x=x1 - 6, label_y=y + 4)


def _column_bar(index: int, count: int, peak: int, x: float, slot: float, top: float, plot_h: float) -> Bar:
    gap = 4.0
    h = plot_h * count / peak
    centre = x + slot / 2
    label = f"{index * 10}\u2013{(index + 1) * 10}"
    return Bar(
        x=x + gap,
        y=top + plot_h - h,
        width=slot - 2 * gap,
        height=h,
        label=label,
        label_x=centre,
        label_y=top + plot_h + 18,
        value=str(count) if count else "",
        value_x=centre,
        value_y=top + plot_h - h - 5,
        title=f"{label}%: {count} student{'' if count == 1 else 's'}",
    )


def _tick_step(peak: int) -> int:
    """A 1-2-5 step that gives at most five ticks up to ``peak``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if peak / step <= 5:
            return step
    return max(1, peak // 5)


LABEL_CHARS = 28  # what fits the difficulty chart's 210-unit label column at 12 px
LINE_HEIGHT = 14.0


def difficulty_chart(items: Sequence[ItemStats]) -> Chart:
    """One horizontal bar per question: its difficulty index p (mean score fraction).

    Question ids are shown in full, wrapped over as many lines as they need (a row grows
    with its label), never cut to a tooltip: a printed page has no tooltips.
    """
    rows = [item for item in items if item.difficulty is not None]
    width, left, right, top, base_h = 640.0, 210.0, 48.0, 24.0, 20.0
    plot_w = width - left - right
    labels = [wrap_label(item.question_id, LABEL_CHARS) for item in rows]
    heights = [base_h + LINE_HEIGHT * (len(lines) - 1) for lines in labels]
    height = top + sum(heights) + 6
    grid = [
        GridLine(
            x1=left + plot_w * f,
            y1=top - 4,
            x2=left + plot_w * f,
            y2=height - 4,
            label=f"{f:g}",
            label_x=left + plot_w * f,
            label_y=top - 9,
        )
        for f in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    offsets = [top + sum(heights[:i]) for i in range(len(rows))]
    bars = [
        _row_bar(item, lines, y, row_h, left, plot_w)
        for item, lines, y, row_h in zip(rows, labels, offsets, heights, strict=True)
    ]
    text = "; ".join(f"{item.question_id} {item.difficulty:.2f}" for item in rows)
    return Chart("rows", width, height, bars, grid, f"Mean score fraction per question. {text}.")


def _row_bar(item: ItemStats, lines: tuple[str, ...], y: float, row_h: float, left: float, plot_w: float) -> Bar:
    p = min(1.0, max(0.0, item.difficulty or 0.0))  # a penalty can push a mean below zero
    middle = y + row_h / 2 + 4
    bar_h = 14.0  # every bar as thick; a row with a wrapped label is only taller around it
    return Bar(
        x=left,
        y=y + (row_h - bar_h) / 2,
        width=plot_w * p,
        height=bar_h,
        label=item.question_id,
        label_lines=lines if len(lines) > 1 else (),
        label_x=left - 8,
        label_y=middle - LINE_HEIGHT * (len(lines) - 1) / 2,
        value=f"{p:.2f}",
        value_x=left + plot_w * p + 6,
        value_y=middle,
        title=f"{item.question_id}: p = {p:.2f}",
        css=_difficulty_band(p),
    )


def _difficulty_band(p: float) -> str:
    """Very hard (< 0.3) and very easy (> 0.9) items are worth a look; the middle is fine."""
    return "bar-hard" if p < 0.3 else "bar-easy" if p > 0.9 else "bar-mid"


def wrap_label(text: str, limit: int) -> tuple[str, ...]:
    """``text`` in lines of at most ``limit`` characters, broken after a ``-``, ``_``, ``.`` or
    space where there is one (the break character stays at the line's end), else hard; nothing
    is dropped, so the lines joined are ``text`` again."""
    lines: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind(ch, 0, limit) for ch in "-_. ") + 1
        cut = cut if cut > 0 else limit
        lines.append(rest[:cut])
        rest = rest[cut:]
    return (*lines, rest) if rest or not lines else tuple(lines)
