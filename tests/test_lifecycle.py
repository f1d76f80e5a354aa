"""Kinds' run lifecycle: a kind opens a scope for the run, finds it typed while grading, and
the run closes it; a kind whose ``prepare`` fails has its answers recorded as errors."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest

from harness import api
from harness.grading.lifecycle import open_run
from harness.grading.runner import GradingPlan, grade_cohort
from harness.kinds import LoadedBank, kind_registry
from harness.kinds.base import GradeContext, KindExample, Outcome
from harness.kinds.lifecycle import RunOptions, RunRecord, RunResources, RunScope
from harness.kinds.true_false import TrueFalseKind, TrueFalseQuestion
from harness.results import Status
from harness.submissions import Cohort, Submission

TODAY = dt.date(2026, 12, 1)
BANK = """id: life
title: Lifecycle
version: 1
questions:
  - {id: t1, kind: tally, prompt: Say 1, answer: true}
  - {id: t2, kind: tally, prompt: Say 2, answer: true}
  - {id: tf, kind: true_false, prompt: Plain, answer: false}
"""


class Tally(RunScope):
    """Counts the answers graded in the run; records what it was opened with."""

    parallel = True

    def __init__(self, questions: Sequence[str], options: RunOptions) -> None:
        self.questions = list(questions)
        self.options = options
        self.graded = 0
        self.closed = 0

    def record(self) -> RunRecord:
        return RunRecord(sandbox="tally-box", seed_secret=self.options.seed_secret)

    def close(self) -> None:
        self.closed += 1


class TallyQuestion(TrueFalseQuestion):
    kind: Literal["tally"] = "tally"  # type: ignore[assignment]


class TallyKind(TrueFalseKind):
    """A true/false kind that needs a run-wide resource (think of a model or a server)."""

    name = "tally"
    model = TallyQuestion
    example = KindExample({"id": "ex", "kind": "tally", "prompt": "P", "answer": True}, True, False)
    opened: ClassVar[list[Tally]] = []
    fail_prepare: ClassVar[bool] = False

    def open_run(self, questions: Sequence[Any], options: RunOptions) -> Tally:
        scope = Tally([q.id for q in questions], options)
        TallyKind.opened.append(scope)
        return scope

    def prepare(self, items: list[tuple[Any, Any, GradeContext]]) -> None:
        if TallyKind.fail_prepare:
            raise KeyError("the batch went wrong")

    def _grade(self, question: Any, answer: bool, ctx: GradeContext) -> Outcome:
        tally = ctx.resources.get(Tally)  # typed: a Tally, or None when the run opened none
        if tally is None:
            raise RuntimeError("no tally opened for this run")
        tally.graded += 1
        return super()._grade(question, answer, ctx)


@pytest.fixture
def tally_bank(write_bank: Callable[[str], Path]) -> Iterator[Path]:
    kind_registry().register("tally", TallyKind)
    TallyKind.opened.clear()
    TallyKind.fail_prepare = False
    try:
        yield write_bank(BANK)
    finally:
        kind_registry().unregister("tally")


def _cohort(*students: str) -> Cohort:
    answers = {"t1": True, "t2": False, "tf": False}
    return Cohort("c", [Submission(s, Path(s), dict(answers)) for s in students])


def _plan(bank: Path) -> GradingPlan:
    loaded: list[LoadedBank] = api.load([bank])
    return GradingPlan(loaded, "grade", TODAY)


def test_a_kind_opens_one_scope_per_run_and_the_run_closes_it(tally_bank: Path) -> None:
    with open_run(_plan(tally_bank), RunOptions(seed_secret="s3"), workers=3) as plan:
        cohort = grade_cohort(plan, _cohort("ann", "bob"))
        assert plan.workers == 3  # the scope is parallel: students are graded in threads
    [tally] = TallyKind.opened
    assert tally.questions == ["t1", "t2"]  # its own questions, not the true_false one
    assert tally.graded == 4 and tally.closed == 1
    assert (cohort.sandbox, cohort.seed_secret) == ("tally-box", "s3")  # from the scope's record
    assert [q.status for q in cohort.students[0].questions] == [Status.CORRECT, Status.INCORRECT, Status.CORRECT]


def test_a_parallel_run_grades_one_more_student_at_once_than_there_are_cpus(tally_bank: Path) -> None:
    """A student's thread waits on its sandbox, then judges on the host: one thread per CPU
    would leave CPUs idle while threads judge."""
    with open_run(_plan(tally_bank), RunOptions(seed_secret="s3")) as plan:
        assert plan.workers == (os.cpu_count() or 1) + 1


def test_a_run_without_the_kind_opens_nothing_and_grades_one_at_a_time(write_bank: Callable[[str], Path]) -> None:
    bank = write_bank(
        "id: b\ntitle: T\nversion: 1\nquestions:\n  - {id: tf, kind: true_false, prompt: P, answer: true}\n"
    )
    with open_run(_plan(bank), RunOptions()) as plan:
        assert len(plan.resources) == 0 and plan.workers == 1
        cohort = grade_cohort(plan, _cohort("ann"))
    assert cohort.sandbox is None and cohort.seed_secret is None


def test_the_scope_is_closed_when_grading_fails(tally_bank: Path) -> None:
    with pytest.raises(KeyboardInterrupt), open_run(_plan(tally_bank), RunOptions()):
        raise KeyboardInterrupt
    assert [t.closed for t in TallyKind.opened] == [1]


def test_a_self_check_opens_the_scope_too(tally_bank: Path) -> None:
    answers = tally_bank.parent / "answers.yaml"
    answers.write_text("t1: true\nt2: true\n", encoding="utf-8")
    result = api.check([tally_bank], answers, today=TODAY)
    assert result.score == 2.0
    [tally] = TallyKind.opened
    assert tally.options.mode == "check" and tally.closed == 1


def test_without_the_scope_the_kind_reports_an_error_not_a_crash(tally_bank: Path) -> None:
    cohort = grade_cohort(_plan(tally_bank), _cohort("ann"))  # no open_run: nothing was opened
    statuses = [q.status for q in cohort.students[0].questions]
    assert statuses == [Status.ERROR, Status.ERROR, Status.CORRECT]
    assert "no tally opened" in cohort.students[0].questions[0].feedback[0]


def test_a_failing_prepare_is_recorded_on_its_answers_and_the_run_goes_on(tally_bank: Path) -> None:
    TallyKind.fail_prepare = True
    with open_run(_plan(tally_bank), RunOptions()) as plan:
        cohort = grade_cohort(plan, _cohort("ann", "bob"))
    for student in cohort.students:
        t1, t2, tf = student.questions
        assert t1.status is t2.status is Status.ERROR  # the kind's answers: an error, said out loud
        assert "KeyError" in t1.feedback[0] and "the batch went wrong" in t1.feedback[0]
        assert tf.status is Status.CORRECT  # another kind's answer is graded as usual
    assert TallyKind.opened[0].graded == 0


def test_resources_are_found_by_their_class_only() -> None:
    class Other(RunScope):
        def close(self) -> None:
            return None

    tally = Tally([], RunOptions())
    resources = RunResources([tally])
    assert resources.get(Tally) is tally
    assert resources.get(Other) is None
