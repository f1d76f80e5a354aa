"""A cohort graded through the result store, reading and starting only what it must.

A re-grade of an unchanged student should cost a file read, a hash and a lookup. So:

1. The cohort is scanned, not read (:func:`harness.submissions.scan_cohort`).
2. Each student's whole key is hashed from the raw bytes of their folder and the plan
   (:func:`~harness.store.keys.student_fingerprint`). The plan's key depends on what the
   run's scopes record (the sandbox, the seed secret); that record is kept in the store by the
   last run that opened them with the same options, so finding it opens nothing.
3. A student the store holds whole is reused as stored (JSON, not parsed: see
   :class:`StoreGrading`); the others, and a forced slice, are read and graded through the
   per-question :class:`~harness.store.ledger.StoreLedger`, in a run opened only now (the
   kinds' scopes: sandbox pools, the doctor, reference runs).
4. Every student graded without a grader error is saved whole; the store then keeps only this
   cohort's students and grades.

When the record kept in the store turns out to differ from the opened run's (it cannot, unless
a kind's scope records something its options do not decide), nothing is reused whole and every
student goes through the per-question ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from harness.grading.lifecycle import open_run
from harness.grading.runner import GradeTasks, GradingPlan, ProgressSink, grade_cohort
from harness.kinds.lifecycle import RunOptions, RunRecord
from harness.records import printable
from harness.results import CohortResult, CohortSummary, Status, StudentLine, StudentResult
from harness.second_process import across_two
from harness.store.keys import (
    QuestionSlot,
    digest,
    folder_digest,
    plan_fingerprint,
    question_slots,
    run_fingerprint,
    student_fingerprint,
)
from harness.store.ledger import Regrade, StoreLedger
from harness.store.sqlite import ResultStore, StoredStudent
from harness.submissions import Cohort, CohortScan, StudentFolder


@dataclass(frozen=True)
class StoreGrading:
    """A graded cohort: each student's result, built or (reused whole) still as stored JSON.

    ``digest`` is the key of the whole cohort's result (None when a student has no whole key:
    a grader error is graded again next time); equal digests, equal results.
    """

    plan: GradingPlan
    scan: CohortScan
    record: RunRecord
    students: list[tuple[str, StudentResult | StoredStudent]]  # by student id, in the cohort's order
    graded: int
    digest: str | None

    def cohort(self) -> CohortResult:
        """The cohort's result, as :func:`~harness.grading.runner.grade_cohort` builds it."""
        students = [
            s if isinstance(s, StudentResult) else StudentResult.model_validate_json(s.result) for _, s in self.students
        ]
        return CohortResult(
            cohort=self.scan.name,
            mode=self.plan.mode,
            banks=self.plan.bank_refs(),
            questions=self.plan.question_infos(),
            sandbox=self.record.sandbox,
            seed_secret=self.record.seed_secret,
            students=students,
            problems=self.scan.problems,
        )

    def summary(self) -> CohortSummary:
        """The cohort's summary, reading only the totals of the students kept as JSON."""
        lines = []
        for _, result in self.students:
            if isinstance(result, StudentResult):
                lines.append(StudentLine(result.student_id, result.score, result.max_score, len(result.problems)))
            else:
                data = json.loads(result.shell)  # the totals: no question parsed
                lines.append(StudentLine(data["student_id"], data["score"], data["max_score"], len(data["problems"])))
        return CohortSummary(lines, sum(1 for _ in self.plan.questions()), self.scan.problems)


RunOpener = Callable[[GradingPlan, RunOptions], AbstractContextManager[tuple[GradingPlan, GradeTasks | None]]]
"""Opens a run where it grades: the plan that carries its record, and how tasks are graded
there (None: by :func:`~harness.grading.runner.grade_each` in this process)."""


@contextmanager
def open_here(plan: GradingPlan, options: RunOptions) -> Iterator[tuple[GradingPlan, GradeTasks | None]]:
    """The run open in this process, graded by the runner itself."""
    with open_run(plan, options) as running:
        yield running, None


def grade_through_store(
    plan: GradingPlan,
    options: RunOptions,
    scan: CohortScan,
    store: ResultStore,
    regrade: Regrade,
    progress: ProgressSink,
    opener: RunOpener = open_here,
) -> StoreGrading:
    """Grade ``scan`` through ``store``; see the module's docstring. ``options.seed_secret``
    must be resolved (the kept record is found by the options). ``opener`` opens the run
    where it grades (default: in this process, graded by the runner's own threads).

    Raises:
        HarnessError: the slice names an id the run does not have; a kind cannot open its
            scope (only when a student is graded).
    """
    slots = question_slots(plan)
    StoreLedger.check_slice(regrade, [s.student_id for s in scan.students], {s.question_id for s in slots})
    note = _record_note(plan, options)
    record = _read_record(store.note(note))
    whole: dict[str, StoredStudent] = {}
    files = {s.student_id: folder_digest(s.folder) for s in scan.students}  # each folder hashed once
    keys = _whole_keys(plan, record, slots, scan.students, files) if record is not None else {}
    if keys and not regrade.questions:  # a question forced: every student is read
        found = store.get_students(keys.values())
        whole = {i: found[k] for i, k in keys.items() if k in found and i not in regrade.students}
    graded: dict[str, StudentResult] = {}
    misses = [s for s in scan.students if s.student_id not in whole]
    ledger = StoreLedger(store, regrade, files=files)
    if misses:
        with opener(plan, options) as (running, grade):
            opened = running.resources.record()
            store.set_note(note, json.dumps([opened.sandbox, opened.seed_secret]))
            if opened != record:  # no record kept, or keys made with another: reuse nothing whole
                record, whole, misses = opened, {}, scan.students
                keys = _whole_keys(plan, record, slots, scan.students, files)
            read = across_two(misses, StudentFolder.read, fork=len(running.resources) == 0)  # nothing open to copy
            cohort = Cohort(scan.name, list(read), scan.problems)
            result = grade_cohort(running, cohort, ledger, progress, grade, reused=len(whole))
        by_id = {s.student_id: s for s in result.students}  # a result's id is printable
        graded = {s.student_id: by_id[printable(s.student_id)] for s in misses}
        store.put_students(_wholes(ledger, graded, keys, misses))
    else:
        progress.start(f"grading 0 of {len(scan.students)} student(s)", 0)
        progress.finish(f"0 graded, {len(scan.students)} reused, 0 grader error(s)")
    assert record is not None  # found in the store, or recorded by the opened run
    return _finish(plan, scan, store, ledger, record, whole, graded, keys)


def _finish(
    plan: GradingPlan,
    scan: CohortScan,
    store: ResultStore,
    ledger: StoreLedger,
    record: RunRecord,
    whole: dict[str, StoredStudent],
    graded: dict[str, StudentResult],
    keys: dict[str, str],
) -> StoreGrading:
    """Keep only this cohort's students and grades in the store; the cohort in its order."""
    # What is kept is in the store (graded now, or kept with a whole student): equal counts,
    # nothing to forget (an unchanged cohort's re-grade need not send every key to SQLite).
    grades = set(ledger.every_key()).union(*(stored.grades for stored in whole.values()))
    if store.count() != len(grades):
        store.keep_only(grades)
    kept = [keys[i] for i in keys if i in whole or _whole_result(graded.get(i))]
    if store.count_students() != len(kept):
        store.keep_students(kept)
    ids = sorted(s.student_id for s in scan.students)
    students: list[tuple[str, StudentResult | StoredStudent]] = [
        (i, graded[i] if i in graded else whole[i]) for i in ids
    ]
    complete = len(kept) == len(ids)
    content = [scan.name, [keys[i] for i in ids], [p.model_dump(mode="json") for p in scan.problems]]
    cohort_key = digest(content) if complete else None
    return StoreGrading(plan, scan, record, students, len(graded), cohort_key)


def _whole_keys(
    plan: GradingPlan,
    record: RunRecord,
    slots: list[QuestionSlot],
    students: list[StudentFolder],
    files: dict[str, str],
) -> dict[str, str]:
    plan_key = plan_fingerprint(plan, run_fingerprint(plan, record), slots)
    return {s.student_id: student_fingerprint(plan_key, s, files[s.student_id]) for s in students}


def _wholes(
    ledger: StoreLedger,
    graded: dict[str, StudentResult],
    keys: dict[str, str],
    students: list[StudentFolder],
) -> dict[str, tuple[list[str], StudentResult]]:
    """The students just graded that can be reused whole next time (no grader error), by
    their whole key: the keys of their grades and their result."""
    return {
        keys[s.student_id]: (ledger.keys_of(s.student_id), result)
        for s in students
        if _whole_result(result := graded[s.student_id])
    }


def _whole_result(result: StudentResult | None) -> bool:
    """A grader error is graded again next time (it may have been the machine's), so a
    student with one is not kept whole."""
    return result is not None and all(q.status is not Status.ERROR for q in result.questions)


def _record_note(plan: GradingPlan, options: RunOptions) -> str:
    """The store's name for the record of a run opened with ``options`` on ``plan``'s questions."""
    questions = [[bq.kind.name, bank.id, bq.question.id] for bank, bq in plan.questions()]
    chosen = [options.mode, options.sandbox, options.unsafe_sandbox, options.seed_secret]
    return "run-record:" + digest([chosen, questions])


def _read_record(value: str | None) -> RunRecord | None:
    if value is None:
        return None
    sandbox, seed_secret = json.loads(value)
    return RunRecord(sandbox=sandbox, seed_secret=seed_secret)
