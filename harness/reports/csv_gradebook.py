"""The CSV gradebook: one row per student, one column per question, ready for an LMS import.

Rows are sorted by student id and columns follow the cohort's question order, so the same
results always give the same bytes. The first row under the header is the points possible
(as LMS gradebooks expect it). A score cell is a number an LMS can import even where no
verdict was reached, so the last column, ``needs_review``, names every answer whose score a
person should look at: invalid answers, grading errors and text answers cut at the length
limit. Text cells that a spreadsheet would read as a formula are defused (CSV injection):
student ids come from folder names that students may choose.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from harness.evidence import TextEvidence
from harness.reports import Reporter
from harness.results import CohortResult, QuestionResult, Status, StudentResult, round_score

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list of formula prefixes
PERCENT_DECIMALS = 2
POINTS_POSSIBLE = "Points Possible"  # the row label of a Canvas gradebook export
REVIEW_REASONS = {Status.INVALID: "invalid answer", Status.ERROR: "grading error"}


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ["student_id", "score", "max_score", "percent", *question_ids, "problems", "needs_review"]
    writer.writerow([safe_cell(c) for c in header])
    writer.writerow(_points_possible(cohort, question_ids))
    for student in sorted(cohort.students, key=lambda s: (s.student_id.casefold(), s.student_id)):
        writer.writerow(_row(student, question_ids))
    return buffer.getvalue()


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
