"""A Canvas gradebook CSV that Canvas's "Import" (Grades > Import) takes as it stands.

The layout is Canvas's own gradebook export, which is what its importer reads back
(docs/exports.md cites the documentation): the columns ``Student``, ``ID``, ``SIS User ID``,
``SIS Login ID``, ``Section``, then one column per assignment named ``Name (assignment id)``
(a column without an id makes Canvas create a new assignment), and a second row whose
``Student`` cell is ``Points Possible``, with each assignment's points. Canvas matches a row
to a student by ``ID``, ``SIS User ID`` or ``SIS Login ID``, so those come from the roster;
students the roster does not name are left out and listed (see :class:`RosterMatch`).
"""

from __future__ import annotations

from harness.exports.items import GradeItem, grade_items
from harness.exports.roster import RosterMatch
from harness.reports.csv_gradebook import csv_text, format_number, safe_cell
from harness.results import CohortResult

IDENTITY_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"  # as Canvas writes it in its own export (leading spaces included)


def canvas_csv(
    cohort: CohortResult,
    match: RosterMatch,
    assignment: str,
    assignment_id: str | None = None,
    per_question: bool = False,
) -> str:
    """The gradebook as CSV text (RFC 4180 line endings), rows in roster order.

    ``assignment_id`` (the number in the assignment's Canvas URL) makes Canvas update that
    assignment; without it, and always for per-question columns, Canvas offers to create
    new assignments. An empty score cell means "no result" and leaves Canvas's grade as is.
    """
    items = grade_items(cohort, assignment, per_question)
    rows = [
        [*IDENTITY_COLUMNS, *(safe_cell(_column(item, assignment_id)) for item in items)],
        [POINTS_POSSIBLE, "", "", "", "", *(format_number(item.points) for item in items)],
    ]
    for entry, student in match.matched:
        identity = [entry.name or entry.folder, entry.lms_id, entry.sis_user_id, entry.sis_login_id, entry.section]
        scores = [item.score(student) for item in items]
        rows.append([*map(safe_cell, identity), *("" if s is None else format_number(s) for s in scores)])
    return csv_text(rows)


def _column(item: GradeItem, assignment_id: str | None) -> str:
    if item.question_id is None and assignment_id:
        return f"{item.name} ({assignment_id})"
    return item.name
