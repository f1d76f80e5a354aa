"""Files the harness keeps in its cache between runs, read back only when no one else could
have written them.

A cache may sit where other users can write (``HARNESS_CACHE=/tmp/...``, a shared home). What
it keeps decides grades: the sandbox doctor's verdict, the reference's reports (the expected
values), the statistical tests' plans (their pass levels). A kept file is therefore read only
when this euid owns it and its folder and neither is writable by anyone else; anything else
is ignored and made again, as if it were missing.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def _ours(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted(path: Path) -> bool:
    """Owned by this euid and writable by nobody else (the file and its folder)."""
    for item in (path.parent, path):
        try:
            info = os.lstat(item)
        except OSError:
            return False
        if not _ours(info) or (item == path and not stat.S_ISREG(info.st_mode)):
            return False
    return True


def read_trusted(path: Path) -> str | None:
    """The text of the kept file at ``path`` (UTF-8); None when it is missing, unreadable, or
    not :func:`trusted` (checked on the file opened, not on its name: a link is refused)."""
    try:
        folder = os.lstat(path.parent)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO: no wait
    except OSError:
        return None
    with open(fd, encoding="utf-8") as handle:
        info = os.fstat(fd)
        if not (_ours(folder) and stat.S_ISDIR(folder.st_mode) and _ours(info) and stat.S_ISREG(info.st_mode)):
            return None
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return handle.read()
    return None
