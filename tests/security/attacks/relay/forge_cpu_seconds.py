# ruff: noqa
"""Claim a CPU time of its own, in frames shaped like the zygote's closing frames (and in the
stub's events), on every pipe the job holds: none in the public job, which burns 0.3 s of
CPU, and 1,000 s in the hidden one, which burns none. A host that took the job's CPU time
from the job's bytes would report those figures."""

import json
import os
import struct
import time


def frame(payload):
    data = json.dumps(payload, separators=(",", ":")).encode()
    return struct.pack(">I", len(data)) + data


def forged(cpu):
    closing = {"timed_out": False, "wall_seconds": 0.0, "cpu_seconds": cpu, "exit_code": 0, "signal": None}
    line = json.dumps({"event": "done", "cpu_seconds": cpu}).encode() + b"\n"
    return line + b"".join(frame(dict(closing, id=f"job-{n}")) for n in range(1, 4))


def forge(cpu):
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:"):
                os.write(int(name), forged(cpu))
        except OSError:
            pass


def public(x):
    started = time.process_time()
    while time.process_time() - started < 0.3:
        pass
    forge(0.0)
    return x


def hidden(x):
    forge(1000.0)
    return x
