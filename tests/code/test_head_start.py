"""The head start: a one-shot command starts the zygotes its last run prewarmed before it
imports anything heavy; a run adopts one only when it asks for exactly the same backend,
preloads and limits, and one nobody adopts is stopped at exit."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sandbox import head_start, pool
from harness.sandbox.base import SandboxLimits
from harness.sandbox.pool import WarmPool, WarmWorker, start_ahead
from harness.sandbox.process import ProcessSandbox

LIMITS = SandboxLimits(wall_seconds=5)
STUB_REQUEST = {"module": "m.py", "calls": [{"id": "t", "function": "f", "args": [2], "kwargs": {}}]}


@pytest.fixture(autouse=True)
def clean_head_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    yield
    pool._stop_head_starts()


def _waiting() -> dict[pool.HeadStartKey, WarmWorker]:
    """The head starts waiting, one per key (see the test of two alike for several)."""
    return {key: worker for key, workers in pool._head_starts.items() for worker in workers}


def test_a_pool_adopts_the_head_start_for_the_same_backend_preloads_and_limits() -> None:
    sandbox = ProcessSandbox()
    start_ahead(sandbox, (), LIMITS)
    (started,) = _waiting().values()
    assert started.process is not None  # spawned, not waited for
    with WarmPool(sandbox) as warm:
        warm.prewarm((), (), LIMITS)
        assert not _waiting()
        worker = warm.worker((), (), LIMITS)
        assert worker is started
        ok = worker.run({"m.py": "def f(x):\n    return x * 2\n"}, STUB_REQUEST, LIMITS)
        assert '"value":4' in ok.channel.decode()


def test_a_head_start_for_other_limits_or_another_backend_is_not_adopted_and_is_stopped_at_exit() -> None:
    start_ahead(ProcessSandbox(), (), LIMITS)
    (stale,) = _waiting().values()
    process = stale.process
    assert process is not None
    with WarmPool(ProcessSandbox()) as other_backend:  # an equal backend, but not the run's instance
        other_backend.prewarm((), (), LIMITS)
    sandbox = next(iter(_waiting().values())).sandbox
    with WarmPool(sandbox) as other_limits:
        other_limits.prewarm((), (), SandboxLimits(wall_seconds=5, processes=32))
    assert list(_waiting().values()) == [stale]
    pool._stop_head_starts()
    assert not _waiting() and process.poll() is not None


def test_a_hint_keeps_what_the_run_prewarmed_and_reads_back_the_same(tmp_path: Path) -> None:
    sandbox = ProcessSandbox()
    banks = [str(tmp_path / "bank.yaml")]
    path = head_start.hint_path(banks, "process", True)
    with head_start.head_start(banks, "process", True), WarmPool(sandbox) as warm:
        warm.prewarm(("json",), (), LIMITS)
        warm.prewarm(("json",), (tmp_path,), LIMITS)  # a course model's folder: left to its first job
    assert head_start.read_hint(path) == [("process", ("json",), LIMITS)]
    assert head_start.hint_path(banks, "bwrap", False) != path  # per backend


def test_a_kept_hint_starts_its_zygotes_before_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = ProcessSandbox()
    monkeypatch.setattr("harness.sandbox.selection.sandbox_named", lambda name: sandbox)
    head_start.begin([("process", (), LIMITS), ("bwrap", (), LIMITS)], "process", True)
    assert list(_waiting()) == [("process", (), (), LIMITS)]  # only the run's backend
    head_start.begin([("process", (), LIMITS)], "process", False)  # the run would refuse it: nothing
    assert len(_waiting()) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda path: os.chmod(path, 0o666),  # writable by others: planted, maybe
        lambda path: path.write_text("{not json"),
        lambda path: path.write_text(
            json.dumps({"format": 1, "zygotes": [{"sandbox": "bwrap", "preload": ["os; x"]}]})
        ),
        lambda path: path.write_text(json.dumps({"format": 99, "zygotes": []})),
    ],
    ids=["untrusted", "not-json", "bad-module", "other-format"],
)
def test_a_hint_that_is_not_trusted_or_not_valid_is_ignored(tmp_path: Path, change: object) -> None:
    path = head_start.hint_path([str(tmp_path)], "process", True)
    with head_start.head_start([str(tmp_path)], "process", True), WarmPool(ProcessSandbox()) as warm:
        warm.prewarm((), (), LIMITS)
    assert head_start.read_hint(path)
    change(path)  # type: ignore[operator]
    assert head_start.read_hint(path) == []


def test_prewarms_before_the_mark_are_not_this_commands() -> None:
    with WarmPool(ProcessSandbox()) as earlier:
        earlier.prewarm(("json",), (), LIMITS)
    mark = pool.prewarm_mark()
    with WarmPool(ProcessSandbox()) as now:
        now.prewarm((), (), LIMITS)
        now.prewarm((), (), LIMITS)
    assert [(preload, limits) for _, preload, _, limits in pool.prewarmed_since(mark)] == [((), LIMITS)]


def test_two_pools_that_prewarm_the_same_set_are_both_kept_and_both_get_a_head_start(tmp_path: Path) -> None:
    # The students' pool and the hidden tests' pool of one run want the same zygote: a lone
    # grade's hidden job waited for its zygote's start when the hint kept only one.
    sandbox = ProcessSandbox()
    banks = [str(tmp_path / "bank.yaml")]
    path = head_start.hint_path(banks, "process", True)
    with head_start.head_start(banks, "process", True), WarmPool(sandbox) as students, WarmPool(sandbox) as hidden:
        students.prewarm(("json",), (), LIMITS)
        hidden.prewarm(("json",), (), LIMITS)
        students.prewarm(("json",), (), LIMITS)  # asked again by the same pool: still one
    assert head_start.read_hint(path) == [("process", ("json",), LIMITS)] * 2

    start_ahead(sandbox, ("json",), LIMITS)
    start_ahead(sandbox, ("json",), LIMITS)
    first, second = pool._head_starts[("process", ("json",), (), LIMITS)]
    with WarmPool(sandbox) as students, WarmPool(sandbox) as hidden:
        students.prewarm(("json",), (), LIMITS)
        hidden.prewarm(("json",), (), LIMITS)
        assert not pool._head_starts
        assert {students.worker(("json",), (), LIMITS), hidden.worker(("json",), (), LIMITS)} == {first, second}
