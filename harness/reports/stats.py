"""Item analysis and cohort statistics, computed from a :class:`CohortResult` alone.

Every score is taken as a *fraction* of its question's points, so every item weighs the
same in the reliability coefficients and in the item–total correlations, whatever its
points.

Who counts where (a deliberate choice, documented here once):

- **Score distribution and grades**: every student. A student whose answers could not be
  read still gets a grade (zero), and the instructor must see it in the histogram.
- **Item analysis, reliability, cohort topics**: only students who *attempted* the test.
  A student with a problem coded ``answers-unreadable`` or ``no-answers`` (or with no
  question results at all) tells us nothing about the questions; counting them as all-zero
  would lower every difficulty index and inflate every discrimination and alpha. They are
  listed in :attr:`CohortStats.non_attempts`.
- A question that an attempting student has no result for counts as 0 with status
  ``missing``. A question that no attempting student has a result for (a hidden question
  in a self-check run) is listed with ``n_results == 0`` and left out of reliability.

Pure Python (``math`` and ``statistics``): 1,000 students x 60 questions take about 0.2 s.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.evidence import ChoiceEvidence
from harness.results import NON_ATTEMPT, CohortResult, QuestionInfo, QuestionResult, Status, StudentResult

UPPER_LOWER_FRACTION = 0.27  # Kelley's 27% groups
LOW_DISCRIMINATION = 0.2  # below this an item deserves a second look
REVIEW_THRESHOLD = 0.6  # topics under 60% are worth reviewing
HISTOGRAM_BINS = 10
NO_TOPIC = "general"
_NOT_ANSWERED = frozenset({Status.MISSING, Status.INVALID})
_EPSILON = 1e-12  # variances below this are float noise around zero


@dataclass(frozen=True)
class OptionCount:
    """How many students chose one option of a choice question."""

    option_id: str
    text: str
    correct: bool
    count: int
    upper: int = 0  # chosen by the upper 27% group (by total score)
    lower: int = 0  # chosen by the lower 27% group


@dataclass(frozen=True)
class ItemStats:
    """Classical item analysis of one question over the students who attempted the test.

    ``difficulty`` is the mean score fraction (the difficulty index p: high is easy).
    ``discrimination`` is the corrected item–total correlation (Pearson, which is the
    point-biserial for a right/wrong item): item fraction against the sum of the *other*
    items' fractions. ``upper_lower`` is the mean fraction in the top 27% of students by
    total minus that in the bottom 27%. Each is ``None`` where undefined (fewer than two
    students, or no variance).
    """

    question_id: str
    kind: str
    topic: str | None
    points: float
    n_results: int
    difficulty: float | None
    discrimination: float | None
    upper_lower: float | None
    status_counts: dict[str, int]
    options: list[OptionCount]
    no_choice: int  # choice questions: students who chose nothing
    group_size: int = 0  # students in each of the upper and lower 27% groups (0: fewer than two students)

    @property
    def discrimination_flag(self) -> str | None:
        """``"negative"``, ``"low"`` (under 0.2) or ``None`` for a healthy or undefined item.

        Judged at two decimals, as reports show it: an item shown as 0.20 is not flagged.
        """
        if self.discrimination is None:
            return None
        shown = round(self.discrimination, 2)
        if shown < 0:
            return "negative"
        if shown < LOW_DISCRIMINATION:
            return "low"
        return None


@dataclass(frozen=True)
class Reliability:
    """Internal consistency of the test. ``kr20`` is set only when every item is right/wrong.

    Both use population variances, so on right/wrong items KR-20 equals alpha exactly.
    """

    alpha: float | None
    kr20: float | None
    n_students: int
    n_items: int
    dichotomous: bool


@dataclass(frozen=True)
class ScoreDistribution:
    """Percent scores of every student: ten bins of 10 points (100% falls in the last)."""

    bins: list[int]
    n: int
    mean: float | None
    median: float | None
    stdev: float | None  # population standard deviation: the cohort is the whole population
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class TopicScore:
    """Points earned on one topic, out of the points available."""

    topic: str
    score: float
    max_score: float

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.fraction


@dataclass(frozen=True)
class CohortStats:
    """Everything the cohort dashboard shows about the test itself."""

    items: list[ItemStats]
    reliability: Reliability
    distribution: ScoreDistribution
    topics: list[TopicScore]  # cohort totals per topic over attempting students
    non_attempts: list[str]  # student ids left out of item analysis


@dataclass(frozen=True)
class _ItemColumn:
    """One question's scores over the attempting students, in student order."""

    question_id: str
    kind: str
    topic: str | None
    points: float
    results: list[QuestionResult | None]
    fractions: list[float]


def analyse_cohort(cohort: CohortResult) -> CohortStats:
    """Compute item analysis, reliability, score distribution and topic totals.

    Args:
        cohort: the result log of one grading run.

    Returns:
        A :class:`CohortStats`; statistics that are undefined for this cohort are ``None``.
    """
    attempted = [s for s in cohort.students if not is_non_attempt(s)]
    columns = _item_columns(cohort, attempted)
    answered = [col.fractions for col in columns if _has_results(col)]
    totals = [math.fsum(row) for row in zip(*answered, strict=True)] if answered else [0.0] * len(attempted)
    ranking = _rank_by_total(attempted, totals)
    info = {q.id: q for q in cohort.questions}
    items = [_item_stats(col, totals, ranking, info.get(col.question_id)) for col in columns]
    return CohortStats(
        items=items,
        reliability=reliability(answered),
        distribution=score_distribution([s.percent for s in cohort.students]),
        topics=_sum_topics(r for s in attempted for r in s.questions),
        non_attempts=[s.student_id for s in cohort.students if is_non_attempt(s)],
    )


def is_non_attempt(student: StudentResult) -> bool:
    """True when nothing of the student's was graded: no questions, or their answers file
    could not be read (or was absent) and no other answer was found either. A student whose
    answers.yaml is broken but whose code files were graded did attempt the test: their code
    results count in reliability and the item counts."""
    if not student.questions:
        return True
    lost_answers_file = any(p.code in NON_ATTEMPT for p in student.problems)
    return lost_answers_file and all(r.status in _NOT_ANSWERED for r in student.questions)


def score_fraction(result: QuestionResult) -> float:
    """The score as a fraction of the question's points (0 for a question worth nothing)."""
    return result.score / result.max_score if result.max_score else 0.0


def _item_columns(cohort: CohortResult, students: Sequence[StudentResult]) -> list[_ItemColumn]:
    """One column per question: the bank's order first, then ids only seen in results."""
    by_student = [{r.question_id: r for r in s.questions} for s in students]
    info = {q.id: q for q in cohort.questions}
    order = [q.id for q in cohort.questions]
    seen = set(order)
    for s in students:
        for r in s.questions:
            if r.question_id not in seen:
                seen.add(r.question_id)
                order.append(r.question_id)
    columns = []
    for qid in order:
        results = [answers.get(qid) for answers in by_student]
        columns.append(_column(qid, info.get(qid), results))
    return columns


def _column(qid: str, info: QuestionInfo | None, results: list[QuestionResult | None]) -> _ItemColumn:
    first = next((r for r in results if r is not None), None)
    kind = info.kind if info else first.kind if first else "unknown"
    topic = info.topic if info and info.topic else first.topic if first else None
    points = info.points if info else first.max_score if first else 0.0
    fractions = [score_fraction(r) if r is not None else 0.0 for r in results]
    return _ItemColumn(qid, kind, topic, points, results, fractions)


def _has_results(column: _ItemColumn) -> bool:
    return any(r is not None for r in column.results)


def _rank_by_total(students: Sequence[StudentResult], totals: Sequence[float]) -> list[int]:
    """Student indices from the highest total to the lowest; ties broken by student id."""
    return sorted(range(len(students)), key=lambda i: (-totals[i], students[i].student_id))


def _item_stats(
    column: _ItemColumn, totals: Sequence[float], ranking: Sequence[int], info: QuestionInfo | None
) -> ItemStats:
    n_results = sum(r is not None for r in column.results)
    fractions = column.fractions
    if n_results:
        rest = [t - x for t, x in zip(totals, fractions, strict=True)]
        difficulty: float | None = math.fsum(fractions) / len(fractions)
        discrimination = pearson(fractions, rest)
        upper_lower = upper_lower_index(fractions, ranking)
    else:
        difficulty = discrimination = upper_lower = None
    groups = _upper_lower_groups(ranking)
    options, no_choice = _option_counts(column.results, info, groups) if n_results else ([], 0)
    return ItemStats(
        question_id=column.question_id,
        kind=column.kind,
        topic=column.topic,
        points=column.points,
        n_results=n_results,
        difficulty=difficulty,
        discrimination=discrimination,
        upper_lower=upper_lower,
        status_counts=_status_counts(column.results),
        options=options,
        no_choice=no_choice,
        group_size=len(groups[0]),
    )


def _upper_lower_groups(ranking: Sequence[int]) -> tuple[frozenset[int], frozenset[int]]:
    """Kelley's upper and lower 27% of students by total (indices), as :func:`upper_lower_index` draws them."""
    if len(ranking) < 2:
        return frozenset(), frozenset()
    size = max(1, round(UPPER_LOWER_FRACTION * len(ranking)))
    return frozenset(ranking[:size]), frozenset(ranking[-size:])


def _status_counts(results: Iterable[QuestionResult | None]) -> dict[str, int]:
    """Every status in declaration order; an absent result counts as ``missing``."""
    counts = Counter(r.status.value if r is not None else Status.MISSING.value for r in results)
    return {s.value: counts.get(s.value, 0) for s in Status}


def _option_counts(
    results: Sequence[QuestionResult | None], info: QuestionInfo | None, groups: tuple[frozenset[int], frozenset[int]]
) -> tuple[list[OptionCount], int]:
    """Distractor counts from the choice evidence, overall and in the upper and lower groups;
    ids not in the bank are listed after."""
    if info is None or not info.options:
        return [], 0
    chosen: Counter[str] = Counter()
    by_group: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    no_choice = 0
    for index, r in enumerate(results):
        ids = set(_chosen_ids(r))
        chosen.update(ids)
        for group, counts in zip(groups, by_group, strict=True):
            if index in group:
                counts.update(ids)
        no_choice += not ids
    upper, lower = by_group

    def count(oid: str, text: str, correct: bool) -> OptionCount:
        return OptionCount(oid, text, correct, chosen.get(oid, 0), upper.get(oid, 0), lower.get(oid, 0))

    options = [count(o.id, o.text, o.correct) for o in info.options]
    options += [count(oid, "(not an option)", False) for oid in sorted(chosen.keys() - _known_ids(info))]
    return options, no_choice


def _known_ids(info: QuestionInfo) -> set[str]:
    return {o.id for o in info.options}


def _chosen_ids(result: QuestionResult | None) -> list[str]:
    """The option ids a student chose (none when the answer was not graded)."""
    if result is None or not isinstance(result.evidence, ChoiceEvidence):
        return []
    return result.evidence.chosen


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation of two equal-length sequences; ``None`` if n < 2 or a variance is 0."""
    n = len(xs)
    if n < 2 or len(ys) != n:
        return None
    mx = math.fsum(xs) / n
    my = math.fsum(ys) / n
    sxx = syy = sxy = 0.0
    for x, y in zip(xs, ys, strict=True):
        dx, dy = x - mx, y - my
        sxx += dx * dx
        syy += dy * dy
        sxy += dx * dy
    if sxx <= _EPSILON or syy <= _EPSILON:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def upper_lower_index(fractions: Sequence[float], ranking: Sequence[int]) -> float | None:
    """Mean fraction of the top 27% (by total) minus that of the bottom 27%.

    ``ranking`` lists student indices from the best total to the worst. Students tied at a
    group boundary fall on the side their id sorts to, so the result is deterministic.
    """
    upper, lower = _upper_lower_groups(ranking)
    if not upper:
        return None
    return math.fsum(fractions[i] for i in upper) / len(upper) - math.fsum(fractions[i] for i in lower) / len(lower)


def reliability(items: Sequence[Sequence[float]]) -> Reliability:
    """Cronbach's alpha (and KR-20 for right/wrong items) of an items x students matrix.

    Args:
        items: one sequence of score fractions per item, every one over the same students.

    Returns:
        A :class:`Reliability`; a coefficient is ``None`` with fewer than two items or two
        students, or when the totals do not vary.
    """
    k = len(items)
    n = len(items[0]) if items else 0
    dichotomous = k > 0 and all(x in (0.0, 1.0) for item in items for x in item)
    if k < 2 or n < 2:
        return Reliability(None, None, n, k, dichotomous)
    totals = [math.fsum(col) for col in zip(*items, strict=True)]
    total_var = _pvariance(totals)
    if total_var <= _EPSILON:
        return Reliability(None, None, n, k, dichotomous)
    item_var = math.fsum(_pvariance(item) for item in items)
    alpha = k / (k - 1) * (1.0 - item_var / total_var)
    kr20 = None
    if dichotomous:
        pq = math.fsum(p * (1.0 - p) for p in (math.fsum(item) / n for item in items))
        kr20 = k / (k - 1) * (1.0 - pq / total_var)
    return Reliability(alpha, kr20, n, k, dichotomous)


def _pvariance(values: Sequence[float]) -> float:
    """Population variance; ``statistics.pvariance`` is exact but a hundred times slower."""
    mean = math.fsum(values) / len(values)
    return math.fsum((x - mean) ** 2 for x in values) / len(values)


def describe_reliability(value: float | None) -> str:
    """One line for a person, using George & Mallery's (2003) conventional bands."""
    if value is None:
        return "Not defined for this cohort (too few students or items, or no spread in scores)."
    bands = [
        (0.9, "excellent"),
        (0.8, "good"),
        (0.7, "acceptable"),
        (0.6, "questionable"),
        (0.5, "poor"),
    ]
    label = next((name for cut, name in bands if value >= cut), "unacceptable")
    return f"{label.capitalize()} internal consistency: the items {_consistency_gloss(label)}."


def _consistency_gloss(label: str) -> str:
    if label in ("excellent", "good"):
        return "measure one ability consistently enough to rank students"
    if label == "acceptable":
        return "hang together well enough for a course test"
    if label == "questionable":
        return "hang together only loosely; look at the low-discrimination items"
    return "do not hang together; look at the low-discrimination items"


def score_distribution(percents: Sequence[float]) -> ScoreDistribution:
    """Histogram (ten bins of 10 points) and summary statistics of percent scores."""
    bins = [0] * HISTOGRAM_BINS
    for p in percents:
        bins[min(HISTOGRAM_BINS - 1, max(0, int(p // 10)))] += 1
    if not percents:
        return ScoreDistribution(bins, 0, None, None, None, None, None)
    return ScoreDistribution(
        bins=bins,
        n=len(percents),
        mean=math.fsum(percents) / len(percents),
        median=statistics.median(percents),
        stdev=statistics.pstdev(percents),
        minimum=min(percents),
        maximum=max(percents),
    )


def topic_scores(student: StudentResult) -> list[TopicScore]:
    """The student's points per topic, topics in the order they first appear."""
    return _sum_topics(student.questions)


def topics_to_review(student: StudentResult, threshold: float = REVIEW_THRESHOLD) -> list[TopicScore]:
    """Topics where the student scored under ``threshold`` (a fraction), weakest first."""
    weak = [t for t in topic_scores(student) if t.max_score > 0 and t.fraction < threshold]
    return sorted(weak, key=lambda t: (t.fraction, t.topic))


def _sum_topics(results: Iterable[QuestionResult]) -> list[TopicScore]:
    score: dict[str, float] = {}
    maximum: dict[str, float] = {}
    for r in results:
        topic = r.topic or NO_TOPIC
        score[topic] = score.get(topic, 0.0) + r.score
        maximum[topic] = maximum.get(topic, 0.0) + r.max_score
    return [TopicScore(t, score[t], maximum[t]) for t in score]
