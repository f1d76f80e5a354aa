"""What a student reads of code tests: hidden tests by number, no value said twice."""

from __future__ import annotations

from typing import Any

from harness.kinds.code import CodeKind, CodeQuestion
from harness.kinds.code_engine.feedback import feedback_lines
from harness.kinds.code_engine.judge import Verdict, _with_expected


def _question(**extra: Any) -> CodeQuestion:
    data = dict(CodeKind.example.question)
    data["tests"] = [
        {"id": "three", "call": "mean", "args": [[1.0, 2.0, 6.0]]},
        {"id": "empty-list-raises", "call": "mean", "args": [[]], "raises": "ValueError", "visibility": "hidden"},
        {"id": "two", "call": "mean", "args": [[1.0, 2.0]]},
        {"id": "negative-values", "call": "mean", "args": [[-1.0]], "visibility": "hidden"},
    ]
    return CodeQuestion.model_validate({**data, **extra})


def test_hidden_tests_are_named_by_number_unless_the_bank_shows_ids() -> None:
    question = _question()
    verdicts = [Verdict(True, "passed"), Verdict(False, "raises"), Verdict(True, "passed"), Verdict(False, "wrong")]
    lines = feedback_lines(question, question.tests, verdicts)
    assert lines[1] == "✗ hidden test 1: failed" and lines[3] == "✗ hidden test 2: failed"
    assert not any("empty-list" in line or "negative" in line for line in lines)
    assert lines[0].startswith("✓ three: mean(")  # public tests keep their id and call
    # numbers follow the question's hidden tests, also when only some are judged
    assert feedback_lines(question, question.tests[3:], verdicts[3:]) == ["✗ hidden test 2: failed"]
    shown = _question(hidden_test_names="shown")
    assert feedback_lines(shown, shown.tests, verdicts)[1] == "✗ hidden test empty-list-raises: failed"


def test_the_default_is_left_out_of_the_dump_so_bank_hashes_do_not_move() -> None:
    assert "hidden_test_names" not in _question().model_dump()
    assert _question(hidden_test_names="shown").model_dump()["hidden_test_names"] == "shown"


def test_the_expected_value_is_not_said_twice() -> None:
    assert _with_expected("value: expected 4, got 0.25", "4") == "value: expected 4, got 0.25"
    # an element-wise reason names one element: the whole expected value still helps
    reason = "value: 1 of 2 elements differ; at [0] expected 1, got 2"
    assert _with_expected(reason, "[1, 3]") == reason + "; expected [1, 3]"


def test_a_missing_file_is_named_and_a_files_only_bank_asks_for_no_answers_yaml(tmp_path: Any) -> None:
    import datetime as dt

    from harness import api
    from harness.grading.runner import GradingPlan, grade_student
    from harness.results import ProblemCode
    from harness.submissions import read_submission

    bank = tmp_path / "bank.yaml"
    reference = CodeKind.example.question["reference"]
    bank.write_text(
        f"id: files\ntitle: Files\nversion: '1'\nquestions:\n  - id: code-mean\n    kind: code\n"
        f"    prompt: Write mean.\n    file: stats.py\n    reference: {reference}\n"
        f"    tests:\n      - {{id: three, call: mean, args: [[1.0, 2.0, 6.0]]}}\n",
        encoding="utf-8",
    )
    (tmp_path / "cohort" / "s1").mkdir(parents=True)  # neither answers.yaml nor stats.py
    plan = GradingPlan(api.load([bank]), "grade", dt.date(2026, 1, 1))
    student = grade_student(plan, read_submission(tmp_path / "cohort" / "s1"))
    assert student.questions[0].feedback == ["No answer: no stats.py (or stats.ipynb) in your submission folder."]
    assert not any(p.code == ProblemCode.NO_ANSWERS for p in student.problems)
