# ruff: noqa
"""Report the scheduling this job inherited from the warm worker."""

import json
import os


def add(a, b):
    report = {
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "policy": os.sched_getscheduler(0),
        "cpus": len(os.sched_getaffinity(0)),
    }
    raise RuntimeError("PROBE " + json.dumps(report))


def reveal():
    return "nothing"
