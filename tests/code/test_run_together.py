"""A student's questions that share a file run in one sandbox job for their public tests and
one for their hidden tests, with the same results as jobs per question; a job that breaks
falls back to jobs per question."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.kinds.code import CodeKind
from harness.results import StudentResult
from harness.sandbox.base import RunResult, SandboxLimits
from harness.sandbox.pool import WarmWorker
from tests.code.sent_jobs import Sent, record_jobs

BANK = """\
id: together
title: Questions sharing a file
version: "1"
defaults: {visibility: public}
questions:
  - id: q-double
    kind: code
    prompt: double(x)
    file: tasks.py
    reference: reference.py
    tests:
      - {id: small, call: double, args: [2]}
      - {id: large, call: double, args: [21], visibility: hidden}
  - id: q-square
    kind: code
    prompt: square(x)
    file: tasks.py
    reference: reference.py
    tests:
      - {id: small, call: square, args: [3]}
      - {id: negative, call: square, args: [-4], visibility: hidden}
  - id: q-cube
    kind: code
    prompt: cube(x), with more memory (other limits, so a job of its own)
    file: tasks.py
    reference: reference.py
    limits: {memory_mb: 3000}
    tests:
      - {id: small, call: cube, args: [2]}
"""

REFERENCE = """\
def double(x):
    return 2 * x


def square(x):
    return x * x


def cube(x):
    return x ** 3
"""

HIDDEN_TESTS = {"large", "negative"}

STUDENTS = {
    "right": "# my own work\n" + REFERENCE,
    "half-right": REFERENCE.replace("x * x", "x + x"),
    # the first question's call ends the whole process: the batched job stops early
    "exits-in-double": REFERENCE.replace("return 2 * x", "import os; os._exit(0)"),
    "syntax-error": "def double(x):\n    return (\n",
}


@pytest.fixture
def cohort(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "together.yaml").write_text(BANK)
    (tmp_path / "bank" / "reference.py").write_text(REFERENCE)
    for name, source in STUDENTS.items():
        (tmp_path / "cohort" / name).mkdir(parents=True)
        (tmp_path / "cohort" / name / "tasks.py").write_text(source)
    return tmp_path / "bank" / "together.yaml", tmp_path / "cohort"


def grade(bank: Path, cohort: Path, out: Path) -> dict[str, StudentResult]:
    run = api.grade([bank], cohort, out, ["json"], dt.date(2026, 11, 23), "process", True)
    return {s.student_id: s for s in run.cohort.students}


def student_jobs(sent: list[Sent]) -> list[list[str]]:
    """The test ids sent in each of a student's sandbox jobs (not the reference's)."""
    return [[call["id"] for call in request["calls"]] for files, request in sent if REFERENCE not in files.values()]


def test_questions_sharing_a_file_and_limits_run_in_one_job(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, folder = cohort
    for name in list(STUDENTS)[1:]:
        shutil.rmtree(folder / name)
    sent = record_jobs(monkeypatch)
    (student,) = grade(bank, folder, tmp_path / "out").values()
    # public tests in one job, hidden ones in another: nothing of a hidden test reaches feedback
    assert sorted(student_jobs(sent)) == [["0:large", "1:negative"], ["0:small", "1:small"], ["small"]]
    assert student.score == student.max_score == 5


def test_no_zygote_that_ran_a_hidden_test_runs_a_public_one(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job can leave marks in its sandbox's namespaces that the next job there reads
    (tests/security/test_hidden_inputs.py): hidden calls go to zygotes of their own."""
    bank, folder = cohort
    ran: list[tuple[int, str]] = []  # (the zygote's pid, the visibility of the job's calls)
    original = WarmWorker.run

    def run(self: WarmWorker, files: Any, request: dict[str, Any], limits: SandboxLimits) -> RunResult:
        result = original(self, files, request, limits)
        if REFERENCE not in files.values() and self.process is not None:
            ids = {call["id"].split(":")[-1] for call in request["calls"]}
            ran.append((self.process.pid, "hidden" if ids & HIDDEN_TESTS else "public"))
        return result

    monkeypatch.setattr(WarmWorker, "run", run)
    grade(bank, folder, tmp_path / "out")
    hidden = {pid for pid, kind in ran if kind == "hidden"}
    public = {pid for pid, kind in ran if kind == "public"}
    assert hidden and public and not hidden & public, ran


def test_a_students_hidden_jobs_come_after_all_their_public_jobs(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever questions and files: a job can leave marks that a later job reads back
    (tests/security/test_hidden_inputs.py), so none of a student's public jobs runs after
    one that held a hidden input, not even the re-runs of a group that stopped early."""
    bank, folder = cohort
    sent = record_jobs(monkeypatch)
    grade(bank, folder, tmp_path / "out")
    order: dict[str, list[str]] = {}
    for files, request in sent:
        if REFERENCE not in files.values():
            ids = {call["id"].split(":")[-1] for call in request["calls"]}
            order.setdefault(files["tasks.py"], []).append("hidden" if ids & HIDDEN_TESTS else "public")
    assert len(order) == len(STUDENTS)
    for source, kinds in order.items():
        assert "hidden" in kinds and kinds == sorted(kinds, key=["public", "hidden"].index), (source, kinds)


def test_a_grader_bug_on_one_question_is_its_error_and_nothing_runs_again(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judging q-square's hidden test fails: that question's grade says so, the others keep
    theirs, and no public job runs again after the hidden ones (as a question graded alone
    would)."""
    from harness.kinds.code_engine import runner

    bank, folder = cohort
    for name in list(STUDENTS)[1:]:
        shutil.rmtree(folder / name)
    real_judge = runner.judge

    def judge(test: Any, *args: Any) -> Any:
        if test.id == "negative":
            raise ZeroDivisionError("a bug in judging")
        return real_judge(test, *args)

    monkeypatch.setattr(runner, "judge", judge)
    sent = record_jobs(monkeypatch)
    (student,) = grade(bank, folder, tmp_path / "out").values()
    results = {q.question_id: q for q in student.questions}
    assert results["q-square"].status.value == "error"
    assert "ZeroDivisionError: a bug in judging" in " ".join(results["q-square"].feedback)
    assert results["q-double"].score == 2 and results["q-cube"].score == 1
    assert sorted(student_jobs(sent)) == [["0:large", "1:negative"], ["0:small", "1:small"], ["small"]]


def test_results_are_the_same_as_one_job_per_question(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, folder = cohort
    together = grade(bank, folder, tmp_path / "together")
    monkeypatch.setattr(CodeKind, "prepare", lambda self, items: None)
    apart = grade(bank, folder, tmp_path / "apart")
    assert together.keys() == apart.keys() == STUDENTS.keys()
    for name in STUDENTS:
        assert together[name].model_dump() == apart[name].model_dump(), name
    scores = {name: [q.score for q in together[name].questions] for name in STUDENTS}
    assert scores == {
        "right": [2, 2, 1],
        "half-right": [2, 0, 1],
        "exits-in-double": [0, 2, 1],  # re-run on their own: only double lost its points
        "syntax-error": [0, 0, 0],
    }


def test_a_job_that_stops_early_is_rerun_one_question_at_a_time(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, folder = cohort
    sent = record_jobs(monkeypatch)
    students = grade(bank, folder, tmp_path / "out")
    jobs = student_jobs(sent)
    exits = {q.question_id: q for q in students["exits-in-double"].questions}
    assert exits["q-double"].score == 0
    assert "stopped early" in " ".join(exits["q-double"].feedback)
    assert exits["q-square"].score == exits["q-square"].max_score == 2
    batched_public = [j for j in jobs if j and j[0] == "0:small"]
    assert len(batched_public) == len(STUDENTS)  # one batched public job per student...
    assert jobs.count(["negative"]) == 1  # ...and one re-run of q-square's hidden test, for the one that broke it
    assert jobs.count(["0:large", "1:negative"]) == len(STUDENTS) - 1  # none after a public batch broke


def test_a_self_check_sends_only_public_tests(cohort: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    bank, folder = cohort
    sent = record_jobs(monkeypatch)
    (folder / "half-right" / "answers.yaml").write_text("{}\n")
    result = api.check([bank], folder / "half-right" / "answers.yaml", today=dt.date(2026, 11, 23))
    assert sorted(student_jobs(sent)) == [["0:small", "1:small"], ["small"]]  # hidden tests never enter the sandbox
    assert [q.score for q in result.questions] == [1, 0, 1]  # a self-check scores the public tests, out of their points


def test_a_sandbox_that_cannot_start_is_the_graders_error_not_a_wrong_answer(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No zygote says ready (the host's fault: an outside tester caused it with ``ulimit -v``
    on the grader): with the reference's results cached, every student was marked incorrect,
    "your program stopped early". No student code ran: each question is the grader's error."""
    from harness.sandbox.stream import WorkerError

    bank, folder = cohort
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    grade(bank, folder, tmp_path / "first")  # the references' results are kept

    def no_start(self: WarmWorker) -> Any:
        raise WorkerError("the worker died")

    monkeypatch.setattr(WarmWorker, "_ensure", no_start)
    students = grade(bank, folder, tmp_path / "second")
    statuses = {q.status.value for student in students.values() for q in student.questions}
    assert statuses == {"error"}, statuses
    feedback = " ".join(students["right"].questions[0].feedback)
    assert "sandbox could not be started" in feedback and "stopped early" not in feedback
