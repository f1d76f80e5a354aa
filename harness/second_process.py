"""Doing part of a cohort's CPU-bound work in a second process, with the same results.

Reading a thousand quiz answers files and grading them is pure Python, one core's work under
the GIL. :func:`across_two` forks this process once: this process works through the list
from the front, the copy from the back, each claiming its next item in a few bytes of memory
both see, until they meet; so on a busy machine, where the copy gets little CPU, it takes
little work, and this process is never left waiting on a fixed share. The copy hands its
results back pickled, in one piece (pickling keeps the objects its results share, shared).
A fork copies everything the work needs (the plan, the submissions, the grades cached so
far), so nothing but results travels, and the work is the same function in both: results
are equal to doing it all here, in order. Two claims of one item at the same instant may
both do it (the copy's result is then dropped) or both leave it (it is then done here).

Only where it is safe and pays: on Linux (fork with the interpreter's state intact), with two
CPUs to run on, no other thread (whose locks the copy would inherit), for at least
:data:`FORK_FROM` items, and only for work that holds no open resource (a run whose kinds
opened no scope: no sandbox pools). The copy never touches what this process holds open (the
result store): it ends with ``os._exit``. When the copy fails or dies, this process does its
part itself; a stop (Ctrl-C, SIGTERM) ends the copy too.
"""

from __future__ import annotations

import mmap
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

OFF_SWITCH = "HARNESS_SECOND_PROCESS"  # "0": everything in this process
FORK_FROM = 200  # fewer items: a fork (some 10 ms) and pickling cost more than the copy saves


def two_cpus() -> bool:
    """Whether this process may fork onto a second CPU: Linux, two CPUs allowed."""
    return sys.platform == "linux" and hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2


def second_core() -> bool:
    """Whether a second process can run beside this one now: :func:`two_cpus`, no other
    thread here (a copy would inherit the locks it holds), and not turned off with
    ``HARNESS_SECOND_PROCESS=0`` (a machine whose other CPU is busy with other work gains
    nothing from a copy, which costs some CPU of its own: pickling, pages copied on write)."""
    return os.environ.get(OFF_SWITCH) != "0" and two_cpus() and threading.active_count() == 1


def across_two(items: Sequence[T], work: Callable[[T], R], fork: bool = True) -> Iterator[R]:
    """``work(item)`` for each of ``items``, in order: those this process claims as each is
    done, then the copy's, when ``fork`` and :func:`second_core` allow and there are
    :data:`FORK_FROM` items or more (see the module's docstring)."""
    if not fork or len(items) < FORK_FROM or not second_core():
        yield from map(work, items)
        return
    ends = _Ends(len(items))
    copy = _Copy.start(lambda: _from_the_back(items, work, ends))
    try:
        own = 0
        while own < len(items) and ends.claim_front(own):
            yield work(items[own])
            own += 1
        done = copy.results() or []
        start = len(items) - len(done)  # the copy's results are those of items[start:]
        yield from map(work, items[own:start])  # left by both, or the copy failed
        yield from done[max(0, own - start) :]
    finally:
        copy.stop()


def text_across_two(items: Sequence[T], render: Callable[[T], str], part: Path) -> Iterator[str]:
    """``render(item)`` for each of ``items``, in order, shared as :func:`across_two` shares
    them, for text too large to send back whole (a cohort's JSON): the copy writes its texts
    into the file ``part`` (UTF-8), read back here in chunks and then removed. ``render`` may
    write files of its own; the copy then writes those of its items."""
    if len(items) < FORK_FROM or not second_core():
        yield from map(render, items)
        return
    ends = _Ends(len(items))
    copy = _Copy.start(lambda: _texts_from_the_back(items, render, ends, part))
    try:
        own = 0
        while own < len(items) and ends.claim_front(own):
            yield render(items[own])
            own += 1
        lengths = copy.results() or []  # characters of each text the copy wrote, in order
        start = len(items) - len(lengths)
        yield from map(render, items[own:start])
        if lengths:
            yield from _read_back(part, lengths[: max(0, own - start)], sum(lengths))
    finally:
        copy.stop()
        part.unlink(missing_ok=True)


def _from_the_back(items: Sequence[T], work: Callable[[T], R], ends: _Ends) -> list[R]:
    done: list[R] = []
    for index in range(len(items) - 1, -1, -1):
        if not ends.claim_back(index):
            break
        done.append(work(items[index]))
    done.reverse()
    return done


def _texts_from_the_back(items: Sequence[T], render: Callable[[T], str], ends: _Ends, part: Path) -> list[int]:
    texts = _from_the_back(items, render, ends)
    with part.open("w", encoding="utf-8", newline="") as out:
        for text in texts:
            out.write(text)
    return [len(text) for text in texts]


def _read_back(part: Path, skipped: list[int], total: int) -> Iterator[str]:
    """The copy's texts from ``part``, but the first ones (``skipped``: their lengths), which
    this process did too."""
    with part.open(encoding="utf-8", newline="") as written:
        left = total
        if skipped:
            written.read(sum(skipped))
            left -= sum(skipped)
        while left > 0 and (chunk := written.read(min(left, 1 << 20))):
            left -= len(chunk)
            yield chunk


class _Ends:
    """The claims of both processes: the front's next item and the back's last one, in a
    shared page. A claim is written, then the other's read (see the module's docstring)."""

    def __init__(self, count: int) -> None:
        self._page = mmap.mmap(-1, 16)  # anonymous and shared: the copy sees the same bytes
        self._ends = memoryview(self._page).cast("q")
        self._ends[0], self._ends[1] = 0, count

    def claim_front(self, index: int) -> bool:
        self._ends[0] = index + 1
        return bool(self._ends[1] > index)

    def claim_back(self, index: int) -> bool:
        self._ends[1] = index
        return bool(self._ends[0] <= index)


class _Copy(Generic[R]):
    """The forked copy doing ``job``, and the bytes it sends back (read by a thread here, so
    that the copy never waits on a full pipe)."""

    def __init__(self, pid: int, stream: int) -> None:
        self.pid = pid
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, job: Callable[[], R]) -> _Copy[R]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: do the job, send its result, and leave without running any cleanup
            status = 1
            try:
                os.close(read_end)
                payload = pickle.dumps(job(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
                status = 0
            finally:  # whatever happened (a failure, a signal): its part is then done here
                os._exit(status)
        os.close(write_end)
        return cls(pid, read_end)

    def _read(self, stream: int) -> None:
        with os.fdopen(stream, "rb") as source:
            while chunk := source.read(1 << 20):
                self._chunks.append(chunk)

    def results(self) -> R | None:
        """What the job returned in the copy; None when it failed (or sent something unreadable)."""
        self._reader.join()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        payload, self._chunks = b"".join(self._chunks), []
        if status != 0:
            return None
        try:
            found: R = pickle.loads(payload)
        except (pickle.UnpicklingError, EOFError, ValueError):
            return None
        return found

    def stop(self) -> None:
        """End the copy if it still runs (this process stopped before reading it back)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
