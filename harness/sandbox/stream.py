"""The host's end of a zygote's pipes: frames out, frames and relayed channel bytes in.

A frame is a 4-byte big-endian length and a JSON object. The host writes one frame the zygote
reads (the job's meta) and one it only relays to the job's process; it reads the zygote's own
frames and, between them, the job's channel in pieces: a frame ``{"chunk": n}`` followed by
exactly ``n`` raw bytes (see :mod:`harness.sandbox.relay`).

Waits use ``poll``, never ``select``: a grading process may hold more than 1,024 descriptors.

What the job writes reaches this stream by ``splice``, which keeps a pipe's packets: a job that
puts its channel in packet mode (``O_DIRECT``) and writes a byte at a time makes every ``read``
here return one byte. Each costs the host a wake-up, a system call and a frame's parsing, so a
reply that arrives in more than :data:`FREE_SMALL_READS` small reads is read at most once per
:data:`THROTTLE_S`: the job waits on its full pipe, on its own wall clock, instead of the host
spending its CPU. An honest reply comes in a handful of reads and never waits.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

MAX_FRAME = 64_000_000
READ_SIZE = 1 << 16
SMALL_READ = 4096  # bytes: a read shorter than this, while more is awaited, counts as small
FREE_SMALL_READS = 64  # per reply, before reads are spaced out
THROTTLE_S = 0.005


class SandboxUnavailable(Exception):
    """A fresh sandbox could not be started (the host's fault: no student code has run in it):
    the job is the grader's error, never a wrong answer."""


class WorkerError(Exception):
    """The zygote misbehaved (died, hung, spoke out of turn): the job is recorded as crashed."""


def wait_for(fd: int, events: int, deadline: float) -> bool:
    """Whether ``fd`` became ready for ``events`` (``select.POLLIN``/``POLLOUT``) before
    ``deadline``; an error or hang-up on it counts as ready (the next read or write says which)."""
    poller = select.poll()
    poller.register(fd, events)
    remaining = deadline - time.monotonic()
    return remaining > 0 and bool(poller.poll(remaining * 1000))


def frame(payload: dict[str, Any]) -> bytes:
    data = json.dumps(payload, separators=(",", ":")).encode()
    return struct.pack(">I", len(data)) + data


def write_within(fd: int, data: bytes, deadline: float) -> None:
    """Write all of ``data`` to the pipe ``fd`` (made non-blocking) before ``deadline``.

    Raises:
        WorkerError: the reader is gone, or did not take ``data`` in time (a zygote the job
            stopped with SIGSTOP never does).
    """
    os.set_blocking(fd, False)
    view = memoryview(data)
    while view:
        if deadline <= time.monotonic():
            raise WorkerError("the worker did not take the job in time")
        if not wait_for(fd, select.POLLOUT, deadline):
            continue
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue
        except BrokenPipeError:
            raise WorkerError("the worker is gone") from None


class FrameReader:
    """Buffered reads of one zygote's stream: many frames per system call when they wait."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = bytearray()
        self._small_reads = 0

    def reply(self, job_id: str, deadline: float, most: int) -> dict[str, Any]:
        """The zygote's reply to job ``job_id`` before ``deadline``: the job's channel, relayed
        in chunks (``most`` bytes at most: one more than the channel may hold), then the
        zygote's own frame, returned with the channel as ``"channel"`` (bytes).

        Raises:
            WorkerError: the zygote could not run the job (it says ``retire``), relayed more
                than the channel may hold, or answered for another job.
        """
        self._small_reads = 0
        channel = bytearray()
        while "chunk" in (reply := self.frame(deadline)):
            size = reply["chunk"]
            if type(size) is not int or not 0 < size <= most - len(channel):
                raise WorkerError("the worker relayed more than the channel may hold")
            channel += self._take(size, deadline)
        if reply.get("event") == "retire":  # the zygote could not run the job
            raise WorkerError(f"the process running the job was killed ({str(reply.get('why'))[:120]})")
        if reply.get("id") != job_id:
            raise WorkerError("the worker answered out of turn")
        reply["channel"] = bytes(channel)
        return reply

    def frame(self, deadline: float) -> dict[str, Any]:
        """The next frame, a JSON object, before ``deadline``.

        Raises:
            WorkerError: none came in time, the zygote died, or the frame is malformed.
        """
        (size,) = struct.unpack(">I", self._take(4, deadline))
        if size > MAX_FRAME:
            raise WorkerError("the worker sent an oversized frame")
        payload = json.loads(self._take(size, deadline))
        if not isinstance(payload, dict):
            raise WorkerError("the worker sent a malformed frame")
        return payload

    def _take(self, size: int, deadline: float) -> bytes:
        while len(self._buffer) < size:
            self._fill(deadline, size - len(self._buffer))
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken

    def _fill(self, deadline: float, wanted: int) -> None:
        if self._small_reads >= FREE_SMALL_READS:
            time.sleep(max(0.0, min(THROTTLE_S, deadline - time.monotonic())))
        if deadline <= time.monotonic():
            raise WorkerError("the worker did not answer in time")
        if not wait_for(self.fd, select.POLLIN, deadline):
            return
        chunk = os.read(self.fd, max(READ_SIZE, wanted))
        if not chunk:
            raise WorkerError("the worker died")
        if len(chunk) < min(wanted, SMALL_READ):
            self._small_reads += 1
        self._buffer += chunk
