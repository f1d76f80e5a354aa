"""A call's time limit counts CPU seconds, so a verdict does not depend on the machine's load.

The stub runs in the sandbox; here its ``run_call`` runs in a child process of the test (it
installs signal handlers and timers), on small modules written for the purpose.
"""

from __future__ import annotations

import multiprocessing
import time
import types
from typing import Any

import pytest

from harness.sandbox import stub


def _busy(seconds: float) -> str:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return "done"


def _wait(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def _run_in_child(function_name: str, seconds: float, time_limit: float, queue: Any) -> None:
    stub.signal.signal(stub.signal.SIGALRM, stub._on_alarm)
    stub.signal.signal(stub.signal.SIGPROF, stub._on_alarm)
    module = types.SimpleNamespace(run={"busy": _busy, "wait": _wait}[function_name])
    call = {"id": "t", "function": "run", "args": [seconds], "time_limit": time_limit}
    queue.put(stub.run_call(module, call, "/nowhere.py"))


def run_call(function_name: str, seconds: float, time_limit: float) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_run_in_child, args=(function_name, seconds, time_limit, queue))
    child.start()
    result: dict[str, Any] = queue.get(timeout=30)
    child.join(timeout=30)
    return result


def test_a_call_that_computes_past_its_limit_times_out() -> None:
    result = run_call("busy", seconds=5.0, time_limit=0.3)
    assert result["ok"] is False and result["timed_out"] is True
    assert result["seconds"] < 3.0, "the CPU timer did not stop the call"


def test_waiting_does_not_count_against_the_limit() -> None:
    result = run_call("wait", seconds=0.6, time_limit=0.3)
    assert result["ok"] is True, result
    assert result["value"] == "done"


def test_a_call_that_waits_too_long_is_stopped_by_the_wall_backstop() -> None:
    limit = 0.2
    result = run_call("wait", seconds=30.0, time_limit=limit)
    assert result["timed_out"] is True
    assert result["seconds"] == pytest.approx(stub.wall_backstop(limit), abs=1.0)


def test_a_call_reports_its_cpu_time_apart_from_its_wall_time() -> None:
    """What the code bench counts as the students' own compute: waiting is no compute."""
    waited = run_call("wait", seconds=0.4, time_limit=2.0)
    assert waited["seconds"] >= 0.4 and waited["cpu_seconds"] < 0.1, waited
    computed = run_call("busy", seconds=0.3, time_limit=2.0)
    assert computed["cpu_seconds"] == pytest.approx(0.3, abs=0.1), computed
