"""`harness validate --solutions`: references pass every test, known-wrong ones fail one."""

from __future__ import annotations

from collections.abc import Iterator

from harness.bank.loader import Bank
from harness.grading.code_runner import CodeRunner
from harness.kinds.code import CodeQuestion, read_student_code
from harness.sandbox.base import Sandbox


def check_solutions(banks: list[Bank], sandbox: Sandbox) -> Iterator[tuple[str, str, bool, str]]:
    """Rows of (question id, solution, ok, detail) for every code question's solutions."""
    with CodeRunner(sandbox) as runner:
        for bank in banks:
            for bq in bank.questions:
                if isinstance(bq.question, CodeQuestion):
                    yield from _question_rows(runner, bq.question)


def _question_rows(runner: CodeRunner, question: CodeQuestion) -> Iterator[tuple[str, str, bool, str]]:
    try:
        reference = runner.grade(question, read_student_code(question.path(question.reference)))
    except RuntimeError as exc:
        yield question.id, "reference", False, str(exc)
        return
    failed = [t["id"] for t in reference.evidence["tests"] if not t["passed"]]
    yield question.id, "reference", not failed, "passes all tests" if not failed else f"fails {failed}"
    for name in question.wrong_solutions:
        outcome = runner.grade(question, read_student_code(question.path(name)))
        caught = [t["id"] for t in outcome.evidence["tests"] if not t["passed"]]
        detail = f"fails {', '.join(caught)}" if caught else "passes every test: add a test that catches it"
        yield question.id, name, bool(caught), detail
