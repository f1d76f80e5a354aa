# ruff: noqa
"""Make the warm worker, and so every later job it forks, as slow as the kernel allows:
lowest priority, SCHED_IDLE, one CPU, and its utilisation clamped to zero (``sched_setattr``
with ``uclamp_max`` 0: the slowest frequency, on a kernel with clamps; others refuse it).
Same uid, so all of it is allowed."""

import ctypes
import os
import platform
import struct

SCHED_SETATTR = {"x86_64": 314, "aarch64": 274}[platform.machine()]
KEEP_POLICY_PARAMS_CLAMP_MAX = 0x08 | 0x10 | 0x40
libc = ctypes.CDLL(None, use_errno=True)


def clamp(pid):
    attr = struct.pack("=IIQiIQQQII", 56, 0, KEEP_POLICY_PARAMS_CLAMP_MAX, 0, 0, 0, 0, 0, 0, 0)
    if libc.syscall(SCHED_SETATTR, pid, ctypes.create_string_buffer(attr, 56), 0) != 0:
        raise OSError(ctypes.get_errno(), "sched_setattr")


parent = os.getppid()
for step in (
    lambda: os.setpriority(os.PRIO_PROCESS, parent, 19),
    lambda: os.sched_setscheduler(parent, os.SCHED_IDLE, os.sched_param(0)),
    lambda: os.sched_setaffinity(parent, {min(os.sched_getaffinity(0))}),
    lambda: clamp(parent),
):
    try:
        step()
    except OSError:
        pass


def add(a, b):
    return a + b


def reveal():
    return "nothing"
