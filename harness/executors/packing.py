"""A student's folder as bytes, so that a worker on another machine grades the same files.

Workers are sent the folder's contents, never its path: a zip cohort is unpacked into a
temporary folder on the client that no worker can see, and machines of a cluster rarely
share a file system. What is packed is what a kind would find locally: regular files, folders
and links *as links* (never followed, so a link to ``/etc/passwd`` reaches the worker as a
link, which the kinds refuse exactly as they do here). Anything else (a FIFO, a device) is
left out. A folder over :data:`MAX_STUDENT_BYTES` is refused before anything is graded.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path

from harness.errors import HarnessError

MAX_STUDENT_BYTES = 128 * 1024 * 1024  # a course's notebooks and outputs are far below this
_ENCODING = {"format": tarfile.GNU_FORMAT, "encoding": "utf-8", "errors": "surrogateescape"}  # any byte name


class FolderTooLarge(HarnessError):
    """A student's folder holds more than can be sent to a worker."""


def folder_bytes(folder: Path) -> int:
    """The size of the regular files under ``folder`` (links not followed)."""
    sizes = (entry.lstat() for entry in _entries(folder))
    return sum(found.st_size for found in sizes if stat.S_ISREG(found.st_mode))


def check_size(folder: Path, cap: int = MAX_STUDENT_BYTES) -> None:
    """Raises FolderTooLarge when ``folder`` cannot be sent to a worker."""
    size = folder_bytes(folder)
    if size > cap:
        raise FolderTooLarge(
            f"the folder holds {size / 2**20:.1f} MiB, over the {cap / 2**20:.0f} MiB sent to a worker; "
            "remove its large files or grade with --executor local",
            str(folder),
        )


def pack_folder(folder: Path, cap: int = MAX_STUDENT_BYTES) -> bytes:
    """``folder``'s files, folders and links as an uncompressed tar (names relative to it).

    Raises:
        FolderTooLarge: its files add up to more than ``cap`` bytes.
    """
    check_size(folder, cap)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", **_ENCODING) as tar:  # type: ignore[call-overload]
        for entry in _entries(folder):
            tar.add(entry, arcname=entry.relative_to(folder).as_posix(), recursive=False)
    return buffer.getvalue()


def unpack_folder(blob: bytes, folder: Path) -> Path:
    """Recreate a packed folder at ``folder`` (created; must not exist) and return it.

    Members are checked as :func:`tarfile.tar_filter` does (nothing outside ``folder``, no
    set-uid bits) and only files, folders and links are created, whoever made ``blob``.
    """
    folder.mkdir(mode=0o755)
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r", **_ENCODING) as tar:  # type: ignore[call-overload]
        tar.extractall(folder, filter=_plain_members)
    return folder


def _entries(folder: Path) -> Iterator[Path]:
    """Every file, folder and link under ``folder``, parents first, sorted; links not followed."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        base = Path(root)
        for name in sorted(dirs + files):
            path = base / name
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
                yield path


def _plain_members(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    if not (member.isfile() or member.isdir() or member.issym()):
        return None
    return tarfile.tar_filter(member, dest)
