"""The sandbox contract: run a command on untrusted code, bounded, and hand back plain bytes.

A backend only decides *how* the command is wrapped (:meth:`Sandbox._wrap`): namespaces,
mounts, user, rlimits, seccomp. Everything else is shared and lives here: the working folder
with the student's files, the wall-clock deadline that kills the whole process tree, the
capped capture of stdout and stderr (head and tail kept), and the result channel, a pipe on
its own file descriptor that carries the stub's JSON back. Nothing is ever unpickled from it.

What the host holds for a live sandbox is its :class:`Confinement`: a uid leased for it
alone (:mod:`harness.sandbox.uids`) and, for isolating backends where the host allows it, a
memory cgroup that caps all of its processes together (:mod:`harness.sandbox.cgroup`). Its
first process starts with a fresh, empty session keyring: a grader's own (a login's) would
otherwise be inherited through exec and the change of uid, and possessed by the code.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import selectors
import signal
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from harness.sandbox.cgroup import MB, Hierarchy, JobMemoryCap, MemoryCgroup, find_hierarchy, job_memory_cap
from harness.sandbox.uids import UidLease, lease_uid


class SandboxLimits(BaseModel):
    """Per-run limits; an exercise may override any of them in its YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cpu_seconds: int = Field(default=10, ge=1, le=600)
    wall_seconds: float = Field(default=20, gt=0, le=1200)
    memory_mb: int = Field(default=2048, ge=64, le=65536)  # address space (RLIMIT_AS)
    processes: int = Field(default=64, ge=4, le=4096)  # RLIMIT_NPROC, per sandbox uid
    file_size_mb: int = Field(default=16, ge=1, le=4096)  # RLIMIT_FSIZE
    open_files: int = Field(default=256, ge=16, le=4096)  # RLIMIT_NOFILE
    output_bytes: int = Field(default=64_000, ge=1_000, le=10_000_000)  # per stream, head + tail
    channel_bytes: int = Field(default=16_000_000, ge=1_000, le=256_000_000)  # result JSON
    tmp_mb: int = Field(default=64, ge=1, le=4096)  # size of the private tmpfs

    @property
    def job_memory_bytes(self) -> int:
        """What all of a job's processes may hold together, its /tmp included (a cgroup's cap)."""
        return (self.memory_mb + self.tmp_mb) * MB


@dataclass(frozen=True)
class RunRequest:
    """One run: ``argv`` executed in ``workdir`` (the student's files), ``stdin`` fed in."""

    argv: list[str]
    workdir: Path  # a folder the host prepared; mounted read-only where the backend can
    stdin: bytes = b""
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    readonly_paths: tuple[Path, ...] = ()  # extra paths the code may read (models, data)
    mounts: tuple[tuple[str, Path], ...] = ()  # (path inside, host file): the stub, the zygote


@dataclass
class RunResult:
    """What came back. ``channel`` is raw bytes: the caller validates before trusting it."""

    backend: str
    exit_code: int | None  # None when killed by a signal
    signal: int | None
    timed_out: bool
    wall_seconds: float
    stdout: str
    stderr: str
    channel: bytes
    channel_overflow: bool = False  # the channel sent more than limits.channel_bytes
    output_truncated: bool = False
    worker_problem: str | None = None  # a warm worker died or hung during this run (see pool.py)
    # The CPU time (user + system) the job's process used in this run, with the children it
    # waited for, as its parent measured it (the zygote: never from the job's bytes); None
    # where nobody measured it (a one-shot run, a crashed worker).
    cpu_seconds: float | None = None

    @property
    def crashed(self) -> bool:
        return self.signal is not None and not self.timed_out


CHANNEL_FD_ENV = "HARNESS_CHANNEL_FD"


@dataclass(frozen=True)
class Wrapped:
    """A backend's command line and environment, and the file descriptors it must inherit."""

    argv: list[str]
    env: dict[str, str]
    fds: tuple[int, ...] = ()  # opened for this start only; closed once the process runs


@dataclass
class Confinement:
    """What the host holds for one live sandbox; :meth:`release` once it is gone."""

    uid: UidLease
    cgroup: MemoryCgroup | None = None

    def release(self) -> None:
        """Kill what is left in the sandbox's cgroup, remove it, then free the uid."""
        if self.cgroup is not None:
            self.cgroup.destroy()
            self.cgroup = None
        self.uid.release()


@dataclass
class Spawned:
    """A long-lived sandboxed process (a warm worker) and what the host holds for it."""

    process: subprocess.Popen[bytes]
    confinement: Confinement


class Sandbox(ABC):
    """An execution backend, registered in the ``harness.sandboxes`` entry-point group."""

    name: ClassVar[str]
    isolating: ClassVar[bool]  # True: safe for other people's code
    description: ClassVar[str] = ""

    @abstractmethod
    def unavailable_reason(self) -> str | None:
        """None when this backend can run here; else what is missing and how to fix it."""

    @abstractmethod
    def _wrap(self, request: RunRequest, channel_fd: int, uid: int) -> Wrapped:
        """The command line and environment that run ``request.argv`` inside the sandbox."""

    def _preexec(self, request: RunRequest) -> None:  # noqa: B027 (optional hook)
        """Runs in the child before exec (backends that apply rlimits themselves)."""

    def code_dir(self, request: RunRequest) -> str:
        """Where ``request.workdir`` is seen from inside the sandbox."""
        return str(request.workdir)

    def job_memory_cap(self, limits: SandboxLimits) -> JobMemoryCap:
        """What bounds the memory of all of one job's processes together, here."""
        if not self.isolating:  # no process limit, no cgroup: nothing bounds the sum
            return JobMemoryCap("none", None)
        return job_memory_cap(limits.memory_mb, limits.tmp_mb, limits.processes, _memory_hierarchy())

    def spawn(self, request: RunRequest, stderr: int = subprocess.DEVNULL) -> Spawned:
        """Start ``request`` with pipes on stdin and stdout (a long-lived worker, no channel).

        The caller releases ``confinement`` once the process is gone (its cgroup is capped at
        ``request.limits.job_memory_bytes`` until the caller sets another cap)."""
        process, _, confinement = self._start(request, stderr=stderr, channel=False)
        return Spawned(process, confinement)

    def _confine(self, limits: SandboxLimits) -> Confinement:
        confinement = Confinement(lease_uid())
        hierarchy = _memory_hierarchy() if self.isolating else None
        if hierarchy is not None:
            try:
                confinement.cgroup = MemoryCgroup(hierarchy, f"harness-sandbox-{confinement.uid.uid}-{os.getpid()}")
                confinement.cgroup.set_limit(limits.job_memory_bytes)
            except BaseException:
                confinement.release()
                raise
        return confinement

    def _start(
        self, request: RunRequest, stderr: int, channel: bool
    ) -> tuple[subprocess.Popen[bytes], int | None, Confinement]:
        join_keyring = _keyctl()
        confinement = self._confine(request.limits)
        read_fd = write_fd = cgroup_fd = None
        wrapped: Wrapped | None = None
        try:
            if channel:
                read_fd, write_fd = os.pipe()
            if confinement.cgroup is not None:
                cgroup_fd = confinement.cgroup.procs_fd()
            wrapped = self._wrap(request, write_fd if write_fd is not None else -1, confinement.uid.uid)
            process = subprocess.Popen(
                wrapped.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                pass_fds=(*wrapped.fds, *((write_fd,) if write_fd is not None else ())),
                env=wrapped.env,
                cwd=request.workdir,
                start_new_session=True,  # our own process group: the deadline kills all of it
                preexec_fn=lambda: self._child_setup(request, cgroup_fd, join_keyring),
            )
        except BaseException:
            if read_fd is not None:
                os.close(read_fd)
            confinement.release()
            raise
        finally:
            for fd in (*(wrapped.fds if wrapped else ()), write_fd, cgroup_fd):
                if fd is not None:
                    os.close(fd)
        return process, read_fd, confinement

    def _child_setup(self, request: RunRequest, cgroup_fd: int | None, join_keyring: Callable[[], object]) -> None:
        """In the child, before exec: a fresh, empty session keyring (where keyrings are not
        available there is none to inherit either, so its answer does not matter), the
        sandbox's cgroup, then the backend's own step. Only system calls: the parent may have
        other threads."""
        join_keyring()
        if cgroup_fd is not None:
            os.write(cgroup_fd, b"0")  # 0: the writing process; an error here aborts the start
        self._preexec(request)

    def run(self, request: RunRequest) -> RunResult:
        """Run ``request`` to completion or its wall-clock limit; never raises for what the
        code inside does (crash, hang, flood, exit codes): all of it is in the result."""
        started = time.monotonic()
        process, read_fd, confinement = self._start(request, stderr=subprocess.PIPE, channel=True)
        assert read_fd is not None
        try:
            capture = _Capture(request.limits)
            deadline = started + request.limits.wall_seconds
            timed_out = capture.pump(process, read_fd, request.stdin, deadline)
            returncode, timed_out = _finish(process, deadline, timed_out)
        finally:
            confinement.release()
        return RunResult(
            backend=self.name,
            exit_code=returncode if returncode >= 0 else None,
            signal=-returncode if returncode < 0 else None,
            timed_out=timed_out,
            wall_seconds=round(time.monotonic() - started, 3),
            stdout=capture.text("stdout"),
            stderr=capture.text("stderr"),
            channel=bytes(capture.channel),
            channel_overflow=capture.channel_overflow,
            output_truncated=capture.truncated,
        )


@cache
def _memory_hierarchy() -> Hierarchy | None:
    """Where sandboxes' memory cgroups go on this host (probed once per process)."""
    return find_hierarchy()


KEYCTL = {"x86_64": 250, "aarch64": 219}
KEYCTL_JOIN_SESSION_KEYRING = 1


@cache
def _keyctl() -> Callable[[], object]:
    """A call that joins a fresh session keyring, looked up in the parent: the child between
    fork and exec only calls it (no library loading there, the parent may have threads)."""
    number = KEYCTL.get(platform.machine())
    if number is None:
        return lambda: None
    syscall = ctypes.CDLL(None, use_errno=True).syscall
    syscall.restype = ctypes.c_long
    return lambda: syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)


class _Capture:
    """Reads stdout, stderr and the channel together, keeping memory bounded."""

    def __init__(self, limits: SandboxLimits) -> None:
        self.limits = limits
        self.heads: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self.tails: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self.dropped: dict[str, int] = {"stdout": 0, "stderr": 0}
        self.channel = bytearray()
        self.channel_overflow = False
        self.truncated = False

    def pump(self, process: subprocess.Popen[bytes], channel_fd: int, stdin: bytes, deadline: float) -> bool:
        """Feed stdin and drain every pipe until all close or ``deadline``; True on timeout."""
        assert process.stdin and process.stdout and process.stderr
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ, "stdout")
        selector.register(process.stderr, selectors.EVENT_READ, "stderr")
        selector.register(channel_fd, selectors.EVENT_READ, "channel")
        pending = memoryview(stdin)
        if pending:
            os.set_blocking(process.stdin.fileno(), False)
            selector.register(process.stdin, selectors.EVENT_WRITE, "stdin")
        else:
            process.stdin.close()
        try:
            while len(selector.get_map()) > (1 if pending else 0) or pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return True
                for key, _ in selector.select(timeout=min(remaining, 0.5)):
                    if key.data == "stdin":
                        pending = self._write_stdin(selector, process, pending)
                    elif not self._read(selector, key):
                        selector.unregister(key.fileobj)
                if not pending and not any(k.data != "stdin" for k in selector.get_map().values()):
                    break
            return False
        finally:
            selector.close()
            os.close(channel_fd)
            for stream in (process.stdin, process.stdout, process.stderr):
                _close_quietly(stream)

    def _write_stdin(
        self, selector: selectors.BaseSelector, process: subprocess.Popen[bytes], pending: memoryview
    ) -> memoryview:
        assert process.stdin
        try:
            written = os.write(process.stdin.fileno(), pending[:65536])
            pending = pending[written:]
        except (BrokenPipeError, BlockingIOError) as exc:
            if isinstance(exc, BrokenPipeError):
                pending = pending[:0]  # the code closed its stdin: nothing more to send
        if not pending:
            selector.unregister(process.stdin)
            _close_quietly(process.stdin)
        return pending

    def _read(self, selector: selectors.BaseSelector, key: selectors.SelectorKey) -> bool:
        fd = key.fd
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        if key.data == "channel":
            room = self.limits.channel_bytes - len(self.channel)
            self.channel += chunk[:room]
            self.channel_overflow |= len(chunk) > room
        else:
            self._keep(key.data, chunk)
        return True

    def _keep(self, stream: str, chunk: bytes) -> None:
        half = self.limits.output_bytes // 2
        head = self.heads[stream]
        take = max(0, half - len(head))
        head += chunk[:take]
        rest = chunk[take:]
        if rest:
            tail = self.tails[stream]
            tail += rest
            if len(tail) > half:
                self.dropped[stream] += len(tail) - half
                del tail[: len(tail) - half]
                self.truncated = True

    def text(self, stream: str) -> str:
        head = self.heads[stream].decode("utf-8", "replace")
        tail = self.tails[stream].decode("utf-8", "replace")
        dropped = self.dropped[stream]
        return head + (f"\n[… {dropped} bytes cut …]\n" if dropped else "") + tail


def _finish(process: subprocess.Popen[bytes], deadline: float, timed_out: bool) -> tuple[int, bool]:
    """Wait for the exit (until the deadline), then kill whatever is left of the group.

    A process can close all its pipes and keep running; it still gets only the time left.
    Killing the group afterwards also removes orphans that stayed in it.
    """
    if not timed_out:
        try:
            process.wait(timeout=max(0.05, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    _kill_group(process.pid)
    return process.wait(), timed_out


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(pgid, signal.SIGKILL)


def _close_quietly(stream: object) -> None:
    close = getattr(stream, "close", None)
    if close is not None:
        with contextlib.suppress(OSError):
            close()
