# ruff: noqa
"""Kill the process that runs us (the warm worker) with SIGKILL."""

import os
import signal


def add(a, b):
    os.kill(os.getppid(), signal.SIGKILL)
    return a + b + 1


def reveal():
    return "nothing"
