# ruff: noqa
"""At import, put an empty pipe where the stub will read its second phase's calls from, and
keep the real one open unread: the worker's relay of those calls can never finish."""

import fcntl
import os


def _inbox():
    for fd in range(3, 256):
        try:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        if flags & os.O_ACCMODE == os.O_RDONLY and os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            return fd
    raise RuntimeError("no inbox")


INBOX = _inbox()
KEPT = os.dup(INBOX)  # the real inbox stays open, so the worker sees no broken pipe
_empty, FOREVER = os.pipe()
os.dup2(_empty, INBOX)


def f(x):
    return x
