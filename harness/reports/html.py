"""The HTML report: a cohort dashboard and one page per student, linked both ways.

Every page is self-contained: inline CSS, inline SVG charts, no script and no external URL,
so the folder can be zipped, mailed, opened offline and printed. Pages are rendered with
Jinja2 (autoescape on) from ``templates/*.html.j2``; all geometry and wording decisions are
made here in small typed functions, so the templates only lay things out.

Nothing in a student's page reveals an expected answer, a correct option or the feedback
for a result whose ``reveal`` is False (the bank format promises that hidden questions show
neither answer nor feedback, and feedback such as "P(X = 1) = p" often gives the answer).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from harness.reports import Reporter
from harness.reports.stats import (
    REVIEW_THRESHOLD,
    CohortStats,
    ItemStats,
    ScoreDistribution,
    TopicScore,
    analyse_cohort,
    describe_reliability,
    topic_scores,
    topics_to_review,
)
from harness.results import (
    CohortResult,
    Problem,
    QuestionInfo,
    QuestionResult,
    Status,
    StudentResult,
)

TEMPLATES = Path(__file__).parent / "templates"
HASH_PREFIX = 12  # hex digits of a hash shown in headers and used in hashed file names
STATUS_LABELS = {
    Status.CORRECT.value: "Correct",
    Status.PARTIAL.value: "Partly correct",
    Status.INCORRECT.value: "Incorrect",
    Status.MISSING.value: "Not answered",
    Status.INVALID.value: "Invalid answer",
    Status.ERROR.value: "Grading error",
}
STATUS_SHORT = {  # column headers of the dashboard's question table
    Status.CORRECT.value: "right",
    Status.PARTIAL.value: "partial",
    Status.INCORRECT.value: "wrong",
    Status.MISSING.value: "blank",
    Status.INVALID.value: "invalid",
    Status.ERROR.value: "error",
}


class HtmlReporter(Reporter):
    """``index.html`` (cohort dashboard) and ``students/<id>.html``; returns the index."""

    name = "html"
    description = "Self-contained HTML: cohort dashboard and one feedback page per student"

    def _write(self, cohort: CohortResult, out_dir: Path) -> Path:
        stats = analyse_cohort(cohort)
        stems = student_file_stems(s.student_id for s in cohort.students)
        env = _environment()
        (out_dir / "students").mkdir(exist_ok=True)
        for student in cohort.students:
            page = env.get_template("student.html.j2").render(cohort=cohort, page=student_page(cohort, student))
            _write_text(out_dir / "students" / f"{stems[student.student_id]}.html", page)
        index = out_dir / "index.html"
        _write_text(
            index,
            env.get_template("cohort.html.j2").render(page=cohort_page(cohort, stats, stems), cohort=cohort),
        )
        return index


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # the templates end in .html.j2, which select_autoescape would miss
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        points=format_points,
        percent=format_percent,
        fixed=format_fixed,
        coord=format_coordinate,
        markdown=render_markdown,
        markdown_inline=render_inline_markdown,
    )
    env.globals.update(
        status_labels=STATUS_LABELS,
        status_short=STATUS_SHORT,
        statuses=[s.value for s in Status],
        review_percent=round(100 * REVIEW_THRESHOLD),
        hash_prefix=HASH_PREFIX,
    )
    return env


# ------------------------------------------------------------------------------ file names

_SAFE_STEM = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def safe_file_stem(student_id: str) -> str:
    """A file name stem for ``student_id``: the id itself when it is plainly safe, else hashed.

    Safe means 1-64 characters of ``[A-Za-z0-9_.-]``, not starting with a dot and not a
    Windows device name. Anything else becomes its safe characters plus 12 hex digits of
    its SHA-256, so two ids never share a file.
    """
    plain = (
        _SAFE_STEM.fullmatch(student_id) is not None
        and not student_id.startswith(".")
        and student_id.split(".")[0].lower() not in _WINDOWS_RESERVED
    )
    return student_id if plain else _hashed_stem(student_id)


def _hashed_stem(student_id: str) -> str:
    kept = _UNSAFE_RUN.sub("_", student_id).strip("_")[:40]
    digest = hashlib.sha256(student_id.encode("utf-8")).hexdigest()[:HASH_PREFIX]
    return f"{kept}-{digest}" if kept else digest


def student_file_stems(student_ids: Iterable[str]) -> dict[str, str]:
    """Stems for every id, unique even on a case-insensitive file system (clashes are hashed)."""
    stems = {sid: safe_file_stem(sid) for sid in student_ids}
    folded = Counter(stem.lower() for stem in stems.values())
    return {sid: _hashed_stem(sid) if folded[stem.lower()] > 1 else stem for sid, stem in stems.items()}


# ------------------------------------------------------------------------------ formatting


def format_points(value: float | None) -> str:
    """``1.0`` -> ``1``, ``0.5`` -> ``0.5``, ``2/3`` -> ``0.67``; ``None`` -> an em dash."""
    if value is None:
        return "\u2014"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return _minus(text if text not in ("-0", "") else "0")


def format_percent(value: float | None, decimals: int = 1) -> str:
    """``72.456`` -> ``72.5%``; ``None`` -> an em dash."""
    return "\u2014" if value is None else _minus(f"{value:.{decimals}f}%")


def format_fixed(value: float | None, decimals: int = 2) -> str:
    """A fixed-decimals number with a real minus sign; ``None`` -> an em dash."""
    return "\u2014" if value is None else _minus(f"{value:.{decimals}f}")


def format_coordinate(value: float) -> str:
    """An SVG coordinate: one decimal, ASCII minus (SVG does not read U+2212)."""
    return f"{value:.1f}".removesuffix(".0")


def _minus(text: str) -> str:
    return "\u2212" + text[1:] if text.startswith("-") else text


# ------------------------------------------------------------------------------ markdown

_FENCE = re.compile(r"^\s*```")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")


def render_markdown(text: str | None) -> Markup:
    """A deliberately tiny, safe Markdown subset: paragraphs, fenced code, lists, headings,
    pipe tables, ``code``, **bold** and *italic*. Everything is HTML-escaped first; only
    the tags named here are ever produced, so bank or student text cannot inject markup.
    """
    if not text:
        return Markup("")
    return Markup("\n".join(_render_block(block) for block in _blocks(text.replace("\r\n", "\n"))))


def render_inline_markdown(text: str | None) -> Markup:
    """The inline part of :func:`render_markdown` (``code``, bold, italic), no paragraphs."""
    return Markup(_inline(text or ""))


def _blocks(text: str) -> list[list[str]]:
    """Split into blocks: a fenced code block (first line kept as the marker) or a run of
    non-blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if in_fence:
            current.append(line)
            if _FENCE.match(line):
                blocks.append(current)
                current, in_fence = [], False
        elif _FENCE.match(line):
            if current:
                blocks.append(current)
            current, in_fence = [line], True
        elif line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _render_block(lines: list[str]) -> str:
    if _FENCE.match(lines[0]):
        closed = len(lines) > 1 and _FENCE.match(lines[-1])
        code = "\n".join(lines[1:-1] if closed else lines[1:])
        return f"<pre><code>{escape(code)}</code></pre>"
    heading = _HEADING.match(lines[0])
    if heading:
        rest = f"\n{_render_block(lines[1:])}" if len(lines) > 1 else ""
        return f'<p class="md-heading"><strong>{_inline(heading.group(1))}</strong></p>{rest}'
    if len(lines) >= 2 and "|" in lines[0] and _TABLE_RULE.match(lines[1]):
        return _render_table(lines)
    first_item = _LIST_ITEM.match(lines[0])
    if first_item:
        return _render_list(lines, ordered=first_item.group(1) is not None)
    return f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>"


def _render_list(lines: list[str], ordered: bool) -> str:
    items: list[str] = []
    for line in lines:
        match = _LIST_ITEM.match(line)
        if match:
            items.append(match.group(2).strip())
        else:  # a continuation of the previous item
            items[-1] += " " + line.strip()
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{_inline(item)}</li>" for item in items)
    return f"<{tag}>{body}</{tag}>"


def _render_table(lines: list[str]) -> str:
    header, rows = _table_cells(lines[0]), [_table_cells(line) for line in lines[2:]]
    head = "".join(f'<th scope="col">{_inline(cell)}</th>' for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="md-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _table_cells(line: str) -> list[str]:
    stripped = line.strip()
    stripped = stripped[1:] if stripped.startswith("|") else stripped
    stripped = stripped[:-1] if stripped.endswith("|") and not stripped.endswith("\\|") else stripped
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", stripped)]


def _inline(text: str) -> str:
    """Escape, then mark up ``code`` spans (verbatim), **bold** and *italic*."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays a literal backtick
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{escape(part)}</code>")
        else:
            out.append(_ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", str(escape(part)))))
    return "".join(out)


# ------------------------------------------------------------------------------ charts


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


def difficulty_chart(items: Sequence[ItemStats]) -> Chart:
    """One horizontal bar per question: its difficulty index p (mean score fraction)."""
    rows = [item for item in items if item.difficulty is not None]
    width, left, right, top, row_h = 640.0, 210.0, 48.0, 24.0, 20.0
    plot_w = width - left - right
    height = top + row_h * len(rows) + 6
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
    bars = [_row_bar(item, top + i * row_h, row_h, left, plot_w) for i, item in enumerate(rows)]
    text = "; ".join(f"{item.question_id} {item.difficulty:.2f}" for item in rows)
    return Chart("rows", width, height, bars, grid, f"Mean score fraction per question. {text}.")


def _row_bar(item: ItemStats, y: float, row_h: float, left: float, plot_w: float) -> Bar:
    p = min(1.0, max(0.0, item.difficulty or 0.0))  # a penalty can push a mean below zero
    middle = y + row_h / 2 + 4
    return Bar(
        x=left,
        y=y + 3,
        width=plot_w * p,
        height=row_h - 6,
        label=_shorten(item.question_id, 30),
        label_x=left - 8,
        label_y=middle,
        value=f"{p:.2f}",
        value_x=left + plot_w * p + 6,
        value_y=middle,
        title=f"{item.question_id}: p = {p:.2f}",
        css=_difficulty_band(p),
    )


def _difficulty_band(p: float) -> str:
    """Very hard (< 0.3) and very easy (> 0.9) items are worth a look; the middle is fine."""
    return "bar-hard" if p < 0.3 else "bar-easy" if p > 0.9 else "bar-mid"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ------------------------------------------------------------------------------ page models


@dataclass(frozen=True)
class ValueView:
    """A student's answer or an expected answer, shaped for display.

    ``shape`` is ``none``, ``text``, ``list`` or ``mapping``; ``pairs`` holds list items
    (with an empty key) or mapping entries.
    """

    shape: str
    text: str
    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class OptionView:
    option_id: str
    text: str
    chosen: bool
    correct: bool | None  # None: withheld from this student


@dataclass(frozen=True)
class QuestionView:
    number: int
    result: QuestionResult
    prompt: Markup
    template: Markup | None  # the bank's template, when the student saw a rendered variant
    options: list[OptionView]
    answer: ValueView
    expected: ValueView | None  # None: nothing to show (withheld or not recorded)
    feedback: list[str]  # empty when withheld: bank feedback often gives the answer away
    withheld: bool


@dataclass(frozen=True)
class StudentPage:
    student: StudentResult
    questions: list[QuestionView]
    review: list[TopicScore]
    topics: list[TopicScore]
    status_counts: list[tuple[str, int]]  # statuses that occur, in declaration order
    index_href: str


@dataclass(frozen=True)
class ProblemGroup:
    student_id: str
    href: str
    anchor: str
    problems: list[Problem]


@dataclass(frozen=True)
class CohortPage:
    stats: CohortStats
    histogram: Chart
    difficulty: Chart
    alpha_text: str
    kr20_text: str
    links: dict[str, str]  # student id -> href of their page
    stems: dict[str, str]  # student id -> file stem, also used as an HTML id
    question_info: dict[str, QuestionInfo]
    gradebook: list[StudentResult]
    problem_groups: list[ProblemGroup]
    choice_items: list[ItemStats]
    hide_correct: set[str]  # question ids whose correct option must not be marked


def value_view(value: Any) -> ValueView:
    """Shape an answer for display: text, a list, a mapping, or nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return ValueView("none", "", [])
    if isinstance(value, dict):
        return ValueView("mapping", "", [(str(k), _as_text(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ValueView("list", "", [("", _as_text(v)) for v in value])
    return ValueView("text", _as_text(value), [])


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def question_view(number: int, result: QuestionResult, info: QuestionInfo | None) -> QuestionView:
    """Everything one question block of a student page shows, with hidden answers removed."""
    bank_prompt = info.prompt if info else ""
    rendered = result.prompt or bank_prompt
    expected = result.evidence.get("expected") if result.reveal else None
    options = _option_views(result, info)
    return QuestionView(
        number=number,
        result=result,
        prompt=render_markdown(rendered),
        template=render_markdown(bank_prompt)
        if result.prompt and bank_prompt and result.prompt != bank_prompt
        else None,
        options=options,
        answer=value_view(result.answer),
        expected=value_view(expected) if expected is not None and not options else None,
        feedback=list(result.feedback) if result.reveal else [],
        withheld=not result.reveal,
    )


def _option_views(result: QuestionResult, info: QuestionInfo | None) -> list[OptionView]:
    """Options in the order this student saw them, their choice marked, correctness only if revealed."""
    known = {o.id: o for o in info.options} if info else {}
    order = result.option_order or list(known)
    if not order:
        return []
    chosen = set(_chosen(result))
    return [
        OptionView(
            option_id=oid,
            text=known[oid].text if oid in known else oid,
            chosen=oid in chosen,
            correct=(known[oid].correct if oid in known else False) if result.reveal else None,
        )
        for oid in order
    ]


def _chosen(result: QuestionResult) -> list[str]:
    raw = result.evidence.get("chosen", result.answer)
    if isinstance(raw, str):
        return [raw]
    return [str(x) for x in raw] if isinstance(raw, list) else []


def student_page(cohort: CohortResult, student: StudentResult) -> StudentPage:
    """The model behind one student's page."""
    info = {q.id: q for q in cohort.questions}
    views = [question_view(i, r, info.get(r.question_id)) for i, r in enumerate(student.questions, start=1)]
    counts = Counter(r.status.value for r in student.questions)
    return StudentPage(
        student=student,
        questions=views,
        review=topics_to_review(student),
        topics=topic_scores(student),
        status_counts=[(s.value, counts[s.value]) for s in Status if counts[s.value]],
        index_href="../index.html",
    )


def cohort_page(cohort: CohortResult, stats: CohortStats, stems: dict[str, str]) -> CohortPage:
    """The model behind the cohort dashboard."""
    links = {sid: f"students/{stem}.html" for sid, stem in stems.items()}
    gradebook = sorted(cohort.students, key=lambda s: (s.student_id.casefold(), s.student_id))
    groups = [
        ProblemGroup(s.student_id, links[s.student_id], stems[s.student_id], list(s.problems))
        for s in gradebook
        if s.problems
    ]
    reliability = stats.reliability
    return CohortPage(
        stats=stats,
        histogram=histogram_chart(stats.distribution),
        difficulty=difficulty_chart(stats.items),
        alpha_text=describe_reliability(reliability.alpha),
        kr20_text=describe_reliability(reliability.kr20)
        if reliability.dichotomous
        else "Not applicable: some items give partial credit.",
        links=links,
        stems=stems,
        question_info={q.id: q for q in cohort.questions},
        gradebook=gradebook,
        problem_groups=groups,
        choice_items=[item for item in stats.items if item.options],
        hide_correct=_withheld_questions(cohort),
    )


def _withheld_questions(cohort: CohortResult) -> set[str]:
    """In a self-check run the dashboard is the student's too: no correct marks for hidden items."""
    if cohort.mode == "grade":
        return set()
    return {r.question_id for s in cohort.students for r in s.questions if not r.reveal}
