"""Opening a file a student handed in, without trusting anything about it.

A submission folder is hostile input: a file may be a link to ``/etc/passwd`` or to a
classmate's work, a path may climb out with ``..``, a file may be a gigabyte of zeros or a
binary dressed as ``.py``. Every kind reads students' files through these functions, so the
rules are the same everywhere: no links anywhere on the path, never outside the submission
folder, a size cap checked before reading, and a clear one-line error. How the bytes become
text is the reader's: a program as Python reads it (:mod:`~harness.submission_files.source`).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from harness.errors import AnswerError


class SubmissionFileError(AnswerError):
    """A submitted file that cannot be read safely. The answer is recorded as invalid."""


def path_in_submission(folder: Path, relative: str) -> Path:
    """``folder / relative``, refused if it would leave ``folder`` or pass through a link.

    Raises:
        SubmissionFileError: an absolute path, a ``..``, or a link on the way (the message
            names the part that is a link).
    """
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or ".." in parts:
        raise SubmissionFileError(f"{relative}: the path must stay inside your submission folder")
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise SubmissionFileError(
                f"{relative}: {part} is a link (links are not followed); submit the files themselves"
            )
    return current


def read_submitted_bytes(path: Path, limit: int, display: str | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    ``display`` names the file in messages (default: its name; never the host path).

    Raises:
        SubmissionFileError: a link, not a regular file, larger than ``limit``, unreadable.
    """
    shown = display or path.name
    if path.is_symlink() or not path.is_file():
        raise SubmissionFileError(f"{shown} is not a regular file (links are not followed)")
    try:
        size = path.stat().st_size
        if size > limit:
            raise SubmissionFileError(f"{shown} is {size} bytes; the limit is {limit}")
        return path.read_bytes()
    except OSError as exc:
        raise SubmissionFileError(f"{shown}: cannot read: {exc.strerror or exc}") from None
