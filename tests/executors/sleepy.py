"""A true/false kind that takes its time and writes down where it grades each student, so a
test can kill a worker while it is in the middle of a student and see who graded whom."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, ClassVar, Literal

from distributed import WorkerPlugin

from harness.kinds import kind_registry
from harness.kinds.base import GradeContext, KindExample, Outcome
from harness.kinds.true_false import TrueFalseKind, TrueFalseQuestion

SECONDS = 0.4


class SleepyQuestion(TrueFalseQuestion):
    kind: Literal["sleepy"] = "sleepy"  # type: ignore[assignment]


class SleepyKind(TrueFalseKind):
    name = "sleepy"
    model = SleepyQuestion
    example = KindExample({"id": "ex", "kind": "sleepy", "prompt": "P", "answer": True}, True, False)
    log: ClassVar[Path | None] = None

    def _grade(self, question: Any, answer: bool, ctx: GradeContext) -> Outcome:
        self._note("start", ctx.student_id, question.id)
        time.sleep(SECONDS)
        self._note("end", ctx.student_id, question.id)
        return super()._grade(question, answer, ctx)

    def _note(self, event: str, student: str, question: str) -> None:
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()} {event} {student} {question}\n")


class RegisterSleepy(WorkerPlugin):
    """Registers the kind in every worker, also in one that starts after a crash."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def setup(self, worker: object) -> None:
        SleepyKind.log = self.log
        kind_registry().register("sleepy", SleepyKind)
