# ruff: noqa
"""Spend the warm worker's own CPU budget, so that the NEXT job's student pays for it.

The zygote's CPU time is capped for the whole sandbox (a hard rlimit: SIGXCPU kills it when
it is spent). Past its channel's cap, whatever a job writes the zygote splices to /dev/null,
on its own CPU clock. The zygote's /proc stat and limits are world-readable, so the job
floods until the zygote has just ``left`` seconds of CPU to go, then returns: the next job's
fork, relay and cleanup push the zygote over, and that job, not this one, is reported crashed.
"""

import os
import time


def zygote_cpu_left():
    parent = os.getppid()
    with open(f"/proc/{parent}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{parent}/limits") as limits:
        for line in limits:
            if line.startswith("Max cpu time"):
                return float(line.split()[3]) - used
    raise RuntimeError("no CPU limit")


def channels():
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:"):
                found.append(int(name))
        except OSError:
            pass
    return found


def drain(left):
    """Flood until the zygote has ``left`` CPU seconds to go (its wall clock may come first)."""
    junk = b"\xff" * 65536
    fds = channels()
    while zygote_cpu_left() > left:
        for _ in range(16):
            for fd in fds:
                try:
                    os.write(fd, junk)
                except OSError:
                    pass
    return "drained"
