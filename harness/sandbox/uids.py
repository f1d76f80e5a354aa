"""Sandbox uids: one per live sandbox on this machine, never handed out while it holds state.

The kernel keeps some state per uid after every process of it is gone (keyrings, above all),
and a warm worker lives while thousands of other sandboxes start and end. So a uid is
*leased*: an exclusive ``flock`` on ``/run/harness-sandbox/uids/<uid>.lock`` (held while the
sandbox lives, released by the kernel if the grading process dies), taken in the order of a
machine-wide counter, so that a uid comes round again only after :data:`UID_COUNT` other
sandboxes; and a uid that still has keys (``/proc/key-users``) is skipped for good.

Only a root host drops sandboxes to these uids; elsewhere bubblewrap maps the code to
``nobody`` in a user namespace of its own, and a lease is only a number.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
from pathlib import Path
from types import TracebackType

UID_FIRST = 1_000_000  # far above the uids of real accounts
UID_COUNT = 1_000_000
LEASES = Path("/run/harness-sandbox/uids")
KEY_USERS = Path("/proc/key-users")
_unprivileged = itertools.count()


class UidLease:
    """A uid held for one sandbox; :meth:`release` (or leaving the ``with`` block) frees it."""

    def __init__(self, uid: int, fd: int | None, path: Path | None) -> None:
        self.uid = uid
        self._fd = fd
        self._path = path

    def release(self) -> None:
        if self._fd is None:
            return
        assert self._path is not None
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()  # while still locked: a waiting locker notices and retries
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> UidLease:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def lease_uid() -> UidLease:
    """A uid for a new sandbox that no live sandbox on this machine holds and that has no keys.

    Raises:
        RuntimeError: all :data:`UID_COUNT` uids are held or hold keys.
    """
    if os.geteuid() != 0:
        return UidLease(UID_FIRST + next(_unprivileged) % UID_COUNT, None, None)
    LEASES.mkdir(parents=True, exist_ok=True, mode=0o700)
    start = _next_counter()
    for step in range(UID_COUNT):
        lease = try_lease(UID_FIRST + (start + step) % UID_COUNT)
        if lease is not None:
            return lease
    raise RuntimeError(f"no free sandbox uid: all {UID_COUNT} are held or still hold keys")


def try_lease(uid: int) -> UidLease | None:
    """``uid`` if no live sandbox holds it and the kernel keeps no keys for it; else None."""
    if uid in uids_with_keys():
        return None
    LEASES.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = LEASES / f"{uid}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino != os.stat(path).st_ino:  # released (unlinked) while we waited
            raise BlockingIOError
    except (BlockingIOError, FileNotFoundError):
        os.close(fd)
        return None
    return UidLease(uid, fd, path)


def uids_with_keys() -> set[int]:
    """Every uid the kernel keeps keys for (``/proc/key-users`` lists all uids, to anyone)."""
    try:
        lines = KEY_USERS.read_text(encoding="ascii").splitlines()
    except OSError:
        return set()
    return {int(line.split(":", 1)[0]) for line in lines if ":" in line}


def keys_of(uid: int) -> int:
    """How many keys the kernel keeps for ``uid`` (0 when it has no entry)."""
    try:
        lines = KEY_USERS.read_text(encoding="ascii").splitlines()
    except OSError:
        return 0
    for line in lines:
        owner, _, rest = line.partition(":")
        if owner.strip() == str(uid):
            return int(rest.split()[1].split("/")[0])  # "usage nkeys/nikeys ..."
    return 0


def _next_counter() -> int:
    """The machine-wide counter, read and advanced under its own lock."""
    fd = os.open(LEASES / "next", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        value = int(text) if text.isdigit() else int.from_bytes(os.urandom(3)) % UID_COUNT
        _store(fd, value + 1)
        return value
    finally:
        os.close(fd)


def _store(fd: int, value: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(value % UID_COUNT).encode(), 0)
