"""Sandbox start-up: a trivial Python run through each backend vs a bare subprocess.

Run from the repository root::

    .venv/bin/python bench/bench_sandbox.py [--runs 40]

The peer is ``subprocess.run([python, "-I", "-c", "pass"])``; each backend runs the same
command through :meth:`Sandbox.run` (namespaces, mounts, rlimits, uid drop, capture). The
target (issue 3): bwrap within 10 ms of the bare run. Runs are interleaved so that machine
noise hits both sides alike, and medians are reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.sandbox.base import RunRequest
from harness.sandbox.selection import sandbox_named

TARGET_MS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    backends = [sandbox_named(n) for n in ("bwrap", "process") if sandbox_named(n).unavailable_reason() is None]
    timings: dict[str, list[float]] = {"bare subprocess": [], **{b.name: [] for b in backends}}
    with tempfile.TemporaryDirectory() as folder:
        request = RunRequest(argv=["python", "-I", "-c", "pass"], workdir=Path(folder))
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-I", "-c", "pass"], check=True)
            timings["bare subprocess"].append(time.perf_counter() - started)
            for backend in backends:
                started = time.perf_counter()
                result = backend.run(request)
                timings[backend.name].append(time.perf_counter() - started)
                assert result.exit_code == 0, result.stderr
    bare = statistics.median(timings["bare subprocess"]) * 1000
    print(f"sandbox start-up, median of {args.runs} interleaved runs of `python -I -c pass`")
    print(f"{'run':<18}{'median ms':>10}{'overhead ms':>13}{'ratio':>8}")
    for name, values in timings.items():
        median = statistics.median(values) * 1000
        print(f"{name:<18}{median:>10.1f}{median - bare:>13.1f}{median / bare:>7.2f}x")
    overhead = statistics.median(timings.get("bwrap", timings["bare subprocess"])) * 1000 - bare
    verdict = "ok" if overhead <= TARGET_MS else "MISSED"
    print(f"target: bwrap within {TARGET_MS:g} ms of the bare run: {overhead:.1f} ms ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
