"""A Moodle grade import CSV (Grades > Import > CSV file), with a feedback column per item.

The layout follows Moodle's own CSV grade export, which is what its importer reads back
(docs/exports.md cites the documentation): user columns ``First name``, ``Last name``,
``ID number``, ``Email address``, then for each grade item ``NAME (Real)`` and
``NAME (Feedback)``. On import the teacher maps ``Email address`` (or ``ID number``) to the
user and each column to its grade item or that item's feedback. Moodle's docs warn that
importing feedback without the grade clears the grade, so both always go together.

Feedback holds only what a student may see: a question whose result is not released
(``reveal`` false: hidden, or ``after:`` a date not reached) contributes its score to the
grade (the teacher decides when grades are shown) but none of its feedback.
"""

from __future__ import annotations

from harness.exports.items import GradeItem, grade_items, question_result
from harness.exports.roster import RosterEntry, RosterMatch
from harness.reports.csv_gradebook import csv_text, format_number, safe_cell
from harness.results import CohortResult, QuestionResult, StudentResult

USER_COLUMNS = ("First name", "Last name", "ID number", "Email address")
MAX_FEEDBACK_CHARS = 10_000  # Moodle stores feedback as text; a whole report in one cell helps nobody


def moodle_csv(cohort: CohortResult, match: RosterMatch, item_name: str, per_question: bool = False) -> str:
    """The grades as CSV text (RFC 4180 line endings), rows in roster order."""
    items = grade_items(cohort, item_name, per_question)
    header = [*USER_COLUMNS]
    for item in items:
        header += [f"{item.name} (Real)", f"{item.name} (Feedback)"]
    rows = [[safe_cell(c) for c in header]]
    for entry, student in match.matched:
        row = [safe_cell(c) for c in _user_cells(entry)]
        for item in items:
            score = item.score(student)
            row += ["" if score is None else format_number(score), safe_cell(_feedback(student, item))]
        rows.append(row)
    return csv_text(rows)


def _user_cells(entry: RosterEntry) -> list[str]:
    first, last = entry.first_name, entry.last_name
    if not (first or last) and entry.name:
        first, last = split_name(entry.name)
    return [first, last, entry.sis_user_id, entry.email]


def split_name(name: str) -> tuple[str, str]:
    """First and last name from "Last, First" (as Canvas writes names) or "First Last"."""
    if ", " in name:
        last, first = name.split(", ", 1)
        return first, last
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def _feedback(student: StudentResult, item: GradeItem) -> str:
    if item.question_id is not None:
        result = question_result(student, item.question_id)
        return _question_feedback(result, with_id=False) if result else ""
    parts = [_question_feedback(q, with_id=True) for q in student.questions]
    return _cut("\n".join(p for p in parts if p))


def _question_feedback(result: QuestionResult, with_id: bool) -> str:
    if not result.reveal:
        return ""
    head = f"{result.question_id}: {format_number(result.score)}/{format_number(result.max_score)}"
    lines = [" ".join(line.split()) for line in result.feedback]
    if not with_id:
        return _cut("\n".join(lines))
    return head + ("; " + " ".join(lines) if lines else "")


def _cut(text: str) -> str:
    return text if len(text) <= MAX_FEEDBACK_CHARS else text[: MAX_FEEDBACK_CHARS - 1] + "…"
