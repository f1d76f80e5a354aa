"""The ``process`` backend: a child process with rlimits only.

For a student checking their own code on their own machine, where bubblewrap may be missing.
It does not isolate the file system, the network or other processes, so grading other
people's code with it needs an explicit ``--unsafe-sandbox``, and every report names it.
"""

from __future__ import annotations

import os
import resource
import sys

from harness.sandbox.base import CHANNEL_FD_ENV, RunRequest, Sandbox, Wrapped

KEPT_ENV = ("PATH", "LANG", "SYSTEMROOT")


class ProcessSandbox(Sandbox):
    name = "process"
    isolating = False
    description = "a child process with rlimits only: for checking your own code"

    def unavailable_reason(self) -> str | None:
        return None

    def _wrap(self, request: RunRequest, channel_fd: int, uid: int) -> Wrapped:
        env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
        env.update({CHANNEL_FD_ENV: str(channel_fd), "OMP_NUM_THREADS": "1", "HOME": str(request.workdir)})
        env.update({"TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"})
        mounted = {inside: str(host) for inside, host in request.mounts}
        argv = [sys.executable if a == "python" else mounted.get(a, a) for a in request.argv]
        return Wrapped(argv, env)

    def _preexec(self, request: RunRequest) -> None:
        limits = request.limits
        mb = 1024 * 1024
        for which, value in (
            (resource.RLIMIT_CPU, limits.cpu_seconds),
            (resource.RLIMIT_AS, limits.memory_mb * mb),
            (resource.RLIMIT_FSIZE, limits.file_size_mb * mb),
            (resource.RLIMIT_NOFILE, limits.open_files),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(which, (value, value))
