"""The zygote relays every job's bytes with splice: none of them ever enters its memory.

Every job is forked from the zygote, so whatever the zygote once read (an earlier job's files,
inputs or results) would be in the next job's copy of its memory. Two jobs run in turn on one
worker: the second scans its whole address space for the first's tokens. And a job that never
reads what the zygote relays to it runs out its own wall clock, no more.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

from harness.sandbox.base import RunResult, SandboxLimits
from harness.sandbox.bwrap import BwrapSandbox
from harness.sandbox.pool import WarmPool
from tests.security.conftest import requires_bwrap

pytestmark = requires_bwrap
RELAY_ATTACKS = Path(__file__).parent / "attacks" / "relay"
ECHO = "def f(x):\n    return x.replace('INPUT', 'RESULT')\n"
REPEATS = 2_000  # tokens many times over: a copy once read into memory would leave some behind


def _call(function: str, *args: Any, time_limit: float = 2.0) -> dict[str, Any]:
    return {
        "module": "m.py",
        "calls": [{"id": function, "function": function, "args": list(args), "time_limit": time_limit}],
    }


def _values(result: RunResult) -> list[Any]:
    events = [json.loads(line) for line in result.channel.decode().splitlines()]
    return [e["value"] for e in events if e["event"] == "result" and e["ok"]]


def test_no_byte_of_a_job_is_in_the_memory_the_next_job_inherits() -> None:
    token = secrets.token_hex(8)
    files = {"m.py": ECHO, "notes.txt": f"FILE-TOKEN-{token} " * REPEATS}
    public, hidden = (f"{kind}-INPUT-TOKEN-{token} " * REPEATS for kind in ("PUBLIC", "HIDDEN"))
    limits = SandboxLimits(wall_seconds=60, cpu_seconds=60)
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        first = worker.run_phases(files, [(_call("f", public), limits), (_call("f", hidden), limits)], lambda _: True)
        expected = [[text.replace("INPUT", "RESULT")] for text in (public, hidden)]
        assert [_values(r) for r in first] == expected, first
        own = secrets.token_hex(8)
        source = (RELAY_ATTACKS / "scan_inherited_memory.py").read_text(encoding="utf-8")
        scan = worker.run({"m.py": source}, _call("scan", f"OWN-TOKEN-{own}", time_limit=30), limits)
    (report,) = _values(scan)
    report = dict(report["__dict__"])
    assert report["scanned_mib"] > 10 and f"OWN-TOKEN-{own}" in report["found"], report  # the scan sees the heap
    assert not [found for found in report["found"] if token in found], report


def test_a_job_that_never_reads_its_calls_runs_out_its_wall_clock() -> None:
    """Its hidden calls (far more than a pipe holds) are relayed while it reads: it never does."""
    limits = SandboxLimits(wall_seconds=2)
    source = (RELAY_ATTACKS / "never_read_the_hidden_calls.py").read_text(encoding="utf-8")
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        started = time.monotonic()
        first, second = worker.run_phases(
            {"m.py": source}, [(_call("f", "public"), limits), (_call("f", "x" * 1_000_000), limits)], lambda _: True
        )
        assert _values(first) == ["public"] and not first.timed_out
        assert second.timed_out and second.worker_problem is None and second.signal == 9, second
        assert 2 <= second.wall_seconds < 3 and time.monotonic() - started < 10
        after = worker.run({"m.py": ECHO}, _call("f", "INPUT"), limits)
    assert _values(after) == ["RESULT"]  # the worker's stream stayed in step
