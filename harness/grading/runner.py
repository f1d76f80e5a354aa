"""Grading: every question of every bank against every submission.

Two modes share one path: ``grade`` (an instructor grades a cohort: every question, hidden
ones included, but hidden answers are not revealed) and ``check`` (a student's self-check:
only questions public today, everything revealed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Generator, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, Protocol

from harness.bank.schema import Question
from harness.bank.variants import VariantError, draw_variant
from harness.kinds import LoadedBank, LoadedQuestion
from harness.kinds.base import MISSING, GradeContext, QuestionKind
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
from harness.second_process import across_two
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
    # Results of answers already graded in this run, for kinds whose grade the answer decides
    # (see :func:`_graded`); shared by the plan's copies, so by every student of the run.
    answers_graded: dict[tuple[int, bool, str], QuestionResult] = field(default_factory=dict, compare=False, repr=False)
    # The same, copied with a student's own option order: students shown the options in the
    # same order share one result object (which the result store then writes once).
    answers_reordered: dict[tuple[int, bool, str, tuple[str, ...] | None], QuestionResult] = field(
        default_factory=dict, compare=False, repr=False
    )

    def questions(self) -> Iterable[tuple[LoadedBank, LoadedQuestion]]:
        for bank in self.banks:
            for bq in bank.questions:
                if self.mode == "grade" or bq.question.is_public_on(self.today):
                    yield bank, bq

    def bank_refs(self) -> list[BankRef]:
        return [BankRef(id=b.id, title=b.title, version=b.version, content_hash=b.content_hash) for b in self.banks]

    def question_infos(self) -> list[QuestionInfo]:
        return [_question_info(bank, bq) for bank, bq in self.questions()]


def grade_student(plan: GradingPlan, submission: Submission, only: Collection[str] | None = None) -> StudentResult:
    """Grade one submission (only the questions whose ids are in ``only``, when given). Never
    raises: problems are recorded in the result."""
    prepared: dict[str, object] = {}  # shared by this student's questions, never by two students
    missing = _missing_reason(submission)
    staged = [
        _stage(plan, bank, bq, submission, prepared, missing)
        for bank, bq in plan.questions()
        if only is None or bq.question.id in only
    ]
    staged = _prepare(staged)
    results = [s if isinstance(s, QuestionResult) else _graded(plan, s) for s in staged]
    return assemble_student(plan, submission, results)


def assemble_student(plan: GradingPlan, submission: Submission, results: list[QuestionResult]) -> StudentResult:
    """A student's result from their question results (graded now or read back from a store)."""
    return StudentResult(
        student_id=submission.student_id,
        banks=plan.bank_refs(),
        score=round_score(sum(r.score for r in results)),
        max_score=round_score(sum(r.max_score for r in results)),
        questions=results,
        problems=[*_asked_problems(plan, submission), *_unknown_answers(plan, submission)],
    )


def _asked_problems(plan: GradingPlan, submission: Submission) -> list[Problem]:
    """The submission's problems, without a missing answers.yaml when no question reads one."""
    return [p for p in submission.problems if p.code != ProblemCode.NO_ANSWERS or _asks_for_answers(plan)]


@dataclass(frozen=True)
class GradingTask:
    """A student to grade now, and which of their questions (``None``: every one)."""

    submission: Submission
    only: frozenset[str] | None = None


class Ledger(Protocol):
    """Where a cohort's grades are kept while it is graded (a result store, or memory)."""

    def pending(self, plan: GradingPlan, submissions: list[Submission]) -> list[GradingTask]:
        """What is left to grade (for a result store: what it does not hold yet)."""
        ...

    def put(self, graded: StudentResult) -> None:
        """Keep a student's new grades (called as each student is finished)."""
        ...

    def results(self, plan: GradingPlan, submission: Submission) -> list[QuestionResult]:
        """Every question result of ``submission``, in the plan's order."""
        ...


class MemoryLedger:
    """Grades every student, keeps nothing beyond the run."""

    def __init__(self) -> None:
        self._graded: dict[str, StudentResult] = {}

    def pending(self, plan: GradingPlan, submissions: list[Submission]) -> list[GradingTask]:
        return [GradingTask(s) for s in submissions]

    def put(self, graded: StudentResult) -> None:
        self._graded[graded.student_id] = graded

    def results(self, plan: GradingPlan, submission: Submission) -> list[QuestionResult]:
        return self._graded[submission.student_id].questions


class ProgressSink(Protocol):
    """Told as each student is finished (see :class:`harness.progress.Progress`)."""

    def start(self, stage: str, total: int = 0) -> None: ...

    def advance(self, count: int = 1, failed: int = 0) -> None: ...

    def finish(self, summary: str) -> None: ...


class SilentProgress:
    """Progress told to no one (the API's default)."""

    def start(self, stage: str, total: int = 0) -> None:
        pass

    def advance(self, count: int = 1, failed: int = 0) -> None:
        pass

    def finish(self, summary: str) -> None:
        pass


GradeTasks = Callable[[list[GradingTask]], Generator[StudentResult, None, None]]  # see grade_each


def grade_cohort(
    plan: GradingPlan,
    cohort: Cohort,
    ledger: Ledger | None = None,
    progress: ProgressSink | None = None,
    grade: GradeTasks | None = None,
    reused: int = 0,
) -> CohortResult:
    """Grade what ``ledger`` does not hold yet of ``cohort``, keeping each student's grades in it
    as they are finished; the result is read back from the ledger, students sorted by id.

    ``grade`` grades the tasks somewhere else (an executor's run,
    :meth:`harness.executors.ExecutorRun.grade`); by default :func:`grade_each` with ``plan``.
    Either way this thread alone writes to the ledger. ``reused`` counts students of the same
    cohort reused whole without being read (they are not in ``cohort``; the progress counts them)."""
    ledger = ledger if ledger is not None else MemoryLedger()
    progress = progress if progress is not None else SilentProgress()
    submissions = sorted(cohort.submissions, key=lambda s: s.student_id)
    tasks = ledger.pending(plan, submissions)
    progress.start(f"grading {len(tasks)} of {len(submissions) + reused} student(s)", len(tasks))
    failed = 0
    graded_by = grade if grade is not None else partial(grade_each, plan)
    with closing(graded_by(tasks)) as finished:  # closed at once on Ctrl-C: nobody else starts
        for graded in finished:
            ledger.put(graded)
            errors = sum(1 for r in graded.questions if r.status is Status.ERROR)
            failed += errors
            progress.advance(failed=errors)
    progress.finish(f"{len(tasks)} graded, {len(submissions) - len(tasks) + reused} reused, {failed} grader error(s)")
    students = [assemble_student(plan, s, ledger.results(plan, s)) for s in submissions]
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


def grade_each(plan: GradingPlan, tasks: list[GradingTask]) -> Generator[StudentResult, None, None]:
    """Grade ``tasks``, yielding each student's result as soon as it is finished (in any order).

    This is where an executor plugs in: ``plan.workers`` threads here (when a kind's scope
    waits on sandboxes), one at a time otherwise, a share of them in a second process when the
    run holds no scope (:func:`~harness.second_process.across_two`).
    """
    if plan.workers <= 1 or len(tasks) <= 1:  # a run holding no scope may use a second process
        yield from across_two(tasks, partial(_grade_task, plan), fork=len(plan.resources) == 0)
        return
    pool = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="grade")
    try:
        futures = [pool.submit(grade_student, plan, t.submission, t.only) for t in tasks]
        for future in as_completed(futures):
            yield future.result()
    except BaseException:  # Ctrl-C, SIGTERM, the consumer stopping: grade nobody else, and do
        pool.shutdown(wait=False, cancel_futures=True)  # not wait for students in the sandbox now
        raise
    pool.shutdown()


def _grade_task(plan: GradingPlan, task: GradingTask) -> StudentResult:
    return grade_student(plan, task.submission, task.only)


@dataclass(frozen=True)
class _Staged:
    """A question ready to grade: the student's raw answer and the context it is graded in."""

    kind: QuestionKind[Any]
    question: Question
    raw: Any
    ctx: GradeContext


MAX_ANSWERS_REMEMBERED = 100_000  # results kept for reuse in one run (bounds its memory)
MAX_ANSWER_KEY_CHARS = 500  # longer answers are rarely given twice: graded each time


def _graded(plan: GradingPlan, staged: _Staged) -> QuestionResult:
    """``staged`` graded by its kind, or the result of the same answer to the same question
    given by an earlier student of the run, when the kind says that nothing else decides it.

    A quiz cohort gives the same few answers again and again (most students pick the right
    option), and grading one costs far more than finding it. Only the option order is the
    student's own (shuffled per student): it is drawn again, and the result copied with it
    (one copy per order, shared by the students shown that order).
    """
    kind, question, raw, ctx = staged.kind, staged.question, staged.raw, staged.ctx
    key = _answer_key(staged)
    found = plan.answers_graded.get(key) if key is not None else None
    if found is None:
        result = kind.grade(question, raw, ctx)
        if key is not None and result.status is not Status.ERROR and len(plan.answers_graded) < MAX_ANSWERS_REMEMBERED:
            plan.answers_graded[key] = result
        return result
    order = kind.option_order(question, ctx)
    if found.option_order == order:
        return found
    assert key is not None  # found by it
    reordered = (*key, None if order is None else tuple(order))
    copy = plan.answers_reordered.get(reordered)
    if copy is None:
        copy = found.model_copy(update={"option_order": order})
        if len(plan.answers_reordered) < MAX_ANSWERS_REMEMBERED:
            plan.answers_reordered[reordered] = copy
    return copy


def _answer_key(staged: _Staged) -> tuple[int, bool, str] | None:
    """What decides the grade of ``staged`` for a kind whose answer decides it (see
    :attr:`QuestionKind.answer_decides_grade`): the question, ``reveal`` and the answer, by its
    ``repr`` (which tells ``1``, ``1.0``, ``True`` and ``"1"`` apart); for no answer, which
    kind of none it is and why the student's answers file gave none (the feedback says so).
    None: grade it afresh."""
    raw = staged.raw
    if not staged.kind.answer_decides_grade or staged.ctx.variant.values:
        return None
    if raw is MISSING or raw is None or raw == "":  # no repr of an answer starts with a NUL
        text = f"\0no answer {'' if raw is MISSING else repr(raw)}\0{staged.ctx.missing_reason}"
        return (id(staged.question), staged.ctx.reveal, text)
    text = repr(raw)
    if len(text) > MAX_ANSWER_KEY_CHARS:
        return None
    return (id(staged.question), staged.ctx.reveal, text)


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
    plan: GradingPlan,
    bank: LoadedBank,
    bq: LoadedQuestion,
    submission: Submission,
    prepared: dict[str, object],
    missing_reason: str,
) -> _Staged | QuestionResult:
    question = bq.question
    lost = submission.unreadable.get(question.id)
    if lost is not None:  # in answers.yaml, but could not be read (a duplicate key, a non-UTF-8 byte)
        return _ungraded(bq.kind, question, Status.INVALID, f"{lost.message} ({lost.location})")
    try:
        variant = draw_variant(question, bank.id, submission.student_id)
    except VariantError as exc:  # constraints that held at load time but not for this student
        return _ungraded(bq.kind, question, Status.ERROR, f"could not build your variant: {exc}")
    except Exception as exc:  # a grader bug costs this question of this student, never the run
        return _ungraded(bq.kind, question, Status.ERROR, f"grader error building your variant ({type(exc).__name__})")
    ctx = GradeContext(
        student_id=submission.student_id,
        bank_id=bank.id,
        variant=variant,
        reveal=question.is_public_on(plan.today),
        synonyms=bank.synonyms,
        missing_reason=missing_reason,
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
