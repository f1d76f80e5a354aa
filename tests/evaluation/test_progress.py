"""Progress: one quiet line per stage off a terminal, a live line with rate and ETA on one."""

from __future__ import annotations

import io

import pytest

from harness import progress as progress_module
from harness.progress import Progress


def test_off_a_terminal_a_stage_is_one_line() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress.start("generate", 100)
    for _ in range(100):
        progress.advance()
    progress.finish("100 outputs")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("generate: 100 outputs (") and "\r" not in stream.getvalue()


def test_on_a_terminal_the_line_shows_rate_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(float(t) for t in range(1000))
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = Progress(stream, live=stream)
    progress.start("generate", 10)  # t = 0 (start and last redraw)
    progress.advance(4)  # t = 1: 4 done in 1 s, 6 left
    assert stream.getvalue() == "\rgenerate: 4/10  4.0/s  ETA 2 s\x1b[K"
    progress.finish("done")  # t = 2
    assert stream.getvalue().endswith("\r\x1b[Kgenerate: done (2.0 s)\n")
