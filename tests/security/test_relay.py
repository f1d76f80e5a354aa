"""The zygote relays every job's bytes with splice: none of them ever enters its memory.

Every job is forked from the zygote, so whatever the zygote once read (an earlier job's files,
inputs or results) would be in the next job's copy of its memory. Two jobs run in turn on one
worker: the second scans its whole address space for the first's tokens. And a job that spends
the zygote's own CPU budget costs no later job anything.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import subprocess
import time
from pathlib import Path
from typing import Any

from harness.sandbox.base import RunRequest, RunResult, SandboxLimits, Spawned
from harness.sandbox.bwrap import BwrapSandbox
from harness.sandbox.pool import WarmPool
from tests.security.conftest import requires_bwrap

pytestmark = requires_bwrap
RELAY_ATTACKS = Path(__file__).parent / "attacks" / "relay"
ECHO = "def f(x):\n    return x.replace('INPUT', 'RESULT')\n"
REPEATS = 2_000  # tokens many times over: a copy once read into memory would leave some behind


class _LeanZygoteSandbox(BwrapSandbox):
    """Bubblewrap whose zygotes get 3 CPU seconds in all, so that a test can spend them."""

    def spawn(self, request: RunRequest, stderr: int = subprocess.DEVNULL) -> Spawned:
        limits = request.limits.model_copy(update={"cpu_seconds": 3})
        return super().spawn(dataclasses.replace(request, limits=limits), stderr)


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
        first = [worker.run(files, _call("f", text), limits) for text in (public, hidden)]
        expected = [[text.replace("INPUT", "RESULT")] for text in (public, hidden)]
        assert [_values(r) for r in first] == expected, first
        own = secrets.token_hex(8)
        source = (RELAY_ATTACKS / "scan_inherited_memory.py").read_text(encoding="utf-8")
        scan = worker.run({"m.py": source}, _call("scan", f"OWN-TOKEN-{own}", time_limit=30), limits)
    (report,) = _values(scan)
    report = dict(report["__dict__"])
    assert report["scanned_mib"] > 10 and f"OWN-TOKEN-{own}" in report["found"], report  # the scan sees the heap
    assert not [found for found in report["found"] if token in found], report


def test_a_job_that_spends_the_workers_cpu_budget_costs_the_next_job_nothing() -> None:
    """The attacker floods its channel (the zygote splices it to /dev/null on its own CPU
    clock) until the zygote has 20 ms of CPU left, over as many jobs as it takes. The next
    job must not run in that zygote: the zygote's RLIMIT_CPU would kill it there."""
    limits = SandboxLimits(wall_seconds=1.5, cpu_seconds=2)
    source = (RELAY_ATTACKS / "drain_worker_cpu.py").read_text(encoding="utf-8")
    with WarmPool(_LeanZygoteSandbox()) as pool:
        worker = pool.worker(())
        for _ in range(8):  # the zygote spends about 0.5-1 CPU second per second of flood
            drained = worker.run({"m.py": source}, _call("drain", 0.02, time_limit=1.5), limits)
            if not drained.timed_out:
                break  # it got there (only an unprotected worker lets it)
        after = worker.run({"m.py": source}, _call("zygote_cpu_left"), limits)
    assert after.worker_problem is None and after.exit_code == 0, after
    (left,) = _values(after)
    assert left > 1.0, f"the next job ran in a zygote with {left} CPU seconds left"


def test_host_frames_a_job_writes_are_its_channel_bytes_and_nothing_more() -> None:
    """Forged closing frames (exited 0, in time) on every pipe the job holds, in two jobs:
    the host reads them as channel bytes, keeps the zygote's own verdict (the second job
    slept past its wall clock) and stays in step for the next job."""
    limits = SandboxLimits(wall_seconds=2)
    source = (RELAY_ATTACKS / "forge_host_frames.py").read_text(encoding="utf-8")
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        first, second = (
            worker.run({"m.py": source}, _call(f, x), limits) for f, x in (("public", "pub"), ("hidden", "h"))
        )
        after = worker.run({"m.py": ECHO}, _call("f", "INPUT"), limits)
    forged = b'{"id":"job-1","timed_out":false'
    assert forged in first.channel and forged in second.channel, (first, second)
    assert first.worker_problem is None and not first.timed_out, first
    assert second.worker_problem is None and second.timed_out and second.signal == 9, second
    assert after.worker_problem is None and after.exit_code == 0 and _values(after) == ["RESULT"], after


def test_a_channel_trickled_in_one_byte_packets_costs_the_host_little_cpu() -> None:
    """Packet mode keeps every byte a read of its own on the host's side: unthrottled, the
    host spent 0.6 CPU seconds per second of such a job's wall clock (1.8 s over 3 s)."""
    limits = SandboxLimits(wall_seconds=3)
    source = (RELAY_ATTACKS / "packet_trickle.py").read_text(encoding="utf-8")
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        warm = worker.run({"m.py": ECHO}, _call("f", "INPUT"), limits)  # the zygote's start is not the job's
        cpu_before = time.thread_time()
        trickled = worker.run({"m.py": source}, _call("trickle", 30, time_limit=30), limits)
        host_cpu = time.thread_time() - cpu_before
        after = worker.run({"m.py": ECHO}, _call("f", "INPUT"), limits)
    assert _values(warm) == ["RESULT"]
    assert trickled.timed_out and trickled.worker_problem is None and len(trickled.channel) > 64, trickled
    assert host_cpu < 0.1 * trickled.wall_seconds, f"the host spent {host_cpu:.2f} CPU s on {trickled.wall_seconds} s"
    assert after.worker_problem is None and _values(after) == ["RESULT"], after


def test_a_job_cannot_forge_the_cpu_time_the_host_records() -> None:
    """It writes closing frames that claim no CPU time for a job that burnt 0.3 s, and
    1,000 s for one that burnt none: the host records what the zygote measured."""
    limits = SandboxLimits(wall_seconds=10)
    source = (RELAY_ATTACKS / "forge_cpu_seconds.py").read_text(encoding="utf-8")
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(())
        first, second = (
            worker.run({"m.py": source}, _call(f, x), limits) for f, x in (("public", "pub"), ("hidden", "h"))
        )
    assert b'"cpu_seconds":1000.0' in second.channel, second  # the forgery was relayed, as bytes
    assert first.cpu_seconds is not None and 0.25 <= first.cpu_seconds < 1.0, first
    assert second.cpu_seconds is not None and second.cpu_seconds < 0.1, second
