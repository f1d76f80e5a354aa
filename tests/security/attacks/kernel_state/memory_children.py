# ruff: noqa
"""Hold more memory than the job may have, in several processes that each stay under the
per-process address-space limit. Report how much was held at once: the children that said
they hold their share and were still alive afterwards."""

import json
import os
import select
import time

CHILDREN, SHARE_MB = HOST.get("memory_children", (4, 300))


def hold_a_share(write_fd):
    """In a child: take SHARE_MB, say so, and keep it until killed."""
    try:
        hoard = bytearray(SHARE_MB << 20)  # zero-filled: every page touched
        os.write(write_fd, b"h")
        time.sleep(30)
    finally:
        os._exit(0)


# One child at a time, each once the one before holds its share (or died): a cap is hit by
# the last ones, and no child waits on reclaim while all of them are still growing.
holders = []
for _ in range(CHILDREN):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        hold_a_share(write_fd)
    os.close(write_fd)
    ready, _, _ = select.select([read_fd], [], [], 4)
    if ready and os.read(read_fd, 1) == b"h":
        holders.append(pid)
    os.close(read_fd)
time.sleep(0.5)  # an OOM kill of a child that just reported lands now
alive = [pid for pid in holders if os.waitpid(pid, os.WNOHANG) == (0, 0)]
REPORT = {"reported": len(holders), "alive": len(alive), "held_mb": len(alive) * SHARE_MB}
for pid in alive:
    os.kill(pid, 9)


def add(a, b):
    raise RuntimeError("PROBE " + json.dumps(REPORT))


def reveal():
    return "nothing"
