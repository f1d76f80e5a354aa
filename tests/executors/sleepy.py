"""A true/false kind that takes its time and writes down where it grades each student, so a
test can kill a worker while it is in the middle of a student and see who graded whom."""

from __future__ import annotations

import os
import signal
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


def graded_log(log: Path) -> list[tuple[int, str, str, str]]:
    """The log's lines as (pid, event, student, question)."""
    if not log.exists():
        return []
    lines = (line.split(" ") for line in log.read_text(encoding="utf-8").splitlines())
    return [(int(pid), event, student, question) for pid, event, student, question in lines]


def busy(log: Path) -> list[tuple[int, str, str]]:
    """(pid, student, question) of every question started and not finished."""
    started: dict[tuple[int, str, str], None] = {}
    for pid, event, student, question in graded_log(log):
        if event == "start":
            started[(pid, student, question)] = None
        else:
            started.pop((pid, student, question), None)
    return list(started)


def kill_a_busy_worker(log: Path) -> tuple[int, str, str]:
    """SIGKILL a worker process that has started a question it has not finished; return its pid
    and the student and question it was grading.

    The worker is stopped (SIGSTOP) before the log is read again, so it cannot finish the
    question between the look and the kill, however loaded the machine is."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for pid, student, question in busy(log):
            os.kill(pid, signal.SIGSTOP)
            _wait_until_stopped(pid)
            if (pid, student, question) in busy(log):
                os.kill(pid, signal.SIGKILL)
                return pid, student, question
            os.kill(pid, signal.SIGCONT)  # it finished in the meantime: look again
        time.sleep(0.02)
    raise AssertionError("no worker was ever in the middle of a student")


def _wait_until_stopped(pid: int) -> None:
    """Until the kernel reports the process stopped (state T in /proc/PID/stat)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        if stat.rpartition(")")[2].split()[0] in ("T", "t"):
            return
        time.sleep(0.001)
    raise AssertionError(f"worker {pid} never stopped")


def wait_until_idle(log: Path, quiet: float = 1.0) -> None:
    """Wait until no worker is in the middle of a question and the log has not grown for
    ``quiet`` seconds (tasks of a client that died finish on their own)."""
    deadline = time.monotonic() + 60
    size = -1
    while time.monotonic() < deadline:
        now = log.stat().st_size if log.exists() else 0
        if now == size and not busy(log):
            return
        size = now
        time.sleep(quiet)
    raise AssertionError("the workers never went idle")
