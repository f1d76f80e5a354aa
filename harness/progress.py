"""Progress of a long command: a live line on a terminal, one line per stage otherwise.

The same style as ``harness eval``'s progress: each stage ends with one line
``stage: summary (N.N s)`` on stdout, so a CI log holds a few lines, not a redraw per student.
When stderr is a terminal, a live line (done/total, rate, ETA, failures so far) is redrawn
there with ``\\r`` at most ten times a second and erased when the stage ends; stderr otherwise
holds only a failed command's one error line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_S = 0.1


class Progress:
    """Stage lines on ``lines`` (stdout by default); the live line on ``live`` (stderr when it is
    a terminal, else none); ``quiet`` prints nothing."""

    def __init__(self, lines: TextIO | None = None, live: TextIO | None = None, quiet: bool = False) -> None:
        self.lines = lines or sys.stdout
        self.live = live
        self.quiet = quiet
        self._stage = ""
        self._total = 0
        self._done = 0
        self._failed = 0
        self._start = 0.0
        self._drawn = 0.0

    @classmethod
    def for_terminal(cls, quiet: bool = False) -> Progress:
        """Stage lines on stdout, and the live line on stderr if it is a terminal."""
        return cls(sys.stdout, sys.stderr if sys.stderr.isatty() else None, quiet)

    def start(self, stage: str, total: int = 0) -> None:
        self._stage, self._total, self._done, self._failed = stage, total, 0, 0
        self._start = self._drawn = time.monotonic()

    def advance(self, count: int = 1, failed: int = 0) -> None:
        """``count`` more done, ``failed`` of them failed (a grader error)."""
        self._done += count
        self._failed += failed
        now = time.monotonic()
        if self.live is not None and not self.quiet and now - self._drawn >= REDRAW_S:
            self._drawn = now
            self.live.write("\r" + self.live_line(now) + "\x1b[K")
            self.live.flush()

    def finish(self, summary: str) -> None:
        """End the stage with one line: ``stage: summary (N.N s)``."""
        if self.quiet:
            return
        if self.live is not None:
            self.live.write("\r\x1b[K")
            self.live.flush()
        elapsed = time.monotonic() - self._start
        self.lines.write(f"{self._stage}: {summary} ({elapsed:.1f} s)\n")
        self.lines.flush()

    def live_line(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-9)
        rate = self._done / elapsed
        left = (self._total - self._done) / rate if rate > 0 else float("inf")
        eta = f"{left:.0f} s" if left != float("inf") else "?"
        failed = f"  {self._failed} failed" if self._failed else ""
        return f"{self._stage}: {self._done}/{self._total}  {rate:.1f}/s  ETA {eta}{failed}"
