"""``niced``: the ``process`` backend at a lower CPU priority, so grading leaves a laptop usable.

Like ``process``, it does not isolate (``isolating = False``): harness refuses it for other
people's code unless ``--unsafe-sandbox`` is given. A real isolating backend fills in
``_wrap`` with its own command line (namespaces, mounts, seccomp), as ``bwrap`` does.
"""

from __future__ import annotations

import shutil

from harness.sandbox.base import RunRequest, Wrapped
from harness.sandbox.process import ProcessSandbox


class NicedSandbox(ProcessSandbox):
    name = "niced"
    isolating = False
    description = "a child process with rlimits, at nice 10: for checking your own code"

    def unavailable_reason(self) -> str | None:
        return None if shutil.which("nice") else "the `nice` command is not on PATH"

    def _wrap(self, request: RunRequest, channel_fd: int, uid: int) -> Wrapped:
        wrapped = super()._wrap(request, channel_fd, uid)
        nice = shutil.which("nice") or "nice"
        return Wrapped([nice, "-n", "10", *wrapped.argv], wrapped.env, wrapped.fds)
