"""`harness demo`, the README's first command, over the session's one run of the sample cohort."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness import api
from harness.cli import main
from harness.results import CohortResult
from tests.conftest import REPO, SampleCohortRun


def test_demo_grades_the_sample_cohort_with_every_bank(
    sample_cohort: SampleCohortRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The grading itself is the session's shared run (checked against the goldens); this test
    # checks what the command asks for and what it prints.
    calls: list[tuple[list[Path], Path]] = []

    def graded_already(banks: Sequence[Any], submissions: Any, out: Any, *args: Any, **kwargs: Any) -> api.GradeRun:
        calls.append(([Path(b).resolve() for b in banks], Path(submissions).resolve()))
        shutil.copytree(sample_cohort.out, out, dirs_exist_ok=True)
        cohort = CohortResult.model_validate_json(sample_cohort.text)
        return api.GradeRun(cohort, {"html": Path(out) / "index.html", "json": Path(out) / "results.json"})

    monkeypatch.setattr(api, "grade", graded_already)
    monkeypatch.chdir(REPO)
    out = tmp_path / "demo"

    result = CliRunner().invoke(main, ["demo", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert calls == [([REPO / "question_bank"], REPO / "submissions" / "sample-cohort")]
    assert (out / "index.html").is_file()
    lines = result.output.splitlines()
    assert f"cohort report: {out / 'index.html'}" in lines
    students = sample_cohort.cohort["students"]
    assert f"graded {len(students)} students on {len(sample_cohort.cohort['questions'])} questions" in lines
    assert sum(line.startswith(s["student_id"]) for line in lines for s in students) == len(students)


def test_demo_outside_the_repository_says_where_to_run_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])

    assert result.exit_code != 0
    assert "from the repository root" in result.output
    assert not (tmp_path / "demo").exists()
