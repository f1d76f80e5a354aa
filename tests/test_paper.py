"""A student's paper and their grading agree: same numbers, same option order."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner

from harness import api
from harness.cli import main
from harness.results import Status

BANK = """\
id: p
title: Paper
version: 1
questions:
  - id: mle
    kind: numeric
    parameters: {n: {int: [10, 90]}, k: {int: [1, 9]}}
    prompt: "In {{ n }} flips we saw {{ k }} heads. MLE of p?"
    answer: "k / n"
    tolerance: {abs: 0.0001}
  - id: pick
    kind: choice
    prompt: Pick the generative model.
    options:
      - {id: gan, text: GAN, correct: true}
      - {id: svm, text: SVM}
      - {id: rf, text: Random forest}
  - id: secret
    kind: true_false
    prompt: A hidden statement.
    answer: true
    visibility: hidden
"""


def test_paper_numbers_are_the_ones_graded(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK)
    for student in ("alice", "bob", "carol"):
        paper = api.paper([bank], student, dt.date(2026, 1, 1))
        n, k = map(int, re.search(r"In (\d+) flips we saw (\d+) heads", paper).groups())  # type: ignore[union-attr]
        answers = tmp_path / student / "answers.yaml"
        answers.parent.mkdir()
        answers.write_text(f"mle: {k}/{n}\npick: gan\n")
        result = api.check([bank], answers, today=dt.date(2026, 1, 1))  # student id = folder name
        assert [q.status for q in result.questions] == [Status.CORRECT, Status.CORRECT]
        assert "secret" not in paper and "A hidden statement" not in paper


def test_paper_lists_options_in_the_graded_order(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK)
    answers = tmp_path / "dana" / "answers.yaml"
    answers.parent.mkdir()
    answers.write_text("pick: gan\n")
    paper = api.paper([bank], "dana")
    shown = re.findall(r"^- `(\w+)`:", paper, flags=re.M)
    graded = next(q for q in api.check([bank], answers).questions if q.question_id == "pick")
    assert shown == graded.option_order


def test_paper_all_prints_hidden_and_dated_questions_for_the_instructor(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        BANK + "  - id: later\n    kind: true_false\n    prompt: Released later.\n    answer: true\n"
        "    visibility: {after: 2026-06-01}\n"
    )
    runner = CliRunner()

    students = runner.invoke(main, ["paper", str(bank), "--student", "alice", "--today", "2026-01-01"])
    instructor = runner.invoke(main, ["paper", str(bank), "--student", "alice", "--today", "2026-01-01", "--all"])

    assert students.exit_code == 0 and instructor.exit_code == 0, instructor.output
    assert "A hidden statement" not in students.output and "Released later" not in students.output
    headings = re.findall(r"^## .*$", instructor.output, flags=re.M)
    assert headings == [
        "## mle (1 pt, numeric)",
        "## pick (1 pt, choice)",
        "## secret (1 pt, true_false, hidden)",
        "## later (1 pt, true_false, after 2026-06-01)",
    ]
    assert "A hidden statement." in instructor.output and "Released later." in instructor.output
    # the instructor's copy has the same numbers as the student's
    assert (
        instructor.output.split("## secret")[0].split("\n", 1)[1].rstrip() == students.output.split("\n", 1)[1].rstrip()
    )
