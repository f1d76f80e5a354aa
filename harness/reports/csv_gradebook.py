"""The CSV gradebook: one row per student, one column per question, ready for an LMS import.

Rows are sorted by student id and columns follow the cohort's question order, so the same
results always give the same bytes. The first row under the header is the points possible
(as LMS gradebooks expect it). A score cell is a number an LMS can import even where no
verdict was reached, so the last column, ``needs_review``, names every answer whose score a
person should look at: invalid answers, grading errors and text answers cut at the length
limit. Text cells that a spreadsheet would read as a formula are defused (CSV injection):
student ids come from folder names that students may choose.

Every export writes its rows with :func:`csv_text`, which also quotes a cell holding a
semicolon: a spreadsheet whose locale separates cells with ``;`` (Excel in much of Europe)
would otherwise split a student id ``a;=HYPERLINK(...)`` into a second cell that starts with
``=``. (Such a spreadsheet honours quotes only at the start of a line, so this protects the
first column, where the student's id or name sits.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from harness.evidence import TextEvidence
from harness.reports import Reporter
from harness.results import CohortResult, QuestionResult, Status, StudentResult, round_score

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list of formula prefixes
PERCENT_DECIMALS = 2
POINTS_POSSIBLE = "Points Possible"  # the row label of a Canvas gradebook export
REVIEW_REASONS = {Status.INVALID: "invalid answer", Status.ERROR: "grading error"}
# A cell is quoted when it holds the quote, a line break or a separator: the comma we write
# and the semicolon that a spreadsheet in a comma-decimal locale splits cells at.
_NEEDS_QUOTES = re.compile(r'[",;\r\n]')


class CsvReporter(Reporter):
    """``gradebook.csv``: student_id, score, max_score, percent, one score per question,
    problems, needs_review; a points-possible row first."""

    name = "csv"
    description = "CSV gradebook: one row per student, one score column per question"

    def _write(self, cohort: CohortResult, out_dir: Path) -> Path:
        path = out_dir / "gradebook.csv"
        path.write_text(gradebook_csv(cohort), encoding="utf-8", newline="")
        return path


def gradebook_csv(cohort: CohortResult) -> str:
    """The gradebook as CSV text (RFC 4180 line endings), students sorted case-insensitively.

    A question a student has no result for leaves an empty cell, which an LMS reads as
    "not graded" rather than as zero.
    """
    question_ids = _question_ids(cohort)
    header = ["student_id", "score", "max_score", "percent", *question_ids, "problems", "needs_review"]
    students = sorted(cohort.students, key=lambda s: (s.student_id.casefold(), s.student_id))
    return csv_text(
        [[safe_cell(c) for c in header], _points_possible(cohort, question_ids)]
        + [_row(student, question_ids) for student in students]
    )


def csv_text(rows: Iterable[list[str]]) -> str:
    """Rows as CSV text with RFC 4180 line endings; a cell is quoted (``"`` doubled inside)
    when it holds ``"``, ``,``, ``;`` or a line break, so no spreadsheet splits it in two."""
    return "".join(",".join(_quoted(cell) for cell in row) + "\r\n" for row in rows)


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell


def _question_ids(cohort: CohortResult) -> list[str]:
    """The cohort's question order, then ids seen only in results (in order of appearance)."""
    ids = [q.id for q in cohort.questions]
    seen = set(ids)
    for student in cohort.students:
        for result in student.questions:
            if result.question_id not in seen:
                seen.add(result.question_id)
                ids.append(result.question_id)
    return ids


def _points_possible(cohort: CohortResult, question_ids: list[str]) -> list[str]:
    """Each question's points: from the cohort's questions, else the largest seen in results."""
    points = {q.id: q.points for q in cohort.questions}
    seen_only: dict[str, float] = {}
    for student in cohort.students:
        for result in student.questions:
            if result.question_id not in points:
                seen_only[result.question_id] = max(seen_only.get(result.question_id, 0.0), result.max_score)
    points.update(seen_only)
    total = format_number(sum(points[qid] for qid in question_ids))
    return [POINTS_POSSIBLE, total, total, "", *(format_number(points[qid]) for qid in question_ids), "", ""]


def _row(student: StudentResult, question_ids: list[str]) -> list[str]:
    scores = {r.question_id: r.score for r in student.questions}
    return [
        safe_cell(student.student_id),
        format_number(student.score),
        format_number(student.max_score),
        f"{student.percent:.{PERCENT_DECIMALS}f}",
        *(format_number(scores[qid]) if qid in scores else "" for qid in question_ids),
        str(len(student.problems)),
        safe_cell("; ".join(f"{r.question_id}: {why}" for r in student.questions if (why := review_reason(r)))),
    ]


def review_reason(result: QuestionResult) -> str | None:
    """Why a person should look at this score before it stands, or None."""
    if result.status in REVIEW_REASONS:
        return REVIEW_REASONS[result.status]
    if isinstance(result.evidence, TextEvidence) and result.evidence.answer_cut:
        return "answer cut at the length limit"
    return None


def format_number(value: float) -> str:
    """``1.0`` -> ``1``, ``0.5`` -> ``0.5``; rounded like the JSON log, never in exponent form."""
    rounded = round_score(value)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.6f}".rstrip("0")


def safe_cell(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` ...)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
