"""The sandbox contract: run a command on untrusted code, bounded, and hand back plain bytes.

A backend only decides *how* the command is wrapped (:meth:`Sandbox._wrap`): namespaces,
mounts, user, rlimits. Everything else is shared and lives here: the working folder with the
student's files, the wall-clock deadline that kills the whole process tree, the capped capture
of stdout and stderr (head and tail kept), and the result channel, a pipe on its own file
descriptor that carries the stub's JSON back. Nothing is ever unpickled from it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import selectors
import signal
import subprocess
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


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

    @property
    def crashed(self) -> bool:
        return self.signal is not None and not self.timed_out


CHANNEL_FD_ENV = "HARNESS_CHANNEL_FD"


class Sandbox(ABC):
    """An execution backend, registered in the ``harness.sandboxes`` entry-point group."""

    name: ClassVar[str]
    isolating: ClassVar[bool]  # True: safe for other people's code
    description: ClassVar[str] = ""

    @abstractmethod
    def unavailable_reason(self) -> str | None:
        """None when this backend can run here; else what is missing and how to fix it."""

    @abstractmethod
    def _wrap(self, request: RunRequest, channel_fd: int, uid: int) -> tuple[list[str], dict[str, str]]:
        """The command line and environment that run ``request.argv`` inside the sandbox."""

    def _preexec(self, request: RunRequest) -> None:  # noqa: B027 (optional hook)
        """Runs in the child before exec (backends that apply rlimits themselves)."""

    def code_dir(self, request: RunRequest) -> str:
        """Where ``request.workdir`` is seen from inside the sandbox."""
        return str(request.workdir)

    def spawn(self, request: RunRequest, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
        """Start ``request`` with pipes on stdin and stdout (a long-lived worker, no channel)."""
        process, _ = self._start(request, stderr=stderr, channel=False)
        return process

    def _start(self, request: RunRequest, stderr: int, channel: bool) -> tuple[subprocess.Popen[bytes], int | None]:
        read_fd, write_fd = os.pipe() if channel else (None, None)
        argv, env = self._wrap(request, write_fd if write_fd is not None else -1, sandbox_uid())
        has_preexec = type(self)._preexec is not Sandbox._preexec
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                pass_fds=(write_fd,) if write_fd is not None else (),
                env=env,
                cwd=request.workdir,
                start_new_session=True,  # our own process group: the deadline kills all of it
                preexec_fn=(lambda: self._preexec(request)) if has_preexec else None,
            )
        finally:
            if write_fd is not None:
                os.close(write_fd)
        return process, read_fd

    def run(self, request: RunRequest) -> RunResult:
        """Run ``request`` to completion or its wall-clock limit; never raises for what the
        code inside does (crash, hang, flood, exit codes): all of it is in the result."""
        started = time.monotonic()
        process, read_fd = self._start(request, stderr=subprocess.PIPE, channel=True)
        assert read_fd is not None
        capture = _Capture(request.limits)
        deadline = started + request.limits.wall_seconds
        timed_out = capture.pump(process, read_fd, request.stdin, deadline)
        returncode, timed_out = _finish(process, deadline, timed_out)
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


_uid_counter = itertools.count()


def sandbox_uid() -> int:
    """A fresh unprivileged uid for each run, so RLIMIT_NPROC (counted per uid) is per run.

    Unique across 10,000 runs of one grading process and across processes (by pid); far
    above the uids of real accounts.
    """
    return 1_000_000 + (os.getpid() % 100_000) * 10_000 + next(_uid_counter) % 10_000


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
