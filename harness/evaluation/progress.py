"""Progress: a live line with rate and ETA on a terminal, one quiet line per stage otherwise.

CI logs keep every byte written to them, so off a terminal a stage prints a single line when
it ends; on a terminal the line is redrawn at most ten times a second. Progress goes to stdout,
like the results: a failed command's stderr is its one error line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_S = 0.1


class Progress:
    """Reports stages on ``stream`` (stdout by default: stderr holds only the one error line of a
    failed command); ``quiet`` prints nothing at all."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.quiet = quiet
        self._stage = ""
        self._total = 0
        self._done = 0
        self._start = 0.0
        self._drawn = 0.0

    def start(self, stage: str, total: int) -> None:
        self._stage, self._total, self._done = stage, total, 0
        self._start = self._drawn = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self._done += count
        now = time.monotonic()
        if self.tty and not self.quiet and now - self._drawn >= REDRAW_S:
            self._drawn = now
            self.stream.write("\r" + self.live_line(now) + "\x1b[K")
            self.stream.flush()

    def finish(self, summary: str) -> None:
        """End the stage with one line: ``stage: summary (N.N s)``."""
        if self.quiet:
            return
        elapsed = time.monotonic() - self._start
        prefix = "\r\x1b[K" if self.tty else ""
        self.stream.write(f"{prefix}{self._stage}: {summary} ({elapsed:.1f} s)\n")
        self.stream.flush()

    def live_line(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-9)
        rate = self._done / elapsed
        left = (self._total - self._done) / rate if rate > 0 else float("inf")
        eta = f"{left:.0f} s" if left != float("inf") else "?"
        return f"{self._stage}: {self._done}/{self._total}  {rate:.1f}/s  ETA {eta}"
