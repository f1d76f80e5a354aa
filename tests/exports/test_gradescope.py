"""`harness gradescope` against Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from harness.cli import main
from harness.exports.gradescope import results_document
from harness.results import StudentResult
from tests.conftest import REPO
from tests.exports.conftest import result, student

BANK = REPO / "question_bank" / "foundations.yaml"
TEST_KEYS = {"name", "score", "max_score", "status", "visibility", "output"}


def test_results_document_maps_visibility_and_scores() -> None:
    graded: StudentResult = student(
        "ada", result("q1", 2, 2, ["right"]), result("q2", 0, 3, ["expected 4"], reveal=False)
    )
    document = results_document(graded, "after_published", 1.4)
    assert set(document) == {"score", "execution_time", "output", "stdout_visibility", "tests"}
    assert (document["score"], document["execution_time"], document["stdout_visibility"]) == (2, 1, "hidden")
    first, second = document["tests"]
    assert set(first) == TEST_KEYS
    assert (first["name"], first["score"], first["max_score"], first["visibility"]) == ("q1", 2, 2, "visible")
    assert first["status"] == "passed" and first["output"] == "correct: 2/2\nright"
    assert (second["visibility"], second["status"]) == ("after_published", "failed")
    assert results_document(graded, "hidden", 0)["tests"][1]["visibility"] == "hidden"


def test_cli_grades_the_submission_in_the_autograder_layout(tmp_path: Path) -> None:
    root = tmp_path / "autograder"
    shutil.copytree(REPO / "submissions" / "sample-cohort" / "s01-ada-lovelace", root / "submission" / "mine")
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"sid": "s01-ada-lovelace"}]}))
    today = dt.date(2026, 11, 23).isoformat()  # before the bank's "after: 2026-12-15" question
    run = CliRunner().invoke(main, ["gradescope", str(BANK), "--root", str(root), "--today", today])
    assert run.exit_code == 0, run.output
    document = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    tests = document["tests"]
    assert tests and all(set(t) == TEST_KEYS for t in tests)
    assert abs(document["score"] - sum(t["score"] for t in tests)) < 1e-6
    visibilities = {t["visibility"] for t in tests}
    assert visibilities == {"visible", "after_published"}  # the bank has hidden and not-yet-released questions
    assert run.output.startswith("s01-ada-lovelace: ")


def test_cli_without_a_submission_folder_is_one_line(tmp_path: Path) -> None:
    run = CliRunner().invoke(main, ["gradescope", str(BANK), "--root", str(tmp_path)])
    assert run.exit_code == 2
    assert (
        run.stderr.strip() == f"error: {tmp_path / 'submission'}: no submission folder (is --root the autograder root?)"
    )


def test_a_code_question_maps_to_one_test_with_pass_fail_only_for_hidden_tests(tmp_path: Path) -> None:
    exercise = REPO / "question_bank" / "exercises" / "greedy"
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        f"""id: gs
title: Gradescope code
version: "1"
questions:
  - id: code-greedy
    kind: code
    prompt: Write greedy(logits).
    file: sampling.py
    reference: {exercise / "reference.py"}
    preload: [numpy]
    tests:
      - {{id: first, call: greedy, args: [[0.4, 0.3, 0.2, 0.1]]}}
      - {{id: tie, call: greedy, args: [[1.0, 3.0, 3.0, 2.0]], visibility: hidden}}
""",
        encoding="utf-8",
    )
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    shutil.copy(exercise / "wrong_last_on_ties.py", root / "submission" / "sampling.py")
    run = CliRunner().invoke(main, ["gradescope", str(bank), "--root", str(root), "--sandbox", "process"])
    assert run.exit_code == 0, run.output
    document = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    (test,) = document["tests"]
    assert (test["name"], test["visibility"], test["status"]) == ("code-greedy", "visible", "failed")
    assert 0 < test["score"] < test["max_score"] == 2  # the public test passes, the hidden tie does not
    assert "[1.0, 3.0, 3.0, 2.0]" not in test["output"]  # a hidden test's input never reaches the student
