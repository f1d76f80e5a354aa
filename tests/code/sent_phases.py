"""Record what the host sends to the student's warm workers, phase by phase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.sandbox.base import RunResult
from harness.sandbox.pool import WarmWorker

Sent = tuple[dict[str, str], dict[str, Any]]  # (the job's files, a phase's request)


def record_phases(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Every phase a worker was sent, in order: a job's first phase always, its second only
    when the host went on to send it (the first phase's result allowed it)."""
    sent: list[Sent] = []
    original = WarmWorker.run_phases

    def run_phases(self: WarmWorker, files: Any, phases: Any, proceed: Callable[[RunResult], bool]) -> list[RunResult]:
        sent.append((dict(files), phases[0][0]))

        def recorded(result: RunResult) -> bool:
            going_on = proceed(result)
            if going_on:
                sent.append((dict(files), phases[1][0]))
            return going_on

        return original(self, files, phases, recorded)

    monkeypatch.setattr(WarmWorker, "run_phases", run_phases)
    return sent
