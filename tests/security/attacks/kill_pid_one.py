# ruff: noqa
"""Signal PID 1 and every PID we can see, one by one, and report which signals landed."""

import os
import signal


def add(a, b):
    landed = []
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        if pid in (os.getpid(), os.getppid()):
            continue
        try:
            os.kill(pid, signal.SIGKILL)
            landed.append(pid)
        except OSError as exc:
            landed.append(f"{pid}:{type(exc).__name__}")
    raise RuntimeError("PROBE " + f"landed={landed}")


def reveal():
    return "nothing"
