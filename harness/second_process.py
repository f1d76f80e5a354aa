"""Doing half of a cohort's CPU-bound work in a second process, with the same results.

Reading a thousand quiz answers files and grading them is pure Python, one core's work under
the GIL. :func:`across_two` forks this process once: the copy does the tail of the list and
hands its results back pickled, in one piece (pickling keeps the objects that its results
share, shared), while this process does the head. A fork copies everything the work needs
(the plan, the submissions, the grades cached so far), so nothing but results travels, and
the work is the same function in both: results are equal to doing it all here, in order.

Only where it is safe and pays: on Linux (fork with the interpreter's state intact), with two
CPUs to run on, for at least :data:`FORK_FROM` items, and only for work that holds no open
resource (a run whose kinds opened no scope: no sandbox pools or threads to copy). The copy
never touches what this process holds open (the result store): it ends with ``os._exit``.
When the copy fails or dies, this process does its share itself; a stop (Ctrl-C, SIGTERM)
stops the copy too.
"""

from __future__ import annotations

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

FORK_FROM = 200  # fewer items: a fork (some 10 ms) and pickling cost more than half the work
HEAD_SHARE = 0.45  # this process also stores what it yields: the copy takes the larger part


def two_cpus() -> bool:
    """Whether this process may fork onto a second CPU: Linux, two CPUs allowed."""
    return sys.platform == "linux" and hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2


def second_core() -> bool:
    """Whether a second process can run beside this one now: :func:`two_cpus`, and no other
    thread here (a copy would inherit the locks it holds)."""
    return two_cpus() and threading.active_count() == 1


def across_two(items: Sequence[T], work: Callable[[T], R], fork: bool = True) -> Iterator[R]:
    """``work(item)`` for each of ``items``, in order: the head here, as each is done, the
    tail in a forked copy of this process when ``fork`` and :func:`second_core` allow and
    there are :data:`FORK_FROM` items or more (see the module's docstring)."""
    if not fork or len(items) < FORK_FROM or not second_core():
        yield from map(work, items)
        return
    cut = int(len(items) * HEAD_SHARE)
    copy = _Copy.start(items[cut:], work)
    try:
        yield from map(work, items[:cut])
        done = copy.results()
        yield from done
        yield from map(work, items[cut + len(done) :])  # the copy failed: its share is done here
    finally:
        copy.stop()


def text_across_two(items: Sequence[T], render: Callable[[T], str], part: Path) -> Iterator[str]:
    """``render(item)`` for each of ``items``, in order, as :func:`across_two` does it, for
    text too large to send back whole (a cohort's JSON): the copy writes the tail's text into
    the file ``part`` (UTF-8), which is then read back in chunks and removed; ``render`` may
    write files of its own, which the copy then writes."""
    if len(items) < FORK_FROM or not second_core():
        yield from map(render, items)
        return
    cut = int(len(items) * HEAD_SHARE)
    tail = items[cut:]

    def write_tail(_: None) -> bool:
        with part.open("w", encoding="utf-8", newline="") as out:
            for item in tail:
                out.write(render(item))
        return True

    copy = _Copy.start([None], write_tail)
    try:
        yield from map(render, items[:cut])
        if copy.results() == [True]:
            with part.open(encoding="utf-8", newline="") as written:
                while chunk := written.read(1 << 20):
                    yield chunk
        else:  # the copy failed: its share is done here
            yield from map(render, tail)
    finally:
        copy.stop()
        part.unlink(missing_ok=True)


class _Copy(Generic[R]):
    """The forked copy doing the tail, and the bytes it sends back (read by a thread here, so
    that the copy never waits on a full pipe)."""

    def __init__(self, pid: int, stream: int) -> None:
        self.pid = pid
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, tail: Sequence[T], work: Callable[[T], R]) -> _Copy[R]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: do the tail, send it, and leave without running any cleanup
            status = 1
            try:
                os.close(read_end)
                payload = pickle.dumps([work(item) for item in tail], protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
                status = 0
            finally:  # whatever happened (a failure, a signal): this process's share is done here
                os._exit(status)
        os.close(write_end)
        return cls(pid, read_end)

    def _read(self, stream: int) -> None:
        with os.fdopen(stream, "rb") as source:
            while chunk := source.read(1 << 20):
                self._chunks.append(chunk)

    def results(self) -> list[R]:
        """What the copy sent back; empty when it failed (or sent something unreadable)."""
        self._reader.join()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0:
            return []
        try:
            found = pickle.loads(b"".join(self._chunks))
        except (pickle.UnpicklingError, EOFError, ValueError):
            return []
        self._chunks = []
        return list(found)

    def stop(self) -> None:
        """End the copy if it still runs (this process stopped before reading it back)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
