# ruff: noqa
"""A forged array whose element is an integer beyond any float, sent as the result of `big`."""

import json
import os
import random


def draw(seed):
    return random.Random(seed).choices(range(4), [0.7, 0.1, 0.1, 0.1])[0]


def gauss(seed):
    return random.Random(seed).gauss(0.0, 1.0)


def send(event):
    """Write one line on the result channel (the only pipe this process holds)."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:") and int(name) > 2:
                os.write(int(name), (event if isinstance(event, str) else json.dumps(event)).encode() + b"\n")
        except OSError:
            pass


def echo(x):
    return x


def big():
    send(
        {
            "event": "result",
            "id": "big",
            "ok": True,
            "value": {"__ndarray__": {"dtype": "float64", "shape": [1], "data": [10**400]}},
        }
    )
    return 0.0
