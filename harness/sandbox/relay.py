"""Job bytes through the zygote without entering its memory: ``splice(2)`` between pipes.

The zygote (:mod:`zygote`) is the parent of every job's process, and every later job is
forked from it, so each holds a copy of its memory. It therefore never reads a job's bytes
(the student's files, the request with its hidden inputs, the student's results): it moves
them from pipe to pipe with ``splice``, which hands the kernel's pipe buffers over without
copying anything into the calling process. All it learns is how many bytes moved: the
counts ``splice`` returns, and the size the host announces in a job's meta frame.

There is no fallback to a copy through userspace: where ``splice`` between these pipes is
refused, :class:`SpliceUnavailable` says so and the zygote refuses to start.

Like the stub, this file imports nothing from ``harness``. On the host's stream a relayed
piece of a channel is a frame ``{"chunk": n}`` (4-byte big-endian length, JSON) followed by
exactly ``n`` raw bytes.
"""

from __future__ import annotations

import errno
import json
import os
import select
import stat
import struct
import time

CHUNK = 1 << 16  # a pipe's default capacity: what one splice moves at most


class SpliceUnavailable(OSError):
    """The kernel refused ``splice`` between the zygote's pipes (no fallback copies)."""


def _splice(src: int, dst: int, count: int, flags: int = 0) -> int:
    try:
        return os.splice(src, dst, count, flags=flags)
    except OSError as exc:
        if exc.errno in (errno.ENOSYS, errno.EINVAL):
            raise SpliceUnavailable(
                exc.errno,
                f"splice() from fd {src} to fd {dst} refused ({errno.errorcode[exc.errno]}): the warm worker "
                "moves job bytes only through the kernel, never through its own memory, and needs Linux "
                "splice between pipes and into /dev/null",
            ) from None
        raise


class Relay:
    """The zygote's relays between the host's pipes (``stdin``, ``frames``) and a job's.

    Holds a pipe of its own (a relayed chunk is counted there before its header is written)
    and /dev/null (where bytes nobody may read go, to keep the host's stream in step).

    Raises:
        SpliceUnavailable: ``stdin`` or ``frames`` is not a pipe, or splice between pipes
            and into /dev/null does not work here.
    """

    def __init__(self, stdin: int, frames: int) -> None:
        for fd in (stdin, frames):
            if not stat.S_ISFIFO(os.fstat(fd).st_mode):
                raise SpliceUnavailable(errno.EINVAL, f"fd {fd} is not a pipe: the warm worker relays with splice")
        self.stdin, self.frames = stdin, frames
        self.held_r, self.held_w = os.pipe()
        self.devnull = os.open(os.devnull, os.O_WRONLY)
        self._probe()

    def _probe(self) -> None:
        """One byte through each kind of splice the relays use, before any job."""
        src_r, src_w = os.pipe()
        try:
            os.write(src_w, b"..")
            _splice(src_r, self.held_w, 1)
            _splice(self.held_r, self.devnull, 1)
            _splice(src_r, self.devnull, 1)
        finally:
            os.close(src_r)
            os.close(src_w)

    def deliver(self, size: int, dst: int | None, deadline: float) -> int:
        """Move the next ``size`` bytes of the host's stream into the pipe ``dst`` before
        ``deadline``. What its reader does not take in time (or at all: it is gone, or ``dst``
        is None) goes to /dev/null, so the stream stays in step. Returns the bytes delivered.

        Raises:
            EOFError: the host's stream ended first.
        """
        moved = 0
        while dst is not None and moved < size and self._both_ready(dst, deadline):
            try:
                count = _splice(self.stdin, dst, min(size - moved, CHUNK), os.SPLICE_F_NONBLOCK)
            except BlockingIOError:
                continue
            except BrokenPipeError:
                break  # the reader is gone: the rest is nobody's
            if count == 0:
                raise EOFError("the host's stream ended inside a job")
            moved += count
        self.discard(size - moved)
        return moved

    def _both_ready(self, dst: int, deadline: float) -> bool:
        """Wait until ``dst`` has room and the host's stream has bytes; False at ``deadline``.
        Only this process writes ``dst`` and reads the stream, so both stay ready."""
        for readable, writable in (([], [dst]), ([self.stdin], [])):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not any(select.select(readable, writable, [], remaining)[:2]):
                return False
        return True

    def discard(self, size: int) -> None:
        """Move the next ``size`` bytes of the host's stream to /dev/null."""
        while size > 0:
            count = _splice(self.stdin, self.devnull, min(size, CHUNK))
            if count == 0:
                raise EOFError("the host's stream ended inside a job")
            size -= count

    def forward(self, src: int, deadline: float, cap: int) -> bool:
        """Relay the pipe ``src`` (a job's channel) to the host until it reaches end of file
        or ``deadline``; after ``cap`` bytes the rest goes to /dev/null (the host is sent one
        byte more than the channel may hold, so it can tell it overflowed). Bytes gather in
        the held pipe and go to the host as one chunk when it is full or ``src`` ends (one
        header, one wake-up of the host, for a job's events). Returns whether ``deadline``
        came first."""
        sent = held = 0
        while (remaining := deadline - time.monotonic()) > 0:
            if not select.select([src], [], [], remaining)[0]:
                continue
            try:
                if sent + held < cap:
                    count = _splice(src, self.held_w, min(cap - sent - held, CHUNK), os.SPLICE_F_NONBLOCK)
                    held += count
                else:
                    count = _splice(src, self.devnull, CHUNK, os.SPLICE_F_NONBLOCK)
            except BlockingIOError:  # ``src`` has bytes (select said so): the held pipe is full
                self._send_held(held)
                sent, held = sent + held, 0
                continue
            if count == 0:
                self._send_held(held)
                return False
        self._send_held(held)
        return True

    def _send_held(self, count: int) -> None:
        """The ``count`` bytes in the held pipe to the host, after their chunk header."""
        if count == 0:
            return
        header = json.dumps({"chunk": count}, separators=(",", ":")).encode()
        os.write(self.frames, struct.pack(">I", len(header)) + header)  # a pipe: one small write is whole
        while count > 0:
            count -= _splice(self.held_r, self.frames, count)
