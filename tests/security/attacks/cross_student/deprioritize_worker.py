# ruff: noqa
"""Make the warm worker, and so every later job it forks, as slow as the kernel allows:
lowest priority, SCHED_IDLE, one CPU. Same uid, so all of it is allowed."""

import os

parent = os.getppid()
for step in (
    lambda: os.setpriority(os.PRIO_PROCESS, parent, 19),
    lambda: os.sched_setscheduler(parent, os.SCHED_IDLE, os.sched_param(0)),
    lambda: os.sched_setaffinity(parent, {min(os.sched_getaffinity(0))}),
):
    try:
        step()
    except OSError:
        pass


def add(a, b):
    return a + b


def reveal():
    return "nothing"
