"""A cohort graded through the result store: what is stored is reused, the rest is graded.

:class:`StoreLedger` is the :class:`~harness.grading.runner.Ledger` of ``harness grade``: it
computes each student's content keys (:mod:`harness.store.keys`), hands the runner only the
(student, question) pairs the store does not hold (plus a forced :class:`Regrade` slice), saves
each student's grades as they are finished, and reads the whole cohort back from the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.errors import HarnessError
from harness.grading.runner import GradingPlan, GradingTask
from harness.records import printable
from harness.results import QuestionResult, StudentResult
from harness.store.keys import GradeKeys, question_slots, run_fingerprint
from harness.store.sqlite import ResultStore
from harness.submissions import Submission


@dataclass(frozen=True)
class Regrade:
    """A slice graded again even when the store holds it: students, questions (empty: none)."""

    students: frozenset[str] = frozenset()
    questions: frozenset[str] = frozenset()

    def forces(self, student_id: str, question_id: str) -> bool:
        return student_id in self.students or question_id in self.questions


@dataclass
class StoreLedger:
    """Grades kept in ``store``, keyed by content; see the module's docstring."""

    store: ResultStore
    regrade: Regrade = field(default_factory=Regrade)
    _keys: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> question -> key
    _fresh: dict[str, QuestionResult] = field(default_factory=dict)  # graded in this run, by key
    reused: int = 0  # (student, question) grades taken from the store in this run
    files: dict[str, str] = field(default_factory=dict)  # student id -> folder digest, if hashed already

    def pending(self, plan: GradingPlan, submissions: list[Submission]) -> list[GradingTask]:
        """The students with a question the store does not hold (or that the slice forces),
        each with only those questions.

        Raises:
            HarnessError: the slice names a student or question the run does not have.
        """
        slots = question_slots(plan)
        self.check_slice(self.regrade, [s.student_id for s in submissions], {s.question_id for s in slots})
        keys_of = GradeKeys(plan, run_fingerprint(plan), slots).of
        self._keys = {printable(s.student_id): keys_of(s, self.files.get(s.student_id)) for s in submissions}
        known = self.store.known({student: keys.values() for student, keys in self._keys.items()})
        tasks = []
        for submission in submissions:
            keys = self._keys[printable(submission.student_id)]
            todo = frozenset(
                q for q, k in keys.items() if k not in known or self.regrade.forces(submission.student_id, q)
            )
            self.reused += len(keys) - len(todo)
            if todo:
                tasks.append(GradingTask(submission, None if len(todo) == len(keys) else todo))
        return tasks

    def put(self, graded: StudentResult) -> None:
        keys = self._keys[printable(graded.student_id)]  # a result's id is printable
        grades = {keys[r.question_id]: r for r in graded.questions}
        self.store.put_student(graded.student_id, grades)
        self._fresh.update(grades)

    def results(self, plan: GradingPlan, submission: Submission) -> list[QuestionResult]:
        """The results graded in this run as they are (a stored result reads back equal: the
        log's round trip, tested for every kind), the others from the store."""
        student = printable(submission.student_id)  # as its results name it, and the store
        keys = self._keys[student]
        found = self.store.get_many(student, (k for k in keys.values() if k not in self._fresh))
        return [self._fresh[key] if key in self._fresh else found[key] for key in keys.values()]

    def keys_of(self, student_id: str) -> list[str]:
        """The keys of a student's grades, in the plan's order (after :meth:`pending`)."""
        return list(self._keys[printable(student_id)].values())

    def every_key(self) -> list[str]:
        return [k for keys in self._keys.values() for k in keys.values()]

    @staticmethod
    def check_slice(regrade: Regrade, student_ids: list[str], questions: set[str]) -> None:
        """Refuse a slice naming a student or question the run does not have.

        Raises:
            HarnessError: saying which id, and how many the run has.
        """
        students = set(student_ids)
        for label, asked, known in (
            ("student", regrade.students, students),
            ("question", regrade.questions, questions),
        ):
            unknown = sorted(asked - known)
            if unknown:
                raise HarnessError(
                    f"no {label} {', '.join(map(repr, unknown))} in this run to regrade "
                    f"(it has {len(known)}; check the id)"
                )
