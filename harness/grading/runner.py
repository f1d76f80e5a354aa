"""Grading: every question of every bank against every submission.

Two modes share one path: ``grade`` (an instructor grades a cohort: every question, hidden
ones included, but hidden answers are not revealed) and ``check`` (a student's self-check:
only questions public today, everything revealed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.bank.schema import Question
from harness.bank.variants import VariantError, draw_variant
from harness.kinds import LoadedBank, LoadedQuestion
from harness.kinds.base import GradeContext, QuestionKind
from harness.kinds.lifecycle import RunResources
from harness.results import (
    NON_ATTEMPT,
    BankRef,
    CohortResult,
    Problem,
    ProblemCode,
    QuestionInfo,
    QuestionResult,
    Status,
    StudentResult,
    round_score,
)
from harness.submissions import Cohort, Submission

Mode = Literal["grade", "check"]


@dataclass(frozen=True)
class GradingPlan:
    """Which questions a run grades, fixed once for the whole cohort."""

    banks: list[LoadedBank]
    mode: Mode
    today: dt.date
    resources: RunResources = field(default_factory=RunResources)  # see grading.lifecycle.open_run
    workers: int = 1  # students graded at once (when a kind's scope waits on sandboxes)

    def questions(self) -> Iterable[tuple[LoadedBank, LoadedQuestion]]:
        for bank in self.banks:
            for bq in bank.questions:
                if self.mode == "grade" or bq.question.is_public_on(self.today):
                    yield bank, bq

    def bank_refs(self) -> list[BankRef]:
        return [BankRef(id=b.id, title=b.title, version=b.version, content_hash=b.content_hash) for b in self.banks]

    def question_infos(self) -> list[QuestionInfo]:
        return [_question_info(bank, bq) for bank, bq in self.questions()]


def grade_student(plan: GradingPlan, submission: Submission) -> StudentResult:
    """Grade one submission. Never raises: problems are recorded in the result."""
    problems = [p for p in submission.problems if p.code != ProblemCode.NO_ANSWERS or _asks_for_answers(plan)]
    prepared: dict[str, object] = {}  # shared by this student's questions, never by two students
    staged = [_stage(plan, bank, bq, submission, prepared) for bank, bq in plan.questions()]
    staged = _prepare(staged)
    results = [s if isinstance(s, QuestionResult) else s.kind.grade(s.question, s.raw, s.ctx) for s in staged]
    problems += _unknown_answers(plan, submission)
    return StudentResult(
        student_id=submission.student_id,
        banks=plan.bank_refs(),
        score=round_score(sum(r.score for r in results)),
        max_score=round_score(sum(r.max_score for r in results)),
        questions=results,
        problems=problems,
    )


def grade_cohort(plan: GradingPlan, cohort: Cohort) -> CohortResult:
    """Grade every submission of ``cohort``; students come out sorted by id."""
    submissions = sorted(cohort.submissions, key=lambda s: s.student_id)
    if plan.workers > 1 and len(submissions) > 1:
        pool = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="grade")
        try:
            students = list(pool.map(lambda s: grade_student(plan, s), submissions))
        except BaseException:  # Ctrl-C, SIGTERM: grade nobody else, and do not wait for the
            pool.shutdown(wait=False, cancel_futures=True)  # students in the sandbox right now
            raise
        pool.shutdown()
    else:
        students = [grade_student(plan, s) for s in submissions]
    record = plan.resources.record()
    return CohortResult(
        cohort=cohort.name,
        mode=plan.mode,
        banks=plan.bank_refs(),
        questions=plan.question_infos(),
        sandbox=record.sandbox,
        seed_secret=record.seed_secret,
        students=students,
        problems=cohort.problems,
    )


@dataclass(frozen=True)
class _Staged:
    """A question ready to grade: the student's raw answer and the context it is graded in."""

    kind: QuestionKind[Any]
    question: Question
    raw: Any
    ctx: GradeContext


def _prepare(staged: list[_Staged | QuestionResult]) -> list[_Staged | QuestionResult]:
    """Let each kind see all of a student's questions of its own before grading any.

    A kind whose ``prepare`` raises has a bug: its questions of this student are recorded as
    errors (saying so), and the run goes on with the other kinds and students.
    """
    by_kind: dict[str, list[_Staged]] = {}
    for item in staged:
        if isinstance(item, _Staged):
            by_kind.setdefault(item.kind.name, []).append(item)
    failed: dict[int, QuestionResult] = {}
    for items in by_kind.values():
        try:
            items[0].kind.prepare([(s.question, s.raw, s.ctx) for s in items])
        except (Exception, RecursionError) as exc:
            why = f"the grader failed while preparing this answer ({type(exc).__name__}: {str(exc)[:300]})"
            failed.update({id(s): _ungraded(s.kind, s.question, Status.ERROR, why) for s in items})
    return [failed.get(id(item), item) for item in staged]


def _stage(
    plan: GradingPlan, bank: LoadedBank, bq: LoadedQuestion, submission: Submission, prepared: dict[str, object]
) -> _Staged | QuestionResult:
    question = bq.question
    lost = submission.unreadable.get(question.id)
    if lost is not None:  # in answers.yaml, but could not be read (a duplicate key, a non-UTF-8 byte)
        return _ungraded(bq.kind, question, Status.INVALID, f"{lost.message} ({lost.location})")
    try:
        variant = draw_variant(question, bank.id, submission.student_id)
    except VariantError as exc:  # constraints that held at load time but not for this student
        return _ungraded(bq.kind, question, Status.ERROR, f"could not build your variant: {exc}")
    ctx = GradeContext(
        student_id=submission.student_id,
        bank_id=bank.id,
        variant=variant,
        reveal=question.is_public_on(plan.today),
        synonyms=bank.synonyms,
        missing_reason=_missing_reason(submission),
        resources=plan.resources,
        public_only=plan.mode == "check",
        prepared=prepared,
    )
    return _Staged(bq.kind, question, bq.kind.answer_for(question, submission.answers, submission.folder), ctx)


def _ungraded(kind: QuestionKind[Any], question: Question, status: Status, why: str) -> QuestionResult:
    return QuestionResult(
        question_id=question.id,
        kind=kind.name,
        topic=question.tags.topic,
        score=0.0,
        max_score=question.max_points,
        status=status,
        feedback=[why],
    )


def _asks_for_answers(plan: GradingPlan) -> bool:
    """Whether any question of the plan is answered in answers.yaml; when every one is a file
    (code, generation: their kinds override ``answer_for``), a missing answers.yaml is no problem."""
    return any(type(bq.kind).answer_for is QuestionKind.answer_for for _, bq in plan.questions())


def _missing_reason(submission: Submission) -> str:
    unreadable = next((p for p in submission.problems if p.code in NON_ATTEMPT), None)
    return f"No answer: {unreadable.message}." if unreadable else "No answer given."


def _unknown_answers(plan: GradingPlan, submission: Submission) -> list[Problem]:
    known = {bq.question.id for bank in plan.banks for bq in bank.questions}
    return [
        Problem(
            code=ProblemCode.UNKNOWN_QUESTION,
            message=f"answer to unknown question {qid!r} ignored (check the id)",
            location=submission.answer_location(qid),
        )
        for qid in submission.answers
        if qid not in known
    ]


def _question_info(bank: LoadedBank, bq: LoadedQuestion) -> QuestionInfo:
    q = bq.question
    return QuestionInfo(
        id=q.id,
        bank_id=bank.id,
        kind=bq.kind.name,
        prompt=q.prompt,
        points=q.max_points,
        topic=q.tags.topic,
        difficulty=q.tags.difficulty,
        objective=q.tags.objective,
        visibility=q.visibility_label(),
        options=bq.kind.options(q),
        parameterized=q.parameterized,
    )
