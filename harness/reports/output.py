"""Writing an output folder so that an interruption never leaves half of it.

Reports are rendered into a staging folder beside ``out`` (the same file system, so renames
are atomic), and only a complete staging folder replaces ``out``: an interrupted run leaves
the previous output exactly as it was, and a finished one leaves exactly the new output,
with no file of an earlier run (a page of a student who has since left the cohort). The
swap is two renames with SIGINT and SIGTERM held back between them; any failure before or
during it removes the staging folder. A run killed outright (SIGKILL, a power cut) cannot:
its staging folder stays, and the next run over the same ``out`` removes it (each run holds
a lock on its own staging folder, which the kernel drops when the process dies); killed
between the swap's two renames, it leaves no ``out`` and the previous one aside, which the
next run puts back before it opens the result store in it.

A folder is replaced only if harness wrote it (it holds :data:`MARKER`, or only names that
the built-in reporters write) or it is empty, so ``--out ~/Documents`` is refused rather
than emptied.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import hashlib
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from harness import __version__
from harness.errors import HarnessError
from harness.second_process import across_two

MARKER = ".harness-output"  # a folder holding it was written, complete, by harness
LEGACY_NAMES = frozenset({"results.json", "results", "index.html", "students", "gradebook.csv"})
DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SHOWN_NAMES = 3  # foreign names quoted in the refusal
KEPT_NAMES = frozenset({".harness-store"})  # the output's state (harness.store): carried into every new output


def check_replaceable(out: Path) -> None:
    """Make sure ``out`` may be (re)written as a whole; nothing is written.

    Raises:
        HarnessError: ``out`` is not a folder, or holds files that harness did not write.
    """
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise HarnessError(f"{out}: exists and is not a folder; give a folder for the reports")
    try:
        names = set(os.listdir(out))
    except OSError as exc:
        raise HarnessError(f"{out}: cannot read the output folder ({exc.strerror})") from None
    foreign = sorted(names - LEGACY_NAMES - KEPT_NAMES - {MARKER})
    if foreign and MARKER not in names:
        shown = ", ".join(foreign[:SHOWN_NAMES]) + (", ..." if len(foreign) > SHOWN_NAMES else "")
        raise HarnessError(
            f"{out}: the folder holds files harness did not write ({shown}); "
            "choose a new or empty folder, it is replaced as a whole"
        )


@contextmanager
def staged_output(out: Path, reports: list[str], carry_over: bool = False) -> Iterator[Path]:
    """A fresh staging folder beside ``out``; when the block ends normally it replaces ``out``.

    ``reports`` names the formats written (recorded in the marker). With ``carry_over``, the
    entries of the old ``out`` that the new output does not have are kept (re-rendering some
    reports from a results.json inside ``out`` keeps the others, which came from it too). The
    output's state (:data:`KEPT_NAMES`: the result store, which a run writes into ``out`` as it
    grades) is always carried over, hard-linked, so no moment of the swap is without it.

    Raises:
        HarnessError: ``out`` may not be replaced (see :func:`check_replaceable`), or the
            staging folder cannot be created (a read-only parent); both before the block runs.
    """
    target = Path(os.path.realpath(out))  # a link to a folder: write where it points
    restore_interrupted_swap(target)
    check_replaceable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging, held = _new_staging(target)
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide the reports from everyone else
    except OSError as exc:  # the reports are staged beside ``out``, so its folder must be writable
        raise HarnessError(
            f"{out}: cannot create the output folder or a staging folder beside it ({exc.strerror})"
        ) from None
    try:
        remove_abandoned_staging(target)
        yield staging
        try:
            _commit(staging, target, reports, carry_over)
        except OSError as exc:
            raise HarnessError(f"{out}: cannot put the reports in place ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # already gone when the swap happened
        os.close(held)


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.new-"


def _new_staging(target: Path) -> tuple[Path, int]:
    """A new staging folder beside ``target``, and the descriptor that holds its lock: while
    held, no other run takes the folder for a killed run's leftover.

    Raises:
        OSError: it cannot be made, or another run took it each time (between its creation and
            the lock, it looks abandoned to a run cleaning up).
    """
    for _ in range(3):
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target), dir=target.parent))
        try:
            return staging, _hold(staging)
        except BlockingIOError:  # another run is removing it as abandoned: make another
            continue
    raise OSError(errno.EAGAIN, "another run kept taking the staging folder")


def _aside_prefix(target: Path) -> str:
    return f".{target.name}.old-"


def restore_interrupted_swap(target: Path) -> None:
    """Undo what a run killed during the swap (:func:`_replace`) left: killed between its two
    renames, there is no ``target`` and the previous output (with the result store) lies
    aside: it is put back, so the next run resumes from its grades; killed while removing the
    previous output after the swap, what is left of it is removed. An aside that a live run
    holds (see :func:`_hold`) is left alone; one that cannot be moved or removed is left too.
    """
    for aside in sorted(target.parent.glob(f"{glob.escape(_aside_prefix(target))}*")):
        try:
            info = aside.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            fd = _hold(aside)
        except OSError:  # gone meanwhile, or a live run's swap
            continue
        try:
            if not os.path.lexists(target) and (aside / MARKER).is_file():
                aside.rename(target)
            else:
                shutil.rmtree(aside, ignore_errors=True)
        except OSError:
            continue
        finally:
            os.close(fd)


def _hold(folder: Path, wait: bool = False) -> int:
    """An open descriptor of ``folder`` with an exclusive lock on it, kept for as long as the
    run uses the folder (the kernel drops the lock when the process dies, even by SIGKILL);
    ``wait`` for another holder to let go, else fail at once (BlockingIOError)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        raise
    return fd


def remove_abandoned_staging(target: Path) -> list[Path]:
    """Remove the staging folders beside ``target`` that a killed run left (``kill -9``, a
    power cut): this user's, not links, and unlocked (no live run holds them: see
    :func:`_new_staging`). Return what was removed; what cannot be is left.
    """
    removed = []
    for entry in target.parent.glob(f"{glob.escape(_staging_prefix(target))}*"):
        try:
            info = entry.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            fd = _hold(entry)
        except OSError:  # gone meanwhile, or held by a live run
            continue
        try:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        finally:
            os.close(fd)
    return removed


def _commit(staging: Path, target: Path, reports: list[str], carry_over: bool) -> None:
    if target.is_dir():
        _carry_over(target, staging, None if carry_over else KEPT_NAMES)
    marker = {"harness": __version__, "reports": sorted(reports)}
    (staging / MARKER).write_text(json.dumps(marker, sort_keys=True) + "\n", encoding="utf-8")
    _replace(staging, target)


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place.

    Raises:
        HarnessError: the file cannot be written (a missing or read-only folder).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise HarnessError(f"{path}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        raise HarnessError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def check_writable_file(path: Path) -> None:
    """Fail now, not after a long computation, when ``path`` cannot be written later.

    Raises:
        HarnessError: ``path`` is a folder, or its folder cannot be created or written.
    """
    if path.is_dir():
        raise HarnessError(f"{path}: is a folder; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HarnessError(f"{path}: cannot create its folder ({exc.strerror})") from None
    if not os.access(path.parent, os.W_OK):
        raise HarnessError(f"{path}: its folder is not writable")


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def carry_previous(out: Path, staging: Path) -> None:
    """Put the reports of the current ``out`` into ``staging`` as they are (hard-linked): for a
    run whose results are those ``out`` was rendered from (see :func:`output_manifest`)."""
    target = Path(os.path.realpath(out))
    if target.is_dir():  # the output's state is carried when the swap is made, not now: the store is open
        _carry_over(target, staging, leave=KEPT_NAMES)


Known = Mapping[str, Sequence[Any]]  # relative path -> [SHA-256, size, mtime_ns, inode], as recorded


def output_manifest(folder: Path, known: Known | None = None) -> dict[str, str]:
    """Every report file under ``folder`` (relative path -> SHA-256 of its bytes), without
    the marker and the output's state (:data:`KEPT_NAMES`); ``{}`` when it is not a folder.
    Two equal manifests: the same reports. ``known`` (see :func:`manifest_record`) gives the
    hash of a file whose size, modification time (ns) and inode are those recorded with it:
    such a file is not read again, as git and rsync trust an unchanged stat."""
    return {name: entry[0] for name, entry in manifest_record(folder, known).items()}


def manifest_record(folder: Path, known: Known | None = None) -> dict[str, list[Any]]:
    """:func:`output_manifest` with each file's stat: ``[SHA-256, size, mtime_ns, inode]``."""
    listed: dict[str, Path] = {}
    if not folder.is_dir() or folder.is_symlink():
        return {}
    for root, folders, files in os.walk(folder):
        relative = Path(root).relative_to(folder)
        if relative == Path():
            folders[:] = [name for name in folders if name not in KEPT_NAMES]
            files = [name for name in files if name != MARKER]
        links = [name for name in folders if os.path.islink(os.path.join(root, name))]
        for name in [*files, *links]:
            listed[(relative / name).as_posix()] = Path(root, name)
    record: dict[str, list[Any]] = {name: ["", *_stat(path)] for name, path in listed.items()}
    for name, entry in record.items():
        seen = (known or {}).get(name)
        if seen is not None and len(seen) == 4 and list(seen[1:]) == entry[1:] and entry[1] >= 0:
            entry[0] = str(seen[0])
    fresh = [name for name, entry in record.items() if not entry[0]]
    # a cohort's reports are a thousand files and some 100 MB to read back: half of them are
    # hashed in a second process when a core is free (the same hashes either way)
    for name, digest in zip(fresh, across_two([listed[name] for name in fresh], _file_hash), strict=True):
        record[name][0] = digest
    return record


def _stat(path: Path) -> tuple[int, int, int]:
    """(size, mtime_ns, inode) of ``path`` itself; (-1, -1, -1) when it cannot be read."""
    try:
        info = path.lstat()
    except OSError:
        return (-1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _file_hash(path: Path) -> str:
    try:
        data = b"link" if path.is_symlink() else path.read_bytes()  # harness writes no links
    except OSError:
        data = b"unreadable"
    return hashlib.sha256(data).hexdigest()


def _carry_over(old: Path, new: Path, only: frozenset[str] | None = None, leave: frozenset[str] = frozenset()) -> None:
    """Hard-link (or copy) into ``new`` the entries of ``old`` (those named in ``only``, when
    given; none named in ``leave``) that ``new`` does not have."""
    for entry in sorted(old.iterdir()):
        target = new / entry.name
        if (
            entry.name == MARKER
            or entry.name in leave
            or target.exists()
            or entry.is_symlink()
            or (only is not None and entry.name not in only)
        ):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(target))


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:  # a file system without hard links
        shutil.copy2(source, destination)


def _replace(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is: two renames, with signals held back in between."""
    aside: Path | None = None
    held: int | None = None
    try:
        with _signals_deferred():
            if not out.exists():
                staging.rename(out)
                return
            held = _hold(out, wait=True)  # it moves with the folder: no other run takes it for abandoned
            aside = Path(tempfile.mkdtemp(prefix=_aside_prefix(out), dir=out.parent))
            out.rename(aside)  # onto an empty folder: allowed by rename(2)
            try:
                staging.rename(out)
            except OSError:
                aside.rename(out)
                raise
    finally:  # also when a held-back signal is delivered at the end of the block
        if aside is not None:
            with _signals_deferred():  # a signal landing mid-removal would leave part of it behind
                shutil.rmtree(aside, ignore_errors=True)
        if held is not None:
            os.close(held)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, remember) for sig in DEFERRED_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)
