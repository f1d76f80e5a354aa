"""The JSON report: results.json is the log, and each student's own file is their released record."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import second_process
from harness.reports.json_report import JsonReporter
from harness.reports.release import released
from harness.results import dump_json, read_cohort

V2 = Path(__file__).parents[1] / "data" / "results" / "v2-cohort.json"


@pytest.mark.parametrize("fork_from", [2, 10_000])
def test_each_students_file_is_their_released_record_written_alongside_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_from: int
) -> None:
    """A student with a withheld question and one without (whose file is their record in the
    log, reused as it is), sharing question result objects as a run shares them; the tail
    of the cohort written by a second process (where it can run) or not."""
    monkeypatch.setattr(second_process, "FORK_FROM", fork_from)
    monkeypatch.setattr(second_process.threading, "active_count", lambda: 1)
    cohort = read_cohort(V2)
    shown = [q.model_copy(update={"reveal": True}) for q in cohort.students[0].questions]
    hidden = cohort.students[0].model_copy(
        update={"student_id": "hidden-one", "questions": [shown[0].model_copy(update={"reveal": False}), *shown[1:]]}
    )
    twin = cohort.students[0].model_copy(update={"student_id": "twin", "questions": shown})
    cohort = cohort.model_copy(update={"students": [*cohort.students, hidden, twin]})
    main = JsonReporter().write(cohort, tmp_path)
    assert main.read_bytes() == dump_json(cohort).encode("utf-8")
    assert released(hidden) is not hidden and released(twin) is twin
    for student in cohort.students:
        own = (tmp_path / "results" / f"{student.student_id}.json").read_text(encoding="utf-8")
        assert own == dump_json(released(student))
