"""Opening and closing the kinds' run scopes around a grading run (see :mod:`harness.kinds.lifecycle`)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

from harness.bank.schema import Question
from harness.grading.runner import GradingPlan
from harness.kinds.base import QuestionKind
from harness.kinds.lifecycle import RunOptions, RunResources, RunScope


@contextmanager
def open_run(plan: GradingPlan, options: RunOptions, workers: int | None = None) -> Iterator[GradingPlan]:
    """``plan`` with the scopes of its kinds open, each kind asked once with its questions.

    Students are graded ``workers`` at a time when a scope says that grading waits on something
    else (a sandbox); one at a time otherwise. The default is one more than the CPUs: a
    student's thread alternates between its sandbox's job and the host's judging of it, so with
    one thread per CPU the CPUs idle while threads judge (1,000 softmax notebooks on 2 CPUs:
    grading took 8.4-8.7 s with 3 threads against 9.9-10.3 s with 2, and 8.8-9.0 s with 4).
    Every scope opened is closed when the block ends, in reverse order, also when opening a
    later one fails.

    Raises:
        HarnessError: a kind cannot open its scope with ``options``.
    """
    with ExitStack() as stack:
        stack.enter_context(_collector_for_a_run())
        scopes: list[RunScope] = []
        for kind, questions in _questions_by_kind(plan).items():
            scope = kind.open_run(questions, options)
            if scope is not None:
                stack.callback(scope.close)
                scopes.append(scope)
        resources = RunResources(scopes)
        count = (workers or (os.cpu_count() or 1) + 1) if resources.parallel else 1
        yield replace(plan, resources=resources, workers=count)


def _questions_by_kind(plan: GradingPlan) -> dict[QuestionKind[Any], list[Question]]:
    by_kind: dict[QuestionKind[Any], list[Question]] = {}
    for _, bq in plan.questions():
        by_kind.setdefault(bq.kind, []).append(bq.question)
    return by_kind


GC_FIRST_THRESHOLD = 50_000  # allocations between young collections while a run builds results


@contextmanager
def _collector_for_a_run() -> Iterator[None]:
    """Spare the cyclic garbage collector's rescans while a run builds its results.

    A cohort's results are many small long-lived objects (a thousand quiz students hold
    sixty thousand question results), and with the default thresholds the collector walks
    them again and again: a fifth of a quiz run's time. What exists when the run starts
    (modules, the banks) is frozen out of every collection, and young collections come after
    more allocations; both are restored when the run ends. Cycles are still collected."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(before[0], GC_FIRST_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
