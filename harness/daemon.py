"""A warm ``harness`` for one user and environment: imports once, forks a copy per command.

``harness daemon start`` runs :func:`serve` in the background. It imports what a grade or a
self-check imports (harness's modules and plugins, pydantic's validators, numpy, jinja2,
click), freezes those objects for the collector, and listens on a Unix socket in the user's
private runtime folder, named by :func:`harness.launcher.key` (the interpreter, harness's
files, the import path, the environment, the umask and the limits: a daemon only ever serves
a process that would have imported the same things). ``harness`` (:mod:`harness.launcher`)
connects, and for each command:

1. the daemon checks the peer (``SO_PEERCRED``: this user, in the daemon's mount and user
   namespaces, so never a sandboxed job; anyone else is dropped), waits at most half a
   second for the request's 4-byte length (a status request is answered there), forks a
   *keeper* and goes back to listening: it reads nothing more of a request, so a slow
   client cannot stall it;
2. the keeper reads the request (argv, working folder, environment, and the client's stdin,
   stdout and stderr as file descriptors) and forks the *command*, which waits;
3. the keeper sends the command's pid; the client installs its signal forwarding and says
   go; only then does the command run (a client that vanished before that never has its
   command run, so it may safely run it itself);
4. the command becomes a fresh process in all that matters: the client's streams on 0, 1, 2
   with new ``sys.std*`` objects (line buffering as for a new process), its folder, its
   environment, the interpreter's default signal handlers; it runs ``harness.cli.main``
   and exits as the interpreter would (threads joined, ``atexit`` run, streams flushed);
5. the keeper waits for it and sends its exit status; if the client goes away first (killed)
   the keeper kills the command's process group, as killing a one-shot ``harness`` would.

The daemon stops after ``--idle`` seconds without a command, when its socket is removed
(``harness daemon stop``) or replaced, or on SIGTERM/SIGINT; commands under way finish.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import os
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterator
from typing import Any

from harness import launcher

IDLE_SECONDS = 1800.0
POLL_SECONDS = 0.5
READ_SECONDS = 10.0  # a keeper waits this long for a client's request and for its go
KEY_CHECK_SECONDS = 5.0  # how often the daemon checks that its imports are still current
HEAD_SECONDS = 0.5  # the daemon waits this long for a request's first bytes
PR_SET_PDEATHSIG = 1

# What a one-shot grade, self-check or validation imports, so that a command imports (almost)
# nothing. Optional ones (numpy, for instructors' property checks; scipy.stats, which judges a
# statistical test's draws and takes most of a second to import) are skipped when absent.
PRELOAD = (
    "harness.cli",
    "harness.api",
    "harness.grading.lifecycle",
    "harness.grading.runner",
    "harness.kinds.code_engine.runner",
    "harness.kinds.code_engine.sequential",
    "harness.sandbox.verdict_cache",
    "harness.sandbox.head_start",
    "harness.sandbox.selection",
    "harness.store",
    "harness.store.cohort",
    "harness.store.sqlite",
    "harness.reports.output",
    "harness.reports.charts",
    "harness.reports.markdown",
    "harness.reports.release",
    "harness.submission_files",
    "harness.progress",
    "jinja2",
    "numpy",
    "scipy.stats",
)
PLUGIN_GROUPS = ("kinds", "reporters", "sandboxes")
_LIBC: Any = None  # the C library, for prctl (loaded at start-up: ctypes costs a command time)


class DaemonError(Exception):
    """The daemon cannot start (its folder is not private, one already serves this key)."""


# --- start-up ---------------------------------------------------------------------------------


def preload() -> None:
    """Import what commands use and build the pydantic validators they would build (a module
    that cannot be imported, an extra that is not installed, is left to the commands)."""
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    global _LIBC
    import ctypes

    _LIBC = ctypes.CDLL(None, use_errno=True)
    from harness.plugins import registry

    for group in PLUGIN_GROUPS:
        plugins = registry(group)
        for name in plugins.names():
            with contextlib.suppress(Exception):  # a broken plugin fails in the command, as before
                plugins.get(name)
    _build_validators()


def _build_validators() -> None:
    """Build every deferred pydantic validator of harness's models (``defer_build``: each would
    otherwise be built in every command that uses it)."""
    from pydantic import BaseModel

    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        for model in pending.pop().__subclasses__():
            pending.append(model)
            if model.__module__.startswith("harness.") and not model.__pydantic_complete__:
                with contextlib.suppress(Exception):  # a generic or forward-referencing model: as before
                    model.model_rebuild()


def _private_folder(folder: str) -> None:
    """Create the runtime folder if need be; refuse one that is not ours alone."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    if not launcher.private(folder):
        raise DaemonError(f"{folder}: not a private folder of this user (mode 700, ours, not a link); not serving")


def _listen(folder: str, import_path: list[str]) -> tuple[socket.socket, str]:
    _private_folder(folder)
    path = launcher.socket_path(folder, import_path)
    with contextlib.suppress(OSError), launcher.connect(path):
        raise DaemonError(f"{path}: a daemon already serves this environment")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # a daemon that died without removing it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    launcher.at_socket(path, listener.bind)
    listener.listen(64)
    return listener, path


# --- the loop ---------------------------------------------------------------------------------


class _Stop(Exception):
    pass


def serve(idle_seconds: float = IDLE_SECONDS, ready: Any = None) -> None:
    """Import, listen, and fork a keeper per command until idle, stopped or unlinked.

    ``ready`` (a writable file) gets one line with the socket's path once it listens."""
    started_with = launcher.current_import_path()  # a client's, before any import adds to it
    gc.disable()
    preload()
    listener, path = _listen(launcher.runtime_dir(), started_with)
    identity = os.stat(path).st_ino
    pid_file = path[: -len(".sock")] + ".pid"
    served = 0

    def stop(signum: int, frame: object) -> None:
        raise _Stop

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    gc.collect()
    gc.freeze()  # a command's collections never walk the daemon's objects, nor copy their pages
    gc.enable()
    try:
        with open(pid_file, "w", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        if ready is not None:
            ready.write(path + "\n")
            ready.close()  # not inherited by the commands
        last = checked = time.monotonic()
        while True:
            _reap()
            if not _still_ours(path, identity):
                return
            if time.monotonic() - checked > KEY_CHECK_SECONDS:  # harness or a library changed: stale
                if launcher.socket_path(import_path=started_with) != path:
                    return
                checked = time.monotonic()
            readable, _, _ = select.select([listener], [], [], POLL_SECONDS)
            if not readable:
                if time.monotonic() - last > idle_seconds:
                    return
                continue
            connection, _ = listener.accept()
            last = time.monotonic()
            with connection:
                if not _trusted(connection):
                    continue
                served += _dispatch(connection, listener, served)
    except _Stop:
        pass
    finally:
        listener.close()
        if _still_ours(path, identity):
            os.unlink(path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(pid_file)


def _still_ours(path: str, identity: int) -> bool:
    try:
        return os.stat(path).st_ino == identity
    except OSError:
        return False


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _trusted(connection: socket.socket) -> bool:
    """The peer is this user, in this daemon's mount and user namespaces.

    Anyone else may not hand us a command: another user, or a process of ours inside a
    sandbox (bubblewrap gives every job namespaces of its own; its paths, and what it may
    run, are not ours). The runtime folder is private and never mounted in a sandbox; this
    holds even if it were. A peer whose namespaces cannot be read is refused."""
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _ = struct.unpack("3i", creds)
    if uid != os.getuid() or pid <= 0:
        return False
    try:
        return all(os.readlink(f"/proc/{pid}/ns/{ns}") == os.readlink(f"/proc/self/ns/{ns}") for ns in ("mnt", "user"))
    except OSError:
        return False


def _dispatch(connection: socket.socket, listener: socket.socket, served: int) -> int:
    """Answer a status request here; fork a keeper for a command. Returns 1 per command.

    A client sends its request's length as soon as it connects; one that has not within
    ``HEAD_SECONDS`` is dropped (the daemon reads nothing more of a request itself)."""
    readable, _, _ = select.select([connection], [], [], HEAD_SECONDS)
    peek = connection.recv(4, socket.MSG_PEEK | socket.MSG_DONTWAIT) if readable else b""
    if len(peek) < 4:
        return 0
    if int.from_bytes(peek, "big") == 0:  # an empty request: status
        connection.recv(4)
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps({"pid": os.getpid(), "served": served}).encode() + b"\n")
        return 0
    pid = os.fork()
    if pid == 0:
        try:
            listener.close()
            _keep(connection)
        finally:
            os._exit(0)
    return 1


# --- the keeper and the command -------------------------------------------------------------


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    head, ancillary, _, _ = connection.recvmsg(4, socket.CMSG_SPACE(3 * struct.calcsize("i")))
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds += list(struct.unpack(f"{len(data) // 4}i", data[: len(data) - len(data) % 4]))
    size = int.from_bytes(head, "big") if len(head) == 4 else -1
    if not 0 < size <= launcher.MAX_REQUEST or len(fds) != 3:
        raise ValueError("not a request")
    body = b""
    while len(body) < size:
        chunk = connection.recv(size - len(body))
        if not chunk:
            raise ValueError("a truncated request")
        body += chunk
    return json.loads(body.decode("utf-8", "surrogateescape")), fds


def _keep(connection: socket.socket) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client forwards a Ctrl-C to the command only
    connection.settimeout(READ_SECONDS)
    try:
        request, fds = _receive(connection)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            connection.sendall(b'{"refused": "not a request"}\n')
        return
    go_read, go_write = os.pipe()
    keeper = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(go_write)
        connection.close()
        released = os.read(go_read, 1)
        os.close(go_read)
        if not released:
            os._exit(1)
        _command(request, fds, keeper)
    os.close(go_read)
    for fd in fds:
        os.close(fd)
    try:
        connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        if connection.recv(1) != b"k":
            raise ConnectionError
    except OSError:
        os.close(go_write)  # the command exits without running
        os.waitpid(pid, 0)
        return
    os.write(go_write, b"g")
    os.close(go_write)
    status = _wait_or_kill(pid, connection)
    if status is not None:
        reply = {"exit": os.waitstatus_to_exitcode(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps(reply).encode() + b"\n")


def _wait_or_kill(pid: int, connection: socket.socket) -> int | None:
    """The command's wait status; None when the client went away first (the command's
    process group is then killed, and reaped)."""
    watched = select.poll()
    process = os.pidfd_open(pid)
    watched.register(process, select.POLLIN)
    watched.register(connection, select.POLLIN | select.POLLHUP)
    try:
        while True:
            events = dict(watched.poll())
            if process in events:
                return os.waitpid(pid, 0)[1]
            if connection.fileno() in events:
                with contextlib.suppress(OSError):
                    if connection.recv(1, socket.MSG_DONTWAIT):
                        continue  # the client never sends more: ignore it
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
    finally:
        os.close(process)


def _command(request: dict[str, Any], fds: list[int], keeper: int) -> None:
    """Become the client's command, run it, and exit as a fresh interpreter would."""
    code = 1
    try:
        _die_with(keeper)
        os.setpgid(0, 0)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _fresh_streams()
        sys.argv = list(request["argv"])
        from harness.cli import main
    except BaseException as exc:  # the daemon's fault, not the command's: say so and exit 3
        with contextlib.suppress(OSError):
            message = f"error: the harness daemon could not start the command ({type(exc).__name__}: {exc})\n"
            os.write(2, message.encode())
        code = 3
    else:
        code = _run(main)
    finally:
        with contextlib.suppress(BaseException):
            _finish()
        os._exit(code)


def _run(main: Any) -> int:
    try:
        main()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _finish()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:
        import traceback

        traceback.print_exc()
        return 1
    return 0


def _finish() -> None:
    """What the interpreter does at exit before tearing modules down."""
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _fresh_streams() -> None:
    """``sys.stdin``/``stdout``/``stderr`` on the client's streams, buffered as a new
    interpreter buffers them (stdout by lines only on a terminal, stderr always by lines)."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        old = getattr(sys, name)
        interactive = os.isatty(fd)
        stream = io.TextIOWrapper(
            open(fd, mode + "b", closefd=False),  # noqa: SIM115 - the process's stream from now on
            encoding=getattr(old, "encoding", None),
            errors=getattr(old, "errors", None),
            line_buffering=interactive or name == "stderr",
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _die_with(keeper: int) -> None:
    """Die with the keeper: its client's command must not outlive them both."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != keeper:  # it died before the request took effect
        os._exit(1)


# --- control (harness daemon start / stop / status) ------------------------------------------


def status(path: str | None = None) -> dict[str, Any] | None:
    """The daemon serving this environment (``pid``, ``served``), or None."""
    path = path or launcher.socket_path()
    try:
        client = launcher.connect(path)
    except OSError:
        return None
    with client:
        client.sendall((0).to_bytes(4, "big"))
        for reply in launcher.read_replies(client):
            return dict(reply)
    return None


def start(idle_seconds: float = IDLE_SECONDS, wait_seconds: float = 60.0) -> str:
    """Start a daemon for this environment in the background; its socket's path once it
    listens. It runs this interpreter with ``-P`` (no script or working folder on the path)."""
    import subprocess

    folder = launcher.runtime_dir()
    _private_folder(folder)
    log = os.path.join(folder, "daemon.log")
    read, write = os.pipe()
    with open(log, "ab") as errors:
        subprocess.Popen(
            [sys.executable, "-P", "-m", "harness.daemon", "--idle", str(idle_seconds), "--ready-fd", str(write)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            pass_fds=(write,),
            start_new_session=True,
        )
    os.close(write)
    with os.fdopen(read, "r", encoding="utf-8") as ready:
        readable, _, _ = select.select([ready], [], [], wait_seconds)
        line = ready.readline().strip() if readable else ""
    if not line:
        raise DaemonError(f"the daemon did not start (see {log})")
    return line


def stop(all_daemons: bool = False, wait_seconds: float = 10.0) -> list[int]:
    """Stop this environment's daemon (every daemon of this user with ``all_daemons``) by
    removing its socket; returns the pids that were asked to stop."""
    folder = launcher.runtime_dir()
    if not launcher.private(folder):
        return []
    paths = (
        [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.endswith(".sock")]
        if all_daemons
        else [launcher.socket_path(folder)]
    )
    pids = []
    for path in paths:
        pid = _pid_of(path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        if pid is not None:
            pids.append(pid)
    deadline = time.monotonic() + wait_seconds
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


def _pid_of(path: str) -> int | None:
    try:
        with open(path[: -len(".sock")] + ".pid", encoding="utf-8") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    return True


@contextlib.contextmanager
def _ready_file(fd: int | None) -> Iterator[Any]:
    if fd is None:
        yield None
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        yield handle


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m harness.daemon", description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="stop after this many idle seconds")
    parser.add_argument("--ready-fd", type=int, help="write the socket's path here once listening")
    args = parser.parse_args(argv)
    with _ready_file(args.ready_fd) as ready:
        try:
            serve(args.idle, ready)
        except DaemonError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None


if __name__ == "__main__":
    main()
