"""The JSON report: the cohort's result log plus one file per student.

``results.json`` is exactly what :func:`harness.results.read_cohort` reads back, so every
other report can be re-rendered from it. ``results/<id>.json`` holds one student's record,
for handing back to that student alone: it is :func:`~harness.reports.release.released`,
so nothing about a question not released yet is in it (not even its status).
"""

from __future__ import annotations

from pathlib import Path

from harness.reports import Reporter
from harness.reports.names import student_file_stems
from harness.reports.release import released
from harness.results import CohortResult, StudentJson, StudentResult, write_cohort_json


class JsonReporter(Reporter):
    """``results.json`` (the whole cohort) and ``results/<safe id>.json`` per student."""

    name = "json"
    description = "The versioned JSON result log, for the cohort and for each student"

    def _write(self, cohort: CohortResult, out_dir: Path) -> Path:
        main = out_dir / "results.json"
        records = StudentJson()  # a question result's JSON is written once for both files
        stems = student_file_stems(s.student_id for s in cohort.students)
        (out_dir / "results").mkdir(exist_ok=True)

        def own_file(student: StudentResult, text: str) -> None:
            """A student's own file, written right after their record in ``results.json``: the
            JSON of their question results is still remembered (a cohort holds more distinct
            results than :class:`StudentJson` keeps), and a record with nothing withheld is
            the same text."""
            shown = released(student)
            own = text if shown is student else records.text(shown)
            path = out_dir / "results" / f"{stems[student.student_id]}.json"
            path.write_text(own + "\n", encoding="utf-8", newline="\n")

        write_cohort_json(cohort, main, records, own_file)
        return main
