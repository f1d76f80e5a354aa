"""The zygote's splice relays (harness/sandbox/relay.py), on plain pipes outside any sandbox."""

from __future__ import annotations

import json
import os
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sandbox.relay import Relay, SpliceUnavailable


@pytest.fixture
def relay() -> Iterator[tuple[Relay, int, int]]:
    """A relay between a 'host' stream (its write end) and 'frames' (its read end)."""
    stdin_r, stdin_w = os.pipe()
    frames_r, frames_w = os.pipe()
    yield Relay(stdin_r, frames_w), stdin_w, frames_r
    for fd in (stdin_r, stdin_w, frames_r, frames_w):
        os.close(fd)


def _chunks(fd: int) -> bytes:
    """Read relayed chunks (frame, raw bytes) until the pipe is empty."""
    os.set_blocking(fd, False)
    data = b""
    try:
        while header := os.read(fd, 4):
            (size,) = struct.unpack(">I", header)
            count = json.loads(os.read(fd, size))["chunk"]
            data += os.read(fd, count)
    except BlockingIOError:
        pass
    return data


def test_delivers_the_announced_bytes_and_leaves_the_next(relay: tuple[Relay, int, int]) -> None:
    zygote, host, _ = relay
    inbox_r, inbox_w = os.pipe()
    os.write(host, b"job-bytes" + b"NEXT")
    assert zygote.deliver(9, inbox_w, time.monotonic() + 5) == 9
    assert os.read(inbox_r, 100) == b"job-bytes" and os.read(zygote.stdin, 100) == b"NEXT"


def test_what_nobody_reads_in_time_is_dropped(relay: tuple[Relay, int, int]) -> None:
    zygote, host, _ = relay
    inbox_r, inbox_w = os.pipe()
    payload = b"x" * 200_000  # more than the inbox holds
    writer = threading.Thread(target=os.write, args=(host, payload + b"NEXT"))
    writer.start()
    started = time.monotonic()
    moved = zygote.deliver(len(payload), inbox_w, started + 0.3)
    writer.join()
    os.close(inbox_r)
    assert 0 < moved < len(payload) and 0.3 <= time.monotonic() - started < 5
    assert os.read(zygote.stdin, 100) == b"NEXT"  # the rest went to /dev/null: the stream is in step


def test_what_a_reader_that_is_gone_cannot_take_is_dropped(relay: tuple[Relay, int, int]) -> None:
    zygote, host, _ = relay
    inbox_r, inbox_w = os.pipe()
    os.close(inbox_r)
    os.write(host, b"job-bytes" + b"NEXT")
    assert zygote.deliver(9, inbox_w, time.monotonic() + 5) == 0
    assert os.read(zygote.stdin, 100) == b"NEXT"


def test_forwards_a_channel_up_to_its_cap(relay: tuple[Relay, int, int]) -> None:
    zygote, _, frames = relay
    channel_r, channel_w = os.pipe()
    os.write(channel_w, b"y" * 50_000)
    os.close(channel_w)
    assert zygote.forward(channel_r, time.monotonic() + 5, 1_001) is False
    assert _chunks(frames) == b"y" * 1_001


def test_a_channel_that_never_ends_runs_out_the_deadline(relay: tuple[Relay, int, int]) -> None:
    zygote, _, frames = relay
    channel_r, channel_w = os.pipe()
    os.write(channel_w, b"partial")
    assert zygote.forward(channel_r, time.monotonic() + 0.2, 100) is True
    assert _chunks(frames) == b"partial"


def test_a_stream_that_is_no_pipe_is_refused_loudly(tmp_path: Path) -> None:
    frames_r, frames_w = os.pipe()
    with open(tmp_path / "file", "wb") as handle, pytest.raises(SpliceUnavailable, match="is not a pipe"):
        Relay(handle.fileno(), frames_w)
    os.close(frames_r)
    os.close(frames_w)


def test_a_channel_longer_than_the_held_pipe_arrives_whole(relay: tuple[Relay, int, int]) -> None:
    """Sent in several chunks, each when the held pipe is full (the reader drains them)."""
    zygote, _, frames = relay
    channel_r, channel_w = os.pipe()
    pages = [bytes([n]) * 4096 for n in range(40)]  # page-sized writes: a pipe buffer each

    def write_all() -> None:
        for page in pages:
            os.write(channel_w, page)
        os.close(channel_w)

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(_read_until_closed(frames)))
    writer = threading.Thread(target=write_all)
    reader.start()
    writer.start()
    assert zygote.forward(channel_r, time.monotonic() + 5, 1 << 20) is False
    writer.join()
    os.write(zygote.frames, struct.pack(">I", 2) + b"{}")  # the end, for the reader
    reader.join()
    os.close(channel_r)
    assert received == [b"".join(pages)]


def _read_until_closed(fd: int) -> bytes:
    data = b""
    while True:
        (size,) = struct.unpack(">I", _exactly(fd, 4))
        frame = json.loads(_exactly(fd, size))
        if "chunk" not in frame:
            return data
        data += _exactly(fd, frame["chunk"])


def _exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += os.read(fd, size - len(data))
    return data
