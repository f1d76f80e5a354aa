"""The contract every registered executor keeps, built-in or third-party: it grades each student
it is sent exactly once, with the result :func:`grade_student` gives in this process, and
records the run as a local run would (known when the run is open, before anyone is graded),
grades only the questions each task names, and refuses a student sent twice before grading
anyone.
(An executor that takes a scheduler is run without one: it must then start what it needs.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.executors import Executor, GradingJob
from harness.grading.lifecycle import open_run
from harness.grading.runner import GradingPlan, GradingTask, grade_student
from harness.kinds import load_banks
from harness.kinds.lifecycle import RunOptions
from harness.plugins import registry
from harness.submissions import collect_cohort
from tests.executors.cohorts import SEED_SECRET, TODAY, true_false_cohort

GROUP = "executors"
NAMES = registry(GROUP).names()


@pytest.fixture(params=NAMES)
def executor(request: pytest.FixtureRequest) -> Executor:
    found: Executor = registry(GROUP).get(request.param)
    return found


def _job(bank: Path) -> GradingJob:
    options = RunOptions("grade", sandbox="bwrap", seed_secret=SEED_SECRET)
    return GradingJob.of(load_banks([bank]), "grade", TODAY, options)


def test_the_builtins_are_registered() -> None:
    assert {"local", "dask"} <= set(NAMES)


def test_names_itself_as_registered() -> None:
    for name in NAMES:
        found = registry(GROUP).get(name)
        assert isinstance(found, Executor) and found.name == name and found.description


def test_grades_each_student_once_as_this_process_does(executor: Executor, tmp_path: Path) -> None:
    bank, folder = true_false_cohort(tmp_path, "true_false", 5)
    submissions = collect_cohort(folder).submissions
    job = _job(bank)
    with open_run(GradingPlan(load_banks([bank]), "grade", TODAY), job.options) as plan:
        expected = {s.student_id: grade_student(plan, s) for s in submissions}
        record = plan.resources.record()
    with executor.open(job) as run:
        assert run.record == record  # known before anyone is graded: the store's keys hold it
        results = list(run.grade([GradingTask(s) for s in submissions]))
    assert sorted(r.student_id for r in results) == sorted(expected)  # each once
    assert {r.student_id: r for r in results} == expected
    assert {r.score for r in results} == {1.0, 2.0, 0.0}  # right, half right, nothing submitted


def test_grades_only_the_questions_of_each_task(executor: Executor, tmp_path: Path) -> None:
    bank, folder = true_false_cohort(tmp_path, "true_false", 3)
    by_id = {s.student_id: s for s in collect_cohort(folder).submissions}
    tasks = [GradingTask(by_id["s00"], frozenset({"q2"})), GradingTask(by_id["s01"], frozenset({"q2"}))]
    tasks.append(GradingTask(by_id["s02"]))
    with executor.open(_job(bank)) as run:
        results = {r.student_id: r for r in run.grade(tasks)}
    assert {sid: [q.question_id for q in r.questions] for sid, r in results.items()} == {
        "s00": ["q2"],
        "s01": ["q2"],
        "s02": ["q1", "q2"],
    }


def test_refuses_a_student_sent_twice(executor: Executor, tmp_path: Path) -> None:
    bank, folder = true_false_cohort(tmp_path, "true_false", 2)
    submissions = collect_cohort(folder).submissions
    with executor.open(_job(bank)) as run, pytest.raises(HarnessError, match="submitted twice: s00"):
        run.grade([GradingTask(s) for s in [*submissions, submissions[0]]])
