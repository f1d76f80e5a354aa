"""One export, start to end: read the results and the roster, write the file and the side file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.errors import HarnessError
from harness.exports.roster import RosterMatch, match_roster, read_roster
from harness.results import CohortResult

Lms = Literal["canvas", "moodle"]
LMS_NAMES: tuple[Lms, ...] = ("canvas", "moodle")


@dataclass(frozen=True)
class ExportRun:
    path: Path  # the file for the LMS
    mismatches_path: Path  # who could not be matched (always written, empty lists when none)
    match: RosterMatch


def mismatches_path(out: Path) -> Path:
    """The side file beside ``out``: ``grades.csv`` -> ``grades.roster-mismatches.json``."""
    return out.with_name(f"{out.stem}.roster-mismatches.json")


def export_grades(
    lms: str,
    cohort: CohortResult,
    roster: Path,
    out: Path,
    assignment: str | None = None,
    assignment_id: str | None = None,
    per_question: bool = False,
) -> ExportRun:
    """Write ``cohort``'s grades for ``lms`` to ``out`` and the roster mismatches beside it.

    ``assignment`` names the grade item (default: the bank's title when the results come
    from one bank, else the cohort's name). Both files are written whole or not at all.

    Raises:
        HarnessError: an unknown LMS; a bad roster; an ``out`` that cannot be written.
    """
    from harness.exports.canvas import canvas_csv
    from harness.exports.moodle import moodle_csv
    from harness.reports.output import check_writable_file, write_text_atomically

    if lms not in LMS_NAMES:
        raise HarnessError(f"unknown LMS {lms!r}; known: {', '.join(LMS_NAMES)}")
    check_writable_file(out)
    match = match_roster(read_roster(roster), cohort)
    name = assignment or (cohort.banks[0].title if len(cohort.banks) == 1 else cohort.cohort)
    if lms == "canvas":
        text = canvas_csv(cohort, match, name, assignment_id, per_question)
    else:
        text = moodle_csv(cohort, match, name, per_question)
    side = mismatches_path(out)
    write_text_atomically(side, match.to_json())
    write_text_atomically(out, text)  # newline='\n' keeps the CSV's CRLF as it is
    return ExportRun(out, side, match)
