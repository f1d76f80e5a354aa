"""Golden results for the sample cohort: a diff here is reviewed like code.

Regenerate after an intended change with ``make test PYTEST_ARGS=--update-goldens``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import api
from harness.results import Status, dump_json
from tests.conftest import GOLDEN_TODAY, REPO

GOLDEN = REPO / "tests" / "golden" / "sample-cohort.json"


@pytest.fixture(scope="module")
def cohort_json(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("golden")
    # relative paths, as a user would type them: locations in the results are relative too
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        run = api.grade(["question_bank"], "submissions/sample-cohort", out, ["json"], GOLDEN_TODAY)
    text = (out / "results.json").read_text(encoding="utf-8")
    assert text == dump_json(run.cohort)
    return text


def test_sample_cohort_matches_golden(cohort_json: str, update_goldens: bool) -> None:
    if update_goldens:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(cohort_json, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file yet: run pytest --update-goldens"
    assert cohort_json == GOLDEN.read_text(encoding="utf-8")


def test_grading_is_byte_identical_across_runs(
    cohort_json: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    api.grade(["question_bank"], "submissions/sample-cohort", tmp_path, ["json"], GOLDEN_TODAY)
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == cohort_json


def test_sample_cohort_has_a_realistic_spread(cohort_json: str) -> None:
    cohort = json.loads(cohort_json)
    students = cohort["students"]
    assert len(students) >= 15
    percents = sorted(100 * s["score"] / s["max_score"] for s in students)
    assert percents[-1] > 80 and percents[0] < 20 and any(30 < p < 70 for p in percents)
    statuses = {q["status"] for s in students for q in s["questions"]}
    assert {s.value for s in Status} - {"error"} <= statuses  # every status but a grader error
    problem_codes = {p["code"] for s in students for p in s["problems"]}
    assert {"answers-unreadable", "no-answers", "unknown-question"} <= problem_codes
    assert not any(q["status"] == "error" for s in students for q in s["questions"])
