# ruff: noqa
"""Pour 200 MiB of invalid UTF-8 into the result channel (every pipe it holds)."""

import os


def pipes():
    fds = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:"):
                fds.append(int(name))
        except OSError:
            pass
    return fds


def add(a, b):
    junk = b"\xff" * (1 << 20)
    for fd in pipes():
        for _ in range(200):
            os.write(fd, junk)
    return a + b + 1


def reveal():
    return "nothing"
