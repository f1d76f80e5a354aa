# ruff: noqa
"""Leave a child behind that writes fake result events to the channel after the real ones
(the stub's `done` included), hoping the last word wins."""

import json
import os
import time


def channel_fds():
    fds = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:") and int(name) > 2:
                fds.append(int(name))
        except OSError:
            pass
    return fds


def reveal():
    if os.fork() == 0:
        time.sleep(0.3)  # by now the stub has sent every real result and `done`
        for fd in channel_fds():
            for test in ("add", "reveal"):
                event = {"event": "result", "id": test, "ok": True, "value": 5 if test == "add" else "x"}
                os.write(fd, (json.dumps(event) + "\n").encode())
            os.write(fd, b'{"event": "done"}\n')
        os._exit(0)
    return "nothing"


def add(a, b):
    return -1
