"""Host side of the warm pool: sandboxed zygotes with heavy modules already imported.

:class:`WarmWorker` owns one zygote (see :mod:`harness.sandbox.zygote`) running in a fresh
sandbox of the chosen backend, and turns each job into the same :class:`RunResult` a one-shot
run gives, so graders do not care which ran. A worker whose zygote dies, hangs or answers
out of turn is killed and replaced; a worker is also recycled after :data:`JOBS_PER_ZYGOTE`
jobs so that no long-lived state accumulates.

Where the host gives sandboxes a memory cgroup, the worker's cap is set before every job to
what the zygote held when it said ready, plus the job's own cap
(:attr:`SandboxLimits.job_memory_bytes`): all of a job's processes together, never the sum of
their address spaces.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import itertools
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness.sandbox.base import RunRequest, RunResult, Sandbox, SandboxLimits, Spawned
from harness.sandbox.stream import FrameReader, SandboxUnavailable, WorkerError, frame, write_within

HERE = Path(__file__).resolve().parent
STUB = ("/sandbox/stub.py", HERE / "stub.py")
ZYGOTE = ("/sandbox/zygote.py", HERE / "zygote.py")
RELAY = ("/sandbox/relay.py", HERE / "relay.py")
# A zygote checks itself after every job (processes, files, IPC objects, limits, priorities:
# anything off retires it at once); this bound is only against slow growth that no check
# sees. Each replacement costs a sandbox and an interpreter with the preloads (numpy's: about
# 0.25 CPU-seconds, some 40 softmax jobs' worth; torch's: several seconds).
JOBS_PER_ZYGOTE = 1000
START_TIMEOUT_S = 180.0  # importing torch + transformers on a busy 2-core machine
SLACK_S = 5.0  # the zygote enforces the job's wall clock; the host allows this much more
# The zygote's own CPU time is capped (the sandbox's RLIMIT_CPU) and every job spends some of
# it: milliseconds for an honest job (a fork, its relay, the cleanup), up to its whole wall
# clock for one that floods its channel. A zygote with less than this left is replaced
# before the next job, so the cap can only be hit by a job that spent this much itself.
ZYGOTE_CPU_RESERVE_S = 30.0


class WarmWorker:
    """One sandboxed zygote, one job at a time: a thread that sends a job while another
    thread's job runs waits for it (a pool gives each thread its own worker, unless shared)."""

    def __init__(
        self, sandbox: Sandbox, preload: tuple[str, ...], limits: SandboxLimits, readonly: tuple[Path, ...] = ()
    ) -> None:
        self.sandbox = sandbox
        self.preload = preload
        self.readonly = readonly
        self.limits = limits
        self.spawned: Spawned | None = None
        self._stream: FrameReader | None = None  # the zygote's stdout, buffered
        self.baseline_bytes = 0  # what the zygote held (not page cache) when it said ready
        self.jobs = 0
        self._starting = False  # spawned, its "ready" not read yet
        self._settling = False  # a job's reply read, the zygote's word after it not yet
        self.cpu_left: float | None = None  # the zygote's CPU seconds left, as its last "ready" said
        self.start_cpu: float | None = None  # what its first zygote's start cost (before any job)
        self._empty = tempfile.TemporaryDirectory(prefix="harness-zygote-")
        self._busy = threading.Lock()  # held for a whole job
        self._shut = False  # shut down for good: a thread still holding the worker cannot restart it
        self._starting_lock = threading.RLock()  # a start and a shutdown never interleave

    def run(self, files: Mapping[str, str], request: dict[str, Any], limits: SandboxLimits) -> RunResult:
        """Run one job; a zygote that breaks during it becomes a crashed result and is replaced.

        Raises:
            SandboxUnavailable: the zygote (started afresh if need be) never said ready: no
                code of the job ran, so the failure is the host's, never the job's.
        """
        with self._busy:
            return self._run(files, request, limits)

    def _run(self, files: Mapping[str, str], request: dict[str, Any], limits: SandboxLimits) -> RunResult:
        started = time.monotonic()
        try:
            self._settle()
            self._retire_if_spent()
            process = self._ensure()
        except (WorkerError, OSError, ValueError) as exc:
            self.close()
            raise SandboxUnavailable(f"the {self.sandbox.name} sandbox could not be started ({exc})") from None
        try:
            self._cap_memory(limits)
            self.jobs += 1
            job_id = f"job-{self.jobs}"
            meta: dict[str, Any] = {"id": job_id, "limits": limits.model_dump()}
            _send(process, limits.wall_seconds, meta, {"files": dict(files), "request": request})
            reply = self._reply(job_id, limits.wall_seconds, limits.channel_bytes + 1)
        except (WorkerError, OSError, ValueError) as exc:
            self.close()
            return _crashed(self.sandbox.name, str(exc), time.monotonic() - started)
        self._settling = True
        return self._result(reply, limits)

    def _frames(self) -> FrameReader:
        assert self._stream is not None, "the worker's zygote is not running"
        return self._stream

    def _reply(self, job_id: str, wall_seconds: float, most: int) -> dict[str, Any]:
        """The zygote's reply to ``job_id``, within the job's wall clock and some slack."""
        return self._frames().reply(job_id, time.monotonic() + wall_seconds + SLACK_S, most)

    def _result(self, reply: dict[str, Any], limits: SandboxLimits) -> RunResult:
        channel = bytes(reply["channel"])
        return RunResult(
            backend=self.sandbox.name,
            exit_code=reply.get("exit_code"),
            signal=reply.get("signal"),
            timed_out=bool(reply.get("timed_out")),
            wall_seconds=float(reply.get("wall_seconds", 0.0)),
            stdout="",
            stderr="",
            channel=channel[: limits.channel_bytes],
            channel_overflow=len(channel) > limits.channel_bytes,
            cpu_seconds=_cpu_seconds(reply.get("cpu_seconds")),
        )

    def _settle(self) -> None:
        """Read the zygote's word after the last job, once, before the next job is sent.

        The zygote cleans up and checks itself after each job (kills what the job left, empties
        the scratch folders, compares its limits and priorities); anything off retires it. Its
        word is read here rather than as the job ends, so that the cleanup overlaps the host's
        judging of that job instead of delaying it: the job's result is complete either way,
        and no next job is sent before the cleanup is done and found clean.
        """
        if not self._settling:
            return
        self._settling = False
        try:
            status = self._frames().frame(time.monotonic() + SLACK_S)
        except (WorkerError, OSError, ValueError):
            status = {"event": "retire", "why": "no word after the job"}
        self._note_cpu_left(status)
        if status.get("event") != "ready" or self.jobs >= JOBS_PER_ZYGOTE:
            self.close()

    def _note_cpu_left(self, ready: dict[str, Any]) -> None:
        left = ready.get("cpu_left")
        self.cpu_left = float(left) if isinstance(left, (int, float)) else None

    def _retire_if_spent(self) -> None:
        """Replace a zygote that has run jobs and has less than :data:`ZYGOTE_CPU_RESERVE_S`
        of CPU time left: earlier jobs spent it (a flooded channel costs the zygote CPU for
        as long as the job's wall clock runs), and the next job, spending a little more, would
        die with the zygote and be reported crashed for it."""
        started = self.spawned is not None and not self._starting
        if started and self.cpu_left is not None and self.cpu_left < ZYGOTE_CPU_RESERVE_S:
            self.close()

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self.spawned.process if self.spawned is not None else None

    def _cap_memory(self, limits: SandboxLimits) -> None:
        """The zygote's own memory plus the job's cap, for all processes of the sandbox.

        Raises:
            WorkerError: the kernel could not bring the sandbox under the new cap.
        """
        cgroup = self.spawned.confinement.cgroup if self.spawned is not None else None
        if cgroup is not None:
            try:
                cgroup.set_limit(self.baseline_bytes + limits.job_memory_bytes)
            except OSError as exc:
                raise WorkerError(f"the worker's memory could not be capped ({exc.strerror})") from None

    def start(self) -> None:
        """Spawn the zygote without waiting for it to say ready: its start (a sandbox, an
        interpreter, the preloads) overlaps whatever the host does before the first job.

        Raises:
            WorkerError: the worker was shut down (its run is over).
        """
        with self._starting_lock:  # a shutdown in between would leave the new zygote to no one
            self._start()

    def _start(self) -> None:
        if self._shut:
            raise WorkerError("the run is over: its sandboxes are closed")
        if self.spawned is not None and self.spawned.process.poll() is None:
            return
        self.close()
        # The sandbox-wide caps: the zygote comes on top of the job's processes.
        zygote_limits = self.limits.model_copy(
            update={
                "cpu_seconds": 600,
                "memory_mb": max(self.limits.memory_mb, 8192),
                "processes": self.limits.processes + 8,
            }
        )
        contained = ["--contained"] if self.sandbox.isolating else []
        rehearse = [f"--rehearse={path}" for path in self.readonly]  # the zygote skips what is no model
        scratch = "/tmp" if self.sandbox.isolating else self._empty.name
        request = RunRequest(
            argv=["python", "-I", "-B", ZYGOTE[0], "--scratch", scratch, *contained, *rehearse, *self.preload],
            workdir=Path(self._empty.name),
            limits=zygote_limits,
            mounts=(STUB, ZYGOTE, RELAY),
            readonly_paths=self.readonly,
        )
        self.spawned = self.sandbox.spawn(request)
        assert self.spawned.process.stdout is not None
        self._stream = FrameReader(self.spawned.process.stdout.fileno())
        self.jobs = 0
        self._starting = True

    def _ensure(self) -> subprocess.Popen[bytes]:
        """The running zygote, started (and waited for) if need be.

        Raises:
            WorkerError: it died or did not say ready in time.
        """
        self.start()
        assert self.spawned is not None
        process = self.spawned.process
        if self._starting:
            ready = self._frames().frame(time.monotonic() + START_TIMEOUT_S)
            if ready.get("event") != "ready":
                raise WorkerError(f"the worker did not start: {ready}")
            self._note_cpu_left(ready)
            if self.start_cpu is None and isinstance(ready.get("cpu_seconds"), (int, float)):
                self.start_cpu = float(ready["cpu_seconds"])  # said before any job: the zygote's own
            self._starting = False
            cgroup = self.spawned.confinement.cgroup
            self.baseline_bytes = cgroup.resident() if cgroup is not None else 0
        return process

    def close(self) -> None:
        if self.spawned is not None:
            process = self.spawned.process
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, 9)
            process.wait()
            for stream in (process.stdin, process.stdout):  # stdin is written by descriptor
                if stream is not None:  # (write_within): its buffer never holds a frame to flush
                    stream.close()
            self.spawned.confinement.release()
            self.spawned = None
            self._stream = None
            self._starting = False
            self._settling = False

    def shutdown(self) -> None:
        """Stop the zygote for good and remove the worker's folder."""
        with self._starting_lock:
            self._shut = True
            self.close()
        self._empty.cleanup()


class WarmPool:
    """Workers per thread and preload set, created on first use (or started ahead with
    :meth:`prewarm`, then adopted by the first thread that needs that preload set).

    A ``shared`` pool has one worker per preload set for all threads, which take turns: for
    jobs that are few and short next to a zygote's start (the references', each run once per
    question and run), a thread waits for another's job rather than starting a zygote of its
    own (torch and transformers' pipelines: about 4 CPU-seconds, for one job).

    A pool with ``at_most`` (:meth:`jobs_for`) keeps a preload set's workers for all threads
    and lends each job a free one (:class:`WorkerGroup`), starting another only while fewer
    than ``at_most`` exist, unless the set's zygotes are cheap to start (under
    :data:`CHEAP_START_CPU_S` of CPU: numpy's, a bare interpreter's), which every thread may
    have. A run grades one student more at once than there are CPUs, so that the host's
    judging overlaps the jobs; for torch's sets (some 3-4 CPU-seconds per zygote) that extra
    thread borrows a free zygote, or waits for one while the CPUs run the others' jobs.
    """

    def __init__(
        self, sandbox: Sandbox, limits: SandboxLimits | None = None, shared: bool = False, at_most: int | None = None
    ) -> None:
        self.sandbox = sandbox
        self.limits = limits or SandboxLimits()
        self.shared = shared
        self.at_most = at_most
        self._groups: dict[tuple[Any, ...], WorkerGroup] = {}
        self._local = threading.local()
        self._shared: dict[tuple[Any, ...], WarmWorker] = {}
        self._all: list[WarmWorker] = []
        self._ahead: dict[tuple[Any, ...], WarmWorker] = {}  # started by prewarm, owned by no thread yet
        self._lock = threading.Lock()
        self._closed = False  # a thread still grading when the run ends starts no zygote after it

    def worker(
        self, preload: tuple[str, ...], readonly: tuple[Path, ...] = (), limits: SandboxLimits | None = None
    ) -> WarmWorker:
        """This thread's worker (the pool's, when shared) for ``preload`` (modules), ``readonly``
        (mounted paths) and the sandbox-wide limits (processes, tmpfs size) of ``limits``."""
        workers: dict[tuple[Any, ...], WarmWorker]
        if self.shared:
            workers = self._shared
        else:
            workers = getattr(self._local, "workers", None) or {}
            self._local.workers = workers
        chosen = limits or self.limits
        key = _pool_key(preload, readonly, chosen)
        if key not in workers:
            with self._lock:
                if key in workers:  # another thread made the shared one meanwhile
                    return workers[key]
                workers[key] = self._adopt_or_make(key, preload, readonly, chosen)
        return workers[key]

    def jobs_for(
        self, preload: tuple[str, ...], readonly: tuple[Path, ...] = (), limits: SandboxLimits | None = None
    ) -> WarmWorker | WorkerGroup:
        """What runs a job for ``preload``, ``readonly`` and ``limits`` (see :meth:`worker`):
        this thread's worker, or with ``at_most`` the preload set's :class:`WorkerGroup`."""
        if self.at_most is None or self.shared:
            return self.worker(preload, readonly, limits)
        chosen = limits or self.limits
        key = _pool_key(preload, readonly, chosen)
        with self._lock:
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = WorkerGroup(
                    lambda: self._locked_adopt_or_make(key, preload, readonly, chosen), self.at_most
                )
        return group

    def _locked_adopt_or_make(
        self, key: tuple[Any, ...], preload: tuple[str, ...], readonly: tuple[Path, ...], limits: SandboxLimits
    ) -> WarmWorker:
        with self._lock:
            return self._adopt_or_make(key, preload, readonly, limits)

    def _adopt_or_make(
        self, key: tuple[Any, ...], preload: tuple[str, ...], readonly: tuple[Path, ...], limits: SandboxLimits
    ) -> WarmWorker:
        """The zygote :meth:`prewarm` started for ``key``, else a new worker (lock held).

        Raises:
            WorkerError: the pool is closed (its run is over).
        """
        if self._closed:
            raise WorkerError("the run is over: its sandboxes are closed")
        adopted = self._ahead.pop(key, None)
        if adopted is not None:
            return adopted
        worker = WarmWorker(self.sandbox, preload, limits, readonly)
        self._all.append(worker)
        return worker

    def prewarm(
        self, preload: tuple[str, ...], readonly: tuple[Path, ...] = (), limits: SandboxLimits | None = None
    ) -> None:
        """Start a zygote for this preload set now, without waiting for it; the first thread
        to ask :meth:`worker` for the same set adopts it."""
        chosen = limits or self.limits
        key = _pool_key(preload, readonly, chosen)
        with self._lock:
            if key in self._ahead or self._closed:
                return
            head_started = _adopt_head_start(self.sandbox, preload, readonly, chosen)
            worker = self._ahead[key] = head_started or WarmWorker(self.sandbox, preload, chosen, readonly)
            self._all.append(worker)
        _record_prewarm(self, self.sandbox, preload, readonly, chosen)
        if head_started is not None:
            return
        try:
            worker.start()
        except OSError:
            worker.close()  # the first job starts it again, and records why it cannot

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for worker in self._all:
                worker.shutdown()
            self._all.clear()
            self._ahead.clear()
            self._shared.clear()
            self._groups.clear()

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pool_key(preload: tuple[str, ...], readonly: tuple[Path, ...], limits: SandboxLimits) -> tuple[Any, ...]:
    """What tells a pool's zygotes apart: the preloads, the read-only mounts, and the limits a
    sandbox shares (processes, the size of /tmp)."""
    return (preload, readonly, limits.processes, limits.tmp_mb)


CHEAP_START_CPU_S = 1.0  # a zygote that starts for less CPU than this: one per thread is fine


class WorkerGroup:
    """One preload set's workers for all threads.

    While the set's zygotes are not known to start cheaply, workers are lent job by job: a
    thread takes the worker it used last if it is free, else any free one, else starts one
    while fewer than ``at_most`` exist, else waits for one to be given back. Once one of
    them has started for less than :data:`CHEAP_START_CPU_S` of CPU, each thread keeps a
    worker of its own (the free one it used last, another free one, or a new one), as in a
    pool without ``at_most``: its zygote's cleanup after a job then overlaps that thread's
    judging of the job, which lending to whichever thread asks next would undo."""

    def __init__(self, make: Callable[[], WarmWorker], at_most: int | None = None) -> None:
        self._make = make
        self.at_most = at_most
        self.workers: list[WarmWorker] = []
        self._made = 0
        self._free: list[WarmWorker] = []
        self._turns = threading.Condition()
        self._thread = threading.local()

    def run(self, files: Mapping[str, str], request: dict[str, Any], limits: SandboxLimits) -> RunResult:
        """:meth:`WarmWorker.run` on this thread's worker, or one lent for the job."""
        worker = self._borrow()
        try:
            return worker.run(files, request, limits)
        finally:
            self._give_back(worker)

    def cheap(self) -> bool:
        """The set's zygotes are known to start for less than :data:`CHEAP_START_CPU_S`."""
        return any(w.start_cpu is not None and w.start_cpu < CHEAP_START_CPU_S for w in self.workers)

    def _borrow(self) -> WarmWorker:
        owned: WarmWorker | None = getattr(self._thread, "owned", None)
        if owned is not None:
            return owned
        with self._turns:
            while True:
                cheap = self.cheap()
                last: WarmWorker | None = getattr(self._thread, "last", None)
                chosen = last if last is not None and last in self._free else (self._free[-1] if self._free else None)
                if chosen is not None:
                    self._free.remove(chosen)
                    return self._keep(chosen) if cheap else chosen
                if cheap or self.at_most is None or self._made < self.at_most:
                    self._made += 1  # counted now: another thread may not start one for it
                    break
                self._turns.wait()
        worker = self._make()  # outside the lock: starting one spawns a sandbox
        with self._turns:
            self.workers.append(worker)
            return self._keep(worker) if cheap else worker

    def _keep(self, worker: WarmWorker) -> WarmWorker:
        """Make ``worker`` this thread's own: never lent again."""
        self._thread.owned = worker
        return worker

    def _give_back(self, worker: WarmWorker) -> None:
        self._thread.last = worker
        if worker is getattr(self._thread, "owned", None):
            return
        with self._turns:
            self._free.append(worker)
            # every waiter looks again: the job may have shown the set to be cheap (its zygote's
            # first word), and then each of them starts a worker of its own
            self._turns.notify_all()


# --- head starts: zygotes started before any pool exists ---------------------------------------

HeadStartKey = tuple[str, tuple[str, ...], tuple[Path, ...], SandboxLimits]
Prewarmed = tuple[Sandbox, tuple[str, ...], tuple[Path, ...], SandboxLimits]  # backend, preloads, paths, limits
# Several of one kind may wait: the students' pool and the hidden tests' pool each adopt one.
_head_starts: dict[HeadStartKey, list[WarmWorker]] = {}
# (serial, what, the pool that asked): what each pool prewarmed, for the next command's hint
_prewarmed: collections.deque[tuple[int, Prewarmed, int]] = collections.deque(maxlen=64)
_prewarm_serials = itertools.count()
_head_lock = threading.Lock()


def start_ahead(sandbox: Sandbox, preload: tuple[str, ...], limits: SandboxLimits) -> None:
    """Start a zygote before any pool exists (a one-shot command's head start, see
    :mod:`harness.sandbox.head_start`), without waiting for it.

    The first pool whose :meth:`WarmPool.prewarm` asks for this very backend, preload set and
    limits adopts it; a zygote nobody adopts is stopped when this process exits. It is started
    exactly as a pool starts one, so it is isolated the same way.
    """
    key: HeadStartKey = (sandbox.name, preload, (), limits)
    worker = WarmWorker(sandbox, preload, limits)
    with _head_lock:
        _head_starts.setdefault(key, []).append(worker)
    try:
        worker.start()
    except OSError:
        with _head_lock:
            _take(key, worker)
        worker.shutdown()


def prewarm_mark() -> int:
    """A mark to pass to :func:`prewarmed_since` later."""
    with _head_lock:
        return _prewarmed[-1][0] + 1 if _prewarmed else 0


def prewarmed_since(mark: int) -> list[Prewarmed]:
    """What the pools of this process were asked to prewarm since ``mark``, in order, once
    per pool: what a head start of the next command over the same banks would start (the
    same preload set twice when both the students' and the hidden tests' pools want it)."""
    with _head_lock:
        found: list[tuple[Prewarmed, int]] = []
        for serial, what, asker in _prewarmed:
            if serial >= mark and (what, asker) not in found:
                found.append((what, asker))
        return [what for what, _ in found]


def _record_prewarm(
    asker: WarmPool, sandbox: Sandbox, preload: tuple[str, ...], readonly: tuple[Path, ...], limits: SandboxLimits
) -> None:
    with _head_lock:
        _prewarmed.append((next(_prewarm_serials), (sandbox, preload, readonly, limits), id(asker)))


def _adopt_head_start(
    sandbox: Sandbox, preload: tuple[str, ...], readonly: tuple[Path, ...], limits: SandboxLimits
) -> WarmWorker | None:
    """The head-started zygote for exactly this backend (the same instance), preload set,
    read-only paths and limits, handed over once; None when there is none."""
    key: HeadStartKey = (sandbox.name, preload, readonly, limits)
    with _head_lock:
        waiting = _head_starts.get(key, [])
        for worker in waiting:
            if worker.sandbox is sandbox:
                _take(key, worker)
                return worker
    return None


def _take(key: HeadStartKey, worker: WarmWorker) -> None:
    """Remove ``worker`` from the head starts waiting (lock held), and the key with the last."""
    waiting = _head_starts.get(key, [])
    if worker in waiting:
        waiting.remove(worker)
    if not waiting:
        _head_starts.pop(key, None)


@atexit.register
def _stop_head_starts() -> None:
    """A head start that no pool adopted (the banks changed since the hint) is stopped."""
    with _head_lock:
        left = [worker for waiting in _head_starts.values() for worker in waiting]
        _head_starts.clear()
    for worker in left:
        worker.shutdown()


def _send(
    process: subprocess.Popen[bytes], wall_seconds: float, meta: dict[str, Any], job: dict[str, Any] | None = None
) -> None:
    """A frame the zygote reads (``meta``: nothing of the job's), then the job's own frame,
    which the zygote only relays to the job's process (``payload_bytes`` in ``meta`` says
    how long it is), written within the job's wall clock and some slack.

    Raises:
        WorkerError: the zygote is gone, or did not take the frames in time.
    """
    assert process.stdin is not None
    body = b"" if job is None else frame(job)
    if job is not None:
        meta = dict(meta, payload_bytes=len(body))
    write_within(process.stdin.fileno(), frame(meta) + body, time.monotonic() + wall_seconds + SLACK_S)


def _cpu_seconds(value: object) -> float | None:
    """The zygote's ``cpu_seconds`` field; None when it is missing or not a number."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _crashed(backend: str, why: str, seconds: float) -> RunResult:
    return RunResult(
        backend=backend,
        exit_code=None,
        signal=9,
        timed_out="in time" in why,
        wall_seconds=round(seconds, 3),
        stdout="",
        stderr="",
        channel=b"",
        worker_problem=why,
    )
