"""Which of a student's code questions run together in one sandbox job, and splitting the
job's report back into one report per question.

Questions that share a file, preloads and limits (the wall clock aside) are one job: one fork,
one import of the student's module. Test ids are prefixed by the question's place in its
group so that two questions may have tests of the same id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.kinds.code_engine.channel import RunReport

if TYPE_CHECKING:
    from harness.kinds.code import CodeQuestion, StudentCode

Job = tuple["CodeQuestion", "StudentCode"]


def shared_file_groups(jobs: list[Job]) -> list[list[Job]]:
    """The jobs, grouped by what lets them share a sandbox job, in the order first seen (a
    job that shares with none is a group of its own)."""
    groups: dict[tuple[Any, ...], list[Job]] = {}
    for question, code in jobs:
        key = (
            question.file,
            code.source,
            tuple(question.preload),
            question.limits.model_copy(update={"wall_seconds": 0}),
        )  # not the models: the job reads every model of its group (all public, read-only)
        groups.setdefault(key, []).append((question, code))
    return list(groups.values())


def group_test_id(index: int, test_id: str) -> str:
    """A test's id in its group's job: prefixed by its question's place in the group."""
    return f"{index}:{test_id}"


def question_part(report: RunReport, index: int) -> RunReport:
    """The events of question ``index`` in a group's report, under their own test ids."""
    prefix = group_test_id(index, "")
    events = {
        key.removeprefix(prefix): dict(event, id=key.removeprefix(prefix))
        for key, event in report.events.items()
        if key.startswith(prefix)
    }
    return RunReport(events=events, import_error=report.import_error)
