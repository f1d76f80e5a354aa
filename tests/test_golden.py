"""Golden results for the sample cohort: a diff here is reviewed like code.

The golden is split so that a diff can be read: ``tests/golden/sample-cohort/cohort.json``
holds everything but the students (banks, questions, run-level problems) and
``students/<id>.json`` one student each. Regenerate after an intended change with
``make test PYTEST_ARGS=--update-goldens``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.results import Status
from tests.conftest import GOLDEN_SEED_SECRET, GOLDEN_TODAY, REPO, SampleCohortRun

GOLDEN = REPO / "tests" / "golden" / "sample-cohort"
# graded again in a cohort of their own: a strong student, a notebook, a parameterised quiz
# with a broken answers file, and the hostile one, whose code tries to make the run unstable
RECHECKED = ("s02-alan-turing", "s15-kenji-tanaka", "s16-priya-sharma")


def golden_files(cohort: dict[str, Any]) -> dict[str, str]:
    """The golden folder's files, by path relative to it, for one cohort's results."""
    head = {key: value for key, value in cohort.items() if key != "students"}
    head["students"] = [student["student_id"] for student in cohort["students"]]
    files = {"cohort.json": _dump(head)}
    for student in cohort["students"]:
        files[f"students/{student['student_id']}.json"] = _dump(student)
    return files


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_sample_cohort_matches_golden(sample_cohort: SampleCohortRun, update_goldens: bool) -> None:
    expected = golden_files(sample_cohort.cohort)
    if update_goldens:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in expected.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    assert GOLDEN.is_dir(), "no golden files yet: run pytest --update-goldens"
    found = {str(p.relative_to(GOLDEN)): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.json")}
    assert sorted(found) == sorted(expected), "golden files missing or left over: run pytest --update-goldens"
    differing = [name for name in expected if found[name] != expected[name]]
    assert not differing, f"differs from the golden: {differing} (diff tests/golden/ after --update-goldens)"


def test_grading_is_byte_identical_across_runs(
    sample_cohort: SampleCohortRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A student's result depends only on the banks, their own folder, --today and the seed
    # secret: graded again
    # in a cohort of three, each is byte for byte what the whole cohort's run wrote.
    cohort = tmp_path / "sample-cohort"
    for student in RECHECKED:
        shutil.copytree(REPO / "submissions" / "sample-cohort" / student, cohort / student)
    monkeypatch.chdir(REPO)  # locations in results start at the cohort folder's own name
    api.grade(["question_bank"], cohort, tmp_path / "out", ["json"], GOLDEN_TODAY, seed_secret=GOLDEN_SEED_SECRET)

    again = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    first = {s["student_id"]: s for s in sample_cohort.cohort["students"]}
    assert [s["student_id"] for s in again["students"]] == list(RECHECKED)
    for student in again["students"]:
        assert _dump(student) == _dump(first[student["student_id"]]), student["student_id"]


def test_sample_cohort_has_a_realistic_spread(sample_cohort: SampleCohortRun) -> None:
    students = sample_cohort.cohort["students"]
    assert len(students) >= 15
    percents = sorted(100 * s["score"] / s["max_score"] for s in students)
    assert percents[-1] > 80 and percents[0] < 20 and any(30 < p < 70 for p in percents)
    statuses = {q["status"] for s in students for q in s["questions"]}
    assert {s.value for s in Status} - {"error"} <= statuses  # every status but a grader error
    problem_codes = {p["code"] for s in students for p in s["problems"]}
    assert {"answers-unreadable", "no-answers", "unknown-question"} <= problem_codes
    assert not any(q["status"] == "error" for s in students for q in s["questions"])
