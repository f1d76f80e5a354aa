"""The ``harness`` command's entry point: hand the command to a warm daemon when one serves
this environment, else run it here.

A one-shot command spends most of a lone student's grade importing (harness, pydantic,
numpy, click, jinja2: some 0.4 s on this project's machines, against 0.1 s for a bare
Python that imports numpy and runs the tests). ``harness daemon start`` keeps those imports
in a process that forks a fresh copy of itself for each command (:mod:`harness.daemon`); this
module, which imports nothing but ``os`` and ``sys`` unless a daemon's socket exists, finds
it and hands it the command: argv, working folder, environment and the three standard
streams (passed as file descriptors, so a terminal stays a terminal). Signals sent to this
process (Ctrl-C, ``kill``) are forwarded to the command, and its exit status becomes ours.

A daemon serves a command only when nothing it fixed at start-up could differ from a fresh
process's: the key of its socket hashes the interpreter, harness's files (name, size,
modification time), the import path and each folder's modification time (installing or
removing a package changes it), every environment variable but those a shell sets per
folder or level, the umask and the resource limits. Anything else finds no socket and runs
here, as before; so does every command when ``HARNESS_DAEMON=off``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

RUNTIME_ENV = "XDG_RUNTIME_DIR"
SWITCH_ENV = "HARNESS_DAEMON"  # "off": never hand a command to a daemon
PER_SHELL = frozenset({"PWD", "OLDPWD", "_", "SHLVL"})  # set by a shell per folder or level, read at run time
MAX_REQUEST = 1 << 20
PACKAGE = os.path.dirname(os.path.abspath(__file__))


def runtime_dir() -> str:
    """Where this user's daemons keep their sockets: ``$XDG_RUNTIME_DIR/genai-harness``, else
    ``/tmp/genai-harness-UID``."""
    base = os.environ.get(RUNTIME_ENV) or "/tmp"
    return os.path.join(base, "genai-harness" if base != "/tmp" else f"genai-harness-{os.getuid()}")


def private(folder: str) -> bool:
    """The folder is ours alone: a real folder (not a link) owned by us, with no access for
    the group or others. Anyone else could otherwise plant a socket that answers for us."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return info.st_uid == os.getuid() and (info.st_mode & 0o170077) == 0o040000


def current_import_path() -> list[str]:
    """``sys.path`` without the entry the interpreter put first for the way it was started
    (the script's folder, or the working folder for ``-c``): the daemon runs with ``-P``."""
    script_dir = os.path.dirname(sys.executable)
    return [entry for entry in sys.path if entry and entry != script_dir]


def _limits() -> list[tuple[int, int]]:
    import resource

    names = sorted(name for name in dir(resource) if name.startswith("RLIMIT_"))
    return [resource.getrlimit(getattr(resource, name)) for name in names]


def key(import_path: list[str] | None = None) -> str:
    """What a daemon must share with a fresh process to run its commands: see the module.
    ``import_path``: the import path as the process started (default: as it is now)."""
    import hashlib

    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogateescape"))

    add(sys.executable, sys.version, PACKAGE, os.getuid(), os.getgid())
    for root, folders, files in os.walk(PACKAGE):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            info = os.stat(os.path.join(root, name))
            add(os.path.relpath(os.path.join(root, name), PACKAGE), info.st_size, info.st_mtime_ns)
    for entry in current_import_path() if import_path is None else import_path:
        try:
            add(entry, os.stat(entry).st_mtime_ns)
        except OSError:
            add(entry, None)
    unread = PER_SHELL | {SWITCH_ENV}
    add(sorted((name, value) for name, value in os.environ.items() if name not in unread))
    mask = os.umask(0o022)
    os.umask(mask)
    add(mask, _limits())
    return digest.hexdigest()[:32]


def socket_path(folder: str | None = None, import_path: list[str] | None = None) -> str:
    return os.path.join(folder or runtime_dir(), f"{key(import_path)}.sock")


def _served_here() -> str | None:
    """The socket of a daemon that may serve this process, or None (no daemon at all: one
    ``listdir``, before anything is hashed)."""
    if os.environ.get(SWITCH_ENV) == "off":
        return None
    folder = runtime_dir()
    try:
        if not any(name.endswith(".sock") for name in os.listdir(folder)):
            return None
    except OSError:
        return None
    if not private(folder):
        return None
    path = socket_path(folder)
    return path if os.path.exists(path) else None


def at_socket(path: str, act: Any) -> None:
    """``act(address)`` for the socket at ``path``. A Unix socket's address holds at most 107
    bytes; a longer path is reached through a descriptor of its folder."""
    if len(os.fsencode(path)) < 100:
        act(path)
        return
    folder = os.open(os.path.dirname(path), os.O_PATH | os.O_DIRECTORY)
    try:
        act(f"/proc/self/fd/{folder}/{os.path.basename(path)}")
    finally:
        os.close(folder)


def connect(path: str) -> Any:
    import socket

    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        at_socket(path, client.connect)
    except OSError:
        client.close()
        raise
    return client


def send_request(client: Any, request: dict[str, Any], fds: list[int]) -> None:
    """A request is a 4-byte length and JSON; the first chunk carries ``fds`` (SCM_RIGHTS)."""
    import array
    import json
    import socket

    body = json.dumps(request).encode("utf-8", "surrogateescape")
    head = len(body).to_bytes(4, "big")
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    sent = client.sendmsg([head], ancillary)
    client.sendall(head[sent:] + body)


def read_replies(client: Any) -> Any:
    """The daemon's replies, one JSON object per line, until it closes."""
    import json

    for line in client.makefile("rb"):
        yield json.loads(line)


def _forward_signals(pid: int) -> None:
    import contextlib
    import signal

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):  # it has just ended
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)


def run_via_daemon(path: str) -> int | None:
    """The command's exit status as run by the daemon at ``path``; None when it did not run
    it (no daemon answered, or it stopped before starting the command: the daemon's command
    waits for word that its pid reached us, so None means it never ran)."""
    try:
        client = connect(path)
    except OSError:
        return None
    with client:
        try:
            request = {"op": "run", "argv": sys.argv, "cwd": os.getcwd(), "env": dict(os.environ)}
            send_request(client, request, [0, 1, 2])
        except OSError:  # a closed standard stream, a folder that is gone, or the daemon went away
            return None
        pid = None
        try:
            for reply in read_replies(client):
                if "pid" in reply:
                    pid = int(reply["pid"])
                    _forward_signals(pid)
                    client.sendall(b"k")  # the command may start
                elif "exit" in reply:
                    return int(reply["exit"])
                elif "signal" in reply:
                    return -int(reply["signal"])
                elif "refused" in reply:
                    return None
        except (OSError, ValueError):  # dropped (reset), or not the daemon's words
            pass
        if pid is None:
            return None
        sys.stderr.write("error: the harness daemon stopped before the command ended\n")
        return 3


def main() -> None:
    path = _served_here()
    if path is not None:
        status = run_via_daemon(path)
        if status is not None:
            sys.stdout.flush()
            if status < 0:  # killed by a signal: die the same way
                import signal

                signal.signal(-status, signal.SIG_DFL)
                os.kill(os.getpid(), -status)
            os._exit(status)
    from harness.cli import main as run_here

    run_here()
