"""The CSV gradebook: columns, order, numbers, the points-possible row, answers flagged for
review, and defused formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from harness.evidence import AnswerCut, Evidence, NumericEvidence, TextEvidence, ToleranceUsed
from harness.reports.csv_gradebook import CsvReporter, csv_text, format_number, gradebook_csv, safe_cell
from harness.results import (
    BankRef,
    CohortResult,
    Problem,
    ProblemCode,
    QuestionInfo,
    QuestionResult,
    Status,
    StudentResult,
)

BANK = BankRef(id="b", title="B", version="1", content_hash="f" * 64)


def _question(qid: str, points: float) -> QuestionInfo:
    return QuestionInfo(id=qid, bank_id="b", kind="numeric", prompt="?", points=points, visibility="public")


def _result(
    qid: str, score: float, max_score: float, status: Status = Status.PARTIAL, evidence: Evidence | None = None
) -> QuestionResult:
    evidence = evidence or NumericEvidence(given=score, tolerance=ToleranceUsed(abs=0.0))
    return QuestionResult(
        question_id=qid, kind="numeric", score=score, max_score=max_score, status=status, evidence=evidence
    )


def _student(sid: str, results: list[QuestionResult], problems: int = 0) -> StudentResult:
    return StudentResult(
        student_id=sid,
        banks=[BANK],
        score=sum(r.score for r in results),
        max_score=3,
        questions=results,
        problems=[Problem(code=ProblemCode.SKIPPED_LINK, message="m")] * problems,
    )


def make_cohort() -> CohortResult:
    return CohortResult(
        cohort="c",
        mode="grade",
        banks=[BANK],
        questions=[_question("q2", 2), _question("q1", 1)],  # bank order, not alphabetical
        students=[
            _student("zed", [_result("q1", 1, 1), _result("q2", 2, 2)]),
            _student('=HYPERLINK("x")', [_result("q2", 0.5, 2)], problems=2),
            _student("amy", [_result("q2", 1 / 3, 2), _result("q1", 0, 1)]),
        ],
    )


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_header_follows_cohort_question_order() -> None:
    header = _rows(gradebook_csv(make_cohort()))[0]
    assert header == ["student_id", "score", "max_score", "percent", "q2", "q1", "problems", "needs_review"]


def test_rows_sorted_by_student_id_with_scores() -> None:
    rows = _rows(gradebook_csv(make_cohort()))[2:]
    # "'=HYPERLINK..." sorts by the raw id "=H..." (0x3D), before "amy" and "zed".
    assert [r[0] for r in rows] == ['\'=HYPERLINK("x")', "amy", "zed"]
    assert rows[1] == ["amy", "0.333333", "3", "11.11", "0.333333", "0", "0", ""]  # 1/3 of 3 = 11.11%
    assert rows[2] == ["zed", "3", "3", "100.00", "2", "1", "0", ""]


def test_missing_result_is_an_empty_cell_and_problems_are_counted() -> None:
    row = _rows(gradebook_csv(make_cohort()))[2]
    assert row[4:] == ["0.5", "", "2", ""]


def test_first_row_is_the_points_possible() -> None:
    cohort = make_cohort()
    extra = _student("bea", [_result("q9", 0, 4)])  # a result for a question the cohort does not list
    cohort = cohort.model_copy(update={"students": [*cohort.students, extra]})

    rows = _rows(gradebook_csv(cohort))

    assert rows[0][4:7] == ["q2", "q1", "q9"]
    assert rows[1] == ["Points Possible", "7", "7", "", "2", "1", "4", "", ""]


def test_answers_that_need_a_person_are_flagged_not_plain_zeros() -> None:
    student = _student(
        "amy",
        [
            _result("q1", 0, 1, Status.INVALID),
            _result("q2", 0, 2, Status.ERROR),
            _result(
                "q3",
                1,
                1,
                Status.CORRECT,
                TextEvidence(criteria_met=[], answer_cut=AnswerCut(length=7000, graded=5000)),
            ),
            _result("q4", 0, 1, Status.INCORRECT),
            _result("q5", 0, 1, Status.MISSING),
        ],
    )
    cohort = make_cohort().model_copy(update={"students": [student]})

    header, _, row = _rows(gradebook_csv(cohort))

    review = dict(zip(header, row, strict=True))["needs_review"]
    assert review == "q1: invalid answer; q2: grading error; q3: answer cut at the length limit"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_defused(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_plain_cells_are_untouched() -> None:
    assert safe_cell("alice") == "alice"
    assert safe_cell("a=b") == "a=b"


def test_format_number() -> None:
    assert format_number(2.0) == "2"
    assert format_number(0.1 + 0.2) == "0.3"  # rounded like the JSON log
    assert format_number(1e-9) == "0"


def test_reporter_writes_gradebook_deterministically(tmp_path: Path) -> None:
    first = CsvReporter().write(make_cohort(), tmp_path / "a")
    second = CsvReporter().write(make_cohort(), tmp_path / "b")
    assert first.name == "gradebook.csv"
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().count(b"\r\n") == 5  # header, points possible, three students


def test_a_semicolon_never_lets_a_spreadsheet_start_a_formula_cell() -> None:
    # Excel in a ";" locale splits an unquoted `a;=HYPERLINK(...)` into a cell starting with "=".
    evil = _student("a;=cmd|' /C calc'!A0", [_result("q1", 0, 1, Status.INVALID), _result("q2", 0, 2, Status.ERROR)])
    text = gradebook_csv(make_cohort().model_copy(update={"students": [evil]}))

    for separator in (",", ";"):  # read as a spreadsheet in either locale would
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=separator) for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], separator
    assert _rows(text)[2][0] == "a;=cmd|' /C calc'!A0"  # one cell, as written
    assert _rows(text)[2][-1] == "q1: invalid answer; q2: grading error"


def test_csv_text_quotes_only_cells_that_need_it() -> None:
    assert csv_text([["plain", "a,b", 'say "hi"', "two\nlines", "x;y", ""]]) == (
        'plain,"a,b","say ""hi""","two\nlines","x;y",\r\n'
    )
