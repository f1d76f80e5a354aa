"""``summary_txt``: one plain-text line per student, for a quick look in a terminal."""

from __future__ import annotations

from pathlib import Path

from harness.reports import Reporter
from harness.results import CohortResult


class SummaryReporter(Reporter):
    """``summary.txt``: each student's score out of the maximum, then the cohort's mean."""

    name = "summary_txt"
    description = "Plain text: one line per student with their score"

    def _write(self, cohort: CohortResult, out_dir: Path) -> Path:
        lines = [f"{s.student_id}\t{s.score:g}/{s.max_score:g}" for s in cohort.students]
        if cohort.students:
            mean = sum(s.score for s in cohort.students) / len(cohort.students)
            lines.append(f"mean\t{mean:.2f}")
        path = out_dir / "summary.txt"
        path.write_text("\n".join([f"# {cohort.cohort}", *lines]) + "\n", encoding="utf-8")
        return path
