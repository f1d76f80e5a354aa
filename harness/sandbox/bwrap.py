"""The default backend: Debian's bubblewrap, plus a drop to an unprivileged uid.

Inside: new PID, network, IPC, UTS and cgroup namespaces (no network at all), a read-only
view of /usr and of the Python installation only (no /etc, no /home, no project files), the
student's folder read-only at :data:`CODE_DIR`, a private size-capped tmpfs at /tmp, a new
session (no terminal to inject into), a cleared environment, die-with-parent, and the
seccomp filter of :mod:`harness.sandbox.seccomp` (installed by bubblewrap just before it runs
the command, so everything below runs under it). Then ``prlimit`` sets hard rlimits and
``setpriv`` drops to a uid leased for this sandbox alone, with no capabilities and no groups:
as root, bubblewrap alone would leave the code running as kernel uid 0, which ignores
RLIMIT_NPROC and can read every bound file.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from harness.sandbox import seccomp
from harness.sandbox.base import CHANNEL_FD_ENV, RunRequest, Sandbox, Wrapped

CODE_DIR = "/sandbox/code"
TOOLS = ("bwrap", "prlimit", "setpriv")


def python_paths() -> list[Path]:
    """What the sandboxed Python needs to read: its installation and the virtualenv."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return sorted(paths)


class BwrapSandbox(Sandbox):
    name = "bwrap"
    isolating = True
    description = "bubblewrap namespaces + unprivileged uid + rlimits (default)"

    def code_dir(self, request: RunRequest) -> str:
        return CODE_DIR

    def unavailable_reason(self) -> str | None:
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            return f"missing {', '.join(missing)}: install them with `apt-get install bubblewrap util-linux`"
        try:
            seccomp.native_arch()
        except seccomp.UnsupportedArchitecture as exc:
            return str(exc)
        return None

    def _wrap(self, request: RunRequest, channel_fd: int, uid: int) -> Wrapped:
        limits = request.limits
        argv = [shutil.which("bwrap") or "bwrap"]
        argv += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        as_root = os.geteuid() == 0
        if not as_root:  # an unprivileged host needs a user namespace for the rest
            argv += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
        argv += ["--die-with-parent", "--new-session", "--clearenv"]
        filter_fd = seccomp.filter_fd()
        argv += ["--seccomp", str(filter_fd)]
        argv += _system_mounts()
        # /tmp first, so that paths bound below (a model cache under /tmp) stay visible on top
        argv += ["--perms", "1777", "--size", str(limits.tmp_mb * 1024 * 1024), "--tmpfs", "/tmp"]
        for path in [*python_paths(), *request.readonly_paths]:
            argv += _readonly(path, path)
        argv += _readonly(request.workdir, Path(CODE_DIR))
        for inside, host in request.mounts:
            argv += _readonly(host, Path(inside))
        argv += ["--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8"]
        argv += ["--setenv", CHANNEL_FD_ENV, str(channel_fd), "--setenv", "OMP_NUM_THREADS", "1"]
        argv += ["--setenv", "TOKENIZERS_PARALLELISM", "false", "--setenv", "HF_HUB_OFFLINE", "1"]
        argv += ["--chdir", "/tmp", "--"]
        command = [sys.executable if a == "python" else a for a in request.argv]
        argv += _prlimit(request) + (_drop_privileges(uid) if as_root else []) + command
        return Wrapped(argv, {}, (filter_fd,))


def _system_mounts() -> list[str]:
    argv = ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            argv += ["--symlink", os.readlink(target), f"/{link}"]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), f"/{link}"]
    return argv


def _readonly(source: Path, target: Path) -> list[str]:
    """Bind ``source`` read-only at ``target``, creating world-readable parent folders
    (bubblewrap's own are 0700, which an unprivileged uid cannot cross)."""
    argv: list[str] = []
    for parent in reversed(target.parents[:-1]):
        argv += ["--perms", "0755", "--dir", str(parent)]
    return [*argv, "--ro-bind", str(source), str(target)]


def _prlimit(request: RunRequest) -> list[str]:
    limits = request.limits
    mb = 1024 * 1024
    return [
        shutil.which("prlimit") or "prlimit",
        f"--cpu={limits.cpu_seconds}",
        f"--as={limits.memory_mb * mb}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_size_mb * mb}",
        f"--nofile={limits.open_files}",
        "--core=0",
        "--msgqueue=0",  # no POSIX message queues: they would outlive a job
        "--",
    ]


def _drop_privileges(uid: int) -> list[str]:
    return [
        shutil.which("setpriv") or "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]
