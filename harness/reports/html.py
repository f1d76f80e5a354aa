"""The HTML report: a cohort dashboard and one page per student.

The dashboard links to every student's page; a student's page links nowhere outside itself
(it is handed out alone, so it holds nothing about the cohort's other students).

Every page is self-contained: inline CSS, inline SVG charts, no script and no external URL,
so the folder can be zipped, mailed, opened offline and printed. Pages are rendered with
Jinja2 (autoescape on) from ``templates/*.html.j2``; all geometry and wording decisions are
made in small typed functions (here, in ``charts`` and in ``markdown``), so the templates only
lay things out.

Nothing in a student's page reveals an expected answer, a correct option or the feedback
for a result whose ``reveal`` is False (the bank format promises that hidden questions show
neither answer nor feedback, and feedback such as "P(X = 1) = p" often gives the answer).
"""

from __future__ import annotations

import collections
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from statistics import fmean, median
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harness.evidence import ChoiceEvidence, CodeEvidence, GenerationEvidence, MetricEvidence
from harness.reports import Reporter
from harness.reports.charts import Chart, difficulty_chart, format_coordinate, histogram_chart
from harness.reports.markdown import render_inline_markdown, render_markdown
from harness.reports.names import HASH_PREFIX, student_file_stems
from harness.reports.release import Withheld, released, withheld
from harness.reports.stats import (
    REVIEW_THRESHOLD,
    CohortStats,
    ItemStats,
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
from harness.second_process import across_two

# The views of generation checks and of similar pairs are imported where a cohort has them:
# their dataclasses would cost a lone code grade some milliseconds to create for nothing.
if TYPE_CHECKING:
    from harness.reports.check_views import CheckView
    from harness.reports.similarity_views import PairView

TEMPLATES = Path(__file__).parent / "templates"
STATUS_LABELS = {
    Status.CORRECT.value: "Correct",
    Status.PARTIAL.value: "Partly correct",
    Status.INCORRECT.value: "Incorrect",
    Status.MISSING.value: "Not answered",
    Status.INVALID.value: "Invalid answer",
    Status.ERROR.value: "Grading error",
}
WITHHELD_STATUS = "withheld"  # what a student page shows instead of a result not released yet
STATUS_LABELS[WITHHELD_STATUS] = "Not released yet"
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
        template = env.get_template("student.html.j2")  # loaded before a second process shares the pages

        def write_page(student: StudentResult) -> None:
            page = template.render(cohort=cohort, page=student_page(cohort, student))
            _write_text(out_dir / "students" / f"{stems[student.student_id]}.html", page)

        # A large cohort's pages are shared with a second process: a page both happen to write
        # gets the same bytes from each.
        collections.deque(across_two(cohort.students, write_page), maxlen=0)
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
        # Compiling the templates costs a lone student's grade half a second; jinja keeps the
        # compiled code in a folder of this uid's own (0700, ownership checked), keyed by source.
        bytecode_cache=FileSystemBytecodeCache(),
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


def _minus(text: str) -> str:
    return "\u2212" + text[1:] if text.startswith("-") else text


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
class MetricView:
    """One metric of a generation question, as its evidence recorded it."""

    label: str
    score: str
    interval: str  # "[low, high]" or an em dash
    confidence: str  # "95%", or "" without an interval
    threshold: str  # "≥ 40", "≤ 0.15" or an em dash
    passed: bool | None
    points: str  # "52%" of this metric's points, or an em dash when it gives none
    signature: str


@dataclass(frozen=True)
class MetricSummary:
    """A metric of a generation question over the cohort: the spread of the students' scores."""

    question_id: str
    label: str
    n: int
    mean: str
    median: str
    minimum: str
    maximum: str
    passed: int | None  # students who met the threshold (None: no threshold)
    higher_is_better: bool


@dataclass(frozen=True)
class CodeView:
    """A code question the student lost tests on: the failed tests beside their own code."""

    file: str
    failed: list[str]  # the feedback lines of the failed tests (hidden ones by number)
    lines: list[tuple[int, str]]  # the student's code, numbered from 1


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
    withheld: bool  # then neither status nor score is shown: "Correct" can be the answer
    status: str  # a Status value, or WITHHELD_STATUS
    metrics: list[MetricView] = field(default_factory=list)  # generation questions, when not withheld
    checks: list[CheckView] = field(default_factory=list)  # generation questions' checks, when not withheld
    code: CodeView | None = None  # code questions with a failed test, when not withheld


@dataclass(frozen=True)
class LostPoints:
    """One question a student did not get full marks on, for the "what I lost points on" list."""

    number: int
    question_id: str
    status: str
    lost: float
    max_score: float
    reason: str  # the first feedback line, or the status when there is none


@dataclass(frozen=True)
class StudentPage:
    student: StudentResult  # as released to the student: totals leave withheld questions out
    questions: list[QuestionView]  # every question, withheld ones without status or score
    withheld: Withheld
    review: list[TopicScore]
    topics: list[TopicScore]
    status_counts: list[tuple[str, int]]  # statuses that occur, in declaration order
    lost: list[LostPoints]  # released questions short of full marks, most points lost first


@dataclass(frozen=True)
class ProblemGroup:
    student_id: str
    href: str
    anchor: str
    problems: list[Problem]


@dataclass(frozen=True)
class FlaggedChecks:
    """One student's checks on one generation question that flagged something, for the dashboard."""

    question_id: str
    student_id: str
    href: str
    checks: list[CheckView]


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
    metric_summaries: list[MetricSummary] = field(default_factory=list)
    missed: dict[str, list[str]] = field(default_factory=dict)  # question id -> students short of full marks
    flagged: list[FlaggedChecks] = field(default_factory=list)  # students' outputs that checks flagged
    similar: list[PairView] = field(default_factory=list)  # pairs of alike submissions (grade --similarity)


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
    expected = result.evidence.expected if result.reveal else None
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
        status=result.status.value if result.reveal else WITHHELD_STATUS,
        metrics=metric_views(result) if result.reveal else [],
        checks=_check_views(result) if result.reveal else [],
        code=code_view(result) if result.reveal else None,
    )


def code_view(result: QuestionResult) -> CodeView | None:
    """The failed tests and the student's code, when the log kept the code (a test failed)."""
    evidence = result.evidence
    if not isinstance(evidence, CodeEvidence) or evidence.source is None:
        return None
    failed = [line for line in result.feedback if line.startswith("\u2717")]
    file = result.answer if isinstance(result.answer, str) else "your file"
    return CodeView(file, failed, list(enumerate(evidence.source.splitlines(), start=1)))


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
    """The options chosen; for an answer that was not graded (invalid), the ids it gave."""
    if isinstance(result.evidence, ChoiceEvidence):
        return result.evidence.chosen
    raw = result.answer
    if isinstance(raw, str):
        return [raw]
    return [str(x) for x in raw] if isinstance(raw, list) else []


def student_page(cohort: CohortResult, student: StudentResult) -> StudentPage:
    """The model behind one student's page. Totals, topics and status counts come from
    :func:`~harness.reports.release.released`, so no withheld result can be inferred."""
    info = {q.id: q for q in cohort.questions}
    views = [question_view(i, r, info.get(r.question_id)) for i, r in enumerate(student.questions, start=1)]
    shown = released(student)
    counts = Counter(r.status.value for r in shown.questions)
    return StudentPage(
        student=shown,
        questions=views,
        withheld=withheld(student),
        review=topics_to_review(shown),
        topics=topic_scores(shown),
        status_counts=[(s.value, counts[s.value]) for s in Status if counts[s.value]],
        lost=lost_points(views),
    )


def _why_lost(view: QuestionView) -> str:
    """The feedback line that says why points were lost: the first failed test ("✗ ..."),
    else the first line that is not a passed test, else the status."""
    failed = [line for line in view.feedback if line.startswith("\u2717")]
    other = [line for line in view.feedback if not line.startswith("\u2713")]
    return (failed or other or [STATUS_LABELS[view.status]])[0]


def lost_points(views: list[QuestionView]) -> list[LostPoints]:
    """Released questions where points were lost, most first (ties in page order).

    A withheld question is left out: that it cost points would give its result away.
    """
    lost = [
        LostPoints(
            number=v.number,
            question_id=v.result.question_id,
            status=v.status,
            lost=v.result.max_score - v.result.score,
            max_score=v.result.max_score,
            reason=_why_lost(v),
        )
        for v in views
        if not v.withheld and v.result.max_score - v.result.score > 1e-9
    ]
    return sorted(lost, key=lambda item: (-item.lost, item.number))


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
        metric_summaries=metric_summaries(cohort),
        missed=missed_by(gradebook),
        flagged=flagged_checks(gradebook, links),
        similar=_pair_views(cohort),
    )


def _check_views(result: QuestionResult) -> list[CheckView]:
    """The checks a generation question recorded; other kinds record none, so their reports
    never import the checks' views."""
    if not isinstance(result.evidence, GenerationEvidence):
        return []
    from harness.reports.check_views import check_views

    return check_views(result)


def _pair_views(cohort: CohortResult) -> list[PairView]:
    """The similar pairs of a ``grade --similarity`` run (their views imported only then)."""
    if cohort.similarity is None:
        return []
    from harness.reports.similarity_views import pair_views

    return pair_views(cohort.similarity)


def flagged_checks(students: list[StudentResult], links: dict[str, str]) -> list[FlaggedChecks]:
    """Per generation question and student, the checks that flagged an output, in question order."""
    rows = []
    for student in students:
        for result in student.questions:
            flagged = [view for view in _check_views(result) if view.flagged or view.terms]
            if flagged:
                rows.append(FlaggedChecks(result.question_id, student.student_id, links[student.student_id], flagged))
    return sorted(rows, key=lambda row: row.question_id)


def missed_by(students: list[StudentResult]) -> dict[str, list[str]]:
    """Per question, the students (in the order given) who did not get full marks on it."""
    missed: dict[str, list[str]] = {}
    for student in students:
        for result in student.questions:
            if result.max_score - result.score > 1e-9:
                missed.setdefault(result.question_id, []).append(student.student_id)
    return missed


def _withheld_questions(cohort: CohortResult) -> set[str]:
    """In a self-check run the dashboard is the student's too: no correct marks for hidden items."""
    if cohort.mode == "grade":
        return set()
    return {r.question_id for s in cohort.students for r in s.questions if not r.reveal}


# ------------------------------------------------------------------------------ generation metrics


def metric_views(result: QuestionResult) -> list[MetricView]:
    """The metrics a generation question recorded in its evidence (none for other kinds)."""
    return [_metric_view(entry) for entry in _metric_entries(result)]


def _metric_entries(result: QuestionResult) -> list[MetricEvidence]:
    return result.evidence.metrics if isinstance(result.evidence, GenerationEvidence) else []


def _metric_view(entry: MetricEvidence) -> MetricView:
    low, high, confidence, threshold, fraction = (
        entry.ci_low,
        entry.ci_high,
        entry.confidence,
        entry.threshold,
        entry.fraction,
    )
    has_interval = low is not None and high is not None
    return MetricView(
        label=entry.id or entry.metric or "metric",
        score=format_metric(entry.score),
        interval=f"[{format_metric(low)}, {format_metric(high)}]" if has_interval else "\u2014",
        confidence=f"{round(100 * confidence)}%" if has_interval and confidence is not None else "",
        threshold=f"{'≥' if entry.higher_is_better else '≤'} {threshold:g}" if threshold is not None else "\u2014",
        passed=entry.passed,
        points=format_percent(100 * fraction, 0) if fraction is not None else "\u2014",
        signature=entry.signature,
    )


def format_metric(value: Any) -> str:
    """A metric score: two decimals from 10 up (BLEU 34.21), four below (ROUGE 0.4312)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "\u2014"
    return format_fixed(value, 2 if abs(value) >= 10 else 4)


def metric_summaries(cohort: CohortResult) -> list[MetricSummary]:
    """Per generation question and metric: how many students were scored and how their scores spread."""
    scores: dict[tuple[str, str], list[float]] = {}
    passes: dict[tuple[str, str], list[bool]] = {}
    better: dict[tuple[str, str], bool] = {}
    for student in cohort.students:
        for result in student.questions:
            for entry in _metric_entries(result):
                key = (result.question_id, entry.id or entry.metric)
                scores.setdefault(key, []).append(entry.score)
                better[key] = entry.higher_is_better
                if entry.passed is not None:
                    passes.setdefault(key, []).append(entry.passed)
    order = {q.id: i for i, q in enumerate(cohort.questions)}
    return [
        MetricSummary(
            question_id=qid,
            label=label,
            n=len(values),
            mean=format_metric(fmean(values)),
            median=format_metric(median(values)),
            minimum=format_metric(min(values)),
            maximum=format_metric(max(values)),
            passed=sum(passes[(qid, label)]) if (qid, label) in passes else None,
            higher_is_better=better[(qid, label)],
        )
        for (qid, label), values in sorted(scores.items(), key=lambda kv: order.get(kv[0][0], len(order)))
    ]
