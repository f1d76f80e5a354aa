# ruff: noqa
"""While the first test runs, send a result for a later test (`big`, whose answer is known):
the real `big` returns garbage. A result out of turn must not stand."""

import json
import os
import random


def channel_fds():
    fds = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:") and int(name) > 2:
                fds.append(int(name))
        except OSError:
            pass
    return fds


def echo(x):
    line = json.dumps({"event": "result", "id": "big", "ok": True, "value": 1.5}) + "\n"
    for fd in channel_fds():
        os.write(fd, line.encode())
    return x


def draw(seed):
    return random.Random(seed).choices(range(4), [0.7, 0.1, 0.1, 0.1])[0]


def gauss(seed):
    return random.Random(seed).gauss(0.0, 1.0)


def big():
    return -1.0
