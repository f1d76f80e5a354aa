"""Record what the host sends to the warm workers, job by job."""

from __future__ import annotations

from typing import Any

import pytest

from harness.sandbox.base import RunResult, SandboxLimits
from harness.sandbox.pool import WarmWorker

Sent = tuple[dict[str, str], dict[str, Any]]  # (the job's files, its request)


def record_jobs(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Every job a worker was sent, in order."""
    sent: list[Sent] = []
    original = WarmWorker.run

    def run(self: WarmWorker, files: Any, request: dict[str, Any], limits: SandboxLimits) -> RunResult:
        sent.append((dict(files), request))
        return original(self, files, request, limits)

    monkeypatch.setattr(WarmWorker, "run", run)
    return sent
