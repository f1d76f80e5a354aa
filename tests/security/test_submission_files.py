"""Attacks through the submission folder itself: links out of it, huge and binary files,
broken notebooks. Each is refused with a message and never stops the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.results import Status
from tests.security.conftest import FULL_MARKS, HONEST, CohortBuilder, Run, Secrets, assert_contained, requires_bwrap

AttackRun = tuple[Run, list[str]]


@pytest.mark.parametrize("student", ["atk-link-to-passwd", "atk-link-to-classmate", "atk-link-notebook"])
def test_symlinked_submission_file_is_refused(attack_run: AttackRun, student: str) -> None:
    run, _ = attack_run
    assert_contained(run, student, "links are not followed")
    assert run.question(student).status is Status.INVALID
    assert "root:x:0:0" not in run.results_text


def test_symlinked_student_folder_is_skipped(attack_run: AttackRun) -> None:
    """A folder linking to a classmate's would otherwise hand in their work."""
    run, _ = attack_run
    assert "atk-linked-folder" not in run.students
    assert "skipped-link: atk-linked-folder: symbolic link skipped" in run.cohort_problems


def test_huge_file_is_refused_without_being_run(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-huge-file", "is 50000033 bytes; the limit is")
    assert run.question("atk-huge-file").status is Status.INVALID


def test_binary_file_is_refused(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-binary-file", "not UTF-8 text")


def test_notebook_with_malformed_json_is_refused(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-notebook-bad-json", "the notebook is not valid JSON")
    assert run.question("atk-notebook-bad-json").status is Status.INVALID


def test_notebook_shell_escapes_are_removed_not_run(attack_run: AttackRun) -> None:
    run, _ = attack_run
    assert_contained(run, "atk-notebook-shell-escape", "removed '!cat /etc/shadow", "expected 5, got -1")


HOSTILE_NOTEBOOKS = {
    # valid JSON nested deeper than the parser's recursion limit
    "deeply-nested": "[" * 100_000 + "]" * 100_000,
    # valid JSON, wrong types inside a cell
    "source-not-text": json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}),
}


@requires_bwrap
@pytest.mark.parametrize("name", HOSTILE_NOTEBOOKS)
def test_hostile_notebook_does_not_stop_the_run(tmp_path: Path, name: str) -> None:
    """One broken notebook is that student's invalid answer; the cohort is still graded."""
    builder = CohortBuilder(tmp_path, Secrets())
    builder.honest(HONEST[0])
    student = f"atk-notebook-{name}"
    (builder.folder(student) / "solution.ipynb").write_text(HOSTILE_NOTEBOOKS[name], encoding="utf-8")
    run = builder.grade()
    assert run.question(HONEST[0]).score == FULL_MARKS
    assert_contained(run, student, "notebook")
    assert run.question(student).status is Status.INVALID
