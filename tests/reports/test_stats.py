"""Known-answer tests for the item analysis in harness.reports.stats.

Every expected number is worked out by hand in the comment above it, from the textbook
formulas, independently of the code under test.
"""

from __future__ import annotations

import math

import pytest

from harness.evidence import ChoiceEvidence
from harness.reports.stats import (
    analyse_cohort,
    pearson,
    reliability,
    score_distribution,
    topic_scores,
    topics_to_review,
)
from harness.results import (
    BankRef,
    CohortResult,
    OptionInfo,
    Problem,
    QuestionInfo,
    QuestionResult,
    Status,
    StudentResult,
)

BANK = BankRef(id="b", title="Bank", version="1", content_hash="0" * 64)

# Six students x four right/wrong items (rows: s1..s6, columns: q1..q4).
DICHOTOMOUS = [
    [1, 1, 1, 1],  # total 4
    [1, 1, 1, 0],  # total 3
    [1, 1, 0, 0],  # total 2
    [1, 0, 1, 0],  # total 2
    [0, 1, 0, 0],  # total 1
    [0, 0, 0, 0],  # total 0
]

# Four students x three items with partial credit (score fractions).
PARTIAL = [
    [1.0, 1.0, 0.5],
    [1.0, 0.5, 0.5],
    [0.5, 0.0, 0.0],
    [0.0, 0.5, 0.0],
]


def _status(fraction: float) -> Status:
    return Status.CORRECT if fraction == 1 else Status.INCORRECT if fraction == 0 else Status.PARTIAL


def make_cohort(matrix: list[list[float]], points: float = 2.0) -> CohortResult:
    """Students s1.. with one numeric question q1.. per column, each worth ``points``."""
    questions = [
        QuestionInfo(id=f"q{j + 1}", bank_id="b", kind="numeric", prompt="?", points=points, visibility="public")
        for j in range(len(matrix[0]))
    ]
    students = []
    for i, row in enumerate(matrix):
        results = [
            QuestionResult(
                question_id=f"q{j + 1}",
                kind="numeric",
                topic="t-odd" if j % 2 == 0 else "t-even",
                score=f * points,
                max_score=points,
                status=_status(f),
            )
            for j, f in enumerate(row)
        ]
        score = sum(r.score for r in results)
        students.append(
            StudentResult(
                student_id=f"s{i + 1}",
                banks=[BANK],
                score=score,
                max_score=points * len(row),
                questions=results,
            )
        )
    return CohortResult(cohort="c", mode="grade", banks=[BANK], questions=questions, students=students)


def _columns(matrix: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*matrix, strict=True)]


def test_kr20_known_answer() -> None:
    # p = 4/6, 4/6, 3/6, 1/6, so sum(p*q) = 2/9 + 2/9 + 1/4 + 5/36 = 30/36 = 5/6.
    # Totals 4,3,2,2,1,0: mean 2, population variance (4+1+0+0+1+4)/6 = 5/3.
    # KR-20 = 4/3 * (1 - (5/6) / (5/3)) = 4/3 * 1/2 = 2/3.
    result = reliability(_columns(DICHOTOMOUS))
    assert result.dichotomous
    assert result.kr20 == pytest.approx(2 / 3, abs=1e-9)
    # With population variances throughout, alpha reduces to KR-20 on right/wrong items.
    assert result.alpha == pytest.approx(2 / 3, abs=1e-9)


def test_alpha_known_answer_with_partial_credit() -> None:
    # Item variances (population): q1 0.171875, q2 0.125, q3 0.0625; sum 0.359375 = 23/64.
    # Totals 2.5, 2, 0.5, 0.5: mean 1.375, variance 3.1875/4 = 0.796875 = 51/64.
    # alpha = 3/2 * (1 - 23/51) = 3/2 * 28/51 = 14/17 = 0.823529...
    result = reliability(_columns(PARTIAL))
    assert result.alpha == pytest.approx(14 / 17, abs=1e-9)
    assert not result.dichotomous
    assert result.kr20 is None


def _point_biserial(item: list[float], rest: list[float]) -> float:
    """The textbook point-biserial: (M1 - M0) / s * sqrt(p q), s the population sd of ``rest``."""
    ones = [r for x, r in zip(item, rest, strict=True) if x == 1]
    zeros = [r for x, r in zip(item, rest, strict=True) if x == 0]
    p = len(ones) / len(item)
    mean = sum(rest) / len(rest)
    sd = math.sqrt(sum((r - mean) ** 2 for r in rest) / len(rest))
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / sd * math.sqrt(p * (1 - p))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # q1: rest = 3,2,1,1,1,0; M1 = 1.75, M0 = 0.5, s = sqrt(8)/3, sqrt(pq) = sqrt(2)/3 -> 0.625
        ("q1", 0.625),
        # q2: rest = 3,2,1,2,0,0; M1 = 1.5, M0 = 1, s = sqrt(11)/3 -> 0.5 * sqrt(2/11) = 0.213201
        ("q2", 0.5 * math.sqrt(2 / 11)),
        # q4: rest = 3,3,2,2,1,0; M1 = 3, M0 = 1.6, s = sqrt(41)/6, sqrt(pq) = sqrt(5)/6 -> 1.4 * sqrt(5/41)
        ("q4", 1.4 * math.sqrt(5 / 41)),
    ],
)
def test_corrected_point_biserial_known_answer(question: str, expected: float) -> None:
    items = {item.question_id: item for item in analyse_cohort(make_cohort(DICHOTOMOUS)).items}
    assert items[question].discrimination == pytest.approx(expected, abs=1e-9)
    # The same number from the point-biserial formula, as a cross-check of the hand work.
    column = int(question[1:]) - 1
    item = [row[column] for row in DICHOTOMOUS]
    rest = [sum(row) - row[column] for row in DICHOTOMOUS]
    assert _point_biserial([float(x) for x in item], [float(r) for r in rest]) == pytest.approx(expected, abs=1e-9)


def test_upper_lower_index_known_answer() -> None:
    # round(0.27 * 6) = 2 students per group: upper s1, s2 (totals 4, 3); lower s5, s6 (1, 0).
    items = {item.question_id: item for item in analyse_cohort(make_cohort(DICHOTOMOUS)).items}
    assert items["q1"].upper_lower == pytest.approx(1.0)  # 2/2 - 0/2
    assert items["q2"].upper_lower == pytest.approx(0.5)  # 2/2 - 1/2
    assert items["q4"].upper_lower == pytest.approx(0.5)  # 1/2 - 0/2


def test_difficulty_and_status_counts() -> None:
    items = analyse_cohort(make_cohort(DICHOTOMOUS)).items
    assert [round(i.difficulty or 0, 6) for i in items] == [
        round(4 / 6, 6),
        round(4 / 6, 6),
        0.5,
        round(1 / 6, 6),
    ]
    assert items[3].status_counts == {
        "correct": 1,
        "partial": 0,
        "incorrect": 5,
        "missing": 0,
        "invalid": 0,
        "error": 0,
    }


def test_points_do_not_change_fraction_based_statistics() -> None:
    one = analyse_cohort(make_cohort(PARTIAL, points=1.0))
    five = analyse_cohort(make_cohort(PARTIAL, points=5.0))
    assert one.reliability.alpha == pytest.approx(five.reliability.alpha)
    assert [i.discrimination for i in one.items] == pytest.approx([i.discrimination for i in five.items])


def test_undefined_statistics_are_none() -> None:
    single = analyse_cohort(make_cohort([[1, 0, 1]]))
    assert single.reliability.alpha is None
    assert single.items[0].discrimination is None
    assert single.items[0].upper_lower is None
    # Everyone scores the same on every item: no variance anywhere.
    flat = analyse_cohort(make_cohort([[1, 1], [1, 1], [1, 1]]))
    assert flat.reliability.alpha is None and flat.reliability.kr20 is None
    assert flat.items[0].discrimination is None
    assert reliability([[1.0, 0.0, 1.0]]).alpha is None  # one item
    assert pearson([1.0], [2.0]) is None


def test_non_attempts_are_left_out_of_item_analysis_but_graded() -> None:
    cohort = make_cohort(DICHOTOMOUS)
    absent = StudentResult(
        student_id="zz-absent",
        banks=[BANK],
        score=0,
        max_score=8,
        questions=[],
        problems=[Problem(code="answers-unreadable", message="answers.yaml is not YAML")],
    )
    stats = analyse_cohort(cohort.model_copy(update={"students": [*cohort.students, absent]}))
    assert stats.non_attempts == ["zz-absent"]
    assert stats.reliability.kr20 == pytest.approx(2 / 3, abs=1e-9)  # unchanged
    assert stats.distribution.n == 7
    assert stats.distribution.bins[0] == 2  # s6 and the absent student


def test_distractor_counts_read_the_choice_evidence() -> None:
    question = QuestionInfo(
        id="mc",
        bank_id="b",
        kind="choice",
        prompt="Pick",
        points=1,
        visibility="public",
        options=[
            OptionInfo(id="a", text="A", correct=True),
            OptionInfo(id="b", text="B", correct=False),
            OptionInfo(id="c", text="C", correct=False),
        ],
    )
    chosen = [["a"], ["b"], ["b"], [], ["a"], ["a", "zz"]]
    students = [
        StudentResult(
            student_id=f"s{i}",
            banks=[BANK],
            score=0,
            max_score=1,
            questions=[
                QuestionResult(
                    question_id="mc",
                    kind="choice",
                    score=0,
                    max_score=1,
                    status=Status.INCORRECT,
                    evidence=ChoiceEvidence(chosen=ids, policy="all_or_nothing"),
                )
            ],
        )
        for i, ids in enumerate(chosen)
    ]
    cohort = CohortResult(cohort="c", mode="grade", banks=[BANK], questions=[question], students=students)
    item = analyse_cohort(cohort).items[0]
    assert [(o.option_id, o.correct, o.count) for o in item.options] == [
        ("a", True, 3),
        ("b", False, 2),
        ("c", False, 0),
        ("zz", False, 1),  # an id the bank does not know is still counted, after the real options
    ]
    assert item.no_choice == 1


def test_score_distribution_bins_and_summary() -> None:
    dist = score_distribution([0.0, 9.99, 10.0, 55.0, 99.9, 100.0])
    assert dist.bins == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]  # 100% falls in the last bin
    assert dist.mean == pytest.approx(274.89 / 6)  # 0 + 9.99 + 10 + 55 + 99.9 + 100
    assert dist.median == pytest.approx(32.5)  # (10 + 55) / 2
    assert (dist.minimum, dist.maximum) == (0.0, 100.0)
    assert score_distribution([]).mean is None


def test_topics_to_review_weakest_first() -> None:
    # s4 scores q1 1, q2 0, q3 1, q4 0 -> t-odd (q1, q3) 100%, t-even (q2, q4) 0%.
    # s3 scores 1, 1, 0, 0 -> t-odd 50%, t-even 50%: both under 60%, tie broken by name.
    cohort = make_cohort(DICHOTOMOUS)
    s3, s4 = cohort.students[2], cohort.students[3]
    assert [(t.topic, t.percent) for t in topic_scores(s4)] == [("t-odd", 100.0), ("t-even", 0.0)]
    assert [t.topic for t in topics_to_review(s4)] == ["t-even"]
    assert [t.topic for t in topics_to_review(s3)] == ["t-even", "t-odd"]
    assert topics_to_review(cohort.students[0]) == []


def test_option_counts_split_by_the_upper_and_lower_27_percent() -> None:
    # Six students; q2 is a choice question scored with q1, a numeric one, so totals differ.
    # Totals (q1 + q2 fractions): s0 2, s1 2, s2 1, s3 1, s4 0, s5 0. round(0.27 * 6) = 2 per
    # group: upper {s0, s1}, lower {s4, s5} (ties broken by id).
    question = QuestionInfo(
        id="mc",
        bank_id="b",
        kind="choice",
        prompt="Pick",
        points=1,
        visibility="public",
        options=[OptionInfo(id="a", text="A", correct=True), OptionInfo(id="b", text="B", correct=False)],
    )
    numeric = QuestionInfo(id="n", bank_id="b", kind="numeric", prompt="?", points=1, visibility="public")
    rows = [("a", 1), ("a", 1), ("a", 0), ("b", 1), ("b", 0), ("b", 0)]

    def result(qid: str, kind: str, right: bool, evidence: ChoiceEvidence | None = None) -> QuestionResult:
        status = Status.CORRECT if right else Status.INCORRECT
        extra = {"evidence": evidence} if evidence else {}
        return QuestionResult(question_id=qid, kind=kind, score=float(right), max_score=1, status=status, **extra)

    students = [
        StudentResult(
            student_id=f"s{i}",
            banks=[BANK],
            score=float(opt == "a") + num,
            max_score=2,
            questions=[
                result("n", "numeric", bool(num)),
                result("mc", "choice", opt == "a", ChoiceEvidence(chosen=[opt], policy="all_or_nothing")),
            ],
        )
        for i, (opt, num) in enumerate(rows)
    ]
    cohort = CohortResult(cohort="c", mode="grade", banks=[BANK], questions=[numeric, question], students=students)
    item = analyse_cohort(cohort).items[1]
    assert item.group_size == 2
    assert [(o.option_id, o.count, o.upper, o.lower) for o in item.options] == [("a", 3, 2, 0), ("b", 3, 0, 2)]


def test_a_broken_answers_file_with_graded_code_still_counts_in_reliability() -> None:
    cohort = make_cohort(DICHOTOMOUS)
    code = QuestionResult(question_id="q1", kind="code", score=2, max_score=2, status=Status.CORRECT)
    blank = [
        QuestionResult(question_id=f"q{j}", kind="numeric", score=0, max_score=2, status=Status.MISSING)
        for j in (2, 3, 4)
    ]
    broken = StudentResult(
        student_id="s7-broken-yaml",
        banks=[BANK],
        score=2,
        max_score=8,
        questions=[code, *blank],
        problems=[Problem(code="answers-unreadable", message="answers.yaml is not YAML")],
    )
    stats = analyse_cohort(cohort.model_copy(update={"students": [*cohort.students, broken]}))
    assert stats.non_attempts == []
    assert stats.reliability.n_students == 7 and stats.reliability.n_items == 4
    assert stats.items[0].n_results == 7 and stats.items[0].status_counts["correct"] == 5
