"""Grading again through the store: only what changed is graded, the results are the same."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection
from pathlib import Path

import pytest

from harness import api
from harness.errors import HarnessError
from harness.grading import runner
from harness.grading.runner import GradingPlan
from harness.results import StudentResult
from harness.store import sqlite as sqlite_store
from harness.store import store_path
from harness.submissions import Submission
from tests.store.conftest import TODAY

Graded = list[tuple[str, frozenset[str] | None]]


@pytest.fixture
def graded(monkeypatch: pytest.MonkeyPatch) -> Graded:
    """Every (student, questions) the runner grades, as it grades them."""
    calls: Graded = []
    grade_student = runner.grade_student

    def recording(plan: GradingPlan, submission: Submission, only: Collection[str] | None = None) -> StudentResult:
        calls.append((submission.student_id, None if only is None else frozenset(only)))
        return grade_student(plan, submission, only)

    monkeypatch.setattr(runner, "grade_student", recording)
    return calls


def _grade(bank: Path, cohort: Path, out: Path, **kwargs: object) -> bytes:
    api.grade([bank], cohort, out, ["json"], dt.date.fromisoformat(TODAY), **kwargs)  # type: ignore[arg-type]
    return (out / "results.json").read_bytes()


def test_an_unchanged_cohort_is_not_graded_again(quiz: tuple[Path, Path], tmp_path: Path, graded: Graded) -> None:
    bank, cohort = quiz
    first = _grade(bank, cohort, tmp_path / "out")
    assert len(graded) == 12
    graded.clear()
    assert _grade(bank, cohort, tmp_path / "out") == first
    assert graded == []


def test_a_resubmission_regrades_only_what_that_student_changed(
    quiz: tuple[Path, Path], tmp_path: Path, graded: Graded
) -> None:
    bank, cohort = quiz
    answers = cohort / "s003" / "answers.yaml"
    answers.write_text("q-num: 0.5\nq-choice: b\n", encoding="utf-8")
    _grade(bank, cohort, tmp_path / "out")
    answers.write_text("q-num: 0.5\nq-choice: b\nq-later: true\n", encoding="utf-8")
    graded.clear()
    again = _grade(bank, cohort, tmp_path / "out")
    assert graded == [("s003", frozenset({"q-later"}))]
    assert again == _grade(bank, cohort, tmp_path / "fresh")  # the same as grading from nothing


def test_a_new_file_in_a_student_folder_regrades_that_student(
    quiz: tuple[Path, Path], tmp_path: Path, graded: Graded
) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out")
    (cohort / "s005" / "notes.txt").write_text("late addition\n", encoding="utf-8")
    graded.clear()
    _grade(bank, cohort, tmp_path / "out")
    assert graded == [("s005", None)]


def test_an_edited_question_is_regraded_for_everyone_and_nothing_else(
    quiz: tuple[Path, Path], tmp_path: Path, graded: Graded
) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out")
    bank.write_text(bank.read_text(encoding="utf-8").replace("answer: 0.3", "answer: 0.5", 1), encoding="utf-8")
    graded.clear()
    again = _grade(bank, cohort, tmp_path / "out")
    assert sorted(graded) == [(f"s{i:03d}", frozenset({"q-num"})) for i in range(12)]
    assert again == _grade(bank, cohort, tmp_path / "fresh")


def test_only_and_question_force_a_slice(quiz: tuple[Path, Path], tmp_path: Path, graded: Graded) -> None:
    bank, cohort = quiz
    first = _grade(bank, cohort, tmp_path / "out")
    graded.clear()
    assert _grade(bank, cohort, tmp_path / "out", only=["s001", "s007"]) == first
    assert sorted(graded) == [("s001", None), ("s007", None)]
    graded.clear()
    assert _grade(bank, cohort, tmp_path / "out", questions=["q-tf"]) == first
    assert sorted(graded) == [(f"s{i:03d}", frozenset({"q-tf"})) for i in range(12)]


def test_a_slice_naming_an_unknown_id_is_refused_before_grading(
    quiz: tuple[Path, Path], tmp_path: Path, graded: Graded
) -> None:
    bank, cohort = quiz
    with pytest.raises(HarnessError, match=r"no student 'nobody' in this run"):
        _grade(bank, cohort, tmp_path / "out", only=["nobody"])
    with pytest.raises(HarnessError, match=r"no question 'q-nope' in this run"):
        _grade(bank, cohort, tmp_path / "out", questions=["q-nope"])
    assert graded == []


def test_another_date_reuses_grades_whose_visibility_did_not_change(
    quiz: tuple[Path, Path], tmp_path: Path, graded: Graded
) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out")
    graded.clear()
    api.grade([bank], cohort, tmp_path / "out", ["json"], dt.date.fromisoformat(TODAY) + dt.timedelta(days=1))
    assert graded == []


def test_the_store_holds_only_the_last_cohorts_grades(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    bank, cohort = quiz
    _grade(bank, cohort, tmp_path / "out")
    bank.write_text(bank.read_text(encoding="utf-8").replace("answer: 0.3", "answer: 0.5", 1), encoding="utf-8")
    _grade(bank, cohort, tmp_path / "out")
    with sqlite3.connect(store_path(tmp_path / "out")) as db:
        rows = db.execute("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM grades").fetchone()
    questions = len(api.load([bank])[0].questions)
    assert rows == (12 * questions, 12)


class _ReadingProgress:
    """A progress sink that reads the store from another connection as each student is saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: list[int] = []

    def start(self, stage: str, total: int = 0) -> None:
        pass

    def advance(self, count: int = 1, failed: int = 0) -> None:
        reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=0.5)
        try:
            self.seen.append(reader.execute("SELECT COUNT(DISTINCT student_id) FROM grades").fetchone()[0])
        finally:
            reader.close()

    def finish(self, summary: str) -> None:
        pass


def test_readers_see_each_student_as_it_is_saved_during_a_run(
    quiz: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Students are committed at most ``COMMIT_EVERY_S`` apart; with no wait, each one as it
    is finished, and a reader in another connection sees it (WAL: no lock waited for)."""
    monkeypatch.setattr(sqlite_store, "COMMIT_EVERY_S", 0.0)
    bank, cohort = quiz
    progress = _ReadingProgress(store_path(tmp_path / "out"))
    _grade(bank, cohort, tmp_path / "out", progress=progress)
    assert progress.seen == list(range(1, 13))


def test_readers_see_students_in_batches_and_every_one_by_the_end(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    bank, cohort = quiz
    progress = _ReadingProgress(store_path(tmp_path / "out"))
    _grade(bank, cohort, tmp_path / "out", progress=progress)
    assert progress.seen == sorted(progress.seen) and len(progress.seen) == 12
    with sqlite3.connect(store_path(tmp_path / "out")) as db:
        assert db.execute("SELECT COUNT(DISTINCT student_id) FROM grades").fetchone()[0] == 12
