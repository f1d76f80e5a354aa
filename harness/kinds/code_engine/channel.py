"""The result channel of one sandbox job, read as the exact sequence of events it must be.

The stub (:mod:`harness.sandbox.stub`) shares its process with the student's code, so every
byte on the channel may be forged. What is accepted is therefore only what the stub itself
would send for the calls of the job, in order::

    ready, result(call 1), result(call 2), ..., result(call n), done
    import_error                       (the module could not be imported: nothing more)

Every field the grader reads is checked for its type, and a statistical test's draws for
their count and seeds. The first line that does not fit (not JSON, nested too deeply, a
result out of turn, repeated or for no call, a short list of draws, anything after the end)
is a protocol violation: it is recorded as the job's problem, and nothing after it is read.
Results accepted before it stand; each one earns only what the code could have returned.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.kinds.code_engine import values
from harness.sandbox.base import RunResult

MAX_EVENT_BYTES = 8_000_000
NOT_A_RESULT = "it wrote something that is not a result on the result channel"
OUT_OF_TURN = f"{NOT_A_RESULT} (a result out of turn)"
AFTER_THE_END = f"{NOT_A_RESULT} (more after its last result)"


@dataclass
class RunReport:
    """The parsed channel of one run: per-test events, and what went wrong at the top level."""

    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    import_error: dict[str, Any] | None = None
    problem: str | None = None  # protocol violation, crash, timeout: why results are missing
    cpu_seconds: float | None = None  # the job's CPU time, as the sandbox measured it (RunResult)


class Violation(Exception):
    """A channel line that is not the event the protocol expects next."""


def parse_channel(result: RunResult, calls: Sequence[dict[str, Any]]) -> RunReport:
    """Validate the stub's events against ``calls`` (the job's request, in order).

    Never raises for what the channel holds: a violation, a crash or a timeout is the
    report's ``problem``.
    """
    report = RunReport(cpu_seconds=result.cpu_seconds)
    lines = result.channel.split(b"\n")
    # The stub ends every event with a newline: an unterminated tail is a write cut short
    # (a kill, a flood over the cap), never an event.
    reader = _Reader(report, calls)
    for line in lines[:-1]:
        try:
            reader.feed(line)
        except Violation as exc:
            report.problem = str(exc)
            break
    if result.channel_overflow:
        report.problem = report.problem or "it sent more output than allowed"
    if not reader.finished and report.problem is None and report.import_error is None:
        report.problem = _why_stopped(result)
    return report


class _Reader:
    """The protocol as a small state machine: start -> results -> end."""

    def __init__(self, report: RunReport, calls: Sequence[dict[str, Any]]) -> None:
        self.report = report
        self.calls = calls
        self.state = "start"
        self.next = 0  # index of the call whose result comes next

    @property
    def finished(self) -> bool:
        return self.state == "end"

    def feed(self, line: bytes) -> None:
        event = _event(line)
        kind = event.get("event")
        if kind == "worker_error":  # the zygote failed to start the job (or the code says so)
            raise Violation(f"the sandbox worker failed ({_text(event.get('message'), 200)})")
        if self.state == "end":
            raise Violation(AFTER_THE_END)
        if self.state == "start":
            self._start(kind, event)
        elif kind == "result":
            self._result(event)
        elif kind == "done" and self.next == len(self.calls):
            self.state = "end"
        else:
            raise Violation(OUT_OF_TURN)

    def _start(self, kind: Any, event: dict[str, Any]) -> None:
        if kind == "ready":
            self.state = "results"
        elif kind == "import_error":
            self.report.import_error = _error(event.get("error"))
            self.state = "end"
        else:
            raise Violation(OUT_OF_TURN)

    def _result(self, event: dict[str, Any]) -> None:
        if self.next >= len(self.calls) or event.get("id") != self.calls[self.next]["id"]:
            raise Violation(OUT_OF_TURN)
        call = self.calls[self.next]
        ok = event.get("ok")
        if type(ok) is not bool or not isinstance(event.get("timed_out", False), bool):
            raise Violation(NOT_A_RESULT)
        if ok and "value" not in event:
            raise Violation(NOT_A_RESULT)
        if ok and call.get("seeds") is not None:
            try:
                values.decode_samples(event["value"], call["seeds"])
            except values.ProtocolError as exc:
                raise Violation(f"{NOT_A_RESULT} (the draws of test {call['id']}: {exc})") from None
        checked = dict(event, error=_error(event.get("error"))) if not ok else event
        self.report.events[call["id"]] = checked
        self.next += 1


def _event(line: bytes) -> dict[str, Any]:
    """One channel line as an event object, or the violation it is."""
    if len(line) > MAX_EVENT_BYTES:
        raise Violation("a result was larger than allowed")
    try:
        event = json.loads(line.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, an int of 4,300+ digits, too deep
        raise Violation(NOT_A_RESULT) from None
    if not isinstance(event, dict):
        raise Violation(NOT_A_RESULT)
    return event


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # the stub sends NaN and infinities as markers


def _error(raw: Any) -> dict[str, Any]:
    """An exception as the stub describes it: a type, a message, lines of the student's file."""
    if not isinstance(raw, dict):
        raise Violation(NOT_A_RESULT)
    kind, message, lines = raw.get("type"), raw.get("message", ""), raw.get("traceback", [])
    if not isinstance(kind, str) or not isinstance(message, str) or not isinstance(lines, list):
        raise Violation(NOT_A_RESULT)
    if not all(isinstance(line, str) for line in lines):
        raise Violation(NOT_A_RESULT)
    return {"type": _text(kind, 80), "message": _text(message, 500), "traceback": [_text(x, 160) for x in lines[-5:]]}


def _text(raw: Any, limit: int) -> str:
    """A string from the sandbox, bounded (the result log escapes what UTF-8 cannot hold)."""
    return (raw if isinstance(raw, str) else type(raw).__name__)[:limit]


def _why_stopped(result: RunResult) -> str:
    if result.timed_out:
        return f"timed out after {result.wall_seconds:g} s"
    if result.worker_problem:
        return f"killed: its sandbox worker stopped ({result.worker_problem})"
    if result.signal is not None:
        names = {9: "killed (memory or CPU limit?)", 11: "crashed (segmentation fault)", 24: "CPU time limit exceeded"}
        return names.get(result.signal, f"killed by signal {result.signal}")
    if result.exit_code not in (None, 0):
        return f"exited with status {result.exit_code} before all tests ran"
    return "it exited before all tests ran"
