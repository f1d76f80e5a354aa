# ruff: noqa
"""Hold more memory than the job may have, in several processes that each stay under the
per-process address-space limit. Report how much was held at once: the children that said
they hold their share and were still alive afterwards."""

import json
import os
import time

CHILDREN, SHARE_MB = HOST.get("memory_children", (4, 300))
held_pipe_r, held_pipe_w = os.pipe()
pids = []
for _ in range(CHILDREN):
    pid = os.fork()
    if pid == 0:
        try:
            os.close(held_pipe_r)
            hoard = bytearray(SHARE_MB << 20)
            hoard[::4096] = b"\x01" * len(range(0, len(hoard), 4096))  # touch every page
            os.write(held_pipe_w, b"h")
            time.sleep(12)
        finally:
            os._exit(0)
    pids.append(pid)
os.close(held_pipe_w)
said = 0
deadline = time.monotonic() + 9  # first touches are slow on a busy VM: ~0.5 s per 300 MB alone
os.set_blocking(held_pipe_r, False)
while said < CHILDREN and time.monotonic() < deadline:
    try:
        said += len(os.read(held_pipe_r, 64))
    except BlockingIOError:
        time.sleep(0.05)
time.sleep(0.5)  # an OOM kill of a child that just reported lands now
alive = [pid for pid in pids if os.waitpid(pid, os.WNOHANG) == (0, 0)]
for pid in alive:
    os.kill(pid, 9)
REPORT = {"reported": said, "alive": len(alive), "held_mb": min(said, len(alive)) * SHARE_MB}


def add(a, b):
    raise RuntimeError("PROBE " + json.dumps(REPORT))


def reveal():
    return "nothing"
