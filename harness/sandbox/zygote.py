"""A warm worker INSIDE the sandbox: heavy modules imported once, one fork per job.

Importing torch or transformers takes seconds; paying that per student would dominate
grading. The zygote imports them once (inside the same bubblewrap sandbox as any student
code: same namespaces, same unprivileged uid, same read-only mounts), then serves jobs one at
a time. Each job runs in a forked child, so it starts from the zygote's pristine memory, and
nothing a job does can reach the next one:

- the zygote is not dumpable, so a child (same uid) cannot ptrace it, read or write its
  memory through /proc, or take its file descriptors; the child closes every descriptor but
  its own result pipe before the student's code is imported;
- a child gets its own folder in the scratch folder and its own session; after the job its
  session is killed, and in a contained sandbox (``--contained``: a private PID namespace and
  a uid of its own, never root) every process of the uid but the zygote is killed (orphans
  that left the session included), /tmp and /dev/shm are emptied and SysV IPC objects
  removed, before the next job is read. Outside such a sandbox (the ``process`` backend) those
  machine-wide steps would hit the host, so they are never taken there;
- rlimits (CPU seconds, address space, file size, open files) are lowered in the child, hard;
- if a child kills the zygote, the host sees the pipe close, records that job as crashed and
  starts a fresh sandbox.

Like the stub, this file imports nothing from ``harness``. Frames on stdin/stdout are a
4-byte big-endian length and a JSON object.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out
import stub  # type: ignore[import-not-found]

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
MAX_CHANNEL = 16_000_000
SCRATCH = ("/tmp", "/dev/shm")


def read_frame(stream: Any) -> dict[str, Any] | None:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    frame: dict[str, Any] = json.loads(stream.read(size))
    return frame


def write_frame(stream: Any, payload: dict[str, Any]) -> None:
    data = json.dumps(payload, separators=(",", ":")).encode()
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")


def child(job: dict[str, Any], channel_w: int, folder: str) -> None:
    """Runs in the forked child: never returns."""
    try:
        os.setsid()  # a session of its own: the zygote kills it whole afterwards
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.mkdir(folder, 0o700)
        for name, text in job["files"].items():
            with open(os.path.join(folder, os.path.basename(name)), "w", encoding="utf-8") as handle:
                handle.write(text)
        os.chdir(folder)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, channel_w)
        os.closerange(channel_w + 1, 65536)
        limits = job["limits"]
        mb = 1024 * 1024
        for which, value in (
            (resource.RLIMIT_CPU, limits["cpu_seconds"]),
            (resource.RLIMIT_AS, limits["memory_mb"] * mb),
            (resource.RLIMIT_FSIZE, limits["file_size_mb"] * mb),
            (resource.RLIMIT_NOFILE, limits["open_files"]),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(which, (value, value))
        request = dict(job["request"], module=os.path.join(folder, os.path.basename(job["request"]["module"])))
        stub.serve(request, stub.Channel(channel_w))
    except BaseException as exc:  # before the student's code runs: a worker fault, reported
        with _quiet():
            stub.Channel(channel_w).send({"event": "worker_error", "message": f"{type(exc).__name__}: {exc}"[:500]})
    finally:
        os._exit(0)


def run_job(job: dict[str, Any], folder: str, contained: bool) -> dict[str, Any]:
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        child(job, write_fd, folder)
    os.close(write_fd)
    deadline = started + float(job["limits"]["wall_seconds"])
    channel, timed_out = drain(read_fd, deadline)
    with _quiet():
        os.killpg(pid, signal.SIGKILL)  # the child's session: it, and whatever it started
    with _quiet():
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    shutil.rmtree(folder, ignore_errors=True)
    if contained:
        cleanup_sandbox()
    return {
        "id": job["id"],
        "exit_code": os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
        "wall_seconds": round(time.monotonic() - started, 3),
        "channel": channel.decode("utf-8", "replace"),
    }


def drain(fd: int, deadline: float) -> tuple[bytes, bool]:
    data = bytearray()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(data), True
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return bytes(data), False
            data += chunk[: MAX_CHANNEL - len(data)]
    finally:
        os.close(fd)


def cleanup_sandbox() -> None:
    """Leave nothing of the last job in a contained sandbox: processes, files, IPC objects."""
    assert os.getuid() != 0, "refusing machine-wide cleanup as root"
    with _quiet():
        os.kill(-1, signal.SIGKILL)  # every process of our own uid but us, in our PID namespace
    for root in SCRATCH:
        if os.path.isdir(root):
            for entry in os.listdir(root):
                path = os.path.join(root, entry)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with _quiet():
                        os.unlink(path)
    if shutil.which("ipcrm"):
        subprocess.run(["ipcrm", "--all"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], (OSError, ProcessLookupError))  # type: ignore[arg-type]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--contained", action="store_true")
    parser.add_argument("preload", nargs="*")
    args = parser.parse_args()
    if args.contained and os.getuid() == 0:
        raise SystemExit("zygote: --contained needs an unprivileged uid")
    prctl(PR_SET_DUMPABLE, 0)
    stdin, stdout = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")  # frames only on our own copy
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # a module that prints while importing cannot corrupt the frames
    for name in args.preload:
        importlib.import_module(name)
    write_frame(stdout, {"event": "ready", "preloaded": args.preload})
    number = 0
    while (job := read_frame(stdin)) is not None:
        number += 1
        folder = os.path.join(args.scratch, f"job-{number}")
        write_frame(stdout, run_job(job, folder, args.contained))


if __name__ == "__main__":
    main()
