"""Files the harness keeps between runs, read back only when no one else could have written
them.

A cache or an output folder may sit where other users can write (``HARNESS_CACHE=/tmp/...``,
``--out`` in a shared folder). What they keep decides grades: the sandbox doctor's verdict,
the reference's reports (the expected values), the statistical tests' plans (their pass
levels), the course's models (mounted for the reference and the students alike), the result
store (a rerun's reused grades). A kept file is read only when this euid owns it, no one else
may write it, and its folder lets no one else swap it; a small file that is not is ignored
and made again, as if it were missing; a model folder or a result store is refused with a
message.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def _ours(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted(path: Path) -> bool:
    """A plain file of this euid's alone (:func:`why_not_ours`), in a folder where no one else
    may swap it (:func:`why_not_safe_parent`)."""
    return why_not_ours(path) is None and why_not_safe_parent(path.parent) is None


def read_trusted(path: Path) -> str | None:
    """The text of the kept file at ``path`` (UTF-8); None when it is missing, unreadable, or
    not :func:`trusted` (checked on the file opened, not on its name: a link is refused)."""
    if why_not_safe_parent(path.parent) is not None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO: no wait
    except OSError:
        return None
    with open(fd, encoding="utf-8") as handle:
        info = os.fstat(fd)
        if not (_ours(info) and stat.S_ISREG(info.st_mode)):
            return None
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return handle.read()
    return None


def why_not_ours(path: Path, folder: bool = False) -> str | None:
    """Why ``path`` (a file, or a folder with ``folder``) is not this euid's alone, or None
    when it is: it must exist, not be a link, be owned by this euid and be writable by no
    one else."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    kind = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
    if not kind:
        return f"{path}: not a {'folder' if folder else 'plain file'}"
    if info.st_uid != os.geteuid():
        return f"{path}: owned by uid {info.st_uid}, not this user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = "others" if info.st_mode & stat.S_IWOTH else "its group"
        return f"{path}: writable by {who} (mode {info.st_mode & 0o7777:o})"
    return None


def why_not_ours_tree(root: Path) -> str | None:
    """:func:`why_not_ours` for the folder ``root`` and everything under it (no links)."""
    found = why_not_ours(root, folder=True)
    if found is not None:
        return found
    for parent, folders, files in os.walk(root):
        for name in folders:
            found = why_not_ours(Path(parent, name), folder=True)
            if found is not None:
                return found
        for name in files:
            found = why_not_ours(Path(parent, name))
            if found is not None:
                return found
    return None


def why_not_safe_parent(path: Path) -> str | None:
    """Why others are not kept from renaming what ``path`` (a folder) holds, or None: it must
    be owned by this euid or root, and not writable by all unless sticky (``/tmp``: no one
    may rename another's entries there). Its group may write: with user-private groups
    (a umask of 002) every folder a user makes is so, and the group is the user alone."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    if info.st_uid not in (os.geteuid(), 0):
        return f"{path}: owned by uid {info.st_uid}, not this user"
    if info.st_mode & stat.S_IWOTH and not info.st_mode & stat.S_ISVTX:
        return f"{path}: writable by others (mode {info.st_mode & 0o7777:o})"
    return None


def why_not_ours_database(path: Path) -> str | None:
    """:func:`why_not_ours` for an SQLite database and the journal files SQLite would replay
    into it (those that exist), or None when all are this euid's alone."""
    for kept in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if os.path.lexists(kept):
            why = why_not_ours(kept)
            if why is not None:
                return why
    return None


def make_folder(path: Path) -> None:
    """Create ``path`` (and its parents, as usual) unless it exists; the folder itself mode 755
    whatever the umask, so never writable by its group (:func:`why_not_ours`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o755)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty, mode 0644 whatever the umask (no error if it exists): SQLite
    gives a database's journal files the database's mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644))
